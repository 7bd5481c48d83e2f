import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, testDatabase } from '../../../test/db.js';
import { buildApp } from '../../server/app.js';
import type { DatabaseHandle } from '../db/client.js';
import { type DemoResult, generateDemo } from '../demo/demo.service.js';

/**
 * The funnel, sources and campaigns reports on the demo workspace, each figure recomputed here from raw
 * rows (plain SQL reads, arithmetic in the test) for several filter combinations, and drills counted
 * through the list API.
 */
const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const PASSWORD = 'demo password 123';
const DAY = 86_400_000;

type Lead = {
  id: string;
  pipeline_id: string;
  owner_id: string | null;
  source: string | null;
  campaign: string | null;
  status: string;
  lost_reason: string | null;
  deal_value: string | null;
  created_at: Date;
  stage_entered_at: Date;
};
type Stay = { lead_id: string; stage_id: string; entered_at: Date; left_at: Date | null };
type Stage = {
  id: string;
  name: string;
  position: number;
  type: string;
  lead_status: string;
  pipeline_id: string;
};

const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = (s.length - 1) / 2;
  return (s[Math.floor(m)]! + s[Math.ceil(m)]!) / 2;
};
const cents = (x: string | null) => (x ? Math.round(Number(x) * 100) : 0);
const money = (c: number) => (c / 100).toFixed(2);

describe.each(DB_KINDS)('funnel, sources and campaigns reports on %s', (kind) => {
  let h: DatabaseHandle;
  let demo: DemoResult;
  let app: FastifyInstance;
  let cookie: string;
  let leads: Lead[];
  let stays: Stay[];
  let stages: Stage[];
  let pipelineId: string;
  let teams: { id: string; members: string[] }[];
  const now = new Date();

  const get = async (url: string) => {
    const r = await app.inject({ method: 'GET', url, headers: { cookie } });
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };
  /** How many records the list API pages through for a drill. */
  const listCount = async (d: { entity: string; query: Record<string, string> }) => {
    let n = 0;
    let cursor: string | null = null;
    do {
      const qs = new URLSearchParams({ ...d.query, limit: '200', ...(cursor ? { cursor } : {}) });
      const page = await get(`/api/v1/${d.entity}?${qs}`);
      n += page.data.length;
      cursor = page.nextCursor;
    } while (cursor);
    return n;
  };

  beforeAll(async () => {
    h = await testDatabase(kind);
    demo = await generateDemo(h.db, { leads: 500, seed: 6, password: PASSWORD, batchSize: 200, now });
    app = await buildApp({ db: h.db, validateResponses: true });
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: demo.owner.email, password: PASSWORD },
    });
    cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const ws = demo.workspaceId;
    leads = rowsOf<Lead>(
      await h.db.execute(sql`select id, pipeline_id, owner_id, source, campaign, status, lost_reason, deal_value::text,
        created_at, stage_entered_at from leads where workspace_id = ${ws} and deleted_at is null`),
    ).map((l) => ({
      ...l,
      created_at: new Date(l.created_at),
      stage_entered_at: new Date(l.stage_entered_at),
    }));
    stays = rowsOf<Stay>(
      await h.db.execute(
        sql`select lead_id, stage_id, entered_at, left_at from lead_stage_history where workspace_id = ${ws}`,
      ),
    ).map((s) => ({
      ...s,
      entered_at: new Date(s.entered_at),
      left_at: s.left_at ? new Date(s.left_at) : null,
    }));
    stages = rowsOf<Stage>(
      await h.db.execute(
        sql`select id, name, position, type, lead_status, pipeline_id from stages where workspace_id = ${ws} and deleted_at is null`,
      ),
    );
    pipelineId = rowsOf<{ id: string }>(
      await h.db.execute(sql`select id from pipelines where workspace_id = ${ws} and is_default`),
    )[0]!.id;
    const tm = rowsOf<{ team_id: string; user_id: string }>(
      await h.db.execute(sql`select team_id, user_id from team_members where workspace_id = ${ws}`),
    );
    teams = [...new Set(tm.map((t) => t.team_id))].map((id) => ({
      id,
      members: tm.filter((t) => t.team_id === id).map((t) => t.user_id),
    }));
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  type Filter = { from?: string; to?: string; ownerId?: string; teamId?: string; source?: string };
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const filters = (): [string, Filter][] => {
    const busiest = [...new Set(leads.map((l) => l.owner_id).filter(Boolean))][0]!;
    return [
      ['all time', {}],
      ['the last 120 days', { from: day(new Date(now.getTime() - 120 * DAY)), to: day(now) }],
      [
        'a quarter a year ago',
        { from: day(new Date(now.getTime() - 365 * DAY)), to: day(new Date(now.getTime() - 275 * DAY)) },
      ],
      ['one owner', { ownerId: busiest }],
      ['a team, last 200 days', { teamId: teams[0]!.id, from: day(new Date(now.getTime() - 200 * DAY)) }],
      ['referrals and partners', { source: 'referral,partner' }],
    ];
  };
  const qs = (f: Filter, extra: Record<string, string> = {}) =>
    new URLSearchParams({ ...f, ...extra } as Record<string, string>).toString();
  const cohort = (f: Filter, pipeline?: string) =>
    leads.filter((l) => {
      if (pipeline && l.pipeline_id !== pipeline) return false;
      if (f.from && l.created_at.getTime() < Date.parse(`${f.from}T00:00:00Z`)) return false;
      if (f.to && l.created_at.getTime() >= Date.parse(`${f.to}T00:00:00Z`) + DAY) return false;
      if (f.ownerId && l.owner_id !== f.ownerId) return false;
      if (f.teamId && !teams.find((t) => t.id === f.teamId)!.members.includes(l.owner_id ?? '')) return false;
      if (f.source && !f.source.split(',').includes(l.source ?? '')) return false;
      return true;
    });

  it('funnel: every figure equals the raw stage history, for several filters', async () => {
    const steps = stages
      .filter((s) => s.pipeline_id === pipelineId && s.type !== 'lost')
      .sort((a, b) => a.position - b.position);
    for (const [label, f] of filters()) {
      const r = await get(`/api/v1/reports/funnel?${qs(f)}`);
      const c = cohort(f, pipelineId);
      const ids = new Set(c.map((l) => l.id));
      const mine = stays.filter((s) => ids.has(s.lead_id));
      expect(r.pipeline.id, label).toBe(pipelineId);
      expect(r.total, label).toBe(c.length);
      expect(
        r.stages.map((s: { name: string }) => s.name),
        label,
      ).toEqual(steps.map((s) => s.name));
      const reached = steps.map(
        (s) =>
          new Set(
            mine
              .filter((st) => steps.some((x) => x.id === st.stage_id && x.position >= s.position))
              .map((st) => st.lead_id),
          ).size,
      );
      steps.forEach((s, i) => {
        const got = r.stages[i];
        expect(got.reached, `${label}: ${s.name} reached`).toBe(reached[i]);
        if (i < steps.length - 1) {
          expect(got.dropOff, label).toBe(reached[i]! - reached[i + 1]!);
          expect(got.conversionRate, label).toBeCloseTo(
            reached[i]! ? reached[i + 1]! / reached[i]! : Number.NaN,
            10,
          );
        } else expect(got.conversionRate).toBeNull();
        const ended = mine
          .filter((st) => st.stage_id === s.id && st.left_at)
          .map((st) => (st.left_at!.getTime() - st.entered_at.getTime()) / DAY);
        expect(got.stays, `${label}: ${s.name} stays`).toBe(ended.length);
        const m = median(ended);
        if (m === null) expect(got.medianDaysInStage).toBeNull();
        else expect(got.medianDaysInStage, `${label}: ${s.name} median`).toBeCloseTo(m, 1);
      });
      const lost = c.filter((l) => l.status === 'lost');
      expect(r.lost.count, label).toBe(lost.length);
      expect(r.lost.value, label).toBe(money(lost.reduce((a, l) => a + cents(l.deal_value), 0)));
      for (const reason of r.lost.reasons)
        expect(reason.count, label).toBe(lost.filter((l) => l.lost_reason === reason.reason).length);
      expect(r.lost.reasons.reduce((a: number, x: { count: number }) => a + x.count, 0)).toBe(lost.length);
    }
  });

  it("funnel: median days in stage is PostgreSQL's own percentile_cont over the cohort's ended stays", async () => {
    // Unfiltered cohorts read kept histograms and one bucket of stays (ADR 016): the medians must be
    // the very same numbers as the plain aggregate, for short and long ranges, odd and even counts.
    const ranges: Filter[] = [
      {},
      { from: day(new Date(now.getTime() - 120 * DAY)), to: day(now) },
      { from: day(new Date(now.getTime() - 30 * DAY)), to: day(new Date(now.getTime() - 30 * DAY)) },
      { from: day(new Date(now.getTime() - 400 * DAY)), to: day(new Date(now.getTime() - 200 * DAY)) },
    ];
    for (const f of ranges) {
      const r = await get(`/api/v1/reports/funnel?${qs(f)}`);
      const plain = rowsOf<{ stage_id: string; n: number; v: number }>(
        await h.db.execute(sql`select h.stage_id::text as stage_id, count(*)::int as n,
            percentile_cont(0.5) within group (order by date_part('epoch', h.left_at - h.entered_at)) as v
          from lead_stage_history h join leads l on l.workspace_id = h.workspace_id and l.id = h.lead_id
          where l.workspace_id = ${demo.workspaceId} and l.deleted_at is null and l.pipeline_id = ${pipelineId}
            and h.left_at is not null
            and (${f.from ?? null}::date is null or l.created_at >= ${f.from ?? null}::date::timestamp at time zone 'UTC')
            and (${f.to ?? null}::date is null or l.created_at < (${f.to ?? null}::date + 1)::timestamp at time zone 'UTC')
          group by h.stage_id`),
      );
      const byStage = new Map(plain.map((p) => [p.stage_id, p]));
      for (const s of r.stages as { stageId: string; stays: number; medianDaysInStage: number | null }[]) {
        const p = byStage.get(s.stageId);
        expect(s.stays, JSON.stringify(f)).toBe(p?.n ?? 0);
        expect(s.medianDaysInStage, JSON.stringify(f)).toBe(
          p ? Math.round((Number(p.v) / 86_400) * 100) / 100 : null,
        );
      }
    }
  });

  it("funnel: a stage's drill lists exactly its reached leads", async () => {
    const [, f] = filters()[1]!;
    const r = await get(`/api/v1/reports/funnel?${qs(f)}`);
    for (const s of [r.stages[0], r.stages[2], r.stages.at(-1)])
      expect(await listCount(s.drill)).toBe(s.reached);
    expect(await listCount(r.totalDrill)).toBe(r.total);
    expect(await listCount(r.lost.drill)).toBe(r.lost.count);
    const reason = r.lost.reasons[0];
    if (reason) expect(await listCount(reason.drill)).toBe(reason.count);
  });

  it('sources: every figure equals the raw leads, for several filters', async () => {
    const qualifiedStages = new Set(
      rowsOf<{ id: string }>(
        await h.db.execute(
          sql`select id from stages where workspace_id = ${demo.workspaceId} and lead_status in ('qualified','proposal','won')`,
        ),
      ).map((s) => s.id),
    );
    const qualified = new Set(stays.filter((s) => qualifiedStages.has(s.stage_id)).map((s) => s.lead_id));
    for (const [label, f] of filters()) {
      const r = await get(`/api/v1/reports/sources?${qs(f)}`);
      const c = cohort(f);
      const bySource = new Map<string | null, Lead[]>();
      for (const l of c) bySource.set(l.source, [...(bySource.get(l.source) ?? []), l]);
      expect(r.data.length, label).toBe(bySource.size);
      for (const row of r.data) {
        const ls = bySource.get(row.source) ?? [];
        const won = ls.filter((l) => l.status === 'won');
        expect(row.leads, `${label} ${row.source}`).toBe(ls.length);
        expect(row.qualified, `${label} ${row.source}`).toBe(ls.filter((l) => qualified.has(l.id)).length);
        expect(row.won).toBe(won.length);
        expect(row.lost).toBe(ls.filter((l) => l.status === 'lost').length);
        expect(row.wonValue).toBe(money(won.reduce((a, l) => a + cents(l.deal_value), 0)));
        const m = median(won.map((l) => (l.stage_entered_at.getTime() - l.created_at.getTime()) / DAY));
        if (m === null) expect(row.medianDaysToWin).toBeNull();
        else expect(row.medianDaysToWin).toBeCloseTo(m, 1);
        expect(row.conversionRate).toBeCloseTo(won.length / ls.length, 10);
      }
      expect(r.totals.leads, label).toBe(c.length);
      expect(r.totals.won, label).toBe(c.filter((l) => l.status === 'won').length);
    }
  });

  it("sources: drills list the row's leads, qualified and won", async () => {
    const r = await get(`/api/v1/reports/sources?${qs(filters()[1]![1])}`);
    for (const row of r.data.slice(0, 3)) {
      expect(await listCount(row.drills.leads)).toBe(row.leads);
      expect(await listCount(row.drills.qualified)).toBe(row.qualified);
      expect(await listCount(row.drills.won)).toBe(row.won);
    }
  });

  it('campaigns: spend is prorated by day over the range; cost per lead and per won lead', async () => {
    const name = leads.find((l) => l.campaign)!.campaign!;
    const create = await app.inject({
      method: 'POST',
      url: '/api/v1/campaigns',
      headers: { cookie },
      payload: {
        name: name.toUpperCase(),
        source: 'google_ads',
        costs: [
          { periodStart: '2026-01-01', periodEnd: '2026-01-30', amount: '3000.00' },
          { periodStart: '2026-02-01', periodEnd: '2026-02-28', amount: 280 },
        ],
      },
    });
    expect(create.statusCode, create.body).toBe(201);
    expect(create.json().totalCost).toBe('3280.00');
    const dup = await app.inject({
      method: 'POST',
      url: '/api/v1/campaigns',
      headers: { cookie },
      payload: { name },
    });
    expect(dup.statusCode).toBe(409);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/campaigns',
      headers: { cookie },
      payload: { name: 'x', costs: [{ periodStart: '2026-02-01', periodEnd: '2026-01-01', amount: '-5' }] },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['costs[0].periodEnd', 'costs[0].amount']),
    );

    // Jan 21 – Feb 10: 10 of January's 30 days (1000.00) and 10 of February's 28 (100.00).
    const f = { from: '2026-01-21', to: '2026-02-10' };
    const r = await get(`/api/v1/reports/campaigns?${qs(f)}`);
    const row = r.data.find((d: { campaignId: string | null }) => d.campaignId === create.json().id);
    expect(row.cost).toBe('1100.00');
    expect(row.campaign).toBe(name.toUpperCase());
    const c = cohort(f).filter((l) => l.campaign?.toLowerCase() === name.toLowerCase());
    expect(row.leads).toBe(c.length);
    const won = c.filter((l) => l.status === 'won').length;
    expect(row.costPerLead).toBe(c.length ? money(Math.round(110000 / c.length)) : null);
    expect(row.costPerWonLead).toBe(won ? money(Math.round(110000 / won)) : null);
    const src = await get(`/api/v1/reports/sources?${qs(f)}`);
    const g = src.data.find((d: { source: string | null }) => d.source === 'google_ads');
    expect(g.cost).toBe('1100.00');
    // An owner filter hides spend (it is not split by owner).
    const owned = await get(`/api/v1/reports/sources?${qs({ ...f, ownerId: demo.owner.userId })}`);
    expect(owned.costsApplicable).toBe(false);
    expect(owned.data.every((d: { cost: string | null }) => d.cost === null)).toBe(true);
  });

  it('exports the funnel as CSV and Excel with the JSON figures', async () => {
    const json = await get('/api/v1/reports/funnel');
    const csv = await app.inject({
      method: 'GET',
      url: '/api/v1/reports/funnel?format=csv',
      headers: { cookie },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Stage,Reached,Conversion to next,Of all leads,Drop-off,Median days in stage');
    expect(lines[1]!.split(',').slice(0, 2)).toEqual([json.stages[0].name, String(json.stages[0].reached)]);
    const xlsx = await app.inject({
      method: 'GET',
      url: '/api/v1/reports/funnel?format=xlsx',
      headers: { cookie },
    });
    expect(xlsx.statusCode).toBe(200);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(2).getCell(1).value).toBe(json.stages[0].name);
    expect(ws.getRow(2).getCell(2).value).toBe(json.stages[0].reached);
  });

  it("refuses bad filters with problems naming the field; another workspace's pipeline is 404", async () => {
    const bad = await app.inject({
      method: 'GET',
      url: '/api/v1/reports/funnel?from=2026-13-01',
      headers: { cookie },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('from');
    const order = await app.inject({
      method: 'GET',
      url: '/api/v1/reports/sources?from=2026-02-01&to=2026-01-01',
      headers: { cookie },
    });
    expect(order.statusCode).toBe(422);
    expect(order.json().errors[0].field).toBe('to');
    const other = await app.inject({
      method: 'GET',
      url: '/api/v1/reports/funnel?pipelineId=0190a000-0000-7000-8000-000000000000',
      headers: { cookie },
    });
    expect(other.statusCode).toBe(404);
  });
});
