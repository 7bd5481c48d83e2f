import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import type { ForecastReport } from './forecast-report.schemas.js';
import { openStages, reportPipeline } from './health-report.service.js';
import type { ReportTable } from './report-file.js';
import {
  conditionParam,
  type Drill,
  leadDrill,
  ownerIn,
  type ReportScope,
  reportQuery,
  sqlList,
} from './report-filters.js';
import { OPEN_STATUSES } from './team-report.service.js';

/**
 * Forecast (SPEC 7, issue 6 item 4): the open leads of a pipeline by expected close month, with their
 * value and value weighted by the stage's probability, per stage; plus the overdue (expected before today,
 * still open) and undated ones. One statement (GROUPING SETS) besides the pipeline and its stages.
 */

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const DAY = 86_400_000;
const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
const nextMonth = (m: string) => {
  const y = Number(m.slice(0, 4));
  const mo = Number(m.slice(5, 7));
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
};

/** Days the forecast covers: the report's range, else the first of this month to the end of the 6th month. */
export function forecastRange(scope: ReportScope, today: string): { from: string; to: string } {
  let m = today.slice(0, 7);
  for (let i = 0; i < 6; i++) m = nextMonth(m);
  const defaultTo = new Date(Date.parse(`${m}-01T00:00:00Z`) - DAY).toISOString().slice(0, 10);
  const from =
    scope.from ?? (scope.to && scope.to < today ? `${scope.to.slice(0, 7)}-01` : `${today.slice(0, 7)}-01`);
  const to = scope.to ?? (from > defaultTo ? dayAfter(from) : defaultTo);
  return { from, to };
}

type Row = {
  month: string | null;
  stage_id: string | null;
  overdue: boolean | null;
  undated: boolean | null;
  g: number;
  n: number;
  value: string;
  weighted: string;
};

export async function forecastReport(
  db: Db,
  ctx: Ctx,
  scope: ReportScope,
  now: Date = new Date(),
): Promise<ForecastReport> {
  const p = await reportPipeline(db, ctx, scope);
  const ps: ReportScope = { ...scope, pipelineId: p.id };
  const today = now.toISOString().slice(0, 10);
  const range = forecastRange(scope, today);

  const nil = sql`'00000000-0000-0000-0000-000000000000'::uuid`;
  const totals: SQL[] = [
    sql`t.workspace_id = ${ctx.workspaceId}::uuid`,
    sql`t.stage_id in (${openStages(ctx, p.id)})`,
    ...ownerIn(ps, sql`nullif(t.owner_id, ${nil})`),
  ];
  if (ps.sources) totals.push(sql`t.source in (${sqlList(ps.sources)})`);
  const [stageList, rows] = await Promise.all([
    db.execute(sql`select id, name, type, deleted_at is not null as deleted from stages
      where workspace_id = ${ctx.workspaceId}::uuid and pipeline_id = ${p.id}::uuid order by position, id`),
    reportQuery(
      db,
      sql`
      with d as (
        -- open leads per stage and expected date, from the kept totals (stage_close_totals, migration
        -- 0017: live leads per stage, close date, owner and source); '-infinity' is no date
        select t.stage_id, nullif(t.close_day, '-infinity'::date) as ecd, sum(t.n) as n, sum(t.value) as v
        from stage_close_totals t
        where ${sql.join(totals, sql` and `)}
          and (t.close_day = '-infinity'::date or t.close_day < ${today}::date
            or (t.close_day >= ${range.from}::date and t.close_day <= ${range.to}::date))
        group by 1, 2
        having sum(t.n) <> 0
      ),
      f as (
        select d.stage_id, d.n, d.v, d.v * s.probability as wv,
          case when d.ecd >= ${range.from}::date and d.ecd <= ${range.to}::date then to_char(d.ecd, 'YYYY-MM') end
            as month,
          (d.ecd < ${today}::date) as overdue,
          (d.ecd is null) as undated
        from d join stages s on s.workspace_id = ${ctx.workspaceId}::uuid and s.id = d.stage_id
      )
      select f.month, f.stage_id, f.overdue, f.undated,
        grouping(f.month, f.stage_id, f.overdue, f.undated)::int as g, coalesce(sum(f.n), 0)::int as n,
        coalesce(sum(f.v), 0)::numeric(20, 2)::text as value,
        round(coalesce(sum(f.wv), 0) / 100.0, 2)::numeric(20, 2)::text as weighted
      from f
      group by grouping sets ((f.month, f.stage_id), (f.month), (f.overdue, f.stage_id), (f.overdue),
        (f.undated, f.stage_id), (f.undated), ())`,
    ),
  ]);
  const all = rowsOf<Row>(rows);
  const stagesAll = rowsOf<{ id: string; name: string; type: string; deleted: boolean }>(stageList);
  const withLeads = new Set(all.filter((r) => r.stage_id).map((r) => r.stage_id!));
  const stages = stagesAll.filter((s) => (s.type === 'open' && !s.deleted) || withLeads.has(s.id));

  // grouping(month, stage, overdue, undated) bits: 8 month, 4 stage, 2 overdue, 1 undated (1 = not grouped by).
  const pick = (g: number, ok: (r: Row) => boolean) => all.filter((r) => r.g === g && ok(r));
  const open = OPEN_STATUSES.join(',');
  const figures = (r: Row | undefined, drill: Drill) => ({
    leads: r?.n ?? 0,
    value: r?.value ?? '0.00',
    weighted: r?.weighted ?? '0.00',
    drill,
  });
  const stageFigures = (rs: Row[], drill: (stageId: string) => Drill) => {
    const m = new Map(rs.map((r) => [r.stage_id, r]));
    return stages.map((s) => ({ stageId: s.id, name: s.name, ...figures(m.get(s.id), drill(s.id)) }));
  };

  const monthRows = new Map(pick(7, (r) => r.month !== null).map((r) => [r.month, r]));
  const monthStage = pick(3, (r) => r.month !== null);
  const months: ForecastReport['months'] = [];
  for (let m = range.from.slice(0, 7); m <= range.to.slice(0, 7); m = nextMonth(m)) {
    const start = `${m}-01` > range.from ? `${m}-01` : range.from;
    const end = `${nextMonth(m)}-01` < dayAfter(range.to) ? `${nextMonth(m)}-01` : dayAfter(range.to);
    const q = (stageId?: string) =>
      leadDrill(
        ps,
        {
          status: open,
          expectedCloseDateFrom: start,
          expectedCloseDateTo: end,
          ...(stageId ? { stageId } : {}),
        },
        { created: false },
      );
    months.push({
      month: m,
      ...figures(monthRows.get(m), q()),
      byStage: stageFigures(
        monthStage.filter((r) => r.month === m),
        (id) => q(id),
      ),
    });
  }

  const overdueDrill = (stageId?: string) =>
    leadDrill(
      ps,
      { status: open, expectedCloseDateTo: today, ...(stageId ? { stageId } : {}) },
      { created: false },
    );
  const undatedDrill = (stageId?: string) =>
    leadDrill(
      ps,
      {
        status: open,
        condition: conditionParam({ field: 'expectedCloseDate', op: 'is_empty' }),
        ...(stageId ? { stageId } : {}),
      },
      { created: false },
    );
  const totalDrill = leadDrill(
    ps,
    {
      status: open,
      condition: conditionParam({
        any: [
          { field: 'expectedCloseDate', op: 'is_empty' },
          { field: 'expectedCloseDate', op: 'lt', value: today },
          { field: 'expectedCloseDate', op: 'between', value: [range.from, range.to] },
        ],
      }),
    },
    { created: false },
  );
  return {
    pipeline: { id: p.id, name: p.name },
    range,
    today,
    months,
    overdue: {
      ...figures(pick(13, (r) => r.overdue === true)[0], overdueDrill()),
      byStage: stageFigures(
        pick(9, (r) => r.overdue === true),
        overdueDrill,
      ),
    },
    undated: {
      ...figures(pick(14, (r) => r.undated === true)[0], undatedDrill()),
      byStage: stageFigures(
        pick(10, (r) => r.undated === true),
        undatedDrill,
      ),
    },
    totals: figures(pick(15, () => true)[0], totalDrill),
  };
}

/** The table under the chart: one row per month, then overdue, undated and the totals. */
export function forecastReportTable(r: ForecastReport): ReportTable {
  return {
    title: `Forecast – ${r.pipeline.name}`,
    columns: [
      { label: 'Expected close', kind: 'text' },
      { label: 'Open leads', kind: 'int' },
      { label: 'Value', kind: 'money' },
      { label: 'Weighted value', kind: 'money' },
    ],
    rows: [
      ...r.months.map((m) => [m.month, m.leads, m.value, m.weighted]),
      ['Overdue', r.overdue.leads, r.overdue.value, r.overdue.weighted],
      ['No date', r.undated.leads, r.undated.value, r.undated.weighted],
      ['Total', r.totals.leads, r.totals.value, r.totals.weighted],
    ],
  };
}
