import { and, asc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, testDatabase } from '../../../test/db.js';
import { buildApp } from '../../server/app.js';
import type { DatabaseHandle } from '../db/client.js';
import { leads } from '../db/schema/index.js';
import { rescoreLead } from '../scoring/score-lead.js';
import { systemCtx } from '../shared/context.js';
import { type DemoResult, generateDemo } from './demo.service.js';

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const PASSWORD = 'demo password 123';

describe.each(DB_KINDS)("the demo team's daily work on %s", (kind) => {
  let h: DatabaseHandle;
  let demo: DemoResult;
  let app: FastifyInstance;
  let cookie: string;
  const now = new Date();
  const q = async <T>(text: ReturnType<typeof sql>) => rowsOf<T>(await h.db.execute(text));
  const get = async (url: string) => {
    const r = await app.inject({ method: 'GET', url, headers: { cookie } });
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };

  beforeAll(async () => {
    h = await testDatabase(kind);
    demo = await generateDemo(h.db, { leads: 400, seed: 11, password: PASSWORD, batchSize: 150, now });
    app = await buildApp({ db: h.db });
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: demo.owner.email, password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    cookie = String(login.headers['set-cookie']).split(';')[0]!;
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it('has teams, member capacity, assignment rules and a fallback owner', async () => {
    const teams = (await get('/api/v1/teams')).data as { name: string; members: unknown[] }[];
    expect(teams.map((t) => t.name).sort()).toEqual(['Field sales', 'Inbound']);
    const members = await q<{ team: string; n: number }>(sql`select t.name as team, count(*)::int as n
      from team_members m join teams t on t.workspace_id = m.workspace_id and t.id = m.team_id
      where m.workspace_id = ${demo.workspaceId} group by t.name order by t.name`);
    expect(members).toEqual([
      { team: 'Field sales', n: 3 },
      { team: 'Inbound', n: 3 },
    ]);
    const cap = await q<{ paused: boolean; max_open: number | null }>(
      sql`select paused, max_open from member_capacity where workspace_id = ${demo.workspaceId} order by paused`,
    );
    expect(cap).toHaveLength(2);
    expect(cap[0]!.max_open).toBeGreaterThan(0);
    expect(cap[1]!.paused).toBe(true);
    const rules = (await get('/api/v1/assignment-rules')).data as {
      name: string;
      type: string;
      active: boolean;
    }[];
    expect(rules.map((r) => [r.type, r.active])).toEqual([
      ['round_robin', true],
      ['specific_user', true],
      ['least_loaded', false],
    ]);
    const [ws] = await q<{ fallback: string }>(
      sql`select assignment_fallback_user_id as fallback from workspaces where id = ${demo.workspaceId}`,
    );
    expect(ws!.fallback).toBe(demo.members.find((m) => m.role === 'manager')!.userId);
    expect(demo.work).toMatchObject({ teams: 2, assignmentRules: 3, scoringRules: 6 });
  });

  it('gives every owned lead an assignment history row to its owner, rule rows explained', async () => {
    const ws = demo.workspaceId;
    const [c] = await q<{ owned: number; missing: number; wrong: number; rows: number }>(sql`select
      (select count(*)::int from leads where workspace_id = ${ws} and owner_id is not null) as owned,
      (select count(*)::int from leads l where l.workspace_id = ${ws} and l.owner_id is not null and not exists
        (select 1 from lead_assignments a where a.workspace_id = l.workspace_id and a.lead_id = l.id
          and a.to_user_id = l.owner_id)) as missing,
      (select count(*)::int from lead_assignments a join leads l on l.workspace_id = a.workspace_id and l.id = a.lead_id
        where a.workspace_id = ${ws} and a.to_user_id is distinct from l.owner_id) as wrong,
      (select count(*)::int from lead_assignments where workspace_id = ${ws}) as rows`);
    expect(c!.owned).toBeGreaterThan(300);
    expect(c).toMatchObject({ missing: 0, wrong: 0, rows: c!.owned });
    expect(demo.work.assignments).toBe(c!.owned);
    const byReason = await q<{ reason: string; n: number }>(
      sql`select reason, count(*)::int as n from lead_assignments where workspace_id = ${ws} group by 1 order by 1`,
    );
    expect(byReason.map((r) => r.reason)).toEqual(['create', 'manual', 'rule']);
    const ruleRows = await q<{ details: Record<string, unknown>; source: string; rule: string; rr: number }>(
      sql`select a.details, l.source, r.name as rule, r.rr_counter::int as rr from lead_assignments a
        join leads l on l.workspace_id = a.workspace_id and l.id = a.lead_id
        join assignment_rules r on r.workspace_id = a.workspace_id and r.id = a.rule_id
        where a.workspace_id = ${ws} and a.reason = 'rule'`,
    );
    for (const r of ruleRows) {
      expect(r.details.ruleName).toBe(r.rule);
      if (r.details.type === 'round_robin') {
        expect(['website', 'google_ads']).toContain(r.source);
        expect(r.details.of).toBe(3);
        expect([1, 2, 3]).toContain(r.details.position);
      } else {
        expect(r.details).toMatchObject({ type: 'specific_user', position: 1, of: 1 });
        expect(['partner', 'referral']).toContain(r.source);
      }
    }
    const rr = ruleRows.filter((r) => r.details.type === 'round_robin');
    expect(rr.length).toBeGreaterThan(0);
    expect(new Set(rr.map((r) => r.details.position)).size).toBe(3);
    expect(rr[0]!.rr).toBe(rr.length);
    // The lead page's assignment history shows it.
    const [one] = await q<{ id: string; owner_id: string }>(
      sql`select lead_id as id, to_user_id as owner_id from lead_assignments where workspace_id = ${ws} and reason = 'rule' limit 1`,
    );
    const hist = await get(`/api/v1/leads/${one!.id}/assignments`);
    expect(JSON.stringify(hist)).toContain(one!.owner_id);
    expect(JSON.stringify(hist)).toContain('rule');
  });

  it('has open tasks overdue, due today and upcoming, completed ones on the timeline, reminders due', async () => {
    const ws = demo.workspaceId;
    for (const view of ['overdue', 'today', 'upcoming'] as const) {
      const page = await get(`/api/v1/tasks?view=${view}&limit=200`);
      expect(page.data.length, view).toBeGreaterThan(0);
      for (const t of page.data as { status: string; dueAt: string; leadId: string }[]) {
        expect(['pending', 'in_progress']).toContain(t.status);
        expect(t.leadId).toBeTruthy();
      }
    }
    const [t] = await q<Record<string, number>>(sql`select count(*)::int as total,
        count(*) filter (where status = 'completed')::int as completed,
        count(*) filter (where status in ('pending', 'in_progress'))::int as open,
        count(distinct type)::int as types, count(distinct priority)::int as priorities,
        count(*) filter (where remind_at <= now() and reminded_at is null and status in ('pending', 'in_progress'))::int as reminders_due,
        count(*) filter (where created_at > now() or due_at is null)::int as bad
      from tasks where workspace_id = ${ws}`);
    expect(t!.total).toBe(demo.work.tasks);
    expect(t!.open).toBe(demo.work.openTasks);
    // About 30% of open leads have a task.
    const open =
      demo.leadsByStatus.new! +
      demo.leadsByStatus.contacted! +
      demo.leadsByStatus.qualified! +
      demo.leadsByStatus.proposal!;
    expect(t!.total).toBeGreaterThan(open * 0.2);
    expect(t!.total).toBeLessThan(open * 0.5);
    expect(t!.completed).toBeGreaterThan(0);
    expect(t!.types).toBeGreaterThanOrEqual(4);
    expect(t!.priorities).toBe(4);
    expect(t!.reminders_due).toBeGreaterThan(0);
    expect(t!.bad).toBe(0);
    // A few reminders per member are due (and unsent): the reminder job's first run sends them.
    const due = await q<{ n: number }>(sql`select count(*)::int as n from tasks where workspace_id = ${ws}
      and remind_at <= now() and reminded_at is null and status in ('pending', 'in_progress') group by assignee_id`);
    expect(Math.max(...due.map((d) => d.n))).toBeLessThanOrEqual(3);
    const [done] = await q<{ n: number; logged: number }>(sql`select count(*)::int as n,
        count(a.id)::int as logged from tasks t
        left join activities a on a.workspace_id = t.workspace_id and a.type = 'task' and a.lead_id = t.lead_id
          and a.metadata->>'taskId' = t.id::text and a.subject = 'Completed: ' || t.title
      where t.workspace_id = ${ws} and t.status = 'completed'`);
    expect(done!.logged).toBe(done!.n);
  });

  it('has appointments on qualified and proposal leads: held ones with outcomes on the timeline, upcoming ones', async () => {
    const ws = demo.workspaceId;
    const rows = await q<{
      id: string;
      status: string;
      result: string | null;
      outcome_notes: string | null;
      objections: string | null;
      quote_value: string | null;
      scheduled_at: Date | string;
      lead_status: string;
      entries: string[];
    }>(sql`select a.id, a.status, a.result, a.outcome_notes, a.objections, a.quote_value, a.scheduled_at,
        l.status as lead_status,
        array(select x.type || ':' || x.subject from activities x where x.workspace_id = a.workspace_id
          and x.lead_id = a.lead_id and x.metadata->>'appointmentId' = a.id::text order by x.occurred_at) as entries
      from appointments a join leads l on l.workspace_id = a.workspace_id and l.id = a.lead_id
      where a.workspace_id = ${ws}`);
    expect(rows.length).toBe(demo.work.appointments);
    expect(rows.length).toBeGreaterThan(400 * 0.02);
    for (const a of rows) {
      expect(['qualified', 'proposal']).toContain(a.lead_status);
      expect(a.entries[0]).toMatch(/^system:Appointment scheduled: /);
      if (a.status === 'scheduled') {
        expect(new Date(a.scheduled_at).getTime()).toBeGreaterThan(now.getTime() - 86_400_000);
        expect(a.entries).toHaveLength(1);
      } else expect(new Date(a.scheduled_at).getTime()).toBeLessThan(now.getTime());
      if (a.status === 'completed') {
        expect(a.result).toBeTruthy();
        expect(a.outcome_notes).toBeTruthy();
        expect(a.entries[1]).toMatch(/^meeting:Appointment held: .* \(/);
        if (a.result === 'quoted') expect(Number(a.quote_value)).toBeGreaterThan(0);
      }
    }
    const held = rows.filter((a) => a.status === 'completed');
    expect(held.length).toBeGreaterThan(0);
    expect(held.some((a) => a.objections)).toBe(true);
    expect(held.some((a) => a.result === 'quoted')).toBe(true);
    expect(rows.some((a) => a.status === 'scheduled')).toBe(true);
    // Through the API, a lead's appointments with the outcome.
    const withQuote = held.find((a) => a.result === 'quoted')!;
    const one = await get(`/api/v1/appointments/${withQuote.id}`);
    expect(one).toMatchObject({ status: 'completed', result: 'quoted' });
    expect(Number(one.quoteValue)).toBeGreaterThan(0);
  });

  it("stores every lead's score as the scoring rules give it (a fresh rescoreLead changes nothing)", async () => {
    const ws = demo.workspaceId;
    const ctx = systemCtx(ws, demo.owner.userId);
    const rules = (await get('/api/v1/scoring-rules')).data as { category: string; active: boolean }[];
    expect(new Set(rules.map((r) => r.category))).toEqual(
      new Set(['demographic', 'behavioural', 'engagement', 'progression']),
    );
    const rows = await h.db.select().from(leads).where(eq(leads.workspaceId, ws)).orderBy(asc(leads.id));
    expect(rows).toHaveLength(400);
    let differ = 0;
    for (const row of rows) {
      const fresh = await rescoreLead(h.db, ctx, row, { now });
      if (
        fresh.score !== row.score ||
        JSON.stringify(fresh.scoreReasons) !== JSON.stringify(row.scoreReasons)
      )
        differ++;
    }
    expect(differ).toBe(0);
    expect(rows.every((r) => r.scoredAt !== null)).toBe(true);
    // Scores spread: some leads score nothing, others much; reasons explain every point.
    const scores = rows.map((r) => r.score);
    expect(Math.min(...scores)).toBe(0);
    expect(Math.max(...scores)).toBeGreaterThanOrEqual(50);
    for (const r of rows)
      expect(
        Math.min(
          100,
          r.scoreReasons.reduce((s, x) => s + x.points, 0),
        ),
      ).toBe(r.score);
    // Editing a lead keeps its score.
    const lead = rows.find((r) => r.score > 0 && !r.deletedAt)!;
    const cur = await app.inject({ method: 'GET', url: `/api/v1/leads/${lead.id}`, headers: { cookie } });
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v1/leads/${lead.id}`,
      headers: { cookie, 'if-match': String(cur.headers.etag) },
      payload: { campaign: 'edited in a test' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().score).toBe(lead.score);
    const [after] = await h.db
      .select({ score: leads.score })
      .from(leads)
      .where(and(eq(leads.workspaceId, ws), eq(leads.id, lead.id)));
    expect(after!.score).toBe(lead.score);
  });

  it('records the work in the demo.load audit entry and is the same for the same seed', async () => {
    const [audit] = await q<{ after: { work: unknown; counts: { activities: number } } }>(
      sql`select after from audit_entries where workspace_id = ${demo.workspaceId} and action = 'demo.load'`,
    );
    expect(audit!.after.work).toEqual(demo.work);
    const again = await generateDemo(h.db, { leads: 400, seed: 11, password: PASSWORD, batchSize: 400, now });
    expect(again.work).toEqual(demo.work);
    const shape = (ws: string) =>
      q<{ s: string }>(sql`select string_agg(x, '|' order by x) as s from (
        select t.title || '/' || t.due_at::text || '/' || t.priority || '/' || t.status as x from tasks t where t.workspace_id = ${ws}
        union all select coalesce(a.title, '') || '/' || a.scheduled_at::text || '/' || a.status || '/' || coalesce(a.result, '')
          from appointments a where a.workspace_id = ${ws}) y`);
    expect((await shape(again.workspaceId))[0]!.s).toBe((await shape(demo.workspaceId))[0]!.s);
  });
});
