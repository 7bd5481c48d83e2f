import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../../test/db.js';
import {
  type Fixture,
  monthBefore,
  qs,
  type RawLead,
  type RawStage,
  rangeMs,
  reportFixture,
  sumMoney,
} from './performance-reports.fixture.js';

const DAY = 86_400_000;
type Filters = {
  from?: string;
  to?: string;
  pipelineId?: string;
  ownerId?: string[];
  teamId?: string;
  source?: string[];
};

/** value × probability / 100, rounded half up to cents, exactly. */
function weighted(value: string, probability: number): string {
  const cents = BigInt(value.replace('.', ''));
  const p = cents * BigInt(probability);
  const c = p / 100n + (p % 100n >= 50n ? 1n : 0n);
  return `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
}
const r2 = (x: number) => Math.round(x * 100) / 100;

describe.each(DB_KINDS)('pipeline health report on %s', (kind) => {
  let fx: Fixture;
  let leads: RawLead[];
  let stages: RawStage[];
  let rotten: Map<string, number | null>;
  beforeAll(async () => {
    fx = await reportFixture(kind, 41);
    leads = await fx.leads();
    stages = await fx.stages();
    const ps = await fx.q<{ id: string; rotten_after_days: number | null }>(
      sql`select id, rotten_after_days from pipelines where workspace_id = ${fx.ws}`,
    );
    rotten = new Map(ps.map((p) => [p.id, p.rotten_after_days]));
  });
  afterAll(() => fx?.close());

  const check = async (f: Filters) => {
    const r = await fx.get(`/api/v1/reports/health${qs(f)}`);
    const pipelineId = f.pipelineId ?? fx.defaultPipelineId;
    expect(r.pipeline.id).toBe(pipelineId);
    const now = Date.parse(r.asOf);
    expect(Math.abs(Date.now() - now)).toBeLessThan(60_000);
    let owners: (string | null)[] | null = f.ownerId ? f.ownerId.map((o) => (o === 'none' ? null : o)) : null;
    if (f.teamId) owners = fx.teams.find((t) => t.id === f.teamId)!.members;
    const mine = leads.filter(
      (l) =>
        l.pipelineId === pipelineId &&
        (!owners || owners.includes(l.ownerId)) &&
        (!f.source || f.source.includes(l.source ?? '')),
    );
    const open = mine.filter((l) => l.status !== 'won' && l.status !== 'lost');
    const want = stages.filter(
      (s) =>
        s.pipelineId === pipelineId &&
        ((s.type === 'open' && !s.deleted) || open.some((l) => l.stageId === s.id)),
    );
    expect(r.stages.map((s: any) => s.stageId)).toEqual(want.map((s) => s.id));
    const rottenDays = rotten.get(pipelineId) ?? null;
    for (const s of r.stages) {
      const st = want.find((x) => x.id === s.stageId)!;
      const ls = open.filter((l) => l.stageId === s.stageId);
      const days = ls.map((l) => (now - l.stageEnteredAt) / DAY);
      const value = sumMoney(ls.map((l) => l.dealValue));
      expect(s).toMatchObject({
        name: st.name,
        probability: st.probability,
        open: ls.length,
        value,
        weightedValue: weighted(value, st.probability),
        aging: {
          d0_7: days.filter((d) => Math.floor(d) <= 7).length,
          d8_30: days.filter((d) => Math.floor(d) >= 8 && Math.floor(d) <= 30).length,
          d31_90: days.filter((d) => Math.floor(d) >= 31 && Math.floor(d) <= 90).length,
          d91plus: days.filter((d) => Math.floor(d) >= 91).length,
        },
        rotten: rottenDays === null ? 0 : days.filter((d) => d > rottenDays).length,
      });
      if (ls.length) expect(s.avgDaysInStage).toBeCloseTo(r2(days.reduce((a, b) => a + b, 0) / ls.length), 2);
      else expect(s.avgDaysInStage).toBeNull();
    }
    expect(r.totals.open).toBe(open.length);
    expect(r.totals.value).toBe(sumMoney(open.map((l) => l.dealValue)));

    // Velocity: the leads closed (won or lost now, entering that stage) in the range, default 90 days.
    const today = new Date(now).toISOString().slice(0, 10);
    const from =
      f.from ?? new Date(Date.parse(`${f.to ?? today}T00:00:00Z`) - 89 * DAY).toISOString().slice(0, 10);
    const to = f.to ?? today;
    expect(r.velocity.range).toEqual({ from, to });
    const [lo, hi] = rangeMs(from, to);
    const wins = mine.filter((l) => l.status === 'won' && l.stageEnteredAt >= lo && l.stageEnteredAt < hi);
    const losses = mine.filter((l) => l.status === 'lost' && l.stageEnteredAt >= lo && l.stageEnteredAt < hi);
    const valued = wins.filter((l) => l.dealValue !== null).map((l) => Number(l.dealValue));
    const avgWon = valued.length ? valued.reduce((a, b) => a + b, 0) / valued.length : null;
    const winRate = wins.length + losses.length ? wins.length / (wins.length + losses.length) : null;
    const cycle = wins.length
      ? wins.reduce((a, l) => a + (l.stageEnteredAt - l.createdAt) / DAY, 0) / wins.length
      : null;
    expect(r.velocity).toMatchObject({
      openLeads: open.length,
      wins: wins.length,
      losses: losses.length,
      winRate,
    });
    if (avgWon === null) expect(r.velocity.avgWonValue).toBeNull();
    else expect(Math.abs(Number(r.velocity.avgWonValue) - avgWon)).toBeLessThan(0.006);
    if (cycle === null) expect(r.velocity.avgCycleDays).toBeNull();
    else expect(Math.abs(r.velocity.avgCycleDays - cycle)).toBeLessThan(0.006);
    // perDay from the inputs as shown: the average won value in cents, the cycle in days to 2 decimals.
    const shownCycle = cycle === null ? null : r2(cycle);
    if (avgWon === null || winRate === null || !shownCycle) expect(r.velocity.perDay).toBeNull();
    else {
      const perDay = (open.length * Number(r.velocity.avgWonValue) * winRate) / shownCycle;
      expect(Math.abs(Number(r.velocity.perDay) - perDay)).toBeLessThan(0.011);
    }
    return r;
  };

  it('counts leads on the days of its boundaries (8, 31, 91 days, rotten) by their own instant', async () => {
    // The snapshot adds up whole days from the kept totals and reads the leads of the boundary days:
    // leads half an hour either side of each boundary instant land in their buckets exactly.
    const open = leads.filter(
      (l) => l.pipelineId === fx.defaultPipelineId && l.status !== 'won' && l.status !== 'lost',
    );
    const offsets = [8, 30, 31, 91].flatMap((d) => [d * DAY - 1_800_000, d * DAY + 1_800_000]);
    expect(open.length).toBeGreaterThan(offsets.length);
    for (const [i, off] of offsets.entries())
      await fx.q(
        sql`update leads set stage_entered_at = now() - ${`${off / 1000} seconds`}::interval where workspace_id = ${fx.ws} and id = ${open[i]!.id}`,
      );
    leads = await fx.leads();
    const r = await check({});
    expect(r.totals.open).toBeGreaterThan(offsets.length);
  });

  it('equals the figures computed from the raw rows, for several filter combinations', async () => {
    const reps = fx.demo.members.filter((m) => m.role === 'rep').map((m) => m.userId);
    const all = await check({});
    expect(all.pipeline.rottenAfterDays).toBe(30);
    expect(all.totals.open).toBeGreaterThan(100);
    expect(all.totals.rotten).toBeGreaterThan(0);
    expect(all.velocity.wins + all.velocity.losses).toBeGreaterThan(0);
    // The date range moves the velocity only, never the snapshot.
    const month = await check(monthBefore(2));
    expect(month.stages.map((s: any) => [s.open, s.value, s.aging])).toEqual(
      all.stages.map((s: any) => [s.open, s.value, s.aging]),
    );
    await check({ from: monthBefore(8).from, to: monthBefore(1).to });
    await check({ ownerId: [reps[0]!, 'none'] });
    await check({ teamId: fx.teams.find((t) => t.name === 'Field sales')!.id });
    await check({ source: ['referral', 'website'] });
    const partner = await check({ pipelineId: fx.partnerPipelineId });
    expect(partner.stages.map((s: any) => s.name)).toEqual(['Intro', 'Negotiation']);
    expect(partner.stages.map((s: any) => s.open)).toEqual([1, 1]);
    expect(partner.stages[1]).toMatchObject({ value: '12500.50', weightedValue: '7500.30' });
    expect(partner.velocity).toMatchObject({
      wins: 1,
      losses: 1,
      winRate: 0.5,
      avgWonValue: '7300.25',
      avgCycleDays: 0,
    });
    // Won moments after it was created: a cycle of 0 days gives no velocity (not a huge number).
    expect(partner.velocity.perDay).toBeNull();
  });

  it("every count's drill lists exactly those leads", async () => {
    const r = await fx.get('/api/v1/reports/health');
    for (const s of r.stages.slice(0, 2)) {
      expect(await fx.drillCount(s.drills.open)).toBe(s.open);
      for (const k of ['d0_7', 'd8_30', 'd31_90', 'd91plus'])
        expect(await fx.drillCount(s.drills[k]), `${s.name} ${k}`).toBe(s.aging[k]);
      expect(await fx.drillCount(s.drills.rotten)).toBe(s.rotten);
    }
    expect(await fx.drillCount(r.velocity.drills.openLeads)).toBe(r.velocity.openLeads);
    expect(await fx.drillCount(r.velocity.drills.wins)).toBe(r.velocity.wins);
    expect(await fx.drillCount(r.velocity.drills.losses)).toBe(r.velocity.losses);
    const src = await fx.get(`/api/v1/reports/health${qs({ source: ['website'], ...monthBefore(3) })}`);
    expect(await fx.drillCount(src.stages[1].drills.d91plus)).toBe(src.stages[1].aging.d91plus);
    expect(await fx.drillCount(src.velocity.drills.wins)).toBe(src.velocity.wins);
  });

  it('exports the stages table as Excel, and answers 404 for another workspace', async () => {
    const json = await fx.get('/api/v1/reports/health');
    const x = await fx.t.app.inject({
      method: 'GET',
      url: '/api/v1/reports/health?format=xlsx',
      headers: { cookie: fx.cookie },
    });
    expect(x.statusCode).toBe(200);
    expect(String(x.headers['content-type'])).toMatch(/spreadsheetml/);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const rows = [...json.stages, { ...json.totals, name: 'Total' }];
    expect((ws.getRow(1).values as unknown[]).slice(1, 3)).toEqual(['Stage', 'Open leads']);
    rows.forEach((s: any, i: number) => {
      const v = (ws.getRow(i + 2).values as unknown[]).slice(1);
      expect(v.slice(0, 4)).toEqual([s.name, s.open, Number(s.value), Number(s.weightedValue)]);
      expect(v.slice(5, 10)).toEqual([
        s.aging.d0_7,
        s.aging.d8_30,
        s.aging.d31_90,
        s.aging.d91plus,
        s.rotten,
      ]);
    });
    const [theirs] = await fx.q<{ id: string }>(
      sql`select id from pipelines where workspace_id = ${fx.other.workspaceId}`,
    );
    expect((await fx.call(`/api/v1/reports/health?pipelineId=${theirs!.id}`)).status).toBe(404);
    const own = await fx.call('/api/v1/reports/health', fx.other.auth);
    expect(own.body.totals.open).toBe(1);
  });
});
