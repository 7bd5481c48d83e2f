import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import { bucketCeiling, bucketFloor, medianOf, medianProbe } from './duration-median.js';
import { coverRange, type DaySpan } from './range-cover.js';
import { inRange, NOBODY, type ReportScope, reportQuery, sqlList } from './report-filters.js';

/**
 * The team report's figures of the leads created in the range, from kept totals (ADR 018): responded,
 * waiting and open leads per owner from `response_day_totals` over the range's whole months, weeks and
 * days; the median first response per owner, per team and over all from the same histogram, which
 * says which bucket holds the middle lead and how many lie below it; that bucket is then read in order
 * from `leads_response_report_idx`, one index range per owner. Exact, as percentile_cont(0.5).
 */

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
/** How the totals keep an unassigned lead's owner. */
export const NIL = '00000000-0000-0000-0000-000000000000';

export type LeadStats = {
  kind: 'owner' | 'team' | 'total';
  key: string | null;
  responded: number;
  waiting: number;
  median_hours: number | null;
  open: number;
  wins: number;
  losses: number;
  won_value: string;
};

/** The kept totals answer every filter but sources. */
export const responseKept = (scope: ReportScope) => scope.sources === null;

function spanSql(s: DaySpan): SQL {
  const c = [
    ...(s.from ? [sql`day >= ${s.from}::date`] : []),
    ...(s.until ? [sql`day < ${s.until}::date`] : []),
  ];
  return c.length ? sql`(${sql.join(c, sql` and `)})` : sql`true`;
}

/** The rows of the range's cover: its months, weeks and days. */
function coverSql(scope: ReportScope): SQL {
  const c = coverRange(scope.from, scope.to);
  const parts: SQL[] = [];
  if (c.months) parts.push(sql`(grain = 'm' and ${spanSql(c.months)})`);
  for (const w of c.weeks) parts.push(sql`(grain = 'w' and ${spanSql(w)})`);
  for (const d of c.days) parts.push(sql`(grain = 'd' and ${spanSql(d)})`);
  return sql`(${sql.join(parts, sql` or `)})`;
}

/** Owner ids as kept (the nil uuid for none); NOBODY (a team without members) matches no one. */
export function keptOwners(scope: ReportScope): string[] | null {
  if (!scope.ownerIds) return null;
  return scope.ownerIds.flatMap((o) => (o === 'none' ? [NIL] : o === NOBODY ? [] : [o]));
}

type Owner = { responded: number; waiting: number; open: number; hist: Map<number, number> };

export async function keptCreatedStats(
  db: Db,
  ctx: Ctx,
  scope: ReportScope,
  teamMembers: { teamId: string; userId: string }[],
): Promise<LeadStats[]> {
  const where: SQL[] = [sql`workspace_id = ${ctx.workspaceId}`, coverSql(scope)];
  if (scope.pipelineId) where.push(sql`pipeline_id = ${scope.pipelineId}`);
  const owners = keptOwners(scope);
  if (owners) where.push(owners.length ? sql`owner_id in (${sqlList(owners)})` : sql`false`);
  const rows = rowsOf<{ owner: string; open: boolean; bucket: number; n: number }>(
    await reportQuery(
      db,
      sql`select owner_id::text as owner, open, bucket, sum(n)::float8 as n from response_day_totals
        where ${sql.join(where, sql` and `)} group by 1, 2, 3 having sum(n) <> 0`,
    ),
  );
  const byOwner = new Map<string, Owner>();
  for (const r of rows) {
    const o = byOwner.get(r.owner) ?? { responded: 0, waiting: 0, open: 0, hist: new Map() };
    const n = Number(r.n);
    if (r.open) o.open += n;
    if (r.bucket < 0) o.waiting += n;
    else {
      o.responded += n;
      o.hist.set(r.bucket, (o.hist.get(r.bucket) ?? 0) + n);
    }
    byOwner.set(r.owner, o);
  }

  const created = inRange(scope, sql`created_at`);
  const pipeline = scope.pipelineId ? [sql`pipeline_id = ${scope.pipelineId}::uuid`] : [];
  const seconds = sql`report_response_seconds(created_at, first_response_at)`;
  /** The median first response (hours) of some owners' leads of the cohort. */
  const median = async (ids: string[]): Promise<number | null> => {
    const hist = new Map<number, number>();
    for (const id of ids)
      for (const [b, n] of byOwner.get(id)?.hist ?? []) hist.set(b, (hist.get(b) ?? 0) + n);
    const probe = medianProbe(hist);
    if (!probe) return null;
    // The leads from the middle one's bucket to the bucket of the next one (when the median needs it):
    // one bounded index range per owner, merged in order.
    const floor = bucketFloor(probe.bucket);
    const ceiling = bucketCeiling(probe.lastBucket);
    const parts = ids.map(
      (id) =>
        sql`select ${seconds} as s from leads where ${sql.join(
          [
            sql`workspace_id = ${ctx.workspaceId}`,
            id === NIL ? sql`owner_id is null` : sql`owner_id = ${id}::uuid`,
            sql`deleted_at is null`,
            sql`first_response_at is not null`,
            ...(floor === null ? [] : [sql`${seconds} >= ${floor}::float8`]),
            ...(ceiling === null ? [] : [sql`${seconds} < ${ceiling}::float8`]),
            ...pipeline,
            ...created,
          ],
          sql` and `,
        )}`,
    );
    const values = rowsOf<{ s: number }>(
      await reportQuery(
        db,
        sql`select s from (${sql.join(parts, sql` union all `)}) u order by s offset ${probe.offset} limit 2`,
      ),
    ).map((r) => Number(r.s));
    return medianOf(probe, values) / 3600;
  };

  const ownerIds = [...byOwner.keys()];
  const teams = new Map<string, string[]>();
  for (const m of teamMembers)
    if (byOwner.has(m.userId)) teams.set(m.teamId, [...(teams.get(m.teamId) ?? []), m.userId]);
  const [ownerMedians, teamMedians, total] = await Promise.all([
    Promise.all(ownerIds.map((id) => median([id]))),
    Promise.all([...teams.values()].map((ids) => median(ids))),
    median(ownerIds),
  ]);
  const none = { wins: 0, losses: 0, won_value: '0.00' };
  const out: LeadStats[] = ownerIds.map((id, i) => {
    const o = byOwner.get(id)!;
    return {
      kind: 'owner',
      key: id === NIL ? null : id,
      responded: o.responded,
      waiting: o.waiting,
      median_hours: ownerMedians[i] ?? null,
      open: o.open,
      ...none,
    };
  });
  [...teams.keys()].forEach((teamId, i) => {
    const m = teamMedians[i] ?? null;
    if (m !== null)
      out.push({ kind: 'team', key: teamId, responded: 0, waiting: 0, median_hours: m, open: 0, ...none });
  });
  out.push({ kind: 'total', key: null, responded: 0, waiting: 0, median_hours: total, open: 0, ...none });
  return out;
}
