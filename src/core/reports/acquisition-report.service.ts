import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import { sumDecimal } from '../shared/decimal.js';
import {
  type AcquisitionBy,
  acquisitionCosts,
  acquisitionCounts,
  type Counts,
  qualifiedStageIds,
  winMedians,
} from './acquisition-figures.js';
import type {
  AcquisitionFigures,
  CampaignRow,
  CampaignsReportOut,
  SourceRow,
  SourcesOut,
} from './acquisition-report.schemas.js';
import type { ReportTable } from './report-file.js';
import { conditionParam, type Drill, leadDrill, type ReportScope } from './report-filters.js';

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;

type Group = Counts & { medianWinSeconds: number | null; cost: string | null };

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

/** The groups' counts, medians to win and spend, side by side on the pool; and the overall median. */
async function groups(
  db: Db,
  ctx: Ctx,
  scope: ReportScope,
  by: AcquisitionBy,
  qualifiedIds: string[],
  withCosts: boolean,
): Promise<{ gs: Group[]; medianWin: number | null }> {
  const [counts, medians, costs] = await Promise.all([
    acquisitionCounts(db, ctx, scope, by, qualifiedIds),
    winMedians(db, ctx, scope, by),
    withCosts ? acquisitionCosts(db, ctx, scope, by) : new Map<string | null, string>(),
  ]);
  const gs: Group[] = counts.map((c) => ({
    ...c,
    medianWinSeconds: medians.groups.get(c.key) ?? null,
    cost: costs.get(c.key) ?? null,
  }));
  // Spend on a key that brought no leads in the range is still a row.
  const seen = new Set(counts.map((c) => c.key));
  for (const [key, cost] of costs)
    if (!seen.has(key))
      gs.push({
        key,
        variants: null,
        leads: 0,
        qualified: 0,
        won: 0,
        lost: 0,
        wonValue: '0.00',
        medianWinSeconds: null,
        cost,
      });
  return { gs, medianWin: medians.all };
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
  const { gs, medianWin } = await groups(db, ctx, scope, 'source', qualifiedIds, withCosts);
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
  const { gs, medianWin } = await groups(db, ctx, scope, 'campaign', qualifiedIds, withCosts);
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
