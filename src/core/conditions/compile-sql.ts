import { type SQL, sql } from 'drizzle-orm';
import type { FieldError } from '../shared/errors.js';
import { escapeLike } from '../shared/like.js';
import { type FieldEnv, type RootTable, tableOf } from './condition-fields.js';
import { foldAscii, microsToIso } from './condition-values.js';
import { invalidCondition } from './conditions.schemas.js';
import {
  type BoundCondition,
  type BoundLeaf,
  type BoundNode,
  type Constant,
  nowEnv,
  resolveOperand,
} from './validate.js';

export type CompileOptions = {
  /** The instant windows (`last_7d`) and relative dates (`{days}`) are measured from. */
  now?: Date | string;
  /** The entity's table as the surrounding query names it (an `alias(leads, 'l')`); the table itself by default. */
  table?: RootTable;
};

const INT4 = 2_147_483_647;

function leafSql(leaf: BoundLeaf, root: RootTable, env: FieldEnv): SQL {
  const f = leaf.field;
  const e = f.sql(root, env);
  const consts = leaf.operands.map((o) => resolveOperand(f.type, o, env));
  const param = (v: Constant): SQL => {
    if (f.integer && typeof v === 'string' && /^-?[0-9]+$/.test(v) && Math.abs(Number(v)) <= INT4)
      return sql`${Number(v)}`;
    return sql`${typeof v === 'bigint' ? microsToIso(v) : v}${sql.raw(f.cast)}`;
  };
  const params = () => sql.join(consts.map(param), sql`, `);
  // Every leaf is two-valued (never NULL), so `not`, callers' NOT and CASE all behave. A plain column
  // keeps an index-friendly `col = $1 and col is not null`; an expression gets coalesce.
  const pos = (p: SQL): SQL =>
    !f.nullable ? p : f.plain ? sql`(${p} and ${e} is not null)` : sql`coalesce(${p}, false)`;
  const not = (p: SQL): SQL => sql`(not ${p})`;
  const ordered = f.textOrder ? sql`(${e} collate "C")` : e;
  const like = (pattern: string) => pos(sql`lower(${e} collate "C") like ${pattern}`);
  // Custom fields of the root entity: containment uses the GIN index on `custom` (jsonb_path_ops).
  const contained = (value: unknown) =>
    sql`${f.container!.column(root)} @> ${JSON.stringify({ [f.container!.key]: value })}::jsonb`;

  const eqSql = () =>
    f.container && f.type !== 'number' && f.type !== 'date'
      ? contained(consts[0])
      : pos(sql`${e} = ${param(consts[0]!)}`);
  const inSql = () =>
    f.type === 'array'
      ? sql`coalesce(jsonb_exists_any(${e}, array[${params()}]::text[]), false)`
      : pos(sql`${e} in (${params()})`);
  const emptySql = () =>
    f.type === 'array'
      ? sql`coalesce(jsonb_array_length(${e}) = 0, true)`
      : f.type === 'text' || f.type === 'enum'
        ? sql`(${e} is null or ${e} = '')`
        : sql`(${e} is null)`;

  switch (leaf.op) {
    case 'eq':
      return eqSql();
    case 'neq':
      return not(eqSql());
    case 'in':
      return inSql();
    case 'nin':
      return not(inSql());
    case 'gt':
      return pos(sql`${ordered} > ${param(consts[0]!)}`);
    case 'gte':
      return pos(sql`${ordered} >= ${param(consts[0]!)}`);
    case 'lt':
      return pos(sql`${ordered} < ${param(consts[0]!)}`);
    case 'lte':
      return pos(sql`${ordered} <= ${param(consts[0]!)}`);
    case 'between':
      return pos(sql`(${ordered} >= ${param(consts[0]!)} and ${ordered} <= ${param(consts[1]!)})`);
    case 'contains':
      if (f.type === 'array')
        return f.container
          ? contained([consts[0]])
          : sql`coalesce(${e} @> jsonb_build_array(${consts[0] as string}::text), false)`;
      return like(`%${escapeLike(foldAscii(consts[0] as string))}%`);
    case 'starts_with':
      return like(`${escapeLike(foldAscii(consts[0] as string))}%`);
    case 'is_empty':
      return emptySql();
    case 'is_not_empty':
      return not(emptySql());
    case 'changed_to':
      // bindCondition lets it through for event rules; SQL has no previous record.
      throw new Error('unreachable: changed_to is refused before compiling');
  }
}

function nodeSql(n: BoundNode, root: RootTable, env: FieldEnv): SQL {
  switch (n.kind) {
    case 'all':
      return n.items.length === 0
        ? sql`true`
        : sql`(${sql.join(
            n.items.map((i) => nodeSql(i, root, env)),
            sql` and `,
          )})`;
    case 'any':
      return n.items.length === 0
        ? sql`false`
        : sql`(${sql.join(
            n.items.map((i) => nodeSql(i, root, env)),
            sql` or `,
          )})`;
    case 'not':
      return sql`(not ${nodeSql(n.item, root, env)})`;
    default:
      return leafSql(n, root, env);
  }
}

function changedToLeaves(n: BoundNode, out: FieldError[]): void {
  if (n.kind === 'all' || n.kind === 'any') for (const i of n.items) changedToLeaves(i, out);
  else if (n.kind === 'not') changedToLeaves(n.item, out);
  else if (n.kind === 'leaf' && n.op === 'changed_to')
    out.push({
      field: `${n.path}.op`,
      reason:
        'changed_to only works in event rules (it compares with the previous record); it cannot be compiled to SQL',
    });
}

/**
 * Compiles a bound condition to a boolean SQL expression over the entity's table (never NULL), for a
 * WHERE of any query on that table: related rows are reached through correlated subqueries scoped by
 * workspace_id, values are bound parameters. It does not filter soft-deleted rows of the entity itself:
 * the caller's query decides. `changed_to` cannot be compiled (422 naming the leaf's op).
 */
export function compileCondition(bound: BoundCondition, opts: CompileOptions = {}): SQL {
  if (bound.usesChangedTo) {
    const errors: FieldError[] = [];
    changedToLeaves(bound.root, errors);
    if (errors.length > 0) throw invalidCondition(errors);
  }
  return nodeSql(bound.root, opts.table ?? tableOf[bound.entity], nowEnv(opts.now));
}
