import { z } from 'zod';
import { AppError, type FieldError } from '../shared/errors.js';
import { isStorableText } from './condition-values.js';

/**
 * The condition language (SPEC 9): `{all:[…]}`, `{any:[…]}`, `{not: …}` and leaves
 * `{field, op, value?}`. This file is its shape; which fields exist and which ops and values fit them
 * is checked against a workspace by `bindCondition` (validate.ts).
 */

export const CONDITION_OPS = [
  'eq',
  'neq',
  'in',
  'nin',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'contains',
  'starts_with',
  'is_empty',
  'is_not_empty',
  'changed_to',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** A date or timestamp relative to `now`: `{days: -7}` is a week ago (UTC). */
export type RelativeDate = { days: number };
export type ConditionScalar = string | number | boolean | RelativeDate;
export type ConditionValue = ConditionScalar | ConditionScalar[];
export type ConditionLeaf = { field: string; op: ConditionOp; value?: ConditionValue };
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | ConditionLeaf;

/** Bounds that keep hostile input from exhausting the stack, the CPU or the SQL parser. */
export const CONDITION_LIMITS = {
  /** Nesting of all/any/not. */
  maxDepth: 12,
  /** Nodes in the whole tree (groups and leaves). */
  maxNodes: 500,
  /** Values of one in/nin list. */
  maxListValues: 500,
  maxStringLength: 1000,
  maxDays: 36_500,
};

const FIELD_RE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+){0,3}$/;
const NO_VALUE_OPS = new Set<ConditionOp>(['is_empty', 'is_not_empty']);
const LIST_OPS = new Set<ConditionOp>(['in', 'nin']);
const OPS = new Set<string>(CONDITION_OPS);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one scalar value; returns the reason it is refused, or null. */
function scalarProblem(v: unknown): string | null {
  if (typeof v === 'string') {
    if (v.length > CONDITION_LIMITS.maxStringLength)
      return `must be at most ${CONDITION_LIMITS.maxStringLength} characters`;
    if (!isStorableText(v)) return 'must be valid text (no NUL characters or unpaired surrogates)';
    return null;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? null : 'must be a finite number';
  if (typeof v === 'boolean') return null;
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length !== 1 || keys[0] !== 'days')
      return 'an object value must be {"days": n} (a date relative to now)';
    const d = v.days;
    if (typeof d !== 'number' || !Number.isInteger(d) || Math.abs(d) > CONDITION_LIMITS.maxDays)
      return `days must be an integer between -${CONDITION_LIMITS.maxDays} and ${CONDITION_LIMITS.maxDays}`;
    return null;
  }
  return 'must be a string, number, boolean or {"days": n}';
}

/**
 * Structural check of untrusted input, iterative (an explicit stack, so depth cannot overflow the JS
 * stack) and bounded (it stops at the first limit it exceeds). Paths are relative to the condition.
 */
export function conditionShapeErrors(input: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { node: unknown; path: (string | number)[]; depth: number }[] = [
    { node: input, path: [], depth: 1 },
  ];
  let nodes = 0;
  const at = (path: (string | number)[], ...more: (string | number)[]) => [...path, ...more].join('.');
  while (stack.length > 0 && errors.length < 50) {
    const { node, path, depth } = stack.pop()!;
    if (++nodes > CONDITION_LIMITS.maxNodes) {
      errors.push({
        field: at(path),
        reason: `the condition has more than ${CONDITION_LIMITS.maxNodes} parts`,
      });
      break;
    }
    if (depth > CONDITION_LIMITS.maxDepth) {
      errors.push({ field: at(path), reason: `nests deeper than ${CONDITION_LIMITS.maxDepth} levels` });
      break;
    }
    if (!isObject(node)) {
      errors.push({
        field: at(path),
        reason: 'must be an object: {all}, {any}, {not} or {field, op, value}',
      });
      continue;
    }
    const keys = Object.keys(node);
    const group = keys.find((k) => k === 'all' || k === 'any' || k === 'not');
    if (group) {
      if (keys.length !== 1) {
        errors.push({ field: at(path), reason: `a {${group}} group must have no other keys` });
        continue;
      }
      if (group === 'not') {
        stack.push({ node: node.not, path: [...path, 'not'], depth: depth + 1 });
        continue;
      }
      const items = node[group];
      if (!Array.isArray(items)) {
        errors.push({ field: at(path, group), reason: 'must be a list of conditions' });
        continue;
      }
      if (items.length > CONDITION_LIMITS.maxNodes) {
        errors.push({
          field: at(path, group),
          reason: `must have at most ${CONDITION_LIMITS.maxNodes} conditions`,
        });
        break;
      }
      for (let i = items.length - 1; i >= 0; i--)
        stack.push({ node: items[i], path: [...path, group, i], depth: depth + 1 });
      continue;
    }
    // A leaf.
    const unknown = keys.filter((k) => k !== 'field' && k !== 'op' && k !== 'value');
    if (unknown.length > 0) {
      errors.push({
        field: at(path, unknown[0]!),
        reason: 'is not a known key (a condition is {all}, {any}, {not} or {field, op, value})',
      });
      continue;
    }
    const { field, op, value } = node;
    if (typeof field !== 'string' || !FIELD_RE.test(field) || field.length > 200)
      errors.push({
        field: at(path, 'field'),
        reason: 'must be a field name such as "source", "contact.country" or "custom.budget"',
      });
    if (typeof op !== 'string' || !OPS.has(op)) {
      errors.push({ field: at(path, 'op'), reason: `must be one of ${CONDITION_OPS.join(', ')}` });
      continue;
    }
    const o = op as ConditionOp;
    if (NO_VALUE_OPS.has(o)) {
      if ('value' in node) errors.push({ field: at(path, 'value'), reason: `${o} takes no value` });
      continue;
    }
    if (!('value' in node) || value === null || value === undefined) {
      errors.push({ field: at(path, 'value'), reason: `${o} needs a value` });
      continue;
    }
    if (LIST_OPS.has(o) || o === 'between') {
      if (!Array.isArray(value)) {
        errors.push({
          field: at(path, 'value'),
          reason: o === 'between' ? 'between needs [low, high]' : `${o} needs a list of values`,
        });
        continue;
      }
      if (o === 'between' && value.length !== 2) {
        errors.push({ field: at(path, 'value'), reason: 'between needs exactly two values: [low, high]' });
        continue;
      }
      if (value.length === 0 || value.length > CONDITION_LIMITS.maxListValues) {
        errors.push({
          field: at(path, 'value'),
          reason: `${o} needs 1 to ${CONDITION_LIMITS.maxListValues} values`,
        });
        continue;
      }
      value.forEach((v, i) => {
        const p = scalarProblem(v);
        if (p) errors.push({ field: at(path, 'value', i), reason: p });
      });
      continue;
    }
    if (Array.isArray(value)) {
      errors.push({ field: at(path, 'value'), reason: `${o} takes one value, not a list` });
      continue;
    }
    const p = scalarProblem(value);
    if (p) errors.push({ field: at(path, 'value'), reason: p });
  }
  return errors;
}

const zRelativeDate = z
  .strictObject({ days: z.number().int().min(-CONDITION_LIMITS.maxDays).max(CONDITION_LIMITS.maxDays) })
  .describe('A date relative to now, in days (negative: past)');
const zScalar = z.union([z.string(), z.number(), z.boolean(), zRelativeDate]);

const conditionNode: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionNode).describe('Every condition holds (an empty list holds)') }),
    z.strictObject({ any: z.array(conditionNode).describe('At least one condition holds') }),
    z.strictObject({ not: conditionNode }),
    z.strictObject({
      field: z
        .string()
        .describe('e.g. source, contact.country, custom.budget, activities.email_opened.last_7d'),
      op: z.enum(CONDITION_OPS),
      value: z.union([zScalar, z.array(zScalar)]).optional(),
    }),
  ]),
) as z.ZodType<Condition>;

/**
 * The zod schema of a condition, for request contracts. The structural check runs first, iteratively,
 * with readable reasons; the recursive schema then only ever sees bounded, well-formed input.
 */
export const conditionSchema = z
  .preprocess((input, ctx) => {
    for (const e of conditionShapeErrors(input))
      ctx.addIssue({
        code: 'custom',
        message: e.reason,
        path: e.field ? e.field.split('.').map((p) => (/^[0-9]+$/.test(p) ? Number(p) : p)) : [],
        input,
      });
    return input;
  }, conditionNode)
  .describe(
    'A condition: {"all":[…]}, {"any":[…]}, {"not":…} or {"field","op","value"}. Ops: eq, neq, in, nin, gt, gte, lt, lte, between, contains, starts_with, is_empty, is_not_empty, changed_to.',
  );

const joinPath = (prefix: string, rel: string) => (rel ? `${prefix}.${rel}` : prefix);

/** Parses untrusted input into a Condition or throws a 422 AppError naming each bad part. */
export function parseCondition(input: unknown, path = 'condition'): Condition {
  const errors = conditionShapeErrors(input);
  if (errors.length > 0)
    throw invalidCondition(errors.map((e) => ({ ...e, field: joinPath(path, e.field) })));
  return input as Condition;
}

export function invalidCondition(errors: FieldError[]): AppError {
  const first = errors[0]!;
  return new AppError(
    'validation_failed',
    `The condition is not valid: ${first.field}: ${first.reason}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
    errors,
  );
}
