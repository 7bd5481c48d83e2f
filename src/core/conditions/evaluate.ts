import type { ConditionRecord, FieldEnv, FieldType } from './condition-fields.js';
import {
  compareDecimal,
  compareText,
  foldAscii,
  microsToDate,
  toDecimal,
  toMicros,
} from './condition-values.js';
import {
  type BoundCondition,
  type BoundLeaf,
  type BoundNode,
  type Constant,
  nowEnv,
  resolveOperand,
} from './validate.js';

/**
 * The in-memory evaluator. Semantics (identical to compile-sql.ts; see ADR 007):
 * - A missing value (null, undefined, or a custom value of the wrong JSON type) satisfies no positive
 *   operator; `neq`, `nin` and `is_empty` are the exact negations of `eq`, `in` and `is_not_empty`, so
 *   they hold for it.
 * - Text: eq/in/gt/… compare exactly, in code-point order (COLLATE "C"); contains/starts_with ignore
 *   ASCII case only. Empty: null, '' or [].
 * - Numbers are exact decimals; dates compare as dates; timestamps as instants (microseconds).
 * - changed_to: the value equals now and did not equal in `previous` (no previous: a new record).
 */
export type EvaluateOptions = {
  /** The instant windows (`last_7d`) and relative dates (`{days}`) are measured from. */
  now?: Date | string;
  /** The record before the change, for `changed_to` in event rules. */
  previous?: ConditionRecord | null;
};

type Value = string | boolean | bigint | unknown[] | null;

/** A raw record value as the field's type sees it; anything of another type is missing (null). */
export function normalizeValue(type: FieldType, raw: unknown): Value {
  switch (type) {
    case 'text':
    case 'enum':
      return typeof raw === 'string' ? raw : null;
    case 'uuid':
      return typeof raw === 'string' ? raw.toLowerCase() : null;
    case 'number':
      return toDecimal(raw);
    case 'boolean':
      return typeof raw === 'boolean' ? raw : null;
    case 'date': {
      if (raw instanceof Date) {
        const us = toMicros(raw);
        return us === null ? null : microsToDate(us);
      }
      return typeof raw === 'string' && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(raw) ? raw : null;
    }
    case 'timestamp':
      return toMicros(raw);
    case 'array':
      return Array.isArray(raw) ? raw : null;
  }
}

function compare(type: FieldType, a: Value, b: Constant): number {
  if (type === 'number') return compareDecimal(a as string, b as string);
  if (type === 'timestamp') return a === b ? 0 : (a as bigint) < (b as bigint) ? -1 : 1;
  return compareText(a as string, b as string);
}

const equals = (type: FieldType, a: Value, b: Constant) =>
  a !== null && (type === 'number' ? compareDecimal(a as string, b as string) === 0 : a === b);

const isEmpty = (x: Value) => x === null || x === '' || (Array.isArray(x) && x.length === 0);

function leafHolds(
  leaf: BoundLeaf,
  rec: ConditionRecord,
  env: FieldEnv,
  previous: ConditionRecord | null,
): boolean {
  const f = leaf.field;
  const x = normalizeValue(f.type, f.get(rec, env));
  const c = leaf.operands.map((o) => resolveOperand(f.type, o, env));
  const arr = f.type === 'array';
  switch (leaf.op) {
    case 'eq':
      return equals(f.type, x, c[0]!);
    case 'neq':
      return !equals(f.type, x, c[0]!);
    case 'in':
    case 'nin': {
      const hit = arr
        ? x !== null && (x as unknown[]).some((e) => c.includes(e as string))
        : c.some((v) => equals(f.type, x, v));
      return leaf.op === 'in' ? hit : !hit;
    }
    case 'gt':
      return x !== null && compare(f.type, x, c[0]!) > 0;
    case 'gte':
      return x !== null && compare(f.type, x, c[0]!) >= 0;
    case 'lt':
      return x !== null && compare(f.type, x, c[0]!) < 0;
    case 'lte':
      return x !== null && compare(f.type, x, c[0]!) <= 0;
    case 'between':
      return x !== null && compare(f.type, x, c[0]!) >= 0 && compare(f.type, x, c[1]!) <= 0;
    case 'contains':
      if (x === null) return false;
      return arr
        ? (x as unknown[]).includes(c[0])
        : foldAscii(x as string).includes(foldAscii(c[0] as string));
    case 'starts_with':
      return x !== null && foldAscii(x as string).startsWith(foldAscii(c[0] as string));
    case 'is_empty':
      return isEmpty(x);
    case 'is_not_empty':
      return !isEmpty(x);
    case 'changed_to': {
      const before = previous ? normalizeValue(f.type, f.get(previous, env)) : null;
      return equals(f.type, x, c[0]!) && !equals(f.type, before, c[0]!);
    }
  }
}

function holds(n: BoundNode, rec: ConditionRecord, env: FieldEnv, previous: ConditionRecord | null): boolean {
  switch (n.kind) {
    case 'all':
      return n.items.every((i) => holds(i, rec, env, previous));
    case 'any':
      return n.items.some((i) => holds(i, rec, env, previous));
    case 'not':
      return !holds(n.item, rec, env, previous);
    default:
      return leafHolds(n, rec, env, previous);
  }
}

/** Whether one record (shape: `ConditionRecord`, as `loadConditionRecord` builds it) meets the condition. */
export function evaluateCondition(
  bound: BoundCondition,
  record: ConditionRecord,
  opts: EvaluateOptions = {},
): boolean {
  return holds(bound.root, record, nowEnv(opts.now), opts.previous ?? null);
}
