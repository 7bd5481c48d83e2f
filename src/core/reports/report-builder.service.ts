import { type SQL, sql } from 'drizzle-orm';
import { compileCondition } from '../conditions/compile-sql.js';
import { conditionFields, type RootTable, tableOf } from '../conditions/condition-fields.js';
import { toDecimal } from '../conditions/condition-values.js';
import type { Condition } from '../conditions/conditions.schemas.js';
import { type BoundCondition, bindCondition, nowEnv } from '../conditions/validate.js';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import { AppError, type FieldError, isAppError } from '../shared/errors.js';
import type { BuilderInput, BuilderOut } from './report-builder.schemas.js';
import { bucketLabel, drillOf, type FilterParts, filterParts, groupLeaves } from './report-builder-drills.js';
import { idLabels, labelSource, loadCustomDefsWithLabels, valueLabel } from './report-builder-labels.js';
import {
  type Dim,
  dimColumn,
  ENTITIES,
  type JoinedFields,
  joinedFields,
  type Measure,
  measureColumn,
  planDims,
  planMeasures,
} from './report-builder-plan.js';
import type { ReportTable } from './report-file.js';
import { type ReportScope, resolveReportScope } from './report-filters.js';

/**
 * The report builder (SPEC 7): records of one entity, filtered by a condition and the report filters,
 * grouped by up to two dimensions, measured by up to five aggregates — one set-based statement whose
 * grouping and filtering expressions are the condition fields' own SQL (custom fields read from the
 * jsonb exactly as conditions read them), with the totals in the same pass (grouping sets). Every row
 * carries the list query of its records (`drill`).
 */

export type RunOptions = {
  /** The instant relative dates and activity windows are measured from (now by default). */
  now?: Date | string;
  /** Longest the statement may run (default 15 s); longer answers 422. */
  statementTimeoutMs?: number;
};

const STEP: Record<NonNullable<Dim['bucket']>, string> = {
  day: '1 day',
  week: '7 days',
  month: '1 month',
  quarter: '3 months',
  year: '1 year',
};

/** A date dimension's bucket start (a date), or null. */
function dateBucketSql(d: Dim, e: SQL): SQL {
  const unit = sql.raw(`'${d.bucket}'`);
  if (d.dateKind === 'timestamp') return sql`(date_trunc(${unit}, (${e}) at time zone 'UTC'))::date`;
  if (d.dateKind === 'date') return sql`(date_trunc(${unit}, (${e})::timestamp))::date`;
  // A "YYYY-MM-DD" string in jsonb (custom date): only a real calendar date has a bucket; the checks are
  // nested CASEs so that nothing is cast before it is known to be valid.
  return sql`(case when substr(${e}, 6, 2) between '01' and '12' and substr(${e}, 1, 4) >= '0001' then
    case when substr(${e}, 9, 2) between '01' and to_char(make_date(substr(${e}, 1, 4)::int, substr(${e}, 6, 2)::int, 1) + interval '1 month' - interval '1 day', 'DD')
    then (date_trunc(${unit}, (${e})::date::timestamp))::date end end)`;
}

/** A dimension's group value as SQL (typed, for grouping and ordering). */
function dimSql(d: Dim, root: RootTable, env: ReturnType<typeof nowEnv>): SQL {
  const e = d.field.sql(root, env);
  switch (d.kind) {
    case 'text':
    case 'choice':
      // Empty text and no value are one group, the one `is_empty` selects.
      return sql`nullif(${e}, '')`;
    case 'number':
      return d.width
        ? sql`(floor((${e})::numeric / ${d.width}::numeric) * ${d.width}::numeric)`
        : sql`(${e})::numeric`;
    case 'date':
      return dateBucketSql(d, e);
    default:
      return e;
  }
}

function aggSql(m: Measure, v: SQL): SQL {
  switch (m.op) {
    case 'count':
      return sql`count(*)`;
    case 'sum':
      return sql`sum(${v})`;
    case 'avg':
      return sql`avg(${v})::float8`;
    case 'median':
      return sql`percentile_cont(0.5) within group (order by (${v})::float8)`;
    case 'min':
      return sql`min(${v})`;
    case 'max':
      return sql`max(${v})`;
  }
}

type Row = Record<string, string | boolean | number | null>;
const col = (name: string, i: number) => sql.raw(`${name}${i}`);

function defaultSort(dims: Dim[]): string {
  if (dims.length === 0) return 'keys';
  return dims[0]!.bucket || dims[0]!.width ? 'keys' : '-values.0';
}

function orderSql(dims: Dim[], sort: string, totalsFirst: boolean): SQL {
  const desc = sort.startsWith('-');
  const keyOrder = (dir: 'asc' | 'desc') =>
    dims.map((d, i) =>
      d.kind === 'text' || d.kind === 'choice'
        ? sql`${col('g', i)} collate "C" ${sql.raw(dir)} nulls last`
        : sql`${col('g', i)} ${sql.raw(dir)} nulls last`,
    );
  const parts: SQL[] = totalsFirst ? [sql`gt desc`] : [];
  if (sort.replace(/^-/, '') === 'keys') parts.push(...keyOrder(desc ? 'desc' : 'asc'));
  else {
    const n = Number(sort.replace(/^-?values\./, ''));
    parts.push(sql`${col('m', n)} ${sql.raw(desc ? 'desc' : 'asc')} nulls last`, ...keyOrder('asc'));
  }
  return sql.join(parts, sql`, `);
}

/** A measure over all the groups' records, computed from the groups (window over the aggregates). */
function totalOverGroups(m: Measure, j: number): SQL {
  const v = sql.raw(`v${j}`);
  switch (m.op) {
    case 'count':
      return sql`sum(count(*)) over ()`;
    case 'sum':
      return sql`sum(sum(${v})) over ()`;
    case 'min':
      return sql`min(min(${v})) over ()`;
    case 'max':
      return sql`max(max(${v})) over ()`;
    case 'avg':
      return sql`(sum(sum(${v})) over () / nullif(sum(count(${v})) over (), 0))::float8`;
    case 'median':
      throw new Error('unreachable: a median total needs the records, not the groups');
  }
}

/**
 * One statement: the groups (at most limit + 1, to tell truncation) and the totals over every group.
 * Without a median, a plain GROUP BY (hash aggregation, the scan and the field expressions in parallel
 * workers) with the totals computed from the groups by window functions before the limit; a median's
 * total needs the records themselves, so then GROUPING SETS add a totals row (sorted first).
 */
function reportSql(
  ctx: Ctx,
  root: RootTable,
  joins: SQL[],
  where: SQL[],
  dims: Dim[],
  measures: Measure[],
  sort: string,
  limit: number,
  env: ReturnType<typeof nowEnv>,
): { query: SQL; totalsRow: boolean } {
  const inner: SQL[] = dims.map((d, i) => sql`${dimSql(d, root, env)} as ${col('g', i)}`);
  measures.forEach((m, j) => {
    if (m.field) inner.push(sql`${m.field.sql(root, env)} as ${col('v', j)}`);
  });
  if (inner.length === 0) inner.push(sql`1 as one`);
  const from = sql.join([sql`${root as unknown as SQL}`, ...joins], sql` `);
  const base = sql`select ${sql.join(inner, sql`, `)} from ${from} where ${sql.join(
    [sql`${root.workspaceId} = ${ctx.workspaceId}`, sql`${root.deletedAt} is null`, ...where],
    sql` and `,
  )}`;
  const aggs = measures.map((m, j) => sql`${aggSql(m, sql.raw(`v${j}`))} as ${col('m', j)}`);
  const texts = measures.map((_, j) => sql`${col('m', j)}::text as ${col('t', j)}`);
  if (dims.length === 0)
    return {
      query: sql`select ${sql.join(texts, sql`, `)}, 1 as gt from (select ${sql.join(aggs, sql`, `)} from (${base}) b) a`,
      totalsRow: true,
    };
  const gs = sql.join(
    dims.map((_, i) => col('g', i)),
    sql`, `,
  );
  const keys = dims.map((d, i) => {
    const g = col('g', i);
    if (d.kind === 'date')
      return sql`to_char(${g}, 'YYYY-MM-DD') as ${col('k', i)}, to_char(${g} + interval ${sql.raw(`'${STEP[d.bucket!]}'`)}, 'YYYY-MM-DD') as ${col('n', i)}`;
    if (d.width)
      return sql`${g}::text as ${col('k', i)}, (${g} + ${d.width}::numeric)::text as ${col('n', i)}`;
    if (d.kind === 'boolean') return sql`${g} as ${col('k', i)}`;
    return sql`${g}::text as ${col('k', i)}`;
  });
  if (measures.some((m) => m.op === 'median'))
    return {
      query: sql`select ${sql.join([...keys, ...texts], sql`, `)}, gt from (
    select ${gs}, ${sql.join(aggs, sql`, `)}, grouping(${gs}) as gt
    from (${base}) b group by grouping sets ((${gs}), ())
  ) a order by ${orderSql(dims, sort, true)} limit ${limit + 2}`,
      totalsRow: true,
    };
  const totals = measures.map((m, j) => sql`${totalOverGroups(m, j)} as ${col('u', j)}`);
  const totalTexts = measures.map((_, j) => sql`${col('u', j)}::text as ${col('w', j)}`);
  return {
    query: sql`select ${sql.join([...keys, ...texts, ...totalTexts], sql`, `)}, 0 as gt from (
    select ${gs}, ${sql.join([...aggs, ...totals], sql`, `)}
    from (${base}) b group by ${gs}
  ) a order by ${orderSql(dims, sort, false)} limit ${limit + 1}`,
    totalsRow: false,
  };
}

const measureValue = (m: Measure, t: unknown): number | string | null => {
  if (t === null || t === undefined) return null;
  if (m.type === 'decimal') return String(t);
  return Number(t);
};

function keyOf(d: Dim, raw: unknown): string | boolean | null {
  if (raw === null || raw === undefined) return null;
  if (d.kind === 'boolean') return raw === true || raw === 't' || raw === 'true';
  if (d.kind === 'number') return toDecimal(String(raw));
  return String(raw);
}

function isTimeout(e: unknown): boolean {
  const code = (x: unknown) => (x && typeof x === 'object' ? (x as { code?: unknown }).code : undefined);
  return code(e) === '57014' || code((e as { cause?: unknown })?.cause) === '57014';
}

export type BuilderPlan = {
  def: (typeof ENTITIES)[keyof typeof ENTITIES];
  fields: ReturnType<typeof conditionFields>;
  joins: JoinedFields['joins'];
  labels: ReturnType<typeof labelSource>;
  userBound: BoundCondition | null;
  dims: Dim[];
  measures: Measure[];
  sort: string;
  parts: FilterParts;
};

/**
 * Checks a definition against the workspace (fields, custom fields, pipeline and team of the filters):
 * one 422 listing every problem, each named by its place (`groupBy.0.field`; with `prefix`, e.g.
 * `params.groupBy.0.field` for a saved report), or a pipeline or team of another workspace as 404.
 */
export async function planBuilderReport(
  db: Db,
  ctx: Ctx,
  input: BuilderInput,
  prefix = '',
): Promise<BuilderPlan> {
  const def = ENTITIES[input.entity];
  const defs = await loadCustomDefsWithLabels(db, ctx);
  const joined = joinedFields(conditionFields(def.target, defs));
  const fields = joined.fields;
  const labels = labelSource(defs);
  const errors: FieldError[] = [];

  let userBound: BoundCondition | null = null;
  if (input.conditions !== undefined && input.conditions !== null) {
    try {
      userBound = bindCondition(fields, input.conditions, { path: 'conditions', allowChangedTo: false });
    } catch (e) {
      if (!isAppError(e)) throw e;
      errors.push(...e.errors);
    }
  }
  const dims = planDims(input.groupBy, fields, labels, errors);
  const measures = planMeasures(input.measures, fields, labels, errors);
  const sort = input.sort ?? defaultSort(dims);
  const sortN = /values\.([0-9])$/.exec(sort);
  if (sortN && Number(sortN[1]) >= input.measures.length)
    errors.push({
      field: 'sort',
      reason: `there are only ${input.measures.length} measures (values.0 to values.${input.measures.length - 1})`,
    });

  let scope: ReportScope | null = null;
  try {
    scope = await resolveReportScope(db, ctx, input.filters ?? {});
  } catch (e) {
    if (!isAppError(e) || e.code !== 'validation_failed') throw e;
    errors.push(...e.errors.map((x) => ({ ...x, field: `filters.${x.field}` })));
  }
  const parts = scope ? filterParts(def, scope, errors) : null;
  if (errors.length > 0 || !parts) {
    const named = errors.map((e) => ({ ...e, field: `${prefix}${e.field}` }));
    throw new AppError('validation_failed', named.map((e) => `${e.field}: ${e.reason}`).join('; '), named);
  }
  return { def, fields, joins: joined.joins, labels, userBound, dims, measures, sort, parts };
}

/** Checks the definition (one 422 listing every problem) and runs the report. */
export async function runBuilderReport(
  db: Db,
  ctx: Ctx,
  input: BuilderInput,
  opts: RunOptions = {},
): Promise<BuilderOut> {
  const { def, fields, joins, labels, userBound, dims, measures, sort, parts } = await planBuilderReport(
    db,
    ctx,
    input,
  );
  const now = opts.now ?? new Date();
  const env = nowEnv(now);
  const where: SQL[] = [];
  if (parts.leaves.length)
    where.push(compileCondition(bindCondition(fields, { all: parts.leaves }, { path: 'filters' }), { now }));
  if (userBound) where.push(compileCondition(userBound, { now }));
  const root = tableOf[def.target];
  const query = reportSql(ctx, root, joins(root), where, dims, measures, sort, input.limit, env);

  const timeout = Math.max(1, Math.round(opts.statementTimeoutMs ?? 15_000));
  let rows: Row[];
  try {
    rows = await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local statement_timeout = ${timeout}`));
      // Memory for the hash of the groups, and parallel workers for the scan and the field expressions
      // (the planner cannot estimate how few groups an expression has, and would otherwise keep a
      // million-row scan in one process).
      await tx.execute(sql`set local work_mem = '64MB'`);
      await tx.execute(sql`set local parallel_setup_cost = 100`);
      await tx.execute(sql`set local parallel_tuple_cost = 0.01`);
      return ((await tx.execute(query.query)) as unknown as { rows: Row[] }).rows;
    });
  } catch (e) {
    if (!isTimeout(e)) throw e;
    const reason = `the report ran longer than ${timeout / 1000} s and was stopped; narrow it (a shorter range, a condition, fewer or simpler dimensions)`;
    throw new AppError('validation_failed', `Report too slow: ${reason}`, [{ field: '(body)', reason }]);
  }

  const detail = rows.filter((r) => Number(r.gt) === 0);
  // The totals: their own row (grouping sets), or on every group row (`w<j>`); no groups, no records.
  const totalRow: Row | undefined = query.totalsRow
    ? rows.find((r) => Number(r.gt) !== 0)
    : detail[0]
      ? Object.fromEntries(measures.map((_, j) => [`t${j}`, detail[0]![`w${j}`] ?? null]))
      : Object.fromEntries(measures.map((m, j) => [`t${j}`, m.op === 'count' ? '0' : null]));
  const truncated = detail.length > input.limit;
  const shown = detail.slice(0, input.limit);

  // Names behind id dimensions: one lookup per dimension over the ids shown.
  const names = await Promise.all(
    dims.map((d, i) =>
      d.kind === 'id'
        ? idLabels(db, ctx, d, [
            ...new Set(shown.map((r) => r[`k${i}`]).filter((k): k is string => typeof k === 'string')),
          ])
        : Promise.resolve(undefined),
    ),
  );
  const userLeaves: Condition[] = userBound ? [userBound.condition] : [];
  const values = (r: Row | undefined) => measures.map((m, j) => measureValue(m, r?.[`t${j}`]));
  const totals = {
    values: values(totalRow),
    drill: drillOf(def, parts.params, [...userLeaves, ...parts.drillLeaves]),
  };
  const columns = [...dims.map(dimColumn), ...measures.map(measureColumn)];
  // Without dimensions the one row is the totals.
  if (dims.length === 0)
    return {
      entity: input.entity,
      columns,
      rows: [{ keys: [], labels: [], ...totals }],
      totals,
      truncated: false,
    };

  return {
    entity: input.entity,
    columns,
    rows: shown.map((r) => {
      const keys = dims.map((d, i) => keyOf(d, r[`k${i}`]));
      const nexts = dims.map((d, i) =>
        r[`n${i}`] === undefined || r[`n${i}`] === null
          ? null
          : d.width
            ? toDecimal(String(r[`n${i}`]))
            : String(r[`n${i}`]),
      );
      return {
        keys,
        labels: dims.map((d, i) => {
          const k = keys[i]!;
          if (k !== null && d.bucket) return bucketLabel(d.bucket, k as string);
          if (k !== null && d.width) return `${k} – ${nexts[i]}`;
          return valueLabel(d, def.target, labels, k, names[i]);
        }),
        values: values(r),
        drill: drillOf(def, parts.params, [
          ...userLeaves,
          ...parts.drillLeaves,
          ...dims.flatMap((d, i) => groupLeaves(d, keys[i]!, nexts[i]!)),
        ]),
      };
    }),
    totals,
    truncated,
  };
}

/** The builder result as the table the web app shows and `format=csv|xlsx` exports (a totals row last). */
export function builderTable(r: BuilderOut): ReportTable {
  const groups = r.columns.filter((c) => c.kind === 'group');
  const measures = r.columns.filter((c) => c.kind === 'measure');
  return {
    title: `${ENTITIES[r.entity].title} report`,
    columns: [
      ...groups.map((c) => ({ label: c.label, kind: 'text' as const })),
      ...measures.map((c) => ({
        label: c.label,
        kind: c.type === 'integer' ? ('int' as const) : ('number' as const),
      })),
    ],
    rows: [
      ...r.rows.map((row) => [...row.labels, ...row.values]),
      ...(groups.length ? [[...groups.map((_, i) => (i === 0 ? 'Total' : '')), ...r.totals.values]] : []),
    ],
  };
}
