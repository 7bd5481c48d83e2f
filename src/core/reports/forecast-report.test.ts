import { sql } from 'drizzle-orm';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../../test/db.js';
import {
  type Fixture,
  qs,
  type RawLead,
  type RawStage,
  reportFixture,
  sumMoney,
} from './performance-reports.fixture.js';

type Filters = {
  from?: string;
  to?: string;
  pipelineId?: string;
  ownerId?: string[];
  teamId?: string;
  source?: string[];
};

const addMonths = (ym: string, n: number) => {
  const d = new Date(Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(5, 7)) - 1 + n, 1));
  return d.toISOString().slice(0, 7);
};
const lastDay = (ym: string) =>
  new Date(Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(5, 7)), 0)).toISOString().slice(0, 10);

/** Sum of value × probability / 100, rounded half up to cents, exactly. */
function weighted(ls: RawLead[], prob: Map<string, number>): string {
  let p = 0n;
  for (const l of ls)
    if (l.dealValue) p += BigInt(l.dealValue.replace('.', '')) * BigInt(prob.get(l.stageId)!);
  const c = p / 100n + (p % 100n >= 50n ? 1n : 0n);
  return `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
}

describe.each(DB_KINDS)('forecast report on %s', (kind) => {
  let fx: Fixture;
  let leads: RawLead[];
  let stages: RawStage[];
  let prob: Map<string, number>;
  beforeAll(async () => {
    fx = await reportFixture(kind, 53);
    leads = await fx.leads();
    stages = await fx.stages();
    prob = new Map(stages.map((s) => [s.id, s.probability]));
  });
  afterAll(() => fx?.close());

  const check = async (f: Filters) => {
    const r = await fx.get(`/api/v1/reports/forecast${qs(f)}`);
    const today = new Date().toISOString().slice(0, 10);
    expect(r.today).toBe(today);
    const from = f.from ?? `${today.slice(0, 7)}-01`;
    const to = f.to ?? lastDay(addMonths(today.slice(0, 7), 5));
    expect(r.range).toEqual({ from, to });
    const pipelineId = f.pipelineId ?? fx.defaultPipelineId;
    let owners: (string | null)[] | null = f.ownerId ? f.ownerId.map((o) => (o === 'none' ? null : o)) : null;
    if (f.teamId) owners = fx.teams.find((t) => t.id === f.teamId)!.members;
    const open = leads.filter(
      (l) =>
        l.pipelineId === pipelineId &&
        l.status !== 'won' &&
        l.status !== 'lost' &&
        (!owners || owners.includes(l.ownerId)) &&
        (!f.source || f.source.includes(l.source ?? '')),
    );
    const fig = (ls: RawLead[]) => ({
      leads: ls.length,
      value: sumMoney(ls.map((l) => l.dealValue)),
      weighted: weighted(ls, prob),
    });
    const stageIds = stages
      .filter((s) => s.pipelineId === pipelineId && s.type === 'open' && !s.deleted)
      .map((s) => s.id);
    const months: string[] = [];
    for (let m = from.slice(0, 7); m <= to.slice(0, 7); m = addMonths(m, 1)) months.push(m);
    expect(r.months.map((m: any) => m.month)).toEqual(months);
    for (const m of r.months) {
      const ls = open.filter(
        (l) =>
          l.expectedCloseDate !== null &&
          l.expectedCloseDate.slice(0, 7) === m.month &&
          l.expectedCloseDate >= from &&
          l.expectedCloseDate <= to,
      );
      expect(m, m.month).toMatchObject(fig(ls));
      expect(m.byStage.map((s: any) => s.stageId)).toEqual(stageIds);
      for (const s of m.byStage) expect(s).toMatchObject(fig(ls.filter((l) => l.stageId === s.stageId)));
    }
    const overdue = open.filter((l) => l.expectedCloseDate !== null && l.expectedCloseDate < today);
    const undated = open.filter((l) => l.expectedCloseDate === null);
    expect(r.overdue).toMatchObject(fig(overdue));
    expect(r.undated).toMatchObject(fig(undated));
    for (const s of r.overdue.byStage)
      expect(s).toMatchObject(fig(overdue.filter((l) => l.stageId === s.stageId)));
    for (const s of r.undated.byStage)
      expect(s).toMatchObject(fig(undated.filter((l) => l.stageId === s.stageId)));
    const counted = open.filter(
      (l) =>
        l.expectedCloseDate === null ||
        l.expectedCloseDate < today ||
        (l.expectedCloseDate >= from && l.expectedCloseDate <= to),
    );
    expect(r.totals).toMatchObject(fig(counted));
    return r;
  };

  it('equals the figures computed from the raw rows, for several filter combinations', async () => {
    const reps = fx.demo.members.filter((m) => m.role === 'rep').map((m) => m.userId);
    const all = await check({});
    expect(all.months).toHaveLength(6);
    expect(all.totals.leads).toBeGreaterThan(50);
    expect(all.overdue.leads).toBeGreaterThanOrEqual(1);
    expect(all.months.reduce((a: number, m: any) => a + m.leads, 0)).toBeGreaterThan(20);
    // A range with partial months at both ends, reaching into the past (overdue months overlap).
    const now = new Date().toISOString().slice(0, 7);
    await check({ from: `${addMonths(now, -1)}-15`, to: `${addMonths(now, 2)}-10` });
    await check({ ownerId: [reps[0]!, 'none'] });
    await check({ teamId: fx.teams.find((t) => t.name === 'Inbound')!.id });
    await check({ source: ['referral', 'partner'] });
    const partner = await check({ pipelineId: fx.partnerPipelineId });
    expect(partner.undated).toMatchObject({ leads: 1, value: '12500.50', weighted: '7500.30' });
    expect(partner.totals.leads).toBe(2);
  });

  it("every figure's drill lists exactly those leads", async () => {
    const r = await fx.get('/api/v1/reports/forecast');
    const busy = r.months.find((m: any) => m.leads > 0);
    expect(await fx.drillCount(busy.drill)).toBe(busy.leads);
    const st = busy.byStage.find((s: any) => s.leads > 0);
    expect(await fx.drillCount(st.drill)).toBe(st.leads);
    expect(await fx.drillCount(r.overdue.drill)).toBe(r.overdue.leads);
    expect(await fx.drillCount(r.undated.drill)).toBe(r.undated.leads);
    expect(await fx.drillCount(r.totals.drill)).toBe(r.totals.leads);
    const now = new Date().toISOString().slice(0, 7);
    const partial = await fx.get(
      `/api/v1/reports/forecast${qs({ from: `${now}-20`, to: `${addMonths(now, 1)}-10`, source: ['website'] })}`,
    );
    for (const m of partial.months) expect(await fx.drillCount(m.drill)).toBe(m.leads);
    expect(await fx.drillCount(partial.totals.drill)).toBe(partial.totals.leads);
  });

  it('exports CSV, and keeps to its workspace', async () => {
    const json = await fx.get('/api/v1/reports/forecast');
    const csv = await fx.call('/api/v1/reports/forecast?format=csv');
    expect(csv.status).toBe(200);
    const rows = Papa.parse<string[]>(String(csv.body).replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
    expect(rows[0]).toEqual(['Expected close', 'Open leads', 'Value', 'Weighted value']);
    expect(rows.slice(1)).toEqual([
      ...json.months.map((m: any) => [m.month, String(m.leads), m.value, m.weighted]),
      ['Overdue', String(json.overdue.leads), json.overdue.value, json.overdue.weighted],
      ['No date', String(json.undated.leads), json.undated.value, json.undated.weighted],
      ['Total', String(json.totals.leads), json.totals.value, json.totals.weighted],
    ]);
    const [theirs] = await fx.q<{ id: string }>(
      sql`select id from pipelines where workspace_id = ${fx.other.workspaceId}`,
    );
    expect((await fx.call(`/api/v1/reports/forecast?pipelineId=${theirs!.id}`)).status).toBe(404);
    const own = await fx.call('/api/v1/reports/forecast', fx.other.auth);
    expect(own.body.undated).toMatchObject({ leads: 1, value: '10.00' });
  });
});
