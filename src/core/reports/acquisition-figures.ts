import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import { sumDecimal } from '../shared/decimal.js';
import { leadScope, type ReportScope, reportQuery, sqlList } from './report-filters.js';
import { QUALIFIED_STATUSES } from './report-rollups.js';

/**
 * The figures of the sources and campaigns reports per group (a source, or a campaign name compared
 * without case; none is null, and so is an empty value, as the list's `is_empty` drill has it):
 * - counts and the won value: from `acquisition_day_totals` (ADR 017) when the scope has no owner or
 *   team filter, which those totals do not carry; otherwise from one pass over the scope's leads;
 * - the median time to win (creation to entering the won stage): from the scope's won leads only
 *   (`leads_won_report_idx`), per group and over all, in one statement;
 * - the spend of each key's campaigns, prorated to the range, when costs apply.
 */

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;

export type AcquisitionBy = 'source' | 'campaign';

export type Counts = {
  key: string | null;
  /** The spellings of a campaign's name among the leads (sources: null). */
  variants: string[] | null;
  leads: number;
  qualified: number;
  won: number;
  lost: number;
  wonValue: string;
};

type CountRow = {
  key: string | null;
  variants: string[] | null;
  leads: string | number;
  qualified: string | number;
  won: string | number;
  lost: string | number;
  won_value: string | null;
};

const toCounts = (r: CountRow): Counts => ({
  key: r.key,
  variants: r.variants,
  leads: Number(r.leads),
  qualified: Number(r.qualified),
  won: Number(r.won),
  lost: Number(r.lost),
  wonValue: sumDecimal([r.won_value ?? '0']),
});

/** The kept totals can answer the scope: they have pipeline, day and source, not owner. */
export const keptAnswers = (scope: ReportScope) => scope.ownerIds === null;

/** Counts from `acquisition_day_totals`: a few thousand rows per month of range. */
async function keptCounts(db: Db, ctx: Ctx, scope: ReportScope, by: AcquisitionBy): Promise<Counts[]> {
  const where: SQL[] = [sql`workspace_id = ${ctx.workspaceId}`];
  if (scope.pipelineId) where.push(sql`pipeline_id = ${scope.pipelineId}`);
  if (scope.from) where.push(sql`day >= ${scope.from}::date`);
  if (scope.to) where.push(sql`day <= ${scope.to}::date`);
  if (scope.sources) where.push(sql`source in (${sqlList(scope.sources)})`);
  const key = by === 'source' ? sql`nullif(source, '')` : sql`nullif(lower(campaign), '')`;
  const spelled = by === 'source' ? sql`source` : sql`source, campaign`;
  const variants =
    by === 'campaign' ? sql`array_agg(distinct campaign) filter (where campaign <> '')` : sql`null::text[]`;
  // Summed over the slots by spelling first: a spelling whose leads all moved away adds up to zero
  // and is not a variant.
  return rowsOf<CountRow>(
    await reportQuery(
      db,
      sql`with t as (
        select ${spelled}, outcome, qualified, sum(n) as n, sum(value) as value
        from acquisition_day_totals where ${sql.join(where, sql` and `)}
        group by ${spelled}, outcome, qualified having sum(n) <> 0)
      select ${key} as key, ${variants} as variants, sum(n) as leads,
        coalesce(sum(n) filter (where qualified), 0) as qualified,
        coalesce(sum(n) filter (where outcome = 'w'), 0) as won,
        coalesce(sum(n) filter (where outcome = 'l'), 0) as lost,
        coalesce(sum(value) filter (where outcome = 'w'), 0) as won_value
      from t group by 1`,
    ),
  ).map(toCounts);
}

/** Counts over the scope's leads (owner and team filters). */
async function scannedCounts(
  db: Db,
  ctx: Ctx,
  scope: ReportScope,
  by: AcquisitionBy,
  qualifiedIds: string[],
): Promise<Counts[]> {
  const key = by === 'source' ? sql`nullif(source, '')` : sql`nullif(lower(campaign), '')`;
  // Reached a qualified stage: the lead's stage history as a set (kept on the lead, migration 0015).
  const qualified = qualifiedIds.length
    ? sql`reached_stage_ids && array[${sql.join(
        qualifiedIds.map((i) => sql`${i}::uuid`),
        sql`, `,
      )}]::uuid[]`
    : sql`false`;
  const variants =
    by === 'campaign' ? sql`array_agg(distinct campaign) filter (where campaign <> '')` : sql`null::text[]`;
  return rowsOf<CountRow>(
    await reportQuery(
      db,
      sql`select ${key} as key, ${variants} as variants, count(*) as leads,
        count(*) filter (where ${qualified}) as qualified,
        count(*) filter (where status = 'won') as won,
        count(*) filter (where status = 'lost') as lost,
        coalesce(sum(deal_value) filter (where status = 'won'), 0) as won_value
      from leads where ${sql.join(leadScope(ctx, scope, undefined), sql` and `)}
      group by 1`,
    ),
  ).map(toCounts);
}

/** Stages that count as qualified: any stage (any pipeline, removed ones too) with status qualified or later. */
export async function qualifiedStageIds(db: Db, ctx: Ctx): Promise<string[]> {
  return rowsOf<{ id: string }>(
    await db.execute(
      sql`select id from stages where workspace_id = ${ctx.workspaceId} and lead_status in (${sqlList(QUALIFIED_STATUSES)}) order by id`,
    ),
  ).map((r) => r.id);
}

export const acquisitionCounts = (
  db: Db,
  ctx: Ctx,
  scope: ReportScope,
  by: AcquisitionBy,
  qualifiedIds: string[],
): Promise<Counts[]> =>
  keptAnswers(scope) ? keptCounts(db, ctx, scope, by) : scannedCounts(db, ctx, scope, by, qualifiedIds);

/**
 * Median seconds from creation to the won stage, per group (`groups`) and over all the scope's won
 * leads (`all`; a median is not an average of the groups' medians), from the won leads only.
 */
export async function winMedians(
  db: Db,
  ctx: Ctx,
  scope: ReportScope,
  by: AcquisitionBy,
): Promise<{ groups: Map<string | null, number>; all: number | null }> {
  const key = by === 'source' ? sql`nullif(source, '')` : sql`nullif(lower(campaign), '')`;
  const rows = rowsOf<{ key: string | null; whole: boolean; m: string | number | null }>(
    await reportQuery(
      db,
      sql`select ${key} as key, grouping(${key}) = 1 as whole,
        percentile_cont(0.5) within group (order by date_part('epoch', stage_entered_at - created_at)) as m
      from leads where ${sql.join(leadScope(ctx, scope, undefined), sql` and `)} and status = 'won'
      group by grouping sets ((${key}), ())`,
    ),
  );
  const groups = new Map<string | null, number>();
  let all: number | null = null;
  for (const r of rows) {
    if (r.m === null) continue;
    if (r.whole) all = Number(r.m);
    else groups.set(r.key, Number(r.m));
  }
  return { groups, all };
}

/** Spend per key in the scope's range: each cost period prorated by the days it overlaps the range. */
export async function acquisitionCosts(
  db: Db,
  ctx: Ctx,
  scope: ReportScope,
  by: AcquisitionBy,
): Promise<Map<string | null, string>> {
  const key = by === 'source' ? sql`ca.source` : sql`lower(ca.name)`;
  const lo = scope.from ? sql`greatest(cc.period_start, ${scope.from}::date)` : sql`cc.period_start`;
  const hi = scope.to ? sql`least(cc.period_end, ${scope.to}::date)` : sql`cc.period_end`;
  const rows = rowsOf<{ key: string | null; cost: string }>(
    await db.execute(sql`select ${key} as key,
        round(sum(cc.amount * (${hi} - ${lo} + 1) / (cc.period_end - cc.period_start + 1)), 2) as cost
      from campaign_costs cc join campaigns ca on ca.workspace_id = cc.workspace_id and ca.id = cc.campaign_id
      where cc.workspace_id = ${ctx.workspaceId} and ca.deleted_at is null and ${hi} >= ${lo}${
        scope.sources ? sql` and ca.source in (${sqlList(scope.sources)})` : sql``
      }
      group by 1`),
  );
  return new Map(rows.map((r) => [r.key, sumDecimal([r.cost])]));
}
