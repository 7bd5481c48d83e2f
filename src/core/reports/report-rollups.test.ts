import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, query } from '../../../test/helpers.js';
import { NO_ROLLUP_DRIFT, recountReportRollups, reportRollupDrift } from './report-rollups.js';

/**
 * The figures the reports read instead of scanning (migration 0015): each lead's reached stages and
 * first response, and activity totals per day, user, type and outcome. The triggers keep them through
 * every kind of write the API does; each step checks them against the rows, and a few exact values.
 */
describe.each(DB_KINDS)('report rollups on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  let stages: Record<string, string>;
  const drift = () => reportRollupDrift(t.handle.db, s.workspaceId);
  const lead = async (title: string) => {
    const r = await c.post('/api/v1/leads', {
      title,
      firstName: title,
      lastName: 'Rollup',
      source: 'website',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };
  const figures = async (id: string) =>
    (
      await query<{ reached: string[]; first: string | null }>(
        t,
        `select (select array_agg(s.name order by s.position) from stages s
                 where s.workspace_id = l.workspace_id and s.id = any(l.reached_stage_ids)) as reached,
                to_char(l.first_response_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as first
         from leads l where l.workspace_id = '${s.workspaceId}' and l.id = '${id}'`,
      )
    )[0]!;
  const dayTotal = async (day: string, type: string) =>
    Number(
      (
        await query<{ n: string | null }>(
          t,
          `select sum(n) as n from activity_day_totals
           where workspace_id = '${s.workspaceId}' and day = '${day}' and type = '${type}'`,
        )
      )[0]!.n ?? 0,
    );

  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Rolf');
    c = client(t, s);
    const rows = await query<{ id: string; name: string }>(
      t,
      `select s.id, s.name from stages s join pipelines p on p.workspace_id = s.workspace_id and p.id = s.pipeline_id
       where s.workspace_id = '${s.workspaceId}' and p.is_default`,
    );
    stages = Object.fromEntries(rows.map((r) => [r.name, r.id]));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps reached stages through creates and moves, back and forth', async () => {
    const a = await lead('Alpha');
    expect((await figures(a)).reached).toEqual(['New']);
    for (const to of ['Contacted', 'Qualified', 'Contacted', 'Proposal'])
      expect((await c.post(`/api/v1/leads/${a}/move`, { stageId: stages[to] })).status).toBe(200);
    expect((await figures(a)).reached).toEqual(['New', 'Contacted', 'Qualified', 'Proposal']);
    // A stage change through PATCH too.
    expect((await c.patch(`/api/v1/leads/${a}`, { stageId: stages.Won })).status).toBe(200);
    expect((await figures(a)).reached).toEqual(['New', 'Contacted', 'Qualified', 'Proposal', 'Won']);
    expect(await drift()).toEqual(NO_ROLLUP_DRIFT);
  });

  it('keeps first response and day totals through activity creates, edits, deletes and restores', async () => {
    const b = await lead('Bravo');
    expect((await figures(b)).first).toBeNull();
    const log = async (type: string, occurredAt: string, outcome?: string) => {
      const r = await c.post('/api/v1/activities', { type, leadId: b, subject: type, occurredAt, outcome });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    const before = await dayTotal('2026-03-02', 'call');
    const call = await log('call', '2026-03-02T10:00:00Z', 'connected');
    const email = await log('email', '2026-03-01T09:00:00Z');
    expect((await figures(b)).first).toBe('2026-03-01T09:00:00');
    expect(await dayTotal('2026-03-02', 'call')).toBe(before + 1);
    // A system entry on the timeline (written by the app, not the API) is no response.
    await query(
      t,
      `insert into activities (workspace_id, id, type, lead_id, subject, occurred_at)
       values ('${s.workspaceId}', gen_random_uuid(), 'system', '${b}', 'Lead scored', '2026-02-01T09:00:00Z')`,
    );
    expect((await figures(b)).first).toBe('2026-03-01T09:00:00');
    // Moving the email later makes the call the first response.
    expect(
      (await c.patch(`/api/v1/activities/${email}`, { occurredAt: '2026-03-05T09:00:00Z' })).status,
    ).toBe(200);
    expect((await figures(b)).first).toBe('2026-03-02T10:00:00');
    expect(await dayTotal('2026-03-05', 'email')).toBeGreaterThanOrEqual(1);
    // Deleting the call: the email again; restoring it: the call.
    expect((await c.del(`/api/v1/activities/${call}`)).status).toBe(200);
    expect((await figures(b)).first).toBe('2026-03-05T09:00:00');
    expect(await dayTotal('2026-03-02', 'call')).toBe(before);
    expect(await drift()).toEqual(NO_ROLLUP_DRIFT);
    expect((await c.post(`/api/v1/activities/${call}/restore`)).status).toBe(200);
    expect((await figures(b)).first).toBe('2026-03-02T10:00:00');
    expect(await dayTotal('2026-03-02', 'call')).toBe(before + 1);
    expect(await drift()).toEqual(NO_ROLLUP_DRIFT);
  });

  it('recounts figures written with triggers off, and says how far off they were', async () => {
    const x = await lead('Xray');
    expect((await c.post(`/api/v1/leads/${x}/move`, { stageId: stages.Qualified })).status).toBe(200);
    // As a bulk load with triggers skipped would leave them.
    await query(t, `update leads set reached_stage_ids = '{}', first_response_at = now() where id = '${x}'`);
    await query(
      t,
      `delete from activity_day_totals where workspace_id = '${s.workspaceId}' and type = 'call'`,
    );
    await query(t, `delete from stage_day_totals where workspace_id = '${s.workspaceId}'`);
    await query(t, `delete from stage_close_totals where workspace_id = '${s.workspaceId}'`);
    await query(t, `delete from funnel_day_totals where workspace_id = '${s.workspaceId}'`);
    await query(t, `update lead_stage_history set lead_created_at = null where lead_id = '${x}'`);
    await query(t, `delete from stay_duration_totals where workspace_id = '${s.workspaceId}'`);
    await query(t, `delete from acquisition_day_totals where workspace_id = '${s.workspaceId}'`);
    const off = await drift();
    expect(off.reached).toBe(1);
    expect(off.firstResponse).toBe(1);
    expect(off.dayTotals).toBeGreaterThan(0);
    expect(off.stageDays).toBeGreaterThan(0);
    expect(off.stageCloses).toBeGreaterThan(0);
    expect(off.funnelDays).toBeGreaterThan(0);
    expect(off.stayLeads).toBe(2);
    expect(off.acquisitionDays).toBeGreaterThan(0);
    await recountReportRollups(t.handle.db, s.workspaceId);
    expect(await drift()).toEqual(NO_ROLLUP_DRIFT);
    expect((await figures(x)).reached).toEqual(['New', 'Qualified']);
  });

  it("counts a lead as qualified by its stages' status now: a stage's new status recounts the sources", async () => {
    const [p] = await query<{ id: string }>(
      t,
      `select id from pipelines where workspace_id = '${s.workspaceId}' and is_default`,
    );
    const e = await lead('Echo');
    // Echo passed Contacted and went back to New: qualified only while Contacted counts as qualified.
    for (const to of ['Contacted', 'New'])
      expect((await c.post(`/api/v1/leads/${e}/move`, { stageId: stages[to] })).status).toBe(200);
    const website = async () => {
      const r = await c.get('/api/v1/reports/sources');
      expect(r.status).toBe(200);
      return (r.body.data as { source: string; leads: number; qualified: number }[]).find(
        (d) => d.source === 'website',
      )!;
    };
    const raw = async () =>
      Number(
        (
          await query<{ n: string }>(
            t,
            `select count(*) as n from leads l where l.workspace_id = '${s.workspaceId}' and l.deleted_at is null
               and l.source = 'website' and exists (select 1 from stages st where st.workspace_id = l.workspace_id
                 and st.id = any(l.reached_stage_ids) and st.lead_status in ('qualified', 'proposal', 'won'))`,
          )
        )[0]!.n,
      );
    const before = await website();
    expect(before.qualified).toBe(await raw());
    const status = async (leadStatus: string) =>
      expect(
        (await c.patch(`/api/v1/pipelines/${p!.id}/stages/${stages.Contacted}`, { leadStatus })).status,
      ).toBe(200);
    await status('qualified');
    const after = await website();
    expect(after.qualified).toBe(await raw());
    expect(after.qualified).toBeGreaterThan(before.qualified);
    expect(after.leads).toBe(before.leads);
    expect(await drift()).toEqual(NO_ROLLUP_DRIFT);
    await status('contacted');
    expect((await website()).qualified).toBe(before.qualified);
    expect(await drift()).toEqual(NO_ROLLUP_DRIFT);
  });
});
