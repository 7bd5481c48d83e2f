import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../../test/db.js';
import {
  type Fixture,
  median,
  monthBefore,
  qs,
  type RawActivity,
  type RawLead,
  rangeMs,
  reportFixture,
  sumMoney,
} from './performance-reports.fixture.js';

const HUMAN = ['call', 'email', 'meeting', 'note', 'sms'];
type Filters = {
  from?: string;
  to?: string;
  pipelineId?: string;
  ownerId?: string[];
  teamId?: string;
  source?: string[];
};

/** The team report computed from raw rows, independently of the report's SQL. */
function expected(fx: Fixture, leads: RawLead[], acts: RawActivity[], f: Filters) {
  const [lo, hi] = rangeMs(f.from, f.to);
  const inRange = (ms: number) => ms >= lo && ms < hi;
  let owners: (string | null)[] | null = f.ownerId ? f.ownerId.map((o) => (o === 'none' ? null : o)) : null;
  if (f.teamId) {
    const members = fx.teams.find((t) => t.id === f.teamId)!.members;
    owners = owners ? owners.filter((o) => o !== null && members.includes(o)) : members;
  }
  const ownerOk = (id: string | null) => owners === null || owners.includes(id);
  const byId = new Map(leads.map((l) => [l.id, l]));
  const leadOk = (l: RawLead | undefined) =>
    !!l &&
    (!f.pipelineId || l.pipelineId === f.pipelineId) &&
    (!f.source || f.source.includes(l.source ?? ''));
  const scoped = leads.filter((l) => leadOk(l) && ownerOk(l.ownerId));
  const scopedActs = acts.filter(
    (a) =>
      HUMAN.includes(a.type) &&
      inRange(a.occurredAt) &&
      ownerOk(a.userId) &&
      (!f.pipelineId && !f.source ? true : leadOk(byId.get(a.leadId ?? ''))),
  );
  const first = new Map<string, number>();
  for (const a of acts)
    if (a.leadId && HUMAN.includes(a.type))
      first.set(a.leadId, Math.min(first.get(a.leadId) ?? Number.POSITIVE_INFINITY, a.occurredAt));
  const figures = (who: (id: string | null) => boolean) => {
    const ls = scoped.filter((l) => who(l.ownerId));
    const created = ls.filter((l) => inRange(l.createdAt));
    const responded = created.filter((l) => first.has(l.id));
    const wins = ls.filter((l) => l.status === 'won' && inRange(l.stageEnteredAt));
    const losses = ls.filter((l) => l.status === 'lost' && inRange(l.stageEnteredAt));
    const a = scopedActs.filter((x) => who(x.userId));
    const byType = Object.fromEntries(HUMAN.map((t) => [t, a.filter((x) => x.type === t).length]));
    const m = median(responded.map((l) => Math.max(0, first.get(l.id)! - l.createdAt) / 3_600_000));
    return {
      activities: { ...byType, total: a.length },
      firstResponse: {
        medianHours: m === null ? null : Math.round(m * 100) / 100,
        respondedLeads: responded.length,
        waitingLeads: created.length - responded.length,
      },
      openLeads: created.filter((l) => l.status !== 'won' && l.status !== 'lost').length,
      wins: wins.length,
      losses: losses.length,
      winRate: wins.length + losses.length ? wins.length / (wins.length + losses.length) : null,
      wonValue: sumMoney(wins.map((l) => l.dealValue)),
    };
  };
  return { owners, figures };
}

const strip = (r: any) => {
  const { drills: _d, name: _n, ownerId: _o, teamId: _t, removed: _r, memberIds: _m, ...rest } = r;
  return rest;
};
const near = (got: any, want: any) => {
  expect(got.firstResponse.medianHours === null).toBe(want.firstResponse.medianHours === null);
  if (want.firstResponse.medianHours !== null)
    expect(Math.abs(got.firstResponse.medianHours - want.firstResponse.medianHours)).toBeLessThan(0.011);
  expect({ ...strip(got), firstResponse: { ...got.firstResponse, medianHours: 0 } }).toEqual({
    ...want,
    firstResponse: { ...want.firstResponse, medianHours: 0 },
  });
};

describe.each(DB_KINDS)('team performance report on %s', (kind) => {
  let fx: Fixture;
  let leads: RawLead[];
  let acts: RawActivity[];
  beforeAll(async () => {
    fx = await reportFixture(kind);
    leads = await fx.leads();
    acts = await fx.activities();
  });
  afterAll(() => fx?.close());

  const check = async (f: Filters) => {
    const r = await fx.get(`/api/v1/reports/team${qs(f)}`);
    const e = expected(fx, leads, acts, f);
    for (const o of r.owners)
      near(
        o,
        e.figures((id) => id === o.ownerId),
      );
    for (const t of r.teams)
      near(
        t,
        e.figures((id) => id !== null && t.memberIds.includes(id)),
      );
    near(
      r.totals,
      e.figures(() => true),
    );
    // Rows: the filtered owners, or every active member and anyone else with figures.
    const rows = r.owners.map((o: any) => o.ownerId);
    if (e.owners) {
      for (const o of e.owners) expect(rows).toContain(o);
    } else {
      for (const m of fx.members.filter((x) => !x.removed)) expect(rows).toContain(m.userId);
    }
    for (const o of r.owners) {
      if (e.owners) expect(e.owners).toContain(o.ownerId);
      const m = fx.members.find((x) => x.userId === o.ownerId);
      expect(o.name).toBe(m ? m.name : 'Unassigned');
      expect(o.removed).toBe(m?.removed ?? false);
    }
    // A team counts its members (within the owner filter); a member of two teams counts in both.
    for (const t of r.teams) {
      const team = fx.teams.find((x) => x.id === t.teamId)!;
      expect(t.name).toBe(team.name);
      expect(t.memberIds.sort()).toEqual(
        team.members.filter((m) => !e.owners || e.owners.includes(m)).sort(),
      );
    }
    return r;
  };

  it('equals the figures computed from the raw rows, for several filter combinations', async () => {
    const reps = fx.demo.members.filter((m) => m.role === 'rep').map((m) => m.userId);
    const inbound = fx.teams.find((t) => t.name === 'Inbound')!.id;
    const whole = await check({});
    expect(whole.totals.activities.total).toBeGreaterThan(100);
    expect(whole.totals.wins).toBeGreaterThan(5);
    expect(whole.owners.length).toBeGreaterThanOrEqual(5);
    expect(whole.teams.map((t: any) => t.name)).toEqual(['Field sales', 'Inbound']);
    await check(monthBefore(3));
    await check({ ownerId: [reps[1]!] });
    await check({ teamId: inbound });
    await check({ teamId: inbound, ownerId: [reps[0]!, reps[1]!, 'none'] });
    await check({ source: ['referral'] });
    const partner = await check({ pipelineId: fx.partnerPipelineId });
    expect(partner.totals).toMatchObject({ wins: 1, losses: 1, wonValue: '7300.25' });
    // The call logged two days before its lead existed counts as an immediate response.
    expect(partner.totals.firstResponse.respondedLeads).toBe(2);
    await check({ ...monthBefore(2), source: ['website', 'referral'], ownerId: [reps[0]!, 'none'] });
    await check({ ...monthBefore(1), pipelineId: fx.defaultPipelineId });
    // Ranges that are not whole months: the kept totals add whole months, then whole weeks, then days.
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    for (const r of [
      await check({ from: day(80), to: day(9) }),
      await check({ from: day(23), to: day(3) }),
    ]) {
      expect(r.totals.firstResponse.respondedLeads).toBeGreaterThan(3);
      expect(r.totals.firstResponse.medianHours).not.toBeNull();
    }
    await check({ from: day(23), to: day(3), ownerId: [reps[0]!, 'none'] });
    await check({ from: day(44), to: day(39), teamId: inbound });
    await check({ from: day(200), to: day(31), pipelineId: fx.defaultPipelineId });
  });

  it('shows a removed member by name, and the unassigned leads', async () => {
    const r = await fx.get('/api/v1/reports/team');
    const removed = r.owners.find((o: any) => o.ownerId === fx.removedUserId);
    expect(removed).toMatchObject({
      removed: true,
      name: fx.members.find((m) => m.userId === fx.removedUserId)!.name,
    });
    expect(removed.activities.total).toBeGreaterThan(0);
    const none = r.owners.find((o: any) => o.ownerId === null);
    expect(none).toMatchObject({ name: 'Unassigned', removed: false });
    expect(none.firstResponse.waitingLeads).toBeGreaterThanOrEqual(1);
    expect(r.owners[r.owners.length - 1].ownerId).toBeNull();
  });

  const checkDrills = async (f: Filters, what: 'leads' | 'activities') => {
    const reps = fx.demo.members.filter((m) => m.role === 'rep').map((m) => m.userId);
    const r = await fx.get(`/api/v1/reports/team${qs(f)}`);
    const rows = [
      r.totals,
      r.owners.find((o: any) => o.ownerId === reps[0]) ?? r.owners[0],
      r.owners.find((o: any) => o.ownerId === null),
      r.teams[0],
    ].filter(Boolean);
    for (const row of rows) {
      if (what === 'activities') {
        for (const t of ['call', 'total'])
          expect(await fx.drillCount(row.drills.activities[t]), `${row.name} ${t}`).toBe(row.activities[t]);
        continue;
      }
      expect(await fx.drillCount(row.drills.openLeads)).toBe(row.openLeads);
      expect(await fx.drillCount(row.drills.respondedLeads)).toBe(row.firstResponse.respondedLeads);
      expect(await fx.drillCount(row.drills.waitingLeads)).toBe(row.firstResponse.waitingLeads);
      expect(await fx.drillCount(row.drills.wins)).toBe(row.wins);
      expect(await fx.drillCount(row.drills.losses)).toBe(row.losses);
    }
  };

  it("every lead count's drill lists exactly those leads", async () => {
    for (const f of [
      {},
      { ...monthBefore(2), source: ['website', 'referral'] },
      { pipelineId: fx.partnerPipelineId },
    ] as Filters[])
      await checkDrills(f, 'leads');
  });

  it("every activity count's drill lists exactly those activities", async () => {
    await checkDrills({}, 'activities');
    await checkDrills(monthBefore(3), 'activities');
  });

  it("with a pipeline or source filter, the activity drills reach through the activity's lead", async () => {
    await checkDrills({ ...monthBefore(2), source: ['website', 'referral'] }, 'activities');
    await checkDrills({ pipelineId: fx.partnerPipelineId }, 'activities');
  });

  it('exports the table as CSV and Excel with the same figures as the JSON', async () => {
    const f = { ...monthBefore(4) };
    const json = await fx.get(`/api/v1/reports/team${qs(f)}`);
    const csv = await fx.call(`/api/v1/reports/team${qs({ ...f, format: 'csv' })}`);
    expect(csv.status).toBe(200);
    expect(String(csv.headers['content-type'])).toMatch(/^text\/csv/);
    expect(String(csv.headers['content-disposition'])).toMatch(
      /attachment; filename="team-performance-\d{4}-\d\d-\d\d\.csv"/,
    );
    const parsed = Papa.parse<string[]>(String(csv.body).replace(/^\uFEFF/, ''), {
      skipEmptyLines: true,
    }).data;
    const rows = [...json.owners, { ...json.totals, name: 'Total' }];
    expect(parsed[0]![0]).toBe('Owner');
    expect(parsed.length).toBe(rows.length + 1);
    const line = (r: any) => [
      r.name,
      ...['call', 'email', 'meeting', 'note', 'sms', 'total'].map((t) => String(r.activities[t])),
      r.firstResponse.medianHours === null ? '' : String(r.firstResponse.medianHours),
      String(r.firstResponse.respondedLeads),
      String(r.firstResponse.waitingLeads),
      String(r.openLeads),
      String(r.wins),
      String(r.losses),
      r.winRate === null ? '' : String(r.winRate),
      r.wonValue,
    ];
    expect(parsed.slice(1)).toEqual(rows.map(line));

    const x = await fx.t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/team${qs({ ...f, format: 'xlsx' })}`,
      headers: { cookie: fx.cookie },
    });
    expect(x.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(rows.length + 1);
    rows.forEach((r: any, i: number) => {
      const cells = (ws.getRow(i + 2).values as unknown[]).slice(1);
      const want = line(r).map((v, k) => (k === 0 || v === '' ? (v === '' ? undefined : v) : Number(v)));
      expect(cells.length).toBeLessThanOrEqual(want.length);
      expect(Array.from({ length: want.length }, (_, k) => cells[k] ?? undefined)).toEqual(want);
    });
  });

  it('is read by every member, refuses bad filters and never shows another workspace', async () => {
    const viewer = fx.demo.members.find((m) => m.role === 'viewer')!;
    const login = await fx.t.call({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: viewer.email, password: 'demo password 123' },
    });
    const vc = String(login.headers['set-cookie']).split(';')[0]!;
    expect((await fx.call('/api/v1/reports/team', { cookie: vc })).status).toBe(200);
    expect((await fx.call('/api/v1/reports/team')).status).toBe(200);
    expect((await fx.t.call({ method: 'GET', url: '/api/v1/reports/team' })).status).toBe(401);

    const bad = await fx.call('/api/v1/reports/team?from=2026-02-01&to=2026-01-01');
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'to' })]);
    expect((await fx.call('/api/v1/reports/team?from=yesterday')).status).toBe(400);
    expect((await fx.call('/api/v1/reports/team?colour=red')).status).toBe(400);

    // Another workspace's team or pipeline is not found; its report has only its own lead.
    const mine = await fx.get('/api/v1/reports/team');
    const theirs = await fx.call('/api/v1/reports/team', fx.other.auth);
    expect(theirs.status).toBe(200);
    expect(theirs.body.totals).toMatchObject({ openLeads: 1, wins: 0 });
    for (const o of theirs.body.owners) expect([fx.other.userId, null]).toContain(o.ownerId);
    expect(theirs.body.teams).toEqual([]);
    const [theirPipeline] = await fx.q<{ id: string }>(
      sql`select id from pipelines where workspace_id = ${fx.other.workspaceId}`,
    );
    expect((await fx.call(`/api/v1/reports/team?pipelineId=${theirPipeline!.id}`)).status).toBe(404);
    expect((await fx.call(`/api/v1/reports/team?teamId=${mine.teams[0].teamId}`, fx.other.auth)).status).toBe(
      404,
    );
  });
});
