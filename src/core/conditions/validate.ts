import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { customFieldDefinitions } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import type { FieldError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import {
  type ConditionFields,
  type ConditionTarget,
  type CustomFieldDef,
  conditionFields,
  type FieldDef,
  type FieldEnv,
  type FieldType,
} from './condition-fields.js';
import { addDays, isValidDate, microsToDate, toDecimal, toMicros } from './condition-values.js';
import {
  type Condition,
  type ConditionLeaf,
  type ConditionOp,
  conditionShapeErrors,
  invalidCondition,
} from './conditions.schemas.js';

/** A constant after checking: text/enum/uuid/date as strings, numbers as canonical decimal strings,
 * timestamps as microseconds, booleans. `{days}` stays relative until evaluation time. */
export type Constant = string | boolean | bigint;
export type Operand = { kind: 'const'; value: Constant } | { kind: 'days'; days: number };

export type BoundLeaf = {
  kind: 'leaf';
  /** Where the leaf is in the input, e.g. `condition.all.0` (errors name `<path>.op` / `<path>.value`). */
  path: string;
  field: FieldDef;
  op: ConditionOp;
  operands: Operand[];
};
export type BoundNode =
  | { kind: 'all' | 'any'; items: BoundNode[] }
  | { kind: 'not'; item: BoundNode }
  | BoundLeaf;

/** A condition checked against an entity's fields, ready for `evaluateCondition` and `compileCondition`. */
export type BoundCondition = {
  entity: ConditionTarget;
  /** The condition as given (valid JSON, safe to store). */
  condition: Condition;
  root: BoundNode;
  usesChangedTo: boolean;
};

const ORDERED: ConditionOp[] = ['gt', 'gte', 'lt', 'lte', 'between'];
const EQUALITY: ConditionOp[] = ['eq', 'neq', 'in', 'nin', 'is_empty', 'is_not_empty', 'changed_to'];

/** Which operators each field type takes. */
export const OPS_BY_TYPE: Record<FieldType, readonly ConditionOp[]> = {
  text: [...EQUALITY, ...ORDERED, 'contains', 'starts_with'],
  number: [...EQUALITY, ...ORDERED],
  date: [...EQUALITY, ...ORDERED],
  timestamp: [...EQUALITY, ...ORDERED],
  boolean: EQUALITY,
  enum: EQUALITY,
  uuid: EQUALITY,
  array: ['contains', 'in', 'nin', 'is_empty', 'is_not_empty'],
};

const TYPE_NAMES: Record<FieldType, string> = {
  text: 'a text',
  number: 'a number',
  date: 'a date',
  timestamp: 'a timestamp',
  boolean: 'a yes/no',
  enum: 'a choice',
  uuid: 'an id',
  array: 'a multi-choice',
};

/** Strict ISO 8601 for timestamp constants: an offset is required when a time is given. */
const TIMESTAMP_RE =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2}))?$/;
const MIN_US = toMicros('0001-01-02T00:00:00Z')!;
const MAX_US = toMicros('9999-12-30T00:00:00Z')!;

const isDays = (v: unknown): v is { days: number } =>
  typeof v === 'object' && v !== null && 'days' in v && typeof (v as { days: unknown }).days === 'number';

/** Checks one constant against the field type; returns the operand or the reason it does not fit. */
function operand(f: FieldDef, v: unknown, elementOfArray: boolean): Operand | string {
  const type = f.type;
  if (isDays(v)) {
    if (type === 'date' || type === 'timestamp') return { kind: 'days', days: v.days };
    return `{"days": n} only fits date and timestamp fields; ${f.name} is ${TYPE_NAMES[type]} field`;
  }
  const c = (value: Constant): Operand => ({ kind: 'const', value });
  const oneOf = (s: string) =>
    !f.options || f.options.includes(s) ? c(s) : `must be one of ${f.options.join(', ')}`;
  switch (type) {
    case 'text':
      return typeof v === 'string' ? c(f.normalize ? f.normalize(v) : v) : 'must be text';
    case 'enum':
      return typeof v === 'string' ? oneOf(v) : 'must be text';
    case 'array':
      return typeof v === 'string' ? oneOf(v) : elementOfArray ? 'must be text' : 'must be text (one option)';
    case 'uuid':
      return typeof v === 'string' && isUuid(v) ? c(v.toLowerCase()) : 'must be a UUID';
    case 'number': {
      const d = toDecimal(v);
      return d === null ? 'must be a number (or a decimal string such as "1234.50")' : c(d);
    }
    case 'boolean':
      return typeof v === 'boolean' ? c(v) : 'must be true or false';
    case 'date':
      return typeof v === 'string' && isValidDate(v) ? c(v) : 'must be a date (YYYY-MM-DD) or {"days": n}';
    case 'timestamp': {
      const us = typeof v === 'string' && TIMESTAMP_RE.test(v) ? toMicros(v) : null;
      if (us === null)
        return 'must be an ISO timestamp with an offset (2024-05-01T09:00:00Z), a date (YYYY-MM-DD) or {"days": n}';
      if (us < MIN_US || us > MAX_US) return 'must be between the years 1 and 9999';
      return c(us);
    }
  }
}

export type BindOptions = {
  /** Prefix of error fields; `condition` by default (a rule body might use `conditions`). */
  path?: string;
  /** False for conditions that must compile to SQL (views, reports): refuses `changed_to` up front. */
  allowChangedTo?: boolean;
};

/**
 * Checks an untrusted condition against an entity's fields: the shape, that every field exists, that
 * each operator fits its field's type and that each value fits both. Throws one 422 AppError listing
 * every problem (`{field: 'condition.all.0.value', reason}`), or returns the bound condition.
 */
export function bindCondition(
  fields: ConditionFields,
  input: unknown,
  opts: BindOptions = {},
): BoundCondition {
  const prefix = opts.path ?? 'condition';
  const shape = conditionShapeErrors(input);
  if (shape.length > 0)
    throw invalidCondition(shape.map((e) => ({ ...e, field: e.field ? `${prefix}.${e.field}` : prefix })));
  const errors: FieldError[] = [];
  let usesChangedTo = false;

  const bindLeaf = (leaf: ConditionLeaf, path: string): BoundLeaf | null => {
    const f = fields.resolve(leaf.field);
    if (typeof f === 'string') {
      errors.push({ field: `${path}.field`, reason: `${leaf.field} ${f}` });
      return null;
    }
    if (!OPS_BY_TYPE[f.type].includes(leaf.op)) {
      errors.push({
        field: `${path}.op`,
        reason: `${leaf.op} does not apply to ${leaf.field} (${TYPE_NAMES[f.type]} field); use one of ${OPS_BY_TYPE[f.type].join(', ')}`,
      });
      return null;
    }
    if (leaf.op === 'changed_to') {
      usesChangedTo = true;
      if (opts.allowChangedTo === false) {
        errors.push({
          field: `${path}.op`,
          reason: 'changed_to only works in event rules (it compares with the previous record)',
        });
        return null;
      }
    }
    const values = leaf.value === undefined ? [] : Array.isArray(leaf.value) ? leaf.value : [leaf.value];
    const operands: Operand[] = [];
    values.forEach((v, i) => {
      const o = operand(f, v, Array.isArray(leaf.value));
      if (typeof o === 'string')
        errors.push({ field: Array.isArray(leaf.value) ? `${path}.value.${i}` : `${path}.value`, reason: o });
      else operands.push(o);
    });
    return { kind: 'leaf', path, field: f, op: leaf.op, operands };
  };

  const bind = (node: Condition, path: string): BoundNode | null => {
    if ('all' in node) return { kind: 'all', items: bindList(node.all, `${path}.all`) };
    if ('any' in node) return { kind: 'any', items: bindList(node.any, `${path}.any`) };
    if ('not' in node) {
      const item = bind(node.not, `${path}.not`);
      return item && { kind: 'not', item };
    }
    return bindLeaf(node, path);
  };
  const bindList = (items: Condition[], path: string) =>
    items.map((c, i) => bind(c, `${path}.${i}`)).filter((n): n is BoundNode => n !== null);

  const root = bind(input as Condition, prefix);
  if (errors.length > 0 || !root) throw invalidCondition(errors);
  return { entity: fields.entity, condition: input as Condition, root, usesChangedTo };
}

/** The workspace's custom field definitions (archived ones too: their values stay, rules keep working). */
export async function loadCustomFieldDefs(db: Db, ctx: Ctx): Promise<CustomFieldDef[]> {
  return db
    .select({
      entity: customFieldDefinitions.entity,
      key: customFieldDefinitions.key,
      type: customFieldDefinitions.type,
      options: customFieldDefinitions.options,
    })
    .from(customFieldDefinitions)
    .where(eq(customFieldDefinitions.workspaceId, ctx.workspaceId));
}

/** The field registry of an entity in the caller's workspace. */
export async function loadConditionFields(
  db: Db,
  ctx: Ctx,
  entity: ConditionTarget,
): Promise<ConditionFields> {
  return conditionFields(entity, await loadCustomFieldDefs(db, ctx));
}

/** `bindCondition` against the workspace's fields (custom fields included). */
export async function validateCondition(
  db: Db,
  ctx: Ctx,
  entity: ConditionTarget,
  input: unknown,
  opts: BindOptions = {},
): Promise<BoundCondition> {
  return bindCondition(await loadConditionFields(db, ctx, entity), input, opts);
}

// ---- shared by both evaluators ----

/** `now` as microseconds (the current time when absent). */
export function nowEnv(now: Date | string | undefined): FieldEnv {
  const us = toMicros(now ?? new Date());
  if (us === null) throw new Error(`now is not a valid instant: ${String(now)}`);
  return { nowMicros: us };
}

/** A `{days}` operand becomes the date (UTC) or instant that many days from now. */
export function resolveOperand(type: FieldType, o: Operand, env: FieldEnv): Constant {
  if (o.kind === 'const') return o.value;
  const at = addDays(env.nowMicros, o.days);
  return type === 'date' ? microsToDate(at) : at;
}
