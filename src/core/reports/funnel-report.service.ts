import { and, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { pipelines, stages } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { sumDecimal } from '../shared/decimal.js';
import { AppError } from '../shared/errors.js';
import { bucketFloor, medianOf, medianProbe } from './duration-median.js';
import type { FunnelOut } from './funnel-report.schemas.js';
import type { ReportTable } from './report-file.js';
import {
  conditionParam,
  inRange,
  leadDrill,
  leadScope,
  type ReportScope,
  reportQuery,
} from './report-filters.js';

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const DAY_SECONDS = 86_400;

/** The pipeline a report is about: the given one, or the workspace's default pipeline. */
export async function reportPipeline(
  db: Db,
  ctx: Ctx,
  scope: ReportScope,
): Promise<{ id: string; name: string }> {
  if (scope.pipelineId) return { id: scope.pipelineId, name: scope.pipelineName ?? '' };
  const [p] = await db
    .select({ id: pipelines.id, name: pipelines.name })
    .from(pipelines)
    .where(
      and(
        eq(pipelines.workspaceId, ctx.workspaceId),
        eq(pipelines.isDefault, true),
        isNull(pipelines.deletedAt),
      ),
    );
  if (!p)
    throw new AppError('validation_failed', 'pipelineId: the workspace has no default pipeline; choose one', [
      { field: 'pipelineId', reason: 'is required: the workspace has no default pipeline' },
    ]);
  return p;
}

type SetRow = {
  reached: string[] | null;
  lost: boolean;
  reason: string | null;
  n: string | number;
  v: string;
};
type Figures = { setRows: SetRow[]; median: Map<string, { n: number; seconds: number }> };

/**
 * The funnel's figures read from the leads and their stays (owner and source filters, which the kept
 * totals do not carry). Two statements, side by side on the pool. One pass over the cohort (an
 * index-only scan of leads_report_idx) grouped by the set of stages each lead reached (kept on the lead
 * from its stage history, migration 0015; a few dozen distinct sets) and by lost reason. Medians need
 * the stays themselves: the cohort's ended stays in the funnel's stages, read from the history's index
 * between the cohort's smallest and largest id (ids are UUIDv7, so a cohort of recent leads is a narrow
 * range of the index) and hash-joined to the cohort.
 */
async function scannedFigures(db: Db, ctx: Ctx, scope: ReportScope, stepIds: SQL): Promise<Figures> {
  const cohort = sql.join(leadScope(ctx, scope, undefined), sql` and `);
  const [setRows, medianRows] = await Promise.all([
    reportQuery(
      db,
      sql`select leads.reached_stage_ids as reached, leads.status = 'lost' as lost, leads.lost_reason as reason,
          count(*) as n, coalesce(sum(leads.deal_value), 0) as v
        from leads where ${cohort} group by 1, 2, 3`,
    ),
    reportQuery(
      db,
      sql`with c as materialized (select leads.id from leads where ${cohort})
        select h.stage_id::text as key, count(*) as n,
          percentile_cont(0.5) within group (order by h.seconds) as v
        from lead_stage_history h join c on c.id = h.lead_id
        where h.workspace_id = ${ctx.workspaceId}
          and h.lead_id between (select id from c order by id limit 1) and (select id from c order by id desc limit 1)
          and h.stage_id = any(${stepIds}) and h.seconds is not null
        group by h.stage_id`,
      { hashJoins: true },
    ),
  ]);
  return {
    setRows: rowsOf<SetRow>(setRows),
    median: new Map(
      rowsOf<{ key: string; n: string | number; v: string | number }>(medianRows).map((r) => [
        r.key,
        { n: Number(r.n), seconds: Number(r.v) },
      ]),
    ),
  };
}

/**
 * The funnel's figures from the kept totals (migration 0018, ADR 016), for a cohort of a pipeline and
 * a range of creation days: the leads by stages reached and lost reason from funnel_day_totals, and
 * each stage's median from the histogram of its stays' durations, which says which bucket holds the
 * middle value; that bucket is then read in duration order from lead_stage_history_seconds_idx (the
 * stays carry their lead's creation time and pipeline), so the median is exact.
 */
async function keptFigures(db: Db, ctx: Ctx, scope: ReportScope, ids: string[]): Promise<Figures> {
  const days = [
    ...(scope.from ? [sql`day >= ${scope.from}::date`] : []),
    ...(scope.to ? [sql`day <= ${scope.to}::date`] : []),
  ];
  const where = sql.join(
    [sql`workspace_id = ${ctx.workspaceId}`, sql`pipeline_id = ${scope.pipelineId}`, ...days],
    sql` and `,
  );
  const [sets, histogram] = await Promise.all([
    reportQuery(
      db,
      sql`select reached, lost, sum(n) as n, sum(value) as v from funnel_day_totals where ${where}
        group by reached, lost having sum(n) <> 0`,
    ),
    ids.length
      ? reportQuery(
          db,
          sql`select stage_id::text as stage, bucket, sum(n)::float8 as n from stay_duration_totals
            where ${where} and stage_id in (${sql.join(
              ids.map((i) => sql`${i}::uuid`),
              sql`, `,
            )})
            group by stage_id, bucket having sum(n) <> 0`,
        )
      : { rows: [] },
  ]);
  const setRows = rowsOf<{ reached: string[]; lost: string; n: string | number; v: string }>(sets).map(
    (r): SetRow => ({
      reached: r.reached,
      lost: r.lost !== '',
      reason: r.lost.startsWith('v') ? r.lost.slice(1) : null,
      n: r.n,
      v: r.v,
    }),
  );
  const byStage = new Map<string, [number, number][]>();
  for (const r of rowsOf<{ stage: string; bucket: number; n: number }>(histogram)) {
    const h = byStage.get(r.stage) ?? [];
    h.push([Number(r.bucket), Number(r.n)]);
    byStage.set(r.stage, h);
  }
  const created = inRange(scope, sql`lead_created_at`);
  const median = new Map<string, { n: number; seconds: number }>();
  await Promise.all(
    [...byStage].map(async ([stage, h]) => {
      const probe = medianProbe(h);
      if (!probe) return;
      const floor = bucketFloor(probe.bucket);
      const conds = [
        sql`workspace_id = ${ctx.workspaceId}`,
        sql`stage_id = ${stage}::uuid`,
        ...(floor === null ? [] : [sql`seconds >= ${floor}::float8`]),
        sql`seconds is not null`,
        sql`lead_live`,
        sql`lead_pipeline_id = ${scope.pipelineId}`,
        ...created,
      ];
      const values = rowsOf<{ seconds: number }>(
        await reportQuery(
          db,
          sql`select seconds from lead_stage_history where ${sql.join(conds, sql` and `)}
            order by seconds offset ${probe.offset} limit 2`,
        ),
      ).map((r) => Number(r.seconds));
      median.set(stage, { n: probe.n, seconds: medianOf(probe, values) });
    }),
  );
  return { setRows, median };
}

/**
 * The conversion funnel of a pipeline over a cohort: the leads created in the range that are now in the
 * pipeline (and of the owners and sources filtered). A lead reached a stage when its stage history has a
 * stay in that stage or a later one (by position; lost stages are not steps), so a lead created straight
 * into Proposal has reached New, Contacted and Qualified too and the funnel never widens. Median time in
 * stage is taken over the cohort's stays in the stage that have ended. Lost leads are shown beside the
 * steps, with their reasons.
 */
export async function funnelReport(db: Db, ctx: Ctx, input: ReportScope): Promise<FunnelOut> {
  const pipeline = await reportPipeline(db, ctx, input);
  const scope: ReportScope = { ...input, pipelineId: pipeline.id, pipelineName: pipeline.name };
  const steps = await db
    .select({
      id: stages.id,
      name: stages.name,
      color: stages.color,
      type: stages.type,
      position: stages.position,
    })
    .from(stages)
    .where(
      and(
        eq(stages.workspaceId, ctx.workspaceId),
        eq(stages.pipelineId, pipeline.id),
        isNull(stages.deletedAt),
      ),
    )
    .orderBy(stages.position, stages.id);
  const funnelSteps = steps.filter((s) => s.type !== 'lost');
  const ids = funnelSteps.map((s) => s.id);
  const stepIds = ids.length
    ? sql`array[${sql.join(
        ids.map((i) => sql`${i}::uuid`),
        sql`, `,
      )}]::uuid[]`
    : sql`'{}'::uuid[]`;
  const { setRows, median } =
    scope.ownerIds || scope.sources
      ? await scannedFigures(db, ctx, scope, stepIds)
      : await keptFigures(db, ctx, scope, ids);
  const position = new Map(ids.map((id, i) => [id, i]));
  const furthest = new Array<number>(ids.length).fill(0);
  let total = 0;
  const lostBy = new Map<string | null, { count: number; values: string[] }>();
  for (const r of setRows) {
    const n = Number(r.n);
    total += n;
    // The furthest funnel step of the set (a lead with stays only in other pipelines reaches none).
    let far = -1;
    for (const id of r.reached ?? []) far = Math.max(far, position.get(id) ?? -1);
    if (far >= 0) furthest[far]! += n;
    if (r.lost) {
      const x = lostBy.get(r.reason) ?? { count: 0, values: [] };
      x.count += n;
      x.values.push(r.v);
      lostBy.set(r.reason, x);
    }
  }
  const reasons = [...lostBy].map(([reason, x]) => ({ reason, count: x.count, value: sumDecimal(x.values) }));
  // Reached stage i = leads whose furthest step is i or later.
  const reached = new Array<number>(ids.length).fill(0);
  for (let i = ids.length - 1, acc = 0; i >= 0; i--) {
    acc += furthest[i]!;
    reached[i] = acc;
  }
  reasons.sort((a, b) => b.count - a.count || String(a.reason).localeCompare(String(b.reason)));
  const lostDrill = (extra: Record<string, string> = {}) => leadDrill(scope, { status: 'lost', ...extra });
  return {
    pipeline,
    range: { from: scope.from, to: scope.to },
    total,
    totalDrill: leadDrill(scope),
    stages: funnelSteps.map((s, i) => {
      const m = median.get(s.id);
      const last = i === funnelSteps.length - 1;
      return {
        stageId: s.id,
        name: s.name,
        color: s.color,
        type: s.type as 'open' | 'won',
        position: s.position,
        reached: reached[i]!,
        conversionRate: last ? null : ratio(reached[i + 1]!, reached[i]!),
        fromStartRate: ratio(reached[i]!, total),
        dropOff: last ? null : reached[i]! - reached[i + 1]!,
        medianDaysInStage: m ? Math.round((m.seconds / DAY_SECONDS) * 100) / 100 : null,
        stays: m?.n ?? 0,
        drill: leadDrill(scope, { reachedStageId: ids.slice(i).join(',') }),
      };
    }),
    lost: {
      count: reasons.reduce((a, r) => a + r.count, 0),
      value: sumDecimal(reasons.map((r) => r.value)),
      drill: lostDrill(),
      reasons: reasons.map((r) => ({
        ...r,
        value: sumDecimal([r.value]),
        drill:
          r.reason === null
            ? lostDrill({ condition: conditionParam({ field: 'lostReason', op: 'is_empty' }) })
            : lostDrill({ condition: conditionParam({ field: 'lostReason', op: 'eq', value: r.reason }) }),
      })),
    },
  };
}

export function funnelTable(r: FunnelOut): ReportTable {
  return {
    title: `Funnel ${r.pipeline.name}`,
    columns: [
      { label: 'Stage', kind: 'text' },
      { label: 'Reached', kind: 'int' },
      { label: 'Conversion to next', kind: 'percent' },
      { label: 'Of all leads', kind: 'percent' },
      { label: 'Drop-off', kind: 'int' },
      { label: 'Median days in stage', kind: 'days' },
    ],
    rows: [
      ...r.stages.map((s) => [
        s.name,
        s.reached,
        s.conversionRate,
        s.fromStartRate,
        s.dropOff,
        s.medianDaysInStage,
      ]),
      ['Lost', r.lost.count, null, r.total ? r.lost.count / r.total : null, null, null],
      ...r.lost.reasons.map((x) => [`Lost: ${x.reason ?? '(no reason)'}`, x.count, null, null, null, null]),
    ],
  };
}
