import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, expectProblem, query } from '../../../test/helpers.js';
import { resolveStage } from './pipelines.service.js';

const P = '/api/v1/pipelines';

describe.each(DB_KINDS)('pipelines and stages on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  let rep: Client;
  let viewer: Client;
  let other: Client;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Pip');
    c = client(t, s);
    for (const [role, set] of [
      ['viewer', (x: Client) => (viewer = x)],
      ['rep', (x: Client) => (rep = x)],
    ] as const) {
      const k = await c.post('/api/v1/api-keys', { name: role, role });
      expect(k.status, JSON.stringify(k.body)).toBe(201);
      set(client(t, { auth: { authorization: `Bearer ${k.body.key}` } }));
    }
    other = client(t, await t.signup('Other'));
  });
  afterAll(() => t?.close());

  const create = async (body: Record<string, unknown>) => {
    const r = await c.post(P, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const stageNamed = (p: any, name: string) => p.stages.find((x: any) => x.name === name);
  const leadsIn = async (stageId: string, n: number, extra: Record<string, unknown> = {}) => {
    const r = await c.post('/api/v1/leads/batch', {
      records: Array.from({ length: n }, (_, i) => ({
        firstName: `L${i}`,
        lastName: 'Mover',
        stageId,
        ...extra,
      })),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.results.map((x: any) => x.data);
  };

  it('lists the default pipeline with its six stages, rotten-after days and an ETag', async () => {
    const r = await c.get(P);
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(1);
    const p = r.body.data[0];
    expect(p).toMatchObject({ name: 'Sales', isDefault: true, rottenAfterDays: null, position: 0 });
    expect(p.stages.map((x: any) => x.name)).toEqual([
      'New',
      'Contacted',
      'Qualified',
      'Proposal',
      'Won',
      'Lost',
    ]);
    const one = await viewer.get(`${P}/${p.id}`);
    expect(one.status).toBe(200);
    expect(one.headers.etag).toBe(`"${one.body.version}"`);
  });

  it('creates pipelines (default six stages, or given ones with sensible defaults) and moves the default', async () => {
    const a = await create({ name: 'Renewals', rottenAfterDays: 14 });
    expect(a.isDefault).toBe(false);
    expect(a.rottenAfterDays).toBe(14);
    expect(a.position).toBe(1);
    expect(a.stages.map((x: any) => [x.name, x.type, x.leadStatus])).toEqual([
      ['New', 'open', 'new'],
      ['Contacted', 'open', 'contacted'],
      ['Qualified', 'open', 'qualified'],
      ['Proposal', 'open', 'proposal'],
      ['Won', 'won', 'won'],
      ['Lost', 'lost', 'lost'],
    ]);
    const b = await create({
      name: 'Partners',
      isDefault: true,
      stages: [
        { name: 'Intro', color: '#ABCDEF' },
        { name: 'Pilot', leadStatus: 'qualified', probability: 50 },
        { name: 'Signed', type: 'won' },
        { name: 'Dropped', type: 'lost' },
      ],
    });
    expect(b.isDefault).toBe(true);
    expect(b.stages.map((x: any) => [x.name, x.type, x.leadStatus, x.probability, x.position])).toEqual([
      ['Intro', 'open', 'new', 10, 0],
      ['Pilot', 'open', 'qualified', 50, 1],
      ['Signed', 'won', 'won', 100, 2],
      ['Dropped', 'lost', 'lost', 0, 3],
    ]);
    expect(b.stages[0].color).toBe('#abcdef');
    const all = (await c.get(P)).body.data;
    expect(all.filter((p: any) => p.isDefault).map((p: any) => p.name)).toEqual(['Partners']);
    // A lead without a pipeline lands in the new default's first open stage.
    const l = await c.post('/api/v1/leads', { firstName: 'Dee', lastName: 'Fault' });
    expect(l.body.stageId).toBe(b.stages[0].id);
    // Back to Sales as the default for the other tests.
    const sales = all.find((p: any) => p.name === 'Sales');
    const r = await c.patch(`${P}/${sales.id}`, { isDefault: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await c.get(`${P}/${b.id}`)).body.isDefault).toBe(false);
  });

  it('names the field of each bad pipeline or stage', async () => {
    expectProblem(await c.post(P, {}), 422, ['name']);
    expectProblem(await c.post(P, { name: 'X', rottenAfterDays: 0 }), 422, ['rottenAfterDays']);
    expectProblem(await c.post(P, { name: 'X', stages: [{ name: 'A', color: 'red' }] }), 422, [
      ['stages[0].color', 'must be a hex colour #rrggbb'],
    ]);
    expectProblem(await c.post(P, { name: 'X', stages: [{ name: 'A', probability: 101 }] }), 422, [
      'stages[0].probability',
    ]);
    expectProblem(
      await c.post(P, { name: 'X', stages: [{ name: 'A', type: 'won', leadStatus: 'new' }] }),
      422,
      ['stages[0].leadStatus'],
    );
    expectProblem(await c.post(P, { name: 'X', stages: [{ name: 'W', type: 'won' }] }), 422, [
      ['stages', 'a pipeline needs at least one open stage'],
    ]);
    expectProblem(await c.post(P, { name: 'X', colour: '#fff' }), 422, [['colour', 'is not a known field']]);
    const p = await create({ name: 'Validation' });
    const st = p.stages[1];
    expectProblem(await c.post(`${P}/${p.id}/stages`, { name: '' }), 422, ['name']);
    expectProblem(await c.post(`${P}/${p.id}/stages`, { name: 'Q', type: 'maybe' }), 422, ['type']);
    expectProblem(await c.patch(`${P}/${p.id}/stages/${st.id}`, { color: '#12345' }), 422, ['color']);
    expectProblem(await c.patch(`${P}/${p.id}/stages/${st.id}`, { probability: -1 }), 422, ['probability']);
    expectProblem(await c.patch(`${P}/${p.id}/stages/${st.id}`, { leadStatus: 'won' }), 422, [
      ['leadStatus', /an open stage's status is one of new, contacted, qualified, proposal/],
    ]);
  });

  it('edits a pipeline with If-Match, refuses un-defaulting and moves it among the pipelines', async () => {
    const p = await create({ name: 'Editable' });
    const r = await c.patch(
      `${P}/${p.id}`,
      { name: 'Edited', rottenAfterDays: 30 },
      { 'if-match': `"${p.version}"` },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ name: 'Edited', rottenAfterDays: 30, version: p.version + 1 });
    expect(r.headers.etag).toBe(`"${p.version + 1}"`);
    expectProblem(await c.patch(`${P}/${p.id}`, { name: 'Stale' }, { 'if-match': `"${p.version}"` }), 412, [
      'If-Match',
    ]);
    const sales = (await c.get(P)).body.data.find((x: any) => x.isDefault);
    expectProblem(await c.patch(`${P}/${sales.id}`, { isDefault: false }), 422, [
      ['isDefault', /make another pipeline the default instead/],
    ]);
    // A PATCH that changes nothing keeps the version.
    const same = await c.patch(`${P}/${p.id}`, { name: 'Edited' });
    expect(same.body.version).toBe(p.version + 1);
    const moved = await c.patch(`${P}/${p.id}`, { position: 0 });
    expect(moved.body.position).toBe(0);
    const names = (await c.get(P)).body.data.map((x: any) => x.name);
    expect(names[0]).toBe('Edited');
    expect((await c.get(P)).body.data.map((x: any) => x.position)).toEqual(
      names.map((_: any, i: number) => i),
    );
    const audit = await c.get(`/api/v1/audit?entity=pipeline&id=${p.id}`);
    expect(audit.body.data.map((a: any) => a.action)).toEqual(['update', 'update', 'create']);
  });

  it('deletes an empty pipeline; refuses the default, one with leads or deals, and says which', async () => {
    const sales = (await c.get(P)).body.data.find((x: any) => x.isDefault);
    expectProblem(await c.del(`${P}/${sales.id}`), 409, [['id', 'is the default pipeline']]);
    const busy = await create({ name: 'Busy' });
    await leadsIn(busy.stages[0].id, 2);
    const r = await c.del(`${P}/${busy.id}`);
    expectProblem(r, 409, [['id', 'has 2 lead(s) and 0 deal(s)']]);
    const empty = await create({ name: 'Empty' });
    const d = await c.del(`${P}/${empty.id}`);
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    expect((await c.get(P)).body.data.map((x: any) => x.name)).not.toContain('Empty');
    expectProblem(await c.get(`${P}/${empty.id}`), 404);
    // Its stages are gone too: nothing can be put in them.
    expectProblem(await c.post('/api/v1/leads', { firstName: 'Z', stageId: empty.stages[0].id }), 422, [
      'stageId',
    ]);
    // The only pipeline of a workspace stays.
    const only = (await other.get(P)).body.data[0];
    expectProblem(await other.del(`${P}/${only.id}`), 409, [['id', 'is the only pipeline']]);
  });

  it('adds, renames, recolours and retypes stages; keeps an open stage; status follows to the leads', async () => {
    const p = await create({ name: 'Stages' });
    let r = await c.post(`${P}/${p.id}/stages`, { name: 'Demo', probability: 70 });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // After the last open stage (Proposal), with its status.
    expect(r.body.stages.map((x: any) => x.name)).toEqual([
      'New',
      'Contacted',
      'Qualified',
      'Proposal',
      'Demo',
      'Won',
      'Lost',
    ]);
    const demo = stageNamed(r.body, 'Demo');
    expect(r.headers['leadbase-stage-id']).toBe(demo.id);
    expect(demo).toMatchObject({ type: 'open', leadStatus: 'proposal', probability: 70, position: 4 });
    r = await c.post(`${P}/${p.id}/stages`, { name: 'Inbound', position: 0, color: '#000000' });
    expect(r.body.stages.map((x: any) => [x.name, x.position]).slice(0, 3)).toEqual([
      ['Inbound', 0],
      ['New', 1],
      ['Contacted', 2],
    ]);
    expect(stageNamed(r.body, 'Inbound')).toMatchObject({ leadStatus: 'new', probability: 10 });
    r = await c.post(`${P}/${p.id}/stages`, { name: 'Churned', type: 'lost' });
    expect(r.body.stages.at(-1)).toMatchObject({ name: 'Churned', type: 'lost', leadStatus: 'lost' });
    r = await c.patch(`${P}/${p.id}/stages/${demo.id}`, { name: 'Live demo', color: '#FF00AA' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(stageNamed(r.body, 'Live demo')).toMatchObject({ color: '#ff00aa', probability: 70 });
    // An empty stage may change type (its status follows); one with leads may not.
    r = await c.patch(`${P}/${p.id}/stages/${demo.id}`, { type: 'won' });
    expect(stageNamed(r.body, 'Live demo')).toMatchObject({
      type: 'won',
      leadStatus: 'won',
      probability: 100,
    });
    r = await c.patch(`${P}/${p.id}/stages/${demo.id}`, { type: 'open', leadStatus: 'qualified' });
    expect(stageNamed(r.body, 'Live demo')).toMatchObject({ type: 'open', leadStatus: 'qualified' });
    const ls = await leadsIn(demo.id, 3);
    expect(ls.every((l: any) => l.status === 'qualified')).toBe(true);
    expectProblem(await c.patch(`${P}/${p.id}/stages/${demo.id}`, { type: 'lost' }), 409, [
      ['type', /cannot change while the stage holds 3 lead\(s\)/],
    ]);
    r = await c.patch(`${P}/${p.id}/stages/${demo.id}`, { leadStatus: 'contacted' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const back = await c.get(`/api/v1/leads/${ls[0].id}`);
    expect(back.body.status).toBe('contacted');
    // The last open stage stays open.
    const solo = await create({ name: 'Solo', stages: [{ name: 'Only' }, { name: 'Yes', type: 'won' }] });
    expectProblem(await c.patch(`${P}/${solo.id}/stages/${solo.stages[0].id}`, { type: 'won' }), 422, [
      ['type', /keeps at least one open stage/],
    ]);
    expectProblem(
      await c.post(`${P}/${solo.id}/stages/${solo.stages[0].id}/remove`, {
        moveToStageId: solo.stages[1].id,
      }),
      422,
      [['stageId', /keeps at least one open stage/]],
    );
  });

  it('reorders stages (all ids, once each) and GET agrees; bad lists name the field', async () => {
    const p = await create({ name: 'Order' });
    const ids = p.stages.map((x: any) => x.id);
    const want = [ids[2], ids[0], ids[1], ids[3], ids[4], ids[5]];
    const r = await c.post(
      `${P}/${p.id}/stages/reorder`,
      { stageIds: want },
      { 'if-match': `"${p.version}"` },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.stages.map((x: any) => x.id)).toEqual(want);
    expect(r.body.stages.map((x: any) => x.position)).toEqual([0, 1, 2, 3, 4, 5]);
    const g = await c.get(`${P}/${p.id}`);
    expect(g.body.stages.map((x: any) => x.id)).toEqual(want);
    expect(g.headers.etag).toBe(`"${r.body.version}"`);
    expectProblem(
      await c.post(`${P}/${p.id}/stages/reorder`, { stageIds: want }, { 'if-match': `"${p.version}"` }),
      412,
    );
    expectProblem(await c.post(`${P}/${p.id}/stages/reorder`, { stageIds: want.slice(1) }), 422, [
      'stageIds',
    ]);
    expectProblem(
      await c.post(`${P}/${p.id}/stages/reorder`, { stageIds: [...want.slice(1), want[1]] }),
      422,
      ['stageIds'],
    );
    const foreign = (await c.get(P)).body.data[0].stages[0].id;
    expectProblem(
      await c.post(`${P}/${p.id}/stages/reorder`, { stageIds: [...want.slice(1), foreign] }),
      404,
      [['stageIds[5]', 'is not a live stage of this pipeline']],
    );
    expectProblem(await c.post(`${P}/${p.id}/stages/reorder`, { stageIds: ['nope'] }), 422, ['stageIds[0]']);
  });

  it('removes a stage moving its leads and deals set-based, with activities, stage history and one audit entry', async () => {
    const p = await create({ name: 'Removal' });
    const contacted = stageNamed(p, 'Contacted');
    const qualified = stageNamed(p, 'Qualified');
    const ls = await leadsIn(contacted.id, 40);
    const stay = await leadsIn(qualified.id, 2);
    const deleted = ls[39];
    expect((await c.del(`/api/v1/leads/${deleted.id}`)).status).toBe(200);
    const deal = await c.post('/api/v1/deals', { name: 'Big one', pipelineId: p.id, stageId: contacted.id });
    expect(deal.status, JSON.stringify(deal.body)).toBe(201);
    const usage = await viewer.get(`${P}/${p.id}/usage`);
    expect(usage.status).toBe(200);
    expect(usage.body.stages.find((x: any) => x.stageId === contacted.id)).toEqual({
      stageId: contacted.id,
      leads: 39,
      deletedLeads: 1,
      deals: 1,
      deletedDeals: 0,
    });
    const url = `${P}/${p.id}/stages/${contacted.id}/remove`;
    expectProblem(await c.post(url, {}), 422, [
      ['moveToStageId', /is required: the stage holds 40 lead\(s\) and 1 deal/],
    ]);
    expectProblem(await c.post(url, { moveToStageId: contacted.id }), 422, ['moveToStageId']);
    expectProblem(await c.post(url, { moveToStageId: stageNamed(p, 'Won').id }), 422, [
      ['moveToStageId', /must be a open stage like the one removed \(Won is won\)/],
    ]);
    const foreign = (await other.get(P)).body.data[0].stages[1].id;
    expectProblem(await c.post(url, { moveToStageId: foreign }), 422, [
      ['moveToStageId', 'is not a live stage of this pipeline'],
    ]);
    const before = Date.now();
    const r = await c.post(url, { moveToStageId: qualified.id });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ leadsMoved: 40, dealsMoved: 1 });
    expect(r.body.pipeline.stages.map((x: any) => [x.name, x.position])).toEqual([
      ['New', 0],
      ['Qualified', 1],
      ['Proposal', 2],
      ['Won', 3],
      ['Lost', 4],
    ]);
    for (const l of [ls[0], ls[20]]) {
      const g = await c.get(`/api/v1/leads/${l.id}`);
      expect(g.body).toMatchObject({ stageId: qualified.id, status: 'qualified' });
      expect(Date.parse(g.body.stageEnteredAt)).toBeGreaterThanOrEqual(before - 5_000);
    }
    expect((await c.get(`/api/v1/deals/${deal.body.id}`)).body.stageId).toBe(qualified.id);
    const ws = s.workspaceId;
    const acts = await query<{ n: number; subj: string }>(
      t,
      `select count(*)::int n, min(subject) subj from activities where workspace_id = '${ws}' and type = 'stage_change'
        and metadata->>'reason' = 'stage_removed' and metadata->>'toStageId' = '${qualified.id}'`,
    );
    expect(Number(acts[0]!.n)).toBe(40);
    expect(acts[0]!.subj).toBe('Stage: Contacted → Qualified (Contacted removed)');
    const hist = await query<{
      lead_id: string;
      stage_id: string;
      left_at: string | null;
      moved_by: string | null;
    }>(
      t,
      `select lead_id, stage_id, left_at, moved_by from lead_stage_history where workspace_id = '${ws}'
         and lead_id = '${ls[5].id}' order by entered_at, left_at nulls last`,
    );
    expect(hist.map((h) => [h.stage_id, h.left_at === null])).toEqual([
      [contacted.id, false],
      [qualified.id, true],
    ]);
    const open = await query<{ n: number }>(
      t,
      `select count(*)::int n from lead_stage_history h join leads l on l.workspace_id = h.workspace_id and l.id = h.lead_id
        where h.workspace_id = '${ws}' and l.pipeline_id = '${p.id}' and h.left_at is null and h.stage_id = l.stage_id`,
    );
    expect(Number(open[0]!.n)).toBe(42);
    // The leads already there were not touched.
    expect((await c.get(`/api/v1/leads/${stay[0].id}`)).body.version).toBe(stay[0].version);
    const audit = await c.get(`/api/v1/audit?entity=stage&id=${contacted.id}`);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({
      action: 'delete',
      after: { movedToStageId: qualified.id, leadsMoved: 40, dealsMoved: 1 },
    });
    // The removed stage takes no more leads.
    expectProblem(await c.post('/api/v1/leads', { firstName: 'Late', stageId: contacted.id }), 422, [
      'stageId',
    ]);
  });

  it('removes all or nothing: a failure half-way leaves leads, deals, history and activities as they were', async () => {
    const p = await create({ name: 'Atomic' });
    const fromStage = stageNamed(p, 'New');
    const to = stageNamed(p, 'Proposal');
    const ls = await leadsIn(fromStage.id, 5);
    const deal = await c.post('/api/v1/deals', { name: 'Blocker', pipelineId: p.id, stageId: fromStage.id });
    expect(deal.status).toBe(201);
    const snapshot = async () =>
      query(
        t,
        `select (select count(*)::int from activities where workspace_id = '${s.workspaceId}') acts,
                (select count(*)::int from lead_stage_history where workspace_id = '${s.workspaceId}' and left_at is null
                   and stage_id = '${fromStage.id}') open_hist,
                (select count(*)::int from leads where workspace_id = '${s.workspaceId}' and stage_id = '${fromStage.id}') leads,
                (select count(*)::int from audit_entries where workspace_id = '${s.workspaceId}') audits,
                (select deleted_at is null from stages where workspace_id = '${s.workspaceId}' and id = '${fromStage.id}') live`,
      );
    const before = await snapshot();
    // The deals are moved after the leads: make that step fail.
    await t.handle.exec(`
      create function lb_test_fail() returns trigger language plpgsql as $$
        begin raise exception 'boom'; end $$;
      create trigger lb_test_fail before update on deals for each row
        when (old.name = 'Blocker') execute function lb_test_fail();`);
    try {
      const r = await c.post(`${P}/${p.id}/stages/${fromStage.id}/remove`, { moveToStageId: to.id });
      expect(r.status).toBe(500);
    } finally {
      await t.handle.exec('drop trigger lb_test_fail on deals; drop function lb_test_fail();');
    }
    expect(await snapshot()).toEqual(before);
    expect(before[0]).toMatchObject({ leads: 5, open_hist: 5, live: true });
    expect((await c.get(`/api/v1/leads/${ls[0].id}`)).body.stageId).toBe(fromStage.id);
    const ok = await c.post(`${P}/${p.id}/stages/${fromStage.id}/remove`, { moveToStageId: to.id });
    expect(ok.body).toMatchObject({ leadsMoved: 5, dealsMoved: 1 });
  });

  it('rescores moved leads in the same transaction (a rule on the status fires after the removal)', async () => {
    const p = await create({ name: 'Scored' });
    const contacted = stageNamed(p, 'Contacted');
    const qualified = stageNamed(p, 'Qualified');
    const rule = await c.post('/api/v1/scoring-rules', {
      name: 'Qualified in Scored',
      conditions: {
        all: [
          { field: 'status', op: 'eq', value: 'qualified' },
          { field: 'pipelineId', op: 'eq', value: p.id },
        ],
      },
      points: 30,
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const ls = await leadsIn(contacted.id, 3);
    expect(ls.map((l: any) => l.score)).toEqual([0, 0, 0]);
    const r = await c.post(`${P}/${p.id}/stages/${contacted.id}/remove`, { moveToStageId: qualified.id });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const g = await c.get(`/api/v1/leads/${ls[1].id}`);
    expect(g.body.score).toBe(30);
    expect(g.body.scoreReasons).toEqual([expect.objectContaining({ ruleId: rule.body.id, points: 30 })]);
    expect((await c.del(`/api/v1/scoring-rules/${rule.body.id}`)).status).toBe(200);
  });

  it('leaves no lead in a removed stage when leads are created into it concurrently', async () => {
    const p = await create({ name: 'Race' });
    const from = stageNamed(p, 'Qualified');
    const to = stageNamed(p, 'Proposal');
    await leadsIn(from.id, 5);
    const creates = Array.from({ length: 30 }, (_, i) =>
      c.post('/api/v1/leads', { firstName: `Racer${i}`, lastName: 'Race', stageId: from.id }),
    );
    const removal = c.post(`${P}/${p.id}/stages/${from.id}/remove`, { moveToStageId: to.id });
    const results = await Promise.all([...creates, removal]);
    const removed = results.at(-1)!;
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    const made = results.slice(0, -1);
    // Each create either went in before the removal (and was moved) or came after it (and was refused).
    for (const m of made) {
      if (m.status === 201) continue;
      expectProblem(m, 422, ['stageId']);
    }
    const created = made.filter((m) => m.status === 201).length;
    const left = await query<{ n: number }>(
      t,
      `select count(*)::int n from leads where workspace_id = '${s.workspaceId}' and stage_id = '${from.id}'`,
    );
    expect(Number(left[0]!.n)).toBe(0);
    const inTarget = await query<{ n: number }>(
      t,
      `select count(*)::int n from leads where workspace_id = '${s.workspaceId}' and stage_id = '${to.id}'`,
    );
    expect(Number(inTarget[0]!.n)).toBe(5 + created);
    expect(removed.body.leadsMoved).toBe(Number(inTarget[0]!.n));
  });

  it.runIf(kind === 'postgres')(
    'a record being put into a stage waits for a removal in progress, then finds the stage gone',
    async () => {
      const p = await create({ name: 'Lock' });
      const st = stageNamed(p, 'Qualified');
      const ctx = { workspaceId: s.workspaceId, userId: s.userId, apiKeyId: null, role: 'owner' as const };
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      // What removeStage does first: lock the stage FOR UPDATE and mark it removed; held open here.
      const remover = t.handle.db.transaction(async (tx) => {
        await tx.execute(
          sql`select id from stages where workspace_id = ${s.workspaceId} and id = ${st.id} for update`,
        );
        await tx.execute(
          sql`update stages set deleted_at = now() where workspace_id = ${s.workspaceId} and id = ${st.id}`,
        );
        locked();
        await gate;
      });
      await isLocked;
      let settled = false;
      const outcome = t.handle.db
        .transaction((tx) => resolveStage(tx, ctx, { stageId: st.id }))
        .then(
          () => 'resolved',
          (e) => e,
        )
        .finally(() => {
          settled = true;
        });
      await new Promise((r) => setTimeout(r, 400));
      expect(settled).toBe(false);
      release();
      await remover;
      expect(await outcome).toMatchObject({ code: 'validation_failed', errors: [{ field: 'stageId' }] });
    },
  );

  it("answers 404 for another workspace's pipeline and refuses reps and viewers (they read)", async () => {
    const mine = (await c.get(P)).body.data[0];
    const st = mine.stages[0].id;
    for (const r of [
      await other.get(`${P}/${mine.id}`),
      await other.patch(`${P}/${mine.id}`, { name: 'Hijack' }),
      await other.del(`${P}/${mine.id}`),
      await other.get(`${P}/${mine.id}/usage`),
      await other.post(`${P}/${mine.id}/stages`, { name: 'X' }),
      await other.patch(`${P}/${mine.id}/stages/${st}`, { name: 'X' }),
      await other.post(`${P}/${mine.id}/stages/reorder`, { stageIds: [st] }),
      await other.post(`${P}/${mine.id}/stages/${st}/remove`, {}),
    ])
      expectProblem(r, 404);
    expect((await other.get(P)).body.data.map((p: any) => p.id)).not.toContain(mine.id);
    for (const cl of [rep, viewer]) {
      expectProblem(await cl.post(P, { name: 'Nope' }), 403);
      expectProblem(await cl.patch(`${P}/${mine.id}`, { name: 'Nope' }), 403);
      expectProblem(await cl.del(`${P}/${mine.id}`), 403);
      expectProblem(await cl.post(`${P}/${mine.id}/stages`, { name: 'Nope' }), 403);
      expectProblem(await cl.patch(`${P}/${mine.id}/stages/${st}`, { name: 'Nope' }), 403);
      expectProblem(await cl.post(`${P}/${mine.id}/stages/reorder`, { stageIds: [st] }), 403);
      expectProblem(await cl.post(`${P}/${mine.id}/stages/${st}/remove`, {}), 403);
      expect((await cl.get(`${P}/${mine.id}`)).status).toBe(200);
    }
    expect((await c.get(`${P}/${mine.id}`)).body.stages[0].name).toBe('New');
  });
});
