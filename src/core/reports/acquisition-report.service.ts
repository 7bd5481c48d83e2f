import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import { sumDecimal } from '../shared/decimal.js';
import type {
  AcquisitionFigures,
  CampaignRow,
  CampaignsReportOut,
  SourceRow,
  SourcesOut,
} from './acquisition-report.schemas.js';
import type { ReportTable } from './report-file.js';
import {
  conditionParam,
  type Drill,
  leadDrill,
  leadScope,
  type ReportScope,
  reportQuery,
} from './report-filters.js';

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const QUALIFIED_STATUSES = ['qualified', 'proposal', 'won'];

type Group = {
  key: string | null;
  variants: string[] | null;
  leads: number;
  qualified: number;
  won: number;
  lost: number;
  wonValue: string;
  medianWinSeconds: number | null;
  cost: string | null;
};

/** Cents of a decimal string. */
const cents = (x: string): bigint => {
  const [i = '0', f = ''] = x.replace('-', '').split('.');
  const c = BigInt(i || '0') * 100n + BigInt(`${f}00`.slice(0, 2));
  return x.startsWith('-') ? -c : c;
};
/** amount / n, rounded half up to cents. */
function perUnit(amount: string | null, n: number): string | null {
  if (amount === null || n === 0) return null;
  const c = cents(amount);
  const q = (c * 2n + BigInt(n)) / (2n * BigInt(n));
  return sumDecimal([`${q / 100n}.${String(q % 100n).padStart(2, '0')}`]);
}

/** Stages that count as qualified: any stage (any pipeline, removed ones too) with status qualified or later. */
async function qualifiedStageIds(db: Db, ctx: Ctx): Promise<string[]> {
  return rowsOf<{ id: string }>(
    await db.execute(
      sql`select id from stages where workspace_id = ${ctx.workspaceId} and lead_status in (${sql.join(
        QUALIFIED_STATUSES.map((s) => sql`${s}`),
        sql`, `,
      )}) order by id`,
    ),
  ).map((r) => r.id);
}

/** Spend per key in the scope's range: each cost period prorated by the days it overlaps the range. */
function costSql(ctx: Ctx, scope: ReportScope, key: SQL): SQL {
  const lo = scope.from ? sql`greatest(cc.period_start, ${scope.from}::date)` : sql`cc.period_start`;
  const hi = scope.to ? sql`least(cc.period_end, ${scope.to}::date)` : sql`cc.period_end`;
  return sql`select ${key} as key, round(sum(cc.amount * (${hi} - ${lo} + 1) / (cc.period_end - cc.period_start + 1)), 2) as cost
    from campaign_costs cc join campaigns ca on ca.workspace_id = cc.workspace_id and ca.id = cc.campaign_id
    where cc.workspace_id = ${ctx.workspaceId} and ca.deleted_at is null and ${hi} >= ${lo}${
      scope.sources
        ? sql` and ca.source in (${sql.join(
            scope.sources.map((x) => sql`${x}`),
            sql`, `,
          )})`
        : sql``
    }
    group by 1`;
}

async function groups(
  db: Db,
  ctx: Ctx,
  scope: ReportScope,
  by: 'source' | 'campaign',
  qualifiedIds: string[],
  withCosts: boolean,
): Promise<Group[]> {
  const key = by === 'source' ? sql`leads.source` : sql`lower(leads.campaign)`;
  // Reached a qualified stage: the lead's stage history as a set (kept on the lead, migration 0015).
  const qualified = qualifiedIds.length
    ? sql`leads.reached_stage_ids && array[${sql.join(
        qualifiedIds.map((i) => sql`${i}::uuid`),
        sql`, `,
      )}]::uuid[]`
    : sql`false`;
  const costKey = by === 'source' ? sql`ca.source` : sql`lower(ca.name)`;
  const rows = rowsOf<{
    key: string | null;
    variants: string[] | null;
    leads: string | number | null;
    qualified: string | number | null;
    won: string | number | null;
    lost: string | number | null;
    won_value: string | null;
    median_win: string | number | null;
    cost: string | null;
  }>(
    await reportQuery(
      db,
      sql`
      with c as (
        select ${key} as key, ${by === 'campaign' ? sql`leads.campaign` : sql`null::text`} as campaign, leads.status, leads.deal_value, leads.created_at, leads.stage_entered_at, ${qualified} as qualified
        from leads where ${sql.join(leadScope(ctx, scope, undefined), sql` and `)}
      ),
      g as (
        select key, ${
          // The spellings of a campaign's name (sources need none: a distinct aggregate sorts its input).
          by === 'campaign'
            ? sql`array_agg(distinct campaign) filter (where campaign is not null)`
            : sql`null::text[]`
        } as variants,
          count(*) as leads,
          count(*) filter (where qualified) as qualified,
          count(*) filter (where status = 'won') as won,
          count(*) filter (where status = 'lost') as lost,
          coalesce(sum(deal_value) filter (where status = 'won'), 0) as won_value,
          percentile_cont(0.5) within group (order by date_part('epoch', stage_entered_at - created_at))
            filter (where status = 'won') as median_win
        from c group by key
      ),
      k as (${withCosts ? costSql(ctx, scope, costKey) : sql`select null::text as key, null::numeric as cost where false`})
      select coalesce(g.key, k.key) as key, g.variants, g.leads, g.qualified, g.won, g.lost, g.won_value, g.median_win, k.cost
      from g full join k on k.key = g.key
      where g.leads is not null or k.key is not null`,
    ),
  );
  return rows.map((r) => ({
    key: r.key,
    variants: r.variants,
    leads: Number(r.leads ?? 0),
    qualified: Number(r.qualified ?? 0),
    won: Number(r.won ?? 0),
    lost: Number(r.lost ?? 0),
    wonValue: sumDecimal([r.won_value ?? '0']),
    medianWinSeconds: r.median_win === null ? null : Number(r.median_win),
    cost: r.cost === null ? null : sumDecimal([r.cost]),
  }));
}

function figures(g: Omit<Group, 'key' | 'variants'>): AcquisitionFigures {
  return {
    leads: g.leads,
    qualified: g.qualified,
    won: g.won,
    lost: g.lost,
    conversionRate: g.leads ? g.won / g.leads : null,
    wonValue: g.wonValue,
    medianDaysToWin:
      g.medianWinSeconds === null ? null : Math.round((g.medianWinSeconds / 86_400) * 100) / 100,
    cost: g.cost,
    costPerLead: perUnit(g.cost, g.leads),
    costPerWonLead: perUnit(g.cost, g.won),
  };
}

/** The median time to win over all the scope's won leads (a median is not an average of the groups'). */
async function medianWinSeconds(db: Db, ctx: Ctx, scope: ReportScope): Promise<number | null> {
  const [m] = rowsOf<{ median_win: string | number | null }>(
    await reportQuery(
      db,
      sql`select percentile_cont(0.5) within group (order by date_part('epoch', leads.stage_entered_at - leads.created_at)) as median_win
      from leads where ${sql.join(leadScope(ctx, scope, undefined), sql` and `)} and leads.status = 'won'`,
    ),
  );
  return m?.median_win == null ? null : Number(m.median_win);
}

/** Totals over the groups, with the median to win over all won leads. */
function totalsOf(gs: Group[], medianWin: number | null): AcquisitionFigures {
  const costs = gs.filter((g) => g.cost !== null).map((g) => g.cost);
  return figures({
    leads: gs.reduce((a, g) => a + g.leads, 0),
    qualified: gs.reduce((a, g) => a + g.qualified, 0),
    won: gs.reduce((a, g) => a + g.won, 0),
    lost: gs.reduce((a, g) => a + g.lost, 0),
    wonValue: sumDecimal(gs.map((g) => g.wonValue)),
    medianWinSeconds: medianWin,
    cost: costs.length ? sumDecimal(costs) : null,
  });
}

const costsApplicable = (s: ReportScope) => !s.ownerIds && !s.pipelineId && !s.teamId;

function drillsFor(scope: ReportScope, leaf: object, qualifiedIds: string[]) {
  const d = (extra: Record<string, string>): Drill =>
    leadDrill(scope, { condition: conditionParam(leaf), ...extra });
  return {
    leads: d({}),
    qualified: d({
      reachedStageId: qualifiedIds.length ? qualifiedIds.join(',') : '00000000-0000-0000-0000-000000000000',
    }),
    won: d({ status: 'won' }),
  };
}

const byLeads = <T extends { leads: number; cost: string | null }>(a: T, b: T) =>
  b.leads - a.leads || Number(b.cost ?? 0) - Number(a.cost ?? 0);

/** Sources: the leads created in the range by source, how far they got, what they won and what they cost. */
export async function sourcesReport(db: Db, ctx: Ctx, scope: ReportScope): Promise<SourcesOut> {
  const qualifiedIds = await qualifiedStageIds(db, ctx);
  const withCosts = costsApplicable(scope);
  // The groups and the overall median side by side on the pool.
  const [gs, medianWin] = await Promise.all([
    groups(db, ctx, scope, 'source', qualifiedIds, withCosts),
    medianWinSeconds(db, ctx, scope),
  ]);
  const data: SourceRow[] = gs
    .map((g) => ({
      source: g.key,
      ...figures(g),
      drills: drillsFor(
        scope,
        g.key === null ? { field: 'source', op: 'is_empty' } : { field: 'source', op: 'eq', value: g.key },
        qualifiedIds,
      ),
    }))
    .sort(byLeads);
  return { data, totals: totalsOf(gs, medianWin), costsApplicable: withCosts };
}

/** Campaigns: as sources, by campaign name (case-insensitive), with each campaign record's spend. */
export async function campaignsReport(db: Db, ctx: Ctx, scope: ReportScope): Promise<CampaignsReportOut> {
  const qualifiedIds = await qualifiedStageIds(db, ctx);
  const withCosts = costsApplicable(scope);
  const [gs, medianWin] = await Promise.all([
    groups(db, ctx, scope, 'campaign', qualifiedIds, withCosts),
    medianWinSeconds(db, ctx, scope),
  ]);
  const records = new Map(
    rowsOf<{ id: string; name: string; source: string | null }>(
      await db.execute(
        sql`select id, name, source from campaigns where workspace_id = ${ctx.workspaceId} and deleted_at is null`,
      ),
    ).map((r) => [r.name.toLowerCase(), r]),
  );
  const data: CampaignRow[] = gs
    .map((g) => {
      const rec = g.key === null ? undefined : records.get(g.key);
      const variants = g.variants ?? (rec ? [rec.name] : []);
      const leaf =
        g.key === null
          ? { field: 'campaign', op: 'is_empty' }
          : { field: 'campaign', op: 'in', value: variants.length ? variants : [g.key] };
      return {
        campaign: rec?.name ?? (g.key === null ? null : ([...variants].sort()[0] ?? g.key)),
        campaignId: rec?.id ?? null,
        source: rec?.source ?? null,
        ...figures(g),
        drills: drillsFor(scope, leaf, qualifiedIds),
      };
    })
    .sort(byLeads);
  return { data, totals: totalsOf(gs, medianWin), costsApplicable: withCosts };
}

const FIGURE_COLUMNS: ReportTable['columns'] = [
  { label: 'Leads', kind: 'int' },
  { label: 'Qualified', kind: 'int' },
  { label: 'Won', kind: 'int' },
  { label: 'Lost', kind: 'int' },
  { label: 'Conversion rate', kind: 'percent' },
  { label: 'Won value', kind: 'money' },
  { label: 'Median days to win', kind: 'days' },
  { label: 'Cost', kind: 'money' },
  { label: 'Cost per lead', kind: 'money' },
  { label: 'Cost per won lead', kind: 'money' },
];
const figureCells = (f: AcquisitionFigures) => [
  f.leads,
  f.qualified,
  f.won,
  f.lost,
  f.conversionRate,
  f.wonValue,
  f.medianDaysToWin,
  f.cost,
  f.costPerLead,
  f.costPerWonLead,
];

export const sourcesTable = (r: SourcesOut): ReportTable => ({
  title: 'Sources',
  columns: [{ label: 'Source', kind: 'text' }, ...FIGURE_COLUMNS],
  rows: [
    ...r.data.map((d) => [d.source ?? '(none)', ...figureCells(d)]),
    ['Total', ...figureCells(r.totals)],
  ],
});

export const campaignsTable = (r: CampaignsReportOut): ReportTable => ({
  title: 'Campaigns',
  columns: [{ label: 'Campaign', kind: 'text' }, { label: 'Source', kind: 'text' }, ...FIGURE_COLUMNS],
  rows: [
    ...r.data.map((d) => [d.campaign ?? '(none)', d.source, ...figureCells(d)]),
    ['Total', null, ...figureCells(r.totals)],
  ],
});
