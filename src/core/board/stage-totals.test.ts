import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, query } from '../../../test/helpers.js';
import { settleJobs } from '../jobs/jobs.service.js';

/**
 * The unfiltered board reads its column figures from stage_totals, which triggers on leads keep. After
 * every kind of lead write (create, move, value change, delete, restore, merge, stage removal, bulk SQL)
 * the board must show exactly what counting the leads shows.
 */
describe.each(DB_KINDS)('board column totals on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  let pipelineId: string;
  let stages: { id: string; name: string }[];
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Totals');
    c = client(t, s);
    pipelineId = (
      await query<{ id: string }>(t, `select id from pipelines where workspace_id = '${s.workspaceId}'`)
    )[0]!.id;
    stages = await query(
      t,
      `select id, name from stages where workspace_id = '${s.workspaceId}' order by position`,
    );
  });
  afterAll(async () => {
    await settleJobs();
    await t?.close();
  });
  const stage = (name: string) => stages.find((x) => x.name === name)!.id;

  /** The board's figures (unfiltered: from stage_totals) and the same figures counted from the leads. */
  async function expectBoardAgrees() {
    const b = await c.get(`/api/v1/pipelines/${pipelineId}/board?limit=1`);
    expect(b.status).toBe(200);
    const counted = await query<{ stage_id: string; n: string; total: string | null }>(
      t,
      `select stage_id, count(*) as n, sum(deal_value)::text as total from leads
       where workspace_id = '${s.workspaceId}' and deleted_at is null group by stage_id`,
    );
    for (const col of b.body.columns as { stage: { id: string }; count: number; totalValue: string }[]) {
      const row = counted.find((r) => r.stage_id === col.stage.id);
      expect(col.count, col.stage.id).toBe(Number(row?.n ?? 0));
      expect(Number(col.totalValue), col.stage.id).toBeCloseTo(Number(row?.total ?? 0), 2);
    }
    // A filter that matches every lead is counted from the leads: it must agree too.
    const f = await c.get(`/api/v1/pipelines/${pipelineId}/board?limit=1&scoreMin=0`);
    expect(f.body.columns.map((x: { count: number }) => x.count)).toEqual(
      b.body.columns.map((x: { count: number }) => x.count),
    );
  }

  it('stay equal to the counted leads through every kind of write', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await c.post('/api/v1/leads', {
        firstName: `T${i}`,
        lastName: 'Totals',
        email: `t${i}@totals.example`,
        dealValue: String(1000 + i * 250.5),
      });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    await expectBoardAgrees();
    expect((await c.post(`/api/v1/leads/${ids[0]}/move`, { stageId: stage('Qualified') })).status).toBe(200);
    expect((await c.post(`/api/v1/leads/${ids[1]}/move`, { stageId: stage('Won') })).status).toBe(200);
    expect(
      (await c.post(`/api/v1/leads/${ids[2]}/move`, { stageId: stage('Lost'), lostReason: 'Budget' })).status,
    ).toBe(200);
    await expectBoardAgrees();
    expect((await c.patch(`/api/v1/leads/${ids[3]}`, { dealValue: '99.99' })).status).toBe(200);
    expect((await c.patch(`/api/v1/leads/${ids[4]}`, { dealValue: null })).status).toBe(200);
    await expectBoardAgrees();
    expect((await c.del(`/api/v1/leads/${ids[5]}`)).status).toBe(200);
    await expectBoardAgrees();
    expect((await c.post(`/api/v1/leads/${ids[5]}/restore`)).status).toBe(200);
    await expectBoardAgrees();
    const m = await c.post('/api/v1/leads/merge', { survivorId: ids[3], mergedIds: [ids[4]] });
    expect(m.status, JSON.stringify(m.body)).toBeLessThan(300);
    await expectBoardAgrees();
    const undo = await c.post(`/api/v1/merges/${m.body.mergeId}/undo`);
    expect(undo.status, JSON.stringify(undo.body)).toBeLessThan(300);
    await expectBoardAgrees();
    const rm = await c.post(`/api/v1/pipelines/${pipelineId}/stages/${stage('Contacted')}/remove`, {
      moveToStageId: stage('New'),
    });
    expect(rm.status, JSON.stringify(rm.body)).toBeLessThan(300);
    await expectBoardAgrees();
    // Bulk SQL (as the demo and imports write) is counted too, in one statement.
    await query(
      t,
      `update leads set deal_value = coalesce(deal_value, 0) + 1, stage_id = '${stage('Proposal')}'
       where workspace_id = '${s.workspaceId}' and status = 'new'`,
    );
    await expectBoardAgrees();
  });
});
