import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sqlList } from './report-filters.js';

/**
 * The report figures that triggers keep in the writing transaction (migration 0015, ADR 015):
 * `leads.reached_stage_ids` (the stages of the lead's stage history), `leads.first_response_at` (its
 * first live call, email, meeting, note or sms), `activity_day_totals` (live activities per UTC day,
 * user, type and outcome) and `stage_day_totals` (live leads per stage, UTC day they entered it, owner
 * and source; migration 0016) and `stage_close_totals` (live leads per stage, expected close date,
 * owner and source; migration 0017), and for the funnel (migration 0018, ADR 016) `funnel_day_totals`
 * (live leads per pipeline, creation day, stages reached and lost reason), the lead columns on each stay
 * and `stay_duration_totals` (ended stays per lead pipeline, creation day, stage and duration bucket),
 * and for the sources and campaigns reports (migration 0019, ADR 017) `acquisition_day_totals` (live
 * leads per pipeline, creation day, source, campaign, outcome and qualified), and for the team report
 * (migration 0020, ADR 018) `response_day_totals` (live leads per creation day, week and month,
 * pipeline, owner, open or not and first-response bucket). `recountReportRollups`
 * computes them again from the rows for one workspace,
 * for loads that run with triggers off (the demo's replica role); `reportRollupDrift` says how far the
 * kept figures are from the rows (0 everywhere when the triggers did their work).
 */

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
/** Stage statuses whose stages make a lead that reached them qualified (sources and campaigns reports). */
export const QUALIFIED_STATUSES = ['qualified', 'proposal', 'won'] as const;
const HUMAN = sql`('call', 'email', 'meeting', 'note', 'sms')`;
const NIL = sql`'00000000-0000-0000-0000-000000000000'::uuid`;

const reachedFromHistory = (ws: string) => sql`select l.id,
    coalesce((select array_agg(distinct h.stage_id order by h.stage_id) from lead_stage_history h
      where h.workspace_id = l.workspace_id and h.lead_id = l.id), '{}') as ids
  from leads l where l.workspace_id = ${ws}`;
const firstFromActivities = (ws: string) => sql`select lead_id as id, min(occurred_at) as at from activities
  where workspace_id = ${ws} and lead_id is not null and deleted_at is null and type in ${HUMAN} group by lead_id`;
const dayTotalsFromActivities = (ws: string) => sql`select (occurred_at at time zone 'UTC')::date as day,
    coalesce(user_id, ${NIL}) as user_id, type, coalesce(outcome, '') as outcome, count(*) as n
  from activities where workspace_id = ${ws} and deleted_at is null group by 1, 2, 3, 4`;

const stageDaysFromLeads = (
  ws: string,
) => sql`select stage_id, (stage_entered_at at time zone 'UTC')::date as day,
    coalesce(owner_id, ${NIL}) as owner_id, coalesce(source, '') as source, count(*) as n,
    coalesce(sum(deal_value), 0) as value, sum(extract(epoch from stage_entered_at)) as entered_sum
  from leads where workspace_id = ${ws} and deleted_at is null group by 1, 2, 3, 4`;

const stageClosesFromLeads = (
  ws: string,
) => sql`select stage_id, coalesce(expected_close_date, '-infinity'::date) as close_day,
    coalesce(owner_id, ${NIL}) as owner_id, coalesce(source, '') as source, count(*) as n,
    coalesce(sum(deal_value), 0) as value
  from leads where workspace_id = ${ws} and deleted_at is null group by 1, 2, 3, 4`;

const LOST_KEY = sql`case when status = 'lost' then case when lost_reason is null then 'n' else 'v' || lost_reason end else '' end`;
const funnelFromLeads = (ws: string) => sql`select pipeline_id, (created_at at time zone 'UTC')::date as day,
    reached_stage_ids as reached, ${LOST_KEY} as lost, count(*) as n, coalesce(sum(deal_value), 0) as value
  from leads where workspace_id = ${ws} and deleted_at is null group by 1, 2, 3, 4`;
const staysOfLeads = (
  ws: string,
) => sql`select h.id, l.created_at, l.pipeline_id, l.deleted_at is null as live
  from lead_stage_history h join leads l on l.workspace_id = h.workspace_id and l.id = h.lead_id
  where h.workspace_id = ${ws}`;
const durationsFromStays = (ws: string) => sql`select lead_pipeline_id as pipeline_id,
    (lead_created_at at time zone 'UTC')::date as day, stage_id, report_duration_bucket(seconds) as bucket, count(*) as n
  from lead_stage_history where workspace_id = ${ws} and seconds is not null and lead_live
    and lead_created_at is not null and lead_pipeline_id is not null
  group by 1, 2, 3, 4`;

const acquisitionFromLeads = (
  ws: string,
) => sql`select pipeline_id, (created_at at time zone 'UTC')::date as day,
    coalesce(source, '') as source, coalesce(campaign, '') as campaign,
    case status when 'won' then 'w' when 'lost' then 'l' else 'o' end as outcome,
    coalesce(reached_stage_ids && (select array_agg(id) from stages where workspace_id = ${ws}
      and lead_status in (${sqlList(QUALIFIED_STATUSES)})), false) as qualified,
    count(*) as n, coalesce(sum(deal_value), 0) as value
  from leads where workspace_id = ${ws} and deleted_at is null group by 1, 2, 3, 4, 5, 6`;

const responsesFromLeads = (ws: string) => sql`select g.grain,
    report_grain_day(g.grain, (l.created_at at time zone 'UTC')::date) as day, l.pipeline_id,
    coalesce(l.owner_id, ${NIL}) as owner_id, l.status not in ('won', 'lost') as open,
    report_response_bucket(l.created_at, l.first_response_at) as bucket, count(*) as n
  from leads l cross join (values ('d'), ('w'), ('m')) g(grain)
  where l.workspace_id = ${ws} and l.deleted_at is null group by 1, 2, 3, 4, 5, 6`;

/**
 * Counts `acquisition_day_totals` again for one workspace. Its `qualified` reads the stages as they are,
 * so a stage whose status moves into or out of qualified, proposal and won calls this in its
 * transaction. The table lock waits for the writers in flight (their deltas land before the recount
 * reads the leads) and holds off new ones until the transaction ends.
 */
export async function recountAcquisitionTotals(db: Db, ws: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`lock table acquisition_day_totals in share row exclusive mode`);
    await tx.execute(sql`delete from acquisition_day_totals where workspace_id = ${ws}`);
    await tx.execute(sql`insert into acquisition_day_totals (workspace_id, pipeline_id, day, source, campaign, outcome, qualified, slot, n, value)
      select ${ws}::uuid, pipeline_id, day, source, campaign, outcome, qualified, 0, n, value from (${acquisitionFromLeads(ws)}) d`);
  });
}

export async function recountReportRollups(db: Db, ws: string): Promise<void> {
  await db.execute(sql`update leads l set reached_stage_ids = d.ids from (${reachedFromHistory(ws)}) d
    where l.workspace_id = ${ws} and l.id = d.id and l.reached_stage_ids is distinct from d.ids`);
  await db.execute(sql`update leads l set first_response_at = d.at
    from (select l2.id, f.at from leads l2 left join (${firstFromActivities(ws)}) f on f.id = l2.id
          where l2.workspace_id = ${ws}) d
    where l.workspace_id = ${ws} and l.id = d.id and l.first_response_at is distinct from d.at`);
  await db.execute(sql`delete from activity_day_totals where workspace_id = ${ws}`);
  await db.execute(sql`insert into activity_day_totals (workspace_id, day, user_id, type, outcome, slot, n)
    select ${ws}::uuid, day, user_id, type, outcome, 0, n from (${dayTotalsFromActivities(ws)}) d`);
  await db.execute(sql`delete from stage_day_totals where workspace_id = ${ws}`);
  await db.execute(sql`insert into stage_day_totals (workspace_id, stage_id, day, owner_id, source, slot, n, value, entered_sum)
    select ${ws}::uuid, stage_id, day, owner_id, source, 0, n, value, entered_sum from (${stageDaysFromLeads(ws)}) d`);
  await db.execute(sql`delete from stage_close_totals where workspace_id = ${ws}`);
  await db.execute(sql`insert into stage_close_totals (workspace_id, stage_id, close_day, owner_id, source, slot, n, value)
    select ${ws}::uuid, stage_id, close_day, owner_id, source, 0, n, value from (${stageClosesFromLeads(ws)}) d`);
  await db.execute(sql`delete from funnel_day_totals where workspace_id = ${ws}`);
  await db.execute(sql`insert into funnel_day_totals (workspace_id, pipeline_id, day, reached, lost, slot, n, value)
    select ${ws}::uuid, pipeline_id, day, reached, lost, 0, n, value from (${funnelFromLeads(ws)}) d`);
  await db.execute(sql`update lead_stage_history h
    set lead_created_at = d.created_at, lead_pipeline_id = d.pipeline_id, lead_live = d.live
    from (${staysOfLeads(ws)}) d
    where h.workspace_id = ${ws} and h.id = d.id
      and (h.lead_created_at, h.lead_pipeline_id, h.lead_live) is distinct from (d.created_at, d.pipeline_id, d.live)`);
  await db.execute(sql`delete from stay_duration_totals where workspace_id = ${ws}`);
  await db.execute(sql`insert into stay_duration_totals (workspace_id, pipeline_id, day, stage_id, bucket, slot, n)
    select ${ws}::uuid, pipeline_id, day, stage_id, bucket, 0, n from (${durationsFromStays(ws)}) d`);
  await recountAcquisitionTotals(db, ws);
  await db.execute(sql`delete from response_day_totals where workspace_id = ${ws}`);
  await db.execute(sql`insert into response_day_totals (workspace_id, grain, day, pipeline_id, owner_id, open, bucket, slot, n)
    select ${ws}::uuid, grain, day, pipeline_id, owner_id, open, bucket, 0, n from (${responsesFromLeads(ws)}) d`);
}

export type RollupDrift = {
  reached: number;
  firstResponse: number;
  dayTotals: number;
  stageDays: number;
  stageCloses: number;
  funnelDays: number;
  stayLeads: number;
  stayDurations: number;
  acquisitionDays: number;
  responseDays: number;
};

/** What `reportRollupDrift` says when every kept figure agrees with its rows. */
export const NO_ROLLUP_DRIFT: RollupDrift = {
  reached: 0,
  firstResponse: 0,
  dayTotals: 0,
  stageDays: 0,
  stageCloses: 0,
  funnelDays: 0,
  stayLeads: 0,
  stayDurations: 0,
  acquisitionDays: 0,
  responseDays: 0,
};

/**
 * Groups of a totals table (summed over its slots, zero groups left out) that differ from the same
 * groups counted from the rows (`fresh`, with the same key and sum columns). Names are constants.
 */
function groupDrift(ws: string, fresh: SQL, table: string, keys: string[], sums: string[]): SQL {
  const list = (xs: string[], f: (x: string) => string) => sql.raw(xs.map(f).join(', '));
  return sql`(select count(*)::int from (${fresh}) d
    full join (select ${list(keys, (k) => k)}, ${list(sums, (x) => `sum(${x}) as ${x}`)}
               from ${sql.raw(table)} where workspace_id = ${ws} group by ${list(keys, (k) => k)}
               having ${sql.raw(sums.map((x) => `sum(${x}) <> 0`).join(' or '))}) t
      on ${sql.raw(keys.map((k) => `t.${k} = d.${k}`).join(' and '))}
    where (${list(sums, (x) => `t.${x}`)}) is distinct from (${list(sums, (x) => `d.${x}`)}))`;
}

/** Leads whose kept figures differ from their rows, and day-total groups whose count differs. */
export async function reportRollupDrift(db: Db, ws: string): Promise<RollupDrift> {
  const [r] = rowsOf<RollupDrift>(
    await db.execute(sql`select
      (select count(*)::int from leads l join (${reachedFromHistory(ws)}) d on d.id = l.id
        where l.workspace_id = ${ws} and l.reached_stage_ids is distinct from d.ids) as reached,
      (select count(*)::int from leads l left join (${firstFromActivities(ws)}) f on f.id = l.id
        where l.workspace_id = ${ws} and l.first_response_at is distinct from f.at) as "firstResponse",
      ${groupDrift(ws, dayTotalsFromActivities(ws), 'activity_day_totals', ['day', 'user_id', 'type', 'outcome'], ['n'])} as "dayTotals",
      ${groupDrift(ws, stageDaysFromLeads(ws), 'stage_day_totals', ['stage_id', 'day', 'owner_id', 'source'], ['n', 'value', 'entered_sum'])} as "stageDays",
      ${groupDrift(ws, stageClosesFromLeads(ws), 'stage_close_totals', ['stage_id', 'close_day', 'owner_id', 'source'], ['n', 'value'])} as "stageCloses",
      ${groupDrift(ws, funnelFromLeads(ws), 'funnel_day_totals', ['pipeline_id', 'day', 'reached', 'lost'], ['n', 'value'])} as "funnelDays",
      (select count(*)::int from lead_stage_history h join (${staysOfLeads(ws)}) d on d.id = h.id
        where h.workspace_id = ${ws}
          and (h.lead_created_at, h.lead_pipeline_id, h.lead_live) is distinct from (d.created_at, d.pipeline_id, d.live)) as "stayLeads",
      ${groupDrift(ws, durationsFromStays(ws), 'stay_duration_totals', ['pipeline_id', 'day', 'stage_id', 'bucket'], ['n'])} as "stayDurations",
      ${groupDrift(ws, acquisitionFromLeads(ws), 'acquisition_day_totals', ['pipeline_id', 'day', 'source', 'campaign', 'outcome', 'qualified'], ['n', 'value'])} as "acquisitionDays",
      ${groupDrift(ws, responsesFromLeads(ws), 'response_day_totals', ['grain', 'day', 'pipeline_id', 'owner_id', 'open', 'bucket'], ['n'])} as "responseDays"`),
  );
  return r!;
}
