import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { leads } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { sumDecimal } from '../shared/decimal.js';
import { AppError } from '../shared/errors.js';
import type { HealthReport } from './health-report.schemas.js';
import type { ReportTable } from './report-file.js';
import {
  type Drill,
  inRange,
  leadDrill,
  leadScope,
  ownerIn,
  type ReportScope,
  reportQuery,
  sqlList,
} from './report-filters.js';
import { OPEN_STATUSES } from './team-report.service.js';

/**
 * Pipeline health (SPEC 7, issue 6 item 4): a snapshot of the open leads of one pipeline now — per open
 * stage the count, value, weighted value, age in stage and rotten leads — and the pipeline's velocity over
 * the leads closed in the range. Owner, team and source filters apply to both; the date range only to
 * the velocity. Two statements.
 */

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const DAY = 86_400_000;
const and = (conds: SQL[]) => (conds.length ? sql.join(conds, sql` and `) : sql`true`);
const round2 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 100) / 100);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The open stages of a pipeline (deleted ones too: a lead is open while its stage is an open one). Leads
 * are selected by stage rather than by status so that an index leading with the stage serves the query.
 */
export const openStages = (ctx: Ctx, pipelineId: string): SQL =>
  sql`select st.id from stages st where st.workspace_id = ${ctx.workspaceId}::uuid and st.pipeline_id = ${pipelineId}::uuid and st.type = 'open'`;

export type ReportPipeline = { id: string; name: string; rottenAfterDays: number | null };

/** The pipeline a report is about: the one asked for, else the workspace's default pipeline. */
export async function reportPipeline(db: Db, ctx: Ctx, scope: ReportScope): Promise<ReportPipeline> {
  const [p] = rowsOf<{ id: string; name: string; rotten_after_days: number | null }>(
    await db.execute(sql`select id, name, rotten_after_days from pipelines
      where workspace_id = ${ctx.workspaceId}::uuid and deleted_at is null
        ${scope.pipelineId ? sql`and id = ${scope.pipelineId}::uuid` : sql``}
      order by is_default desc, position, id limit 1`),
  );
  if (!p) {
    if (scope.pipelineId) throw AppError.notFound('pipeline', scope.pipelineId);
    throw new AppError('conflict', 'This workspace has no pipeline');
  }
  return { id: p.id, name: p.name, rottenAfterDays: p.rotten_after_days };
}

/** Days (UTC, inclusive) the velocity looks at: the report's range, else the last 90 days. */
export function velocityRange(scope: ReportScope, now: Date): { from: string; to: string } {
  const to =
    scope.to ?? (scope.from && scope.from > isoDay(now.getTime()) ? scope.from : isoDay(now.getTime()));
  const from = scope.from ?? isoDay(Date.parse(`${to}T00:00:00Z`) - 89 * DAY);
  return { from, to };
}

type StageRow = {
  id: string;
  name: string;
  color: string;
  probability: number;
  open: number;
  value: string;
  weighted: string;
  age_secs: number | null;
  d0_7: number;
  d8_30: number;
  d31_90: number;
  d91plus: number;
  rotten: number;
};

export async function healthReport(
  db: Db,
  ctx: Ctx,
  scope: ReportScope,
  now: Date = new Date(),
): Promise<HealthReport> {
  const p = await reportPipeline(db, ctx, scope);
  const ps: ReportScope = { ...scope, pipelineId: p.id };
  const asOf = now.toISOString();
  const ago = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
  const [t8, t31, t91] = [ago(8), ago(31), ago(91)];
  const rottenBefore = p.rottenAfterDays === null ? null : ago(p.rottenAfterDays);
  const sea = leads.stageEnteredAt;
  // The snapshot picks the leads by the pipeline's open stages (which imply the pipeline), so that an
  // index by stage covers it.
  const byStage: ReportScope = { ...ps, pipelineId: null };

  // The snapshot: whole days from the kept totals (stage_day_totals, migration 0016: live leads per
  // stage, UTC entry day, owner and source), so a million open leads are tens of thousands of rows. A
  // day wholly on one side of a boundary instant (8, 31, 91 days ago, rotten) goes in its bucket by its
  // date; the leads of the days that hold a boundary are read one by one and put in their buckets by
  // their own instant. Totals, value and age need no boundary.
  const boundaries = [t8, t31, t91, ...(rottenBefore ? [rottenBefore] : [])];
  const dayOf = (ts: string) => ts.slice(0, 10);
  const [d8, d31, d91] = [dayOf(t8), dayOf(t31), dayOf(t91)];
  const dRot = rottenBefore ? dayOf(rottenBefore) : null;
  const edgeDays = [...new Set(boundaries.map(dayOf))];
  const edgeList = sql.join(
    edgeDays.map((d) => sql`${d}::date`),
    sql`, `,
  );
  const nil = sql`'00000000-0000-0000-0000-000000000000'::uuid`;
  const totalsScope: SQL[] = [
    sql`t.workspace_id = ${ctx.workspaceId}::uuid`,
    sql`t.stage_id in (${openStages(ctx, p.id)})`,
    ...ownerIn(byStage, sql`nullif(t.owner_id, ${nil})`),
  ];
  if (byStage.sources) totalsScope.push(sql`t.source in (${sqlList(byStage.sources)})`);
  const whole = (cond: SQL) =>
    sql`coalesce(sum(t.n) filter (where t.day not in (${edgeList}) and ${cond}), 0)`;
  // The boundary days as a list joined to the leads: one index range per stage and day.
  const edgeStarts = sql.join(
    edgeDays.map((d) => sql`(${`${d}T00:00:00Z`}::timestamptz)`),
    sql`, `,
  );

  const stageRows = rowsOf<StageRow>(
    await reportQuery(
      db,
      sql`
      with kept as (
        select t.stage_id, sum(t.n) as open, sum(t.value) as value, sum(t.entered_sum) as entered_sum,
          ${whole(sql`t.day > ${d8}::date`)} as d0_7,
          ${whole(sql`t.day < ${d8}::date and t.day > ${d31}::date`)} as d8_30,
          ${whole(sql`t.day < ${d31}::date and t.day > ${d91}::date`)} as d31_90,
          ${whole(sql`t.day < ${d91}::date`)} as d91plus,
          ${dRot ? whole(sql`t.day < ${dRot}::date`) : sql`0`} as rotten
        from stage_day_totals t where ${sql.join(totalsScope, sql` and `)}
        group by t.stage_id
      ),
      edge as (
        select ${leads.stageId} as stage_id,
          count(*) filter (where ${sea} >= ${t8}::timestamptz) as d0_7,
          count(*) filter (where ${sea} < ${t8}::timestamptz and ${sea} >= ${t31}::timestamptz) as d8_30,
          count(*) filter (where ${sea} < ${t31}::timestamptz and ${sea} >= ${t91}::timestamptz) as d31_90,
          count(*) filter (where ${sea} < ${t91}::timestamptz) as d91plus,
          ${rottenBefore ? sql`count(*) filter (where ${sea} < ${rottenBefore}::timestamptz)` : sql`0`} as rotten
        from (values ${edgeStarts}) e(lo)
        join ${leads} on ${sea} >= e.lo and ${sea} < e.lo + interval '1 day'
        where ${and(leadScope(ctx, byStage, leads, { created: false }))} and ${leads.stageId} in (${openStages(ctx, p.id)})
        group by ${leads.stageId}
      ),
      snap as (
        select kept.stage_id, kept.open::int as open, kept.value,
          (kept.open * extract(epoch from ${asOf}::timestamptz) - kept.entered_sum)::float8 as age_secs,
          (kept.d0_7 + coalesce(edge.d0_7, 0))::int as d0_7, (kept.d8_30 + coalesce(edge.d8_30, 0))::int as d8_30,
          (kept.d31_90 + coalesce(edge.d31_90, 0))::int as d31_90,
          (kept.d91plus + coalesce(edge.d91plus, 0))::int as d91plus,
          (kept.rotten + coalesce(edge.rotten, 0))::int as rotten
        from kept left join edge on edge.stage_id = kept.stage_id
        where kept.open <> 0
      )
      select s.id, s.name, s.color, s.probability, coalesce(snap.open, 0) as open,
        coalesce(snap.value, 0)::numeric(20, 2)::text as value,
        round(coalesce(snap.value, 0) * s.probability / 100.0, 2)::numeric(20, 2)::text as weighted,
        snap.age_secs, coalesce(snap.d0_7, 0) as d0_7, coalesce(snap.d8_30, 0) as d8_30,
        coalesce(snap.d31_90, 0) as d31_90, coalesce(snap.d91plus, 0) as d91plus, coalesce(snap.rotten, 0) as rotten
      from stages s left join snap on snap.stage_id = s.id
      where s.workspace_id = ${ctx.workspaceId}::uuid and s.pipeline_id = ${p.id}::uuid
        and ((s.type = 'open' and s.deleted_at is null) or snap.stage_id is not null)
      order by s.position, s.id`,
    ),
  );

  const vr = velocityRange(scope, now);
  const vScope: ReportScope = {
    ...ps,
    from: vr.from,
    to: vr.to,
    fromTs: `${vr.from}T00:00:00Z`,
    toTs: `${isoDay(Date.parse(`${vr.to}T00:00:00Z`) + DAY)}T00:00:00Z`,
  };
  const [v] = rowsOf<{ wins: number; losses: number; avg_won: string | null; avg_cycle_secs: number | null }>(
    await reportQuery(
      db,
      sql`
      select count(*) filter (where ${leads.status} = 'won')::int as wins,
        count(*) filter (where ${leads.status} = 'lost')::int as losses,
        (avg(${leads.dealValue}) filter (where ${leads.status} = 'won'))::text as avg_won,
        (avg(extract(epoch from (${sea} - ${leads.createdAt}))) filter (where ${leads.status} = 'won'))::float8
          as avg_cycle_secs
      from ${leads}
      where ${and(leadScope(ctx, ps, leads, { created: false }))} and ${leads.status} in ('won', 'lost')
        and ${and(inRange(vScope, sea))}`,
    ),
  );

  const stageDrill = (stageId: string, extra: Record<string, string> = {}): Drill =>
    leadDrill(ps, { stageId, ...extra }, { created: false });
  const stages: HealthReport['stages'] = stageRows.map((s) => ({
    stageId: s.id,
    name: s.name,
    color: s.color,
    probability: s.probability,
    open: s.open,
    value: s.value,
    weightedValue: s.weighted,
    avgDaysInStage: s.open && s.age_secs !== null ? round2(s.age_secs / s.open / 86_400) : null,
    aging: { d0_7: s.d0_7, d8_30: s.d8_30, d31_90: s.d31_90, d91plus: s.d91plus },
    rotten: s.rotten,
    drills: {
      open: stageDrill(s.id),
      d0_7: stageDrill(s.id, { stageEnteredAtFrom: t8 }),
      d8_30: stageDrill(s.id, { stageEnteredAtFrom: t31, stageEnteredAtTo: t8 }),
      d31_90: stageDrill(s.id, { stageEnteredAtFrom: t91, stageEnteredAtTo: t31 }),
      d91plus: stageDrill(s.id, { stageEnteredAtTo: t91 }),
      rotten: rottenBefore ? stageDrill(s.id, { stageEnteredAtTo: rottenBefore }) : null,
    },
  }));

  const sum = (f: (s: StageRow) => number) => stageRows.reduce((a, s) => a + f(s), 0);
  const open = sum((s) => s.open);
  const ageSecs = sum((s) => s.age_secs ?? 0);
  const wins = v?.wins ?? 0;
  const losses = v?.losses ?? 0;
  const winRate = wins + losses === 0 ? null : wins / (wins + losses);
  // perDay is computed from the inputs as shown (money in cents, days to two decimals), so that anyone
  // can redo the sum; a cycle that rounds to 0 days gives no velocity.
  const avgCycleDays = v?.avg_cycle_secs == null ? null : round2(v.avg_cycle_secs / 86_400);
  const avgWon = v?.avg_won == null ? null : Number(v.avg_won).toFixed(2);
  const perDay =
    avgWon === null || winRate === null || avgCycleDays === null || avgCycleDays <= 0
      ? null
      : ((open * Number(avgWon) * winRate) / avgCycleDays).toFixed(2);
  const closed = (status: 'won' | 'lost') =>
    leadDrill(
      ps,
      { status, stageEnteredAtFrom: vScope.fromTs!, stageEnteredAtTo: vScope.toTs! },
      { created: false },
    );
  return {
    pipeline: p,
    asOf,
    stages,
    totals: {
      open,
      value: sumDecimal(stageRows.map((s) => s.value)),
      weightedValue: sumDecimal(stageRows.map((s) => s.weighted)),
      avgDaysInStage: open ? round2(ageSecs / open / 86_400) : null,
      aging: {
        d0_7: sum((s) => s.d0_7),
        d8_30: sum((s) => s.d8_30),
        d31_90: sum((s) => s.d31_90),
        d91plus: sum((s) => s.d91plus),
      },
      rotten: sum((s) => s.rotten),
    },
    velocity: {
      range: vr,
      openLeads: open,
      wins,
      losses,
      avgWonValue: avgWon,
      winRate,
      avgCycleDays,
      perDay: perDay === '-0.00' ? '0.00' : perDay,
      drills: {
        openLeads: leadDrill(ps, { status: OPEN_STATUSES.join(',') }, { created: false }),
        wins: closed('won'),
        losses: closed('lost'),
      },
    },
  };
}

/** The table under the chart: one row per open stage, then the totals. */
export function healthReportTable(r: HealthReport): ReportTable {
  const line = (name: string, x: HealthReport['totals']) => [
    name,
    x.open,
    x.value,
    x.weightedValue,
    x.avgDaysInStage,
    x.aging.d0_7,
    x.aging.d8_30,
    x.aging.d31_90,
    x.aging.d91plus,
    x.rotten,
  ];
  return {
    title: `Pipeline health – ${r.pipeline.name}`,
    columns: [
      { label: 'Stage', kind: 'text' },
      { label: 'Open leads', kind: 'int' },
      { label: 'Value', kind: 'money' },
      { label: 'Weighted value', kind: 'money' },
      { label: 'Average days in stage', kind: 'days' },
      { label: '0–7 days', kind: 'int' },
      { label: '8–30 days', kind: 'int' },
      { label: '31–90 days', kind: 'int' },
      { label: '91+ days', kind: 'int' },
      { label: 'Rotten', kind: 'int' },
    ],
    rows: [...r.stages.map((s) => line(s.name, s)), line('Total', r.totals)],
  };
}
