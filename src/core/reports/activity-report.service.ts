import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import {
  type ActivityInterval,
  type ActivityReport,
  type ActivityReportQuery,
  type ActivityType,
  HUMAN_ACTIVITY_TYPES,
} from './activity-report.schemas.js';
import type { ReportTable } from './report-file.js';
import {
  conditionParam,
  type Drill,
  inRange,
  ownerIn,
  type ReportScope,
  reportQuery,
  sqlList,
} from './report-filters.js';

/**
 * Activity summary (SPEC 7, issue 6 item 5): activities that occurred in the range, by period, by user
 * and by outcome. One statement: the three groupings are GROUPING SETS over one scan of the activities.
 * Owner and team filters apply to the activity's user; pipeline and source filters to the activity's lead.
 */

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const DAY = 86_400_000;
export const MAX_PERIODS = 1000;

const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
const ts = (d: string) => `${d}T00:00:00Z`;
const today = () => new Date().toISOString().slice(0, 10);

/**
 * The conditions on an activity's lead that the pipeline and source filters mean. An activity without a
 * lead never matches them; a soft-deleted lead still does (its activities happened).
 */
export function activityLeadScope(scope: ReportScope, alias = sql`a`): SQL[] {
  if (!scope.pipelineId && !scope.sources) return [];
  const conds: SQL[] = [sql`l.workspace_id = ${alias}.workspace_id`, sql`l.id = ${alias}.lead_id`];
  if (scope.pipelineId) conds.push(sql`l.pipeline_id = ${scope.pipelineId}::uuid`);
  if (scope.sources) conds.push(sql`l.source in (${sqlList(scope.sources)})`);
  return [sql`exists (select 1 from leads l where ${sql.join(conds, sql` and `)})`];
}

/** The activities a report counts: live, of these types, occurred in [fromTs, toTs), of the scope's users. */
export function activityWhere(
  ctx: Ctx,
  scope: ReportScope,
  types: readonly string[],
  range: { fromTs: string | null; toTs: string | null } = scope,
): SQL {
  const conds: SQL[] = [
    sql`a.workspace_id = ${ctx.workspaceId}::uuid`,
    sql`a.deleted_at is null`,
    sql`a.type in (${sqlList(types)})`,
    ...inRange({ ...scope, ...range }, sql`a.occurred_at`),
    ...ownerIn(scope, sql`a.user_id`),
    ...activityLeadScope(scope),
  ];
  return sql.join(conds, sql` and `);
}

/**
 * The activities a report counts, as rows of (at: a UTC timestamp within the activity's UTC day or the
 * activity's own, user_id, type, outcome, n). Without a pipeline or source filter they come from the
 * day totals the triggers keep (activity_day_totals, migration 0015): report ranges are whole UTC days,
 * so the totals of the range's days are exactly the activities that occurred in it, and a year is a
 * few thousand rows instead of millions of activities. The pipeline and source filters go through the
 * activity's lead, which the totals do not keep: those reports count the activities themselves.
 */
export function activityCounts(ctx: Ctx, scope: ReportScope, types: readonly string[]): SQL {
  if (scope.pipelineId || scope.sources)
    return sql`select a.occurred_at at time zone 'UTC' as at, a.user_id, a.type, nullif(a.outcome, '') as outcome,
        1 as n from activities a where ${activityWhere(ctx, scope, types)}`;
  const user = sql`nullif(t.user_id, '00000000-0000-0000-0000-000000000000'::uuid)`;
  const conds: SQL[] = [
    sql`t.workspace_id = ${ctx.workspaceId}::uuid`,
    sql`t.type in (${sqlList(types)})`,
    ...ownerIn(scope, user),
  ];
  if (scope.fromTs) conds.push(sql`t.day >= (${scope.fromTs}::timestamptz at time zone 'UTC')::date`);
  if (scope.toTs) conds.push(sql`t.day < (${scope.toTs}::timestamptz at time zone 'UTC')::date`);
  return sql`select t.day::timestamp as at, ${user} as user_id, t.type, nullif(t.outcome, '') as outcome, t.n
    from activity_day_totals t where ${sql.join(conds, sql` and `)}`;
}

/**
 * The activities list query for a count: these types, users (null: the scope's owners; `none` for no
 * user), occurred in [fromTs, toTs), the scope's pipeline and sources (through the activity's lead, as a
 * condition), and an outcome (null: none recorded) when given.
 */
export function activityDrill(
  scope: ReportScope,
  opts: {
    types: readonly string[];
    userIds?: readonly (string | null)[] | null;
    fromTs?: string | null;
    toTs?: string | null;
    outcome?: string | null;
  },
): Drill {
  const q: Record<string, string> = { type: opts.types.join(',') };
  const users = opts.userIds === undefined || opts.userIds === null ? scope.ownerIds : opts.userIds;
  if (users) q.userId = users.map((u) => u ?? 'none').join(',');
  const fromTs = opts.fromTs === undefined ? scope.fromTs : opts.fromTs;
  const toTs = opts.toTs === undefined ? scope.toTs : opts.toTs;
  if (fromTs) q.occurredAtFrom = fromTs;
  if (toTs) q.occurredAtTo = toTs;
  const leaves: unknown[] = [];
  if (scope.pipelineId) leaves.push({ field: 'lead.pipelineId', op: 'eq', value: scope.pipelineId });
  if (scope.sources) leaves.push({ field: 'lead.source', op: 'in', value: scope.sources });
  if (opts.outcome === null) leaves.push({ field: 'outcome', op: 'is_empty' });
  else if (opts.outcome !== undefined) {
    // The list's text filter splits on commas: an outcome with a comma goes through the condition.
    if (opts.outcome.includes(',')) leaves.push({ field: 'outcome', op: 'eq', value: opts.outcome });
    else q.outcome = opts.outcome;
  }
  if (leaves.length) q.condition = conditionParam({ all: leaves });
  return { entity: 'activities', query: q };
}

// ---- periods (UTC calendar buckets) ----

export function bucketStart(day: string, interval: ActivityInterval): string {
  if (interval === 'day') return day;
  if (interval === 'month') return `${day.slice(0, 7)}-01`;
  const t = Date.parse(`${day}T00:00:00Z`);
  const dow = (new Date(t).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return new Date(t - dow * DAY).toISOString().slice(0, 10);
}

export function nextBucket(start: string, interval: ActivityInterval): string {
  if (interval === 'day') return dayAfter(start);
  if (interval === 'week')
    return new Date(Date.parse(`${start}T00:00:00Z`) + 7 * DAY).toISOString().slice(0, 10);
  const y = Number(start.slice(0, 4));
  const m = Number(start.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** The interval a range gets when none is asked for: by day up to 31 days, by week up to 184, else by month. */
export function defaultInterval(from: string | null, to: string | null): ActivityInterval {
  if (!from || !to) return 'month';
  const days = (Date.parse(to) - Date.parse(from)) / DAY + 1;
  return days <= 31 ? 'day' : days <= 184 ? 'week' : 'month';
}

/** Every bucket from the one holding `first` to the one holding `last`. */
export function bucketsBetween(first: string, last: string, interval: ActivityInterval): string[] {
  const out: string[] = [];
  const end = bucketStart(last, interval);
  for (let b = bucketStart(first, interval); b <= end; b = nextBucket(b, interval)) {
    out.push(b);
    if (out.length > MAX_PERIODS)
      throw AppError.invalid(
        'interval',
        `more than ${MAX_PERIODS} ${interval}s: choose a longer interval or a shorter date range`,
      );
  }
  return out;
}

type Row = {
  period: string | null;
  user_id: string | null;
  type: ActivityType;
  outcome: string | null;
  g: number;
  n: number;
};

/** Names of the workspace's members, removed ones included (their activities still count). */
export async function memberNames(
  db: Db,
  ctx: Ctx,
): Promise<Map<string, { name: string; removed: boolean }>> {
  const rows = rowsOf<{ user_id: string; name: string; removed: boolean }>(
    await db.execute(sql`select m.user_id, u.name, (m.removed_at is not null) as removed
      from memberships m join users u on u.id = m.user_id
      where m.workspace_id = ${ctx.workspaceId}::uuid`),
  );
  return new Map(rows.map((r) => [r.user_id, { name: r.name, removed: r.removed }]));
}

const zeroes = (types: readonly string[]) =>
  Object.fromEntries(types.map((t) => [t, 0])) as Record<string, number>;

export async function activityReport(
  db: Db,
  ctx: Ctx,
  scope: ReportScope,
  query: Pick<ActivityReportQuery, 'interval' | 'types'>,
): Promise<ActivityReport> {
  const types: ActivityType[] = query.types ?? [...HUMAN_ACTIVITY_TYPES];
  const interval = query.interval ?? defaultInterval(scope.from, scope.to);
  // Checked before the query: a day-by-day report over decades is refused, not computed.
  if (scope.from && scope.to) bucketsBetween(scope.from, scope.to, interval);

  // The activities are counted once at the finest grain (period, user, type, outcome) — a plain GROUP BY,
  // which PostgreSQL can run in parallel — and the three groupings are rolled up from those few rows.
  const rows = rowsOf<Row>(
    await reportQuery(
      db,
      sql`
      with x as (
        select date_trunc(${interval}, c.at) as period, c.user_id, c.type, c.outcome, sum(c.n) as n
        from (${activityCounts(ctx, scope, types)}) c
        group by 1, 2, 3, 4 having sum(c.n) <> 0
      )
      select to_char(x.period, 'YYYY-MM-DD') as period, x.user_id, x.type, x.outcome,
        grouping(x.period, x.user_id, x.outcome)::int as g, sum(x.n)::int as n
      from x
      group by grouping sets ((x.period, x.type), (x.user_id, x.type), (x.type, x.outcome))`,
    ),
  );
  // grouping(period, user_id, outcome): 3 = by period and type, 5 = by user and type, 6 = by type and outcome.
  const byPeriod = rows.filter((r) => r.g === 3);
  const byUser = rows.filter((r) => r.g === 5);
  const byOutcome = rows.filter((r) => r.g === 6);

  const allTypes = (userIds?: (string | null)[] | null, fromTs?: string | null, toTs?: string | null) => {
    const d: Record<string, Drill> = {};
    for (const t of types) d[t] = activityDrill(scope, { types: [t], userIds, fromTs, toTs });
    d.total = activityDrill(scope, { types, userIds, fromTs, toTs });
    return d;
  };

  // Periods: every bucket of the range (or of the data when the range is open), empty ones too.
  const seen = byPeriod.map((r) => r.period!).sort();
  const first = scope.from ?? seen[0];
  const last = scope.to ?? (seen.length ? seen[seen.length - 1]! : scope.from ? today() : undefined);
  const buckets = first && last ? bucketsBetween(first, last > first ? last : first, interval) : [];
  const periodMap = new Map(buckets.map((b) => [b, zeroes(types)]));
  for (const r of byPeriod) {
    const p = periodMap.get(r.period!) ?? zeroes(types);
    p[r.type] = r.n;
    periodMap.set(r.period!, p);
  }
  const periods = [...periodMap.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([period, counts]) => {
      const start = ts(period);
      const end = ts(nextBucket(period, interval));
      const fromTs = scope.fromTs && scope.fromTs > start ? scope.fromTs : start;
      const toTs = scope.toTs && scope.toTs < end ? scope.toTs : end;
      return {
        period,
        byType: counts,
        total: types.reduce((s, t) => s + (counts[t] ?? 0), 0),
        drills: allTypes(null, fromTs, toTs),
      };
    });

  const names = await memberNames(db, ctx);
  const users = new Map<string | null, Record<string, number>>();
  for (const r of byUser) {
    const u = users.get(r.user_id) ?? zeroes(types);
    u[r.type] = r.n;
    users.set(r.user_id, u);
  }
  const userRows = [...users.entries()]
    .map(([userId, counts]) => ({
      userId,
      name: userId === null ? 'No user' : (names.get(userId)?.name ?? 'Unknown member'),
      byType: counts,
      total: types.reduce((s, t) => s + (counts[t] ?? 0), 0),
      drills: allTypes([userId]),
    }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));

  const typeOrder = new Map(types.map((t, i) => [t, i]));
  const outcomeRows = byOutcome
    .map((r) => ({
      type: r.type,
      outcome: r.outcome,
      count: r.n,
      drill: activityDrill(scope, { types: [r.type], outcome: r.outcome }),
    }))
    .sort(
      (a, b) =>
        typeOrder.get(a.type)! - typeOrder.get(b.type)! ||
        b.count - a.count ||
        String(a.outcome).localeCompare(String(b.outcome)),
    );

  const totals = zeroes(types);
  for (const r of byPeriod) totals[r.type] = (totals[r.type] ?? 0) + r.n;
  return {
    range: { from: scope.from, to: scope.to },
    interval,
    types,
    periods,
    byUser: userRows,
    byOutcome: outcomeRows,
    totals: { byType: totals, total: types.reduce((s, t) => s + totals[t]!, 0), drills: allTypes() },
  };
}

/** The table under the chart: one row per period, a column per type, and the total. */
export function activityReportTable(r: ActivityReport): ReportTable {
  return {
    title: 'Activity summary',
    columns: [
      { label: r.interval === 'day' ? 'Day' : r.interval === 'week' ? 'Week of' : 'Month', kind: 'text' },
      ...r.types.map((t) => ({ label: t, kind: 'int' as const })),
      { label: 'Total', kind: 'int' },
    ],
    rows: [
      ...r.periods.map((p) => [p.period, ...r.types.map((t) => p.byType[t] ?? 0), p.total]),
      ['Total', ...r.types.map((t) => r.totals.byType[t] ?? 0), r.totals.total],
    ],
  };
}
