import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import { AppError, type FieldError } from '../shared/errors.js';
import { containsPattern } from '../shared/like.js';
import {
  CUSTOM_PARAM_RE,
  type ListQuery,
  type ListSpec,
  parseSort,
  type SortSpec,
} from '../shared/list-query.js';
import { countryOf } from '../workspaces/workspace-settings.js';
import type { CustomFieldEntity } from './custom-fields.schemas.js';
import { checkValue, type FieldDef, loadDefinitions } from './custom-values.js';

/** Where a list's custom values live: its own `custom` column, and for leads the contact's too. */
export type CustomListTarget = {
  entity: CustomFieldEntity;
  column: AnyColumn;
  /** Inherited fields (a lead's contact-level fields), reached through a join the list already has. */
  inherited?: { entity: CustomFieldEntity; column: AnyColumn };
};

const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'empty'] as const;
type Op = (typeof OPS)[number];
const ORDERED = new Set(['number', 'money', 'date']);
const TEXTUAL = new Set(['text', 'url', 'email', 'phone', 'select']);

type Resolved = { def: FieldDef; column: AnyColumn };

/** The value of a field as a comparable SQL expression: numbers, money and dates become numeric. */
function valueExpr({ def, column }: Resolved): SQL {
  const text = sql`(${column} ->> ${def.key})`;
  switch (def.type) {
    case 'number':
      return sql`(case when jsonb_typeof(${column} -> ${def.key}) = 'number' then ${text}::numeric end)`;
    case 'money':
      return sql`(case when ${text} ~ '^-?[0-9]+(\\.[0-9]+)?$' then ${text}::numeric end)`;
    case 'date':
      // YYYY-MM-DD as the number YYYYMMDD: sorts by date, and the cursor carries a plain number.
      return sql`(case when ${text} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then replace(${text}, '-', '')::numeric end)`;
    case 'boolean':
      return sql`(case ${column} -> ${def.key} when 'true'::jsonb then 1 when 'false'::jsonb then 0 end)`;
    default:
      return sql`lower(${text})`;
  }
}

/**
 * The sort of `custom.<key>`, for the direction asked: empty values last both ways (a sentinel beyond
 * every value, so keyset pagination over `(key, id)` stays exact). Text sorts bytewise (collation "C").
 */
function sortSpec(r: Resolved, desc: boolean): SortSpec {
  const v = valueExpr(r);
  if (r.def.type === 'number' || r.def.type === 'money' || r.def.type === 'date' || r.def.type === 'boolean')
    return {
      expr: desc ? sql`coalesce(${v}, '-Infinity'::numeric)` : sql`coalesce(${v}, 'Infinity'::numeric)`,
      type: 'number',
    };
  const text = r.def.type === 'multiselect' ? sql`lower((${r.column} -> ${r.def.key})::text)` : v;
  return {
    expr: desc
      ? sql`(coalesce(${text}, '') collate "C")`
      : sql`(coalesce(${text}, chr(1114111)) collate "C")`,
    type: 'text',
  };
}

const contains = (column: AnyColumn, key: string, value: unknown): SQL =>
  sql`${column} @> ${JSON.stringify({ [key]: value })}::jsonb`;

function condition(r: Resolved, op: Op, raw: string, param: string, country: string): SQL {
  const { def, column } = r;
  const bad = (reason: string) =>
    new AppError('validation_failed', `${param} ${reason}`, [{ field: param, reason }]);
  if (op === 'empty') {
    if (raw !== 'true' && raw !== 'false') throw bad('must be true or false');
    return raw === 'true'
      ? sql`(${column} -> ${def.key}) is null`
      : sql`(${column} -> ${def.key}) is not null`;
  }
  if (op === 'contains') {
    if (!TEXTUAL.has(def.type)) throw bad(`[contains] works on text fields, not ${def.type}`);
    const like = containsPattern(raw.toLowerCase());
    return sql`lower(${column} ->> ${def.key}) like ${like}`;
  }
  const values = op === 'eq' || op === 'ne' ? raw.split(',').map((s) => s.trim()) : [raw.trim()];
  if (values.some((v) => v === '')) throw bad('needs a value');
  /** The filter value in stored form (numbers parsed, phones to E.164, options checked). */
  const typed = values.map((v) => {
    const input: unknown =
      def.type === 'boolean'
        ? v === 'true'
          ? true
          : v === 'false'
            ? false
            : v
        : def.type === 'multiselect'
          ? [v]
          : v;
    const c = checkValue(def, input, country);
    if ('reason' in c) throw bad(c.reason);
    return def.type === 'multiselect' ? (c.value as string[])[0] : c.value;
  });
  if (op === 'eq' || op === 'ne') {
    let eq: SQL;
    if (def.type === 'number' || def.type === 'money')
      eq = sql`${valueExpr(r)} in (${sql.join(
        typed.map((v) => sql`${String(v)}::numeric`),
        sql`, `,
      )})`;
    else if (def.type === 'email')
      eq = sql`lower(${column} ->> ${def.key}) in (${sql.join(
        typed.map((v) => sql`${String(v).toLowerCase()}`),
        sql`, `,
      )})`;
    else {
      // Containment: served by the GIN (jsonb_path_ops) index on the custom column.
      const parts = typed.map((v) => contains(column, def.key, def.type === 'multiselect' ? [v] : v));
      eq = parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` or `)})`;
    }
    return op === 'eq' ? eq : sql`not coalesce(${eq}, false)`;
  }
  if (!ORDERED.has(def.type)) throw bad(`[${op}] works on number, money and date fields, not ${def.type}`);
  const cmp = { gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` }[op];
  const v = typed[0]!;
  const rhs = def.type === 'date' ? sql`${String(v).replace(/-/g, '')}::numeric` : sql`${String(v)}::numeric`;
  return sql`${valueExpr(r)} ${cmp} ${rhs}`;
}

/**
 * Resolves a list query's custom field filters and sort against the workspace's definitions: returns
 * the spec to page with (the custom sort added) and the extra WHERE conditions. Unknown keys and bad
 * operators or values are refused with 422 naming the parameter. Nothing is loaded when the query has
 * no custom parameter.
 */
export async function customListParts(
  db: Db,
  ctx: Ctx,
  spec: ListSpec,
  target: CustomListTarget,
  query: ListQuery,
): Promise<{ spec: ListSpec; where: SQL[] }> {
  const params = Object.keys(query).filter((k) => CUSTOM_PARAM_RE.test(k));
  const { field: sortField, desc } = parseSort(query.sort);
  const customSort = /^(custom|cf)\./.test(sortField);
  if (params.length === 0 && !customSort) return { spec, where: [] };

  const own = await loadDefinitions(db, ctx, target.entity);
  const inherited = target.inherited ? await loadDefinitions(db, ctx, target.inherited.entity) : [];
  const resolve = (key: string): Resolved | undefined => {
    const d = own.find((x) => x.key === key);
    if (d) return { def: d, column: target.column };
    const i = inherited.find((x) => x.key === key);
    return i && target.inherited ? { def: i, column: target.inherited.column } : undefined;
  };
  const level = target.inherited ? `${target.entity} or ${target.inherited.entity}` : target.entity;
  const errors: FieldError[] = [];
  const where: SQL[] = [];
  const country = await countryOf(db, ctx);
  for (const param of params) {
    const [, key, op = 'eq'] = CUSTOM_PARAM_RE.exec(param)!;
    const r = resolve(key!);
    if (!r) {
      errors.push({ field: param, reason: `${key} is not a custom field of ${level}s` });
      continue;
    }
    if (!(OPS as readonly string[]).includes(op)) {
      errors.push({ field: param, reason: `[${op}] is not an operator; use one of ${OPS.join(', ')}` });
      continue;
    }
    try {
      where.push(condition(r, op as Op, String(query[param]), param, country));
    } catch (e) {
      if (e instanceof AppError) errors.push(...e.errors);
      else throw e;
    }
  }
  let out = spec;
  if (customSort) {
    const key = sortField.replace(/^(custom|cf)\./, '');
    const r = resolve(key);
    if (!r) errors.push({ field: 'sort', reason: `${key} is not a custom field of ${level}s` });
    else out = { ...spec, sorts: { ...spec.sorts, [sortField]: sortSpec(r, desc) } };
  }
  if (errors.length)
    throw new AppError('validation_failed', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), errors);
  return { spec: out, where };
}
