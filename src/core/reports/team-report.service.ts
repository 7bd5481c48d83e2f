import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { leads } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { sumDecimal } from '../shared/decimal.js';
import { activityCounts, activityDrill, memberNames } from './activity-report.service.js';
import type { ReportTable } from './report-file.js';
import {
  conditionParam,
  type Drill,
  leadDrill,
  leadScope,
  NOBODY,
  type ReportScope,
  reportQuery,
  sqlList,
} from './report-filters.js';
import type { TeamReport, TeamReportRow } from './team-report.schemas.js';
import { keptCreatedStats, keptOwners, type LeadStats, NIL, responseKept } from './team-response.js';

/**
 * Team performance (SPEC 7, issue 6 item 3), per owner, per team and in total. Two statements: the
 * activities logged in the range by user and type, and the lead figures (first response, open leads,
 * wins, losses, won value) over one pass of the leads, aggregated per owner, per team (a member of two
 * teams counts in both; the team's median is over the team's leads) and overall.
 */

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const TYPES = ['call', 'email', 'meeting', 'note', 'sms'] as const;
type Type = (typeof TYPES)[number];
/** Lead statuses of open stages (every stage that is neither won nor lost maps to one of these). */
export const OPEN_STATUSES = ['new', 'contacted', 'qualified', 'proposal'] as const;

const and = (conds: SQL[]) => (conds.length ? sql.join(conds, sql` and `) : sql`true`);
const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

/** Wins, losses and won value per owner: live leads in a won or lost stage they entered in the range. */
async function closedStats(db: Db, ctx: Ctx, scope: ReportScope) {
  // From stage_day_totals (live leads per stage, entry day, owner and source; ADR 015): the closing
  // day is the day the lead entered its won or lost stage.
  const where: SQL[] = [sql`t.workspace_id = ${ctx.workspaceId}`, sql`s.lead_status in ('won', 'lost')`];
  if (scope.pipelineId) where.push(sql`s.pipeline_id = ${scope.pipelineId}`);
  if (scope.from) where.push(sql`t.day >= ${scope.from}::date`);
  if (scope.to) where.push(sql`t.day <= ${scope.to}::date`);
  const owners = keptOwners(scope);
  if (owners) where.push(owners.length ? sql`t.owner_id in (${sqlList(owners)})` : sql`false`);
  if (scope.sources) where.push(sql`t.source in (${sqlList(scope.sources)})`);
  const rows = rowsOf<{ owner_id: string; wins: number; losses: number; won_value: string }>(
    await reportQuery(
      db,
      sql`select t.owner_id::text as owner_id,
        coalesce(sum(t.n) filter (where s.lead_status = 'won'), 0)::int as wins,
        coalesce(sum(t.n) filter (where s.lead_status = 'lost'), 0)::int as losses,
        coalesce(sum(t.value) filter (where s.lead_status = 'won'), 0)::numeric(20, 2)::text as won_value
      from stage_day_totals t join stages s on s.workspace_id = t.workspace_id and s.id = t.stage_id
      where ${sql.join(where, sql` and `)}
      group by t.owner_id`,
    ),
  );
  return new Map(rows.map((r) => [r.owner_id === NIL ? null : r.owner_id, r]));
}

/**
 * The figures of the leads created in the range per owner (responded, waiting, open), and the median
 * first response per owner, per team (a member of two teams counts in both) and over all.
 */
async function createdStats(db: Db, ctx: Ctx, scope: ReportScope): Promise<LeadStats[]> {
  // Hours to the first human activity on the lead, by anyone (kept on the lead by the activity
  // triggers, migration 0015); 0 for an activity logged before the lead was created; null: none yet.
  const hours = sql`case when ${leads.firstResponseAt} is not null then greatest(0, extract(epoch from (${leads.firstResponseAt} - ${leads.createdAt}))::float8) / 3600 end`;
  // The memberships are a handful of rows: materialized, so that the planner hash-joins the leads to
  // them rather than looping over the teams.
  const teamFilter = scope.teamId ? sql`and tm.team_id = ${scope.teamId}::uuid` : sql``;
  const median = sql`percentile_cont(0.5) within group (order by lr.hours)`;
  return rowsOf<LeadStats>(
    await reportQuery(
      db,
      sql`
      with lr as materialized (
        select ${leads.ownerId} as owner_id, ${leads.status} in ('won', 'lost') as closed, ${hours} as hours
        from ${leads} where ${and(leadScope(ctx, scope, leads))}
      ),
      tm as materialized (
        select tm.team_id, tm.user_id from team_members tm
        join teams t on t.workspace_id = tm.workspace_id and t.id = tm.team_id and t.deleted_at is null
        where tm.workspace_id = ${ctx.workspaceId}::uuid ${teamFilter}
      )
      select 'owner' as kind, lr.owner_id::text as key,
        count(*) filter (where lr.hours is not null)::int as responded,
        count(*) filter (where lr.hours is null)::int as waiting,
        ${median} filter (where lr.hours is not null) as median_hours,
        count(*) filter (where not lr.closed)::int as open,
        0 as wins, 0 as losses, '0.00' as won_value
      from lr group by lr.owner_id
      union all
      select 'team', tm.team_id::text, 0, 0, ${median}, 0, 0, 0, '0.00'
      from lr join tm on tm.user_id = lr.owner_id where lr.hours is not null group by tm.team_id
      union all
      select 'total', null, 0, 0, ${median}, 0, 0, 0, '0.00' from lr where lr.hours is not null`,
    ),
  );
}

/** Team memberships (of the filtered team only, with a team filter). */
async function memberships(db: Db, ctx: Ctx, scope: ReportScope) {
  return rowsOf<{ teamId: string; userId: string }>(
    await db.execute(sql`select tm.team_id::text as "teamId", tm.user_id::text as "userId" from team_members tm
      join teams t on t.workspace_id = tm.workspace_id and t.id = tm.team_id and t.deleted_at is null
      where tm.workspace_id = ${ctx.workspaceId}::uuid${scope.teamId ? sql` and tm.team_id = ${scope.teamId}::uuid` : sql``}`),
  );
}

/** The lead figures: created in the range (first response, open) and closed in it (wins, losses). */
async function leadStats(db: Db, ctx: Ctx, scope: ReportScope): Promise<LeadStats[]> {
  // Created in the range: from the kept totals, or (with a source filter, which they lack) the leads.
  const [created, closed] = await Promise.all([
    responseKept(scope)
      ? memberships(db, ctx, scope).then((tm) => keptCreatedStats(db, ctx, scope, tm))
      : createdStats(db, ctx, scope),
    closedStats(db, ctx, scope),
  ]);
  const out = created.map((r) => {
    const c = r.kind === 'owner' ? closed.get(r.key) : undefined;
    return c ? { ...r, wins: c.wins, losses: c.losses, won_value: c.won_value } : r;
  });
  const owners = new Set(created.filter((r) => r.kind === 'owner').map((r) => r.key));
  for (const [key, c] of closed)
    if (!owners.has(key))
      out.push({
        kind: 'owner',
        key,
        responded: 0,
        waiting: 0,
        median_hours: null,
        open: 0,
        wins: c.wins,
        losses: c.losses,
        won_value: c.won_value,
      });
  return out;
}

/** Human activities that occurred in the range, by user and type. */
async function activityStats(db: Db, ctx: Ctx, scope: ReportScope) {
  const rows = rowsOf<{ user_id: string | null; type: Type; n: number }>(
    await reportQuery(
      db,
      sql`select c.user_id, c.type, sum(c.n)::int as n from (${activityCounts(ctx, scope, TYPES)}) c
      group by c.user_id, c.type`,
    ),
  );
  const byUser = new Map<string | null, Record<Type, number>>();
  for (const r of rows) {
    const c = byUser.get(r.user_id) ?? { call: 0, email: 0, meeting: 0, note: 0, sms: 0 };
    c[r.type] = r.n;
    byUser.set(r.user_id, c);
  }
  return byUser;
}

const humanActivity = (any: boolean) =>
  any
    ? { any: TYPES.map((t) => ({ field: `activities.${t}.count`, op: 'gte', value: 1 })) }
    : { all: TYPES.map((t) => ({ field: `activities.${t}.count`, op: 'eq', value: 0 })) };

/** The drills of one row: `owners` null means the scope's owners (the totals). */
function rowDrills(scope: ReportScope, owners: (string | null)[] | null): TeamReportRow['drills'] {
  const s: ReportScope = owners ? { ...scope, ownerIds: owners.map((o) => o ?? 'none') } : scope;
  const acts = (types: readonly string[]) => activityDrill(s, { types });
  const closed = (status: 'won' | 'lost'): Drill =>
    leadDrill(
      s,
      {
        status,
        ...(scope.fromTs ? { stageEnteredAtFrom: scope.fromTs } : {}),
        ...(scope.toTs ? { stageEnteredAtTo: scope.toTs } : {}),
      },
      { created: false },
    );
  return {
    activities: {
      call: acts(['call']),
      email: acts(['email']),
      meeting: acts(['meeting']),
      note: acts(['note']),
      sms: acts(['sms']),
      total: acts(TYPES),
    },
    respondedLeads: leadDrill(s, { condition: conditionParam(humanActivity(true)) }),
    waitingLeads: leadDrill(s, { condition: conditionParam(humanActivity(false)) }),
    openLeads: leadDrill(s, { status: OPEN_STATUSES.join(',') }),
    wins: closed('won'),
    losses: closed('lost'),
  };
}

function figures(
  name: string,
  stats: LeadStats | undefined,
  acts: Record<Type, number>,
  drills: TeamReportRow['drills'],
): TeamReportRow {
  const wins = stats?.wins ?? 0;
  const losses = stats?.losses ?? 0;
  return {
    name,
    activities: { ...acts, total: TYPES.reduce((s, t) => s + acts[t], 0) },
    firstResponse: {
      medianHours: round2(stats?.median_hours ?? null),
      respondedLeads: stats?.responded ?? 0,
      waitingLeads: stats?.waiting ?? 0,
    },
    openLeads: stats?.open ?? 0,
    wins,
    losses,
    winRate: wins + losses === 0 ? null : wins / (wins + losses),
    wonValue: stats?.won_value ?? '0.00',
    drills,
  };
}

const sumActs = (xs: (Record<Type, number> | undefined)[]): Record<Type, number> => {
  const out = { call: 0, email: 0, meeting: 0, note: 0, sms: 0 };
  for (const x of xs) if (x) for (const t of TYPES) out[t] += x[t];
  return out;
};

const isEmpty = (r: TeamReportRow) =>
  r.activities.total === 0 &&
  r.firstResponse.respondedLeads + r.firstResponse.waitingLeads + r.wins + r.losses === 0;

export async function teamReport(db: Db, ctx: Ctx, scope: ReportScope): Promise<TeamReport> {
  const [stats, acts, names, teamRows] = await Promise.all([
    leadStats(db, ctx, scope),
    activityStats(db, ctx, scope),
    memberNames(db, ctx),
    db.execute(sql`select t.id, t.name,
        coalesce(array_agg(tm.user_id::text order by tm.user_id) filter (where tm.user_id is not null), '{}') as members
      from teams t left join team_members tm on tm.workspace_id = t.workspace_id and tm.team_id = t.id
      where t.workspace_id = ${ctx.workspaceId}::uuid and t.deleted_at is null
      group by t.id, t.name order by t.name, t.id`),
  ]);
  const byKey = (kind: LeadStats['kind']) =>
    new Map(stats.filter((s) => s.kind === kind).map((s) => [s.key, s]));
  const ownerStats = byKey('owner');
  // A team's and the total's counts add up their owners'; their medians come from the query.
  const combined = (owners: (string | null)[], median: LeadStats | undefined): LeadStats => {
    const rows = owners.map((o) => ownerStats.get(o)).filter((r): r is LeadStats => r !== undefined);
    const sum = (f: (r: LeadStats) => number) => rows.reduce((a, r) => a + f(r), 0);
    return {
      kind: 'team',
      key: null,
      responded: sum((r) => r.responded),
      waiting: sum((r) => r.waiting),
      median_hours: median?.median_hours ?? null,
      open: sum((r) => r.open),
      wins: sum((r) => r.wins),
      losses: sum((r) => r.losses),
      won_value: sumDecimal(rows.map((r) => r.won_value)),
    };
  };
  const teamMedians = byKey('team');

  // Owners: every active member (or the filter's owners), and anyone else with figures — removed
  // members and the unassigned leads among them.
  const wanted = scope.ownerIds;
  const candidates = new Set<string | null>();
  if (wanted) for (const o of wanted) candidates.add(o === 'none' ? null : o);
  else for (const [id, m] of names) if (!m.removed) candidates.add(id);
  for (const k of [...ownerStats.keys(), ...acts.keys()]) candidates.add(k);
  const owners: TeamReport['owners'] = [];
  for (const id of candidates) {
    if (id !== null && !names.has(id)) continue; // the NOBODY placeholder of an empty team
    const member = id === null ? undefined : names.get(id);
    const row = {
      ownerId: id,
      removed: member?.removed ?? false,
      ...figures(
        member?.name ?? 'Unassigned',
        ownerStats.get(id),
        sumActs([acts.get(id)]),
        rowDrills(scope, [id]),
      ),
    };
    const explicit = wanted?.includes(id ?? 'none') ?? false;
    if (!explicit && (id === null || member?.removed) && isEmpty(row)) continue;
    owners.push(row);
  }
  owners.sort((a, b) =>
    a.ownerId === null
      ? 1
      : b.ownerId === null
        ? -1
        : a.name.localeCompare(b.name) || a.ownerId.localeCompare(b.ownerId),
  );

  // Teams: the filtered team, or the teams with a member among the filtered owners, or all.
  const teams: TeamReport['teams'] = [];
  for (const t of rowsOf<{ id: string; name: string; members: string[] }>(teamRows)) {
    if (scope.teamId && t.id !== scope.teamId) continue;
    const memberIds = wanted ? t.members.filter((m) => wanted.includes(m)) : t.members;
    if (wanted && !scope.teamId && memberIds.length === 0) continue;
    teams.push({
      teamId: t.id,
      memberIds,
      ...figures(
        t.name,
        combined(memberIds, teamMedians.get(t.id)),
        sumActs(memberIds.map((m) => acts.get(m))),
        rowDrills(scope, memberIds.length ? memberIds : [NOBODY]),
      ),
    });
  }

  return {
    range: { from: scope.from, to: scope.to },
    owners,
    teams,
    totals: figures(
      'Total',
      combined([...ownerStats.keys()], byKey('total').get(null)),
      sumActs([...acts.values()]),
      rowDrills(scope, null),
    ),
  };
}

/** The table under the chart: one row per owner, then the totals. */
export function teamReportTable(r: TeamReport): ReportTable {
  const line = (x: TeamReportRow) => [
    x.name,
    x.activities.call,
    x.activities.email,
    x.activities.meeting,
    x.activities.note,
    x.activities.sms,
    x.activities.total,
    x.firstResponse.medianHours,
    x.firstResponse.respondedLeads,
    x.firstResponse.waitingLeads,
    x.openLeads,
    x.wins,
    x.losses,
    x.winRate,
    x.wonValue,
  ];
  return {
    title: 'Team performance',
    columns: [
      { label: 'Owner', kind: 'text' },
      { label: 'Calls', kind: 'int' },
      { label: 'Emails', kind: 'int' },
      { label: 'Meetings', kind: 'int' },
      { label: 'Notes', kind: 'int' },
      { label: 'SMS', kind: 'int' },
      { label: 'Activities', kind: 'int' },
      { label: 'Median first response (hours)', kind: 'hours' },
      { label: 'Responded leads', kind: 'int' },
      { label: 'Waiting leads', kind: 'int' },
      { label: 'Open leads', kind: 'int' },
      { label: 'Wins', kind: 'int' },
      { label: 'Losses', kind: 'int' },
      { label: 'Win rate', kind: 'percent' },
      { label: 'Won value', kind: 'money' },
    ],
    rows: [...r.owners.map(line), ['Total', ...line(r.totals).slice(1)]],
  };
}
