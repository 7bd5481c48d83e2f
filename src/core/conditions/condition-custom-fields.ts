import { sql } from 'drizzle-orm';
import {
  CAST,
  type ConditionRecord,
  type CustomFieldDef,
  type FieldDef,
  type FieldType,
  jsonText,
  type RootTable,
  strOrNull,
} from './condition-field-types.js';
import { DATE_RE, DATE_SQL_RE, DECIMAL_SQL_RE } from './condition-values.js';

const CUSTOM_TYPES: Record<string, FieldType> = {
  text: 'text',
  url: 'text',
  email: 'text',
  phone: 'text',
  number: 'number',
  money: 'number',
  date: 'date',
  boolean: 'boolean',
  select: 'enum',
  multiselect: 'array',
};

/**
 * A custom field read from the `custom` jsonb. Only a value of the field's JSON type counts; any other
 * value is treated as missing, identically in memory and in SQL:
 * text/select: a string; number/money: a number or a decimal string; date: a "YYYY-MM-DD" string
 * (compared as text, which orders such dates correctly); boolean: true/false; multiselect: an array.
 */
export function customField(def: CustomFieldDef): FieldDef {
  const type = CUSTOM_TYPES[def.type] ?? 'text';
  const key = def.key;
  const raw = (t: RootTable) => sql`(${t.custom} -> ${key}::text)`;
  const customValueOf = (r: ConditionRecord) => {
    const c = r.custom;
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>)[key] : undefined;
  };
  const base = {
    name: `custom.${key}`,
    type,
    options: def.options?.map((o) => o.value),
    nullable: true,
    plain: false,
    cast: type === 'date' ? ('' as const) : CAST[type],
    textOrder: type === 'text' || type === 'enum' || type === 'date',
  };
  switch (type) {
    case 'number':
      return {
        ...base,
        get: customValueOf,
        sql: (t) =>
          sql`(case jsonb_typeof(${raw(t)}) when 'number' then (${raw(t)})::numeric when 'string' then (case when (${raw(t)} #>> '{}') ~ ${sql.raw(`'${DECIMAL_SQL_RE}'`)} then (${raw(t)} #>> '{}')::numeric end) end)`,
      };
    case 'date':
      return {
        ...base,
        get: (r) => {
          const v = customValueOf(r);
          return typeof v === 'string' && DATE_RE.test(v) ? v : null;
        },
        sql: (t) =>
          sql`(case when jsonb_typeof(${raw(t)}) = 'string' and (${raw(t)} #>> '{}') ~ ${sql.raw(`'${DATE_SQL_RE}'`)} then ${raw(t)} #>> '{}' end)`,
      };
    case 'boolean':
      return {
        ...base,
        get: customValueOf,
        sql: (t) => sql`(case when jsonb_typeof(${raw(t)}) = 'boolean' then (${raw(t)})::boolean end)`,
        container: { column: (t) => sql`${t.custom}`, key },
      };
    case 'array':
      return {
        ...base,
        get: (r) => {
          const v = customValueOf(r);
          return Array.isArray(v) ? v : null;
        },
        sql: (t) => sql`(case when jsonb_typeof(${raw(t)}) = 'array' then ${raw(t)} end)`,
        container: { column: (t) => sql`${t.custom}`, key },
      };
    default:
      return {
        ...base,
        get: (r) => strOrNull(customValueOf(r)),
        sql: (t) => jsonText(raw(t)),
        container: { column: (t) => sql`${t.custom}`, key },
      };
  }
}
