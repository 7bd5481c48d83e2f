import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../../test/db.js';
import {
  type Fixture,
  monthBefore,
  qs,
  type RawActivity,
  type RawLead,
  rangeMs,
  reportFixture,
} from './performance-reports.fixture.js';

const HUMAN = ['call', 'email', 'meeting', 'note', 'sms'];
type Filters = {
  from?: string;
  to?: string;
  pipelineId?: string;
  ownerId?: string[];
  teamId?: string;
  source?: string[];
  interval?: 'day' | 'week' | 'month';
  types?: string[];
};

/** The UTC bucket of an instant, written independently of the report (weeks start on Monday). */
function bucket(ms: number, interval: string): string {
  const d = new Date(ms);
  if (interval === 'month') return `${d.toISOString().slice(0, 7)}-01`;
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (interval === 'day') return new Date(day).toISOString().slice(0, 10);
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}

function expected(fx: Fixture, leads: RawLead[], acts: RawActivity[], f: Filters, interval: string) {
  const types = f.types ?? HUMAN;
  const [lo, hi] = rangeMs(f.from, f.to);
  let owners: (string | null)[] | null = f.ownerId ? f.ownerId.map((o) => (o === 'none' ? null : o)) : null;
  if (f.teamId) {
    const members = fx.teams.find((t) => t.id === f.teamId)!.members;
    owners = owners ? owners.filter((o) => o !== null && members.includes(o)) : members;
  }
  const byId = new Map(leads.map((l) => [l.id, l]));
  const rows = acts.filter((a) => {
    if (!types.includes(a.type) || a.occurredAt < lo || a.occurredAt >= hi) return false;
    if (owners && !owners.includes(a.userId)) return false;
    if (!f.pipelineId && !f.source) return true;
    const l = byId.get(a.leadId ?? '');
    return (
      !!l &&
      (!f.pipelineId || l.pipelineId === f.pipelineId) &&
      (!f.source || f.source.includes(l.source ?? ''))
    );
  });
  const count = (xs: RawActivity[]) =>
    Object.fromEntries(types.map((t) => [t, xs.filter((x) => x.type === t).length]));
  const periods = new Map<string, RawActivity[]>();
  for (const a of rows)
    periods.set(bucket(a.occurredAt, interval), [...(periods.get(bucket(a.occurredAt, interval)) ?? []), a]);
  const users = new Map<string | null, RawActivity[]>();
  for (const a of rows) users.set(a.userId, [...(users.get(a.userId) ?? []), a]);
  const outcomes = new Map<string, number>();
  for (const a of rows) {
    const k = JSON.stringify([a.type, a.outcome === '' ? null : a.outcome]);
    outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
  }
  return { rows, count, periods, users, outcomes, types };
}

describe.each(DB_KINDS)('activity summary report on %s', (kind) => {
  let fx: Fixture;
  let leads: RawLead[];
  let acts: RawActivity[];
  beforeAll(async () => {
    fx = await reportFixture(kind, 31);
    leads = await fx.leads();
    acts = await fx.activities();
  });
  afterAll(() => fx?.close());

  const check = async (f: Filters, wantInterval: string) => {
    const r = await fx.get(`/api/v1/reports/activity${qs(f)}`);
    expect(r.interval).toBe(wantInterval);
    const e = expected(fx, leads, acts, f, wantInterval);
    expect(r.types).toEqual(e.types);
    // Every bucket of the range is listed (empty ones too), each with its own count.
    const got = new Map<string, any>(r.periods.map((p: any) => [p.period, p]));
    for (const [period, xs] of e.periods) {
      expect(got.get(period)?.byType, period).toEqual(e.count(xs));
      expect(got.get(period).total).toBe(xs.length);
    }
    for (const p of r.periods) if (!e.periods.has(p.period)) expect(p.total).toBe(0);
    if (f.from && f.to) {
      expect(r.periods[0].period).toBe(bucket(Date.parse(`${f.from}T00:00:00Z`), wantInterval));
      expect(r.periods[r.periods.length - 1].period).toBe(
        bucket(Date.parse(`${f.to}T00:00:00Z`), wantInterval),
      );
    }
    const periods = r.periods.map((p: any) => p.period);
    expect(periods).toEqual([...new Set(periods)].sort());
    // By user (named; activities without a user are "No user"), by outcome, totals.
    expect(r.byUser.length).toBe(e.users.size);
    for (const u of r.byUser) {
      const xs = e.users.get(u.userId)!;
      expect(u.byType).toEqual(e.count(xs));
      expect(u.total).toBe(xs.length);
      expect(u.name).toBe(
        u.userId === null ? 'No user' : fx.members.find((m) => m.userId === u.userId)!.name,
      );
    }
    expect(r.byOutcome.length).toBe(e.outcomes.size);
    for (const o of r.byOutcome) expect(o.count).toBe(e.outcomes.get(JSON.stringify([o.type, o.outcome])));
    expect(r.totals.byType).toEqual(e.count(e.rows));
    expect(r.totals.total).toBe(e.rows.length);
    return r;
  };

  it('equals the counts computed from the raw rows, for several filter combinations', async () => {
    const reps = fx.demo.members.filter((m) => m.role === 'rep').map((m) => m.userId);
    const inbound = fx.teams.find((t) => t.name === 'Inbound')!.id;
    const all = await check({}, 'month');
    expect(all.totals.total).toBeGreaterThan(500);
    expect(all.periods.length).toBeGreaterThan(12);
    const month = monthBefore(2);
    const m = await check(month, 'day');
    expect(m.periods.length).toBe(Number(month.to.slice(8)));
    await check({ from: monthBefore(4).from, to: month.to }, 'week');
    await check({ ...month, interval: 'month' }, 'month');
    await check({ ownerId: [reps[1]!] }, 'month');
    await check({ teamId: inbound, ...monthBefore(1) }, 'day');
    await check({ source: ['referral', 'website'], from: monthBefore(6).from, to: month.to }, 'week');
    const partner = await check({ pipelineId: fx.partnerPipelineId }, 'month');
    expect(partner.totals).toMatchObject({ total: 3, byType: { call: 1, email: 1, meeting: 1 } });
    await check({ types: ['system', 'stage_change'], ownerId: ['none', reps[0]!] }, 'month');
    const sys = await check({ types: ['system'] }, 'month');
    expect(sys.byUser.some((u: any) => u.userId === null)).toBe(true);
    // The removed member's activities still count, by name.
    const removed = all.byUser.find((u: any) => u.userId === fx.removedUserId);
    expect(removed.total).toBeGreaterThan(0);
  });

  it("every count's drill lists exactly those activities", async () => {
    const reps = fx.demo.members.filter((m) => m.role === 'rep').map((m) => m.userId);
    const r = await fx.get(
      `/api/v1/reports/activity${qs({ from: monthBefore(4).from, to: monthBefore(2).to })}`,
    );
    expect(r.interval).toBe('week');
    // The first week starts before the range: its drill counts only the days in the range.
    for (const p of [r.periods[0], r.periods[3]])
      for (const t of ['call', 'total'])
        expect(await fx.drillCount(p.drills[t])).toBe(t === 'total' ? p.total : p.byType[t]);
    const u = r.byUser.find((x: any) => x.userId === reps[0]) ?? r.byUser[0];
    expect(await fx.drillCount(u.drills.total)).toBe(u.total);
    expect(await fx.drillCount(u.drills.email)).toBe(u.byType.email);
    expect(await fx.drillCount(r.totals.drills.total)).toBe(r.totals.total);
    const withOutcome = r.byOutcome.find((o: any) => o.outcome !== null);
    expect(await fx.drillCount(withOutcome.drill)).toBe(withOutcome.count);
    const o = await fx.get(
      `/api/v1/reports/activity${qs({ ownerId: [reps[1]!, 'none'], types: ['system'] })}`,
    );
    expect(await fx.drillCount(o.totals.drills.total)).toBe(o.totals.total);
  });

  it("drills on no outcome, and through the activity's lead (pipeline, source), use a condition", async () => {
    const r = await fx.get(
      `/api/v1/reports/activity${qs({ from: monthBefore(4).from, to: monthBefore(2).to })}`,
    );
    const noOutcome = r.byOutcome.find((o: any) => o.outcome === null);
    expect(await fx.drillCount(noOutcome.drill)).toBe(noOutcome.count);
    const p = await fx.get(`/api/v1/reports/activity${qs({ pipelineId: fx.partnerPipelineId })}`);
    expect(await fx.drillCount(p.totals.drills.total)).toBe(3);
    const comma = p.byOutcome.find((o: any) => o.outcome === 'signed, sealed');
    expect(await fx.drillCount(comma.drill)).toBe(1);
    const s = await fx.get(`/api/v1/reports/activity${qs({ source: ['referral'], ...monthBefore(2) })}`);
    expect(await fx.drillCount(s.periods[3].drills.total)).toBe(s.periods[3].total);
    expect(await fx.drillCount(s.totals.drills.call)).toBe(s.totals.byType.call);
  });

  it('exports the periods table, and refuses bad parameters', async () => {
    const f = { ...monthBefore(3), format: 'csv' };
    const json = await fx.get(`/api/v1/reports/activity${qs({ ...monthBefore(3) })}`);
    const csv = await fx.call(`/api/v1/reports/activity${qs(f)}`);
    expect(csv.status).toBe(200);
    const lines = String(csv.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(`Day,${HUMAN.join(',')},Total`);
    expect(lines.slice(1)).toEqual([
      ...json.periods.map((p: any) => [p.period, ...HUMAN.map((t) => p.byType[t]), p.total].join(',')),
      ['Total', ...HUMAN.map((t) => json.totals.byType[t]), json.totals.total].join(','),
    ]);
    const many = await fx.call('/api/v1/reports/activity?from=2000-01-01&to=2026-01-01&interval=day');
    expect(many.status).toBe(422);
    expect(many.body.errors[0].field).toBe('interval');
    const badType = await fx.call('/api/v1/reports/activity?types=call,fax');
    expect(badType.status).toBe(400);
    expect(badType.body.errors[0].field).toMatch(/^types/);
    expect((await fx.call('/api/v1/reports/activity?interval=hour')).status).toBe(400);
    const theirs = await fx.call('/api/v1/reports/activity', fx.other.auth);
    expect(theirs.status).toBe(200);
    expect(theirs.body.totals.total).toBe(0);
  });
});
