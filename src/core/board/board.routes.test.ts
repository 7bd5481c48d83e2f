import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, expectProblem, query } from '../../../test/helpers.js';
import { settleJobs } from '../jobs/jobs.service.js';

type Stage = { id: string; name: string; type: string; probability: number };

describe.each(DB_KINDS)('board on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  let pipelineId: string;
  let st: Record<string, Stage>;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Board');
    c = client(t, s);
    const [p] = await query<{ id: string }>(
      t,
      `select id from pipelines where workspace_id = '${s.workspaceId}' and is_default`,
    );
    pipelineId = p!.id;
    const stages = await query<Stage>(
      t,
      `select id, name, type, probability from stages where workspace_id = '${s.workspaceId}' and pipeline_id = '${pipelineId}'`,
    );
    st = Object.fromEntries(stages.map((x) => [x.name, x]));
  });
  afterAll(async () => {
    await settleJobs();
    await t?.close();
  });

  /** A new pipeline of the workspace with one open stage, for tests that need a column of their own. */
  async function freshColumn(name: string): Promise<{ pipeline: string; stage: string }> {
    const pipeline = crypto.randomUUID();
    const stage = crypto.randomUUID();
    await query(
      t,
      `insert into pipelines (workspace_id, id, name, position) values ('${s.workspaceId}', '${pipeline}', '${name}', 9)`,
    );
    await query(
      t,
      `insert into stages (workspace_id, id, pipeline_id, name, position, probability, type, lead_status)
       values ('${s.workspaceId}', '${stage}', '${pipeline}', 'Only', 0, 50, 'open', 'new')`,
    );
    return { pipeline, stage };
  }
  async function lead(body: Record<string, unknown>): Promise<string> {
    const r = await c.post('/api/v1/leads', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  }
  const ids = (cards: { id: string }[]) => cards.map((x) => x.id);
  async function column(pipeline: string, stage: string, extra = ''): Promise<string[]> {
    const b = await c.get(`/api/v1/pipelines/${pipeline}/board?limit=200${extra}`);
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    return ids(b.body.columns.find((x: { stage: { id: string } }) => x.stage.id === stage).cards);
  }
  const move = (id: string, body: Record<string, unknown>) => c.post(`/api/v1/leads/${id}/move`, body);

  it('shows every stage with counts, total and weighted values of the filtered leads', async () => {
    const { pipeline } = await freshColumn('Filters');
    const only = (
      await query<{ id: string }>(t, `select id from stages where pipeline_id = '${pipeline}'`)
    )[0]!.id;
    // Three stages: the fresh pipeline's only stage gets leads of both owners, sources and scores.
    const a = await lead({
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Analytical Engines',
      email: 'ada@engines.test',
      title: 'Difference engine',
      source: 'website',
      dealValue: 1000.5,
      ownerId: s.userId,
      pipelineId: pipeline,
      stageId: only,
    });
    const b = await lead({
      firstName: 'Grace',
      lastName: 'Hopper',
      company: 'Navy',
      title: 'Compiler',
      source: 'referral',
      dealValue: 250.25,
      pipelineId: pipeline,
      stageId: only,
    });
    const d = await lead({
      firstName: 'Alan',
      lastName: 'Turing',
      title: 'Bombe upgrade',
      source: 'website',
      pipelineId: pipeline,
      stageId: only,
      ownerId: s.userId,
    });
    await query(t, `update leads set score = 80, created_at = '2025-03-10T12:00:00Z' where id = '${a}'`);
    await query(t, `update leads set score = 20, created_at = '2025-04-01T08:00:00Z' where id = '${b}'`);
    await query(t, `update leads set score = 55, created_at = '2025-05-20T08:00:00Z' where id = '${d}'`);

    const r = await c.get(`/api/v1/pipelines/${pipeline}/board`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.pipeline).toMatchObject({ id: pipeline, name: 'Filters', rottenAfterDays: null });
    expect(r.body.columns).toHaveLength(1);
    const col = r.body.columns[0];
    expect(col.stage).toMatchObject({ id: only, name: 'Only', probability: 50, type: 'open' });
    expect(col.count).toBe(3);
    expect(col.totalValue).toBe('1250.75');
    expect(col.weightedValue).toBe('625.38'); // 1250.75 × 50% = 625.375, rounded half up
    expect(col.nextCursor).toBeNull();
    const card = col.cards.find((x: { id: string }) => x.id === a);
    expect(card).toMatchObject({
      name: 'Ada Lovelace',
      company: 'Analytical Engines',
      email: 'ada@engines.test',
      title: 'Difference engine',
      dealValue: '1000.50',
      ownerId: s.userId,
      score: 80,
      source: 'website',
      status: 'new',
      stageId: only,
      daysInStage: 0,
      rotten: false,
      version: expect.any(Number),
    });

    const sel = async (qs: string) => {
      const x = await c.get(`/api/v1/pipelines/${pipeline}/board?${qs}`);
      expect(x.status, JSON.stringify(x.body)).toBe(200);
      const cl = x.body.columns[0];
      expect(cl.count).toBe(cl.cards.length);
      return new Set(ids(cl.cards));
    };
    expect(await sel('ownerId=me')).toEqual(new Set([a, d]));
    expect(await sel(`ownerId=${s.userId}`)).toEqual(new Set([a, d]));
    expect(await sel('ownerId=none')).toEqual(new Set([b]));
    expect(await sel('source=website')).toEqual(new Set([a, d]));
    expect(await sel('scoreMin=50')).toEqual(new Set([a, d]));
    expect(await sel('scoreMin=50&scoreMax=60')).toEqual(new Set([d]));
    expect(await sel('scoreMax=20')).toEqual(new Set([b]));
    expect(await sel('createdFrom=2025-03-11&createdTo=2025-05-20')).toEqual(new Set([b, d]));
    expect(await sel('createdTo=2025-04-01')).toEqual(new Set([a, b]));
    expect(await sel('createdFrom=2025-04-01T09:00:00Z')).toEqual(new Set([d]));
    expect(await sel('q=lovelace')).toEqual(new Set([a]));
    expect(await sel('q=NAVY')).toEqual(new Set([b]));
    expect(await sel('q=engines.test')).toEqual(new Set([a]));
    expect(await sel('q=bombe')).toEqual(new Set([d]));
    expect(await sel('q=nobody-matches')).toEqual(new Set());
    const f = await c.get(`/api/v1/pipelines/${pipeline}/board?source=website&scoreMin=60`);
    expect(f.body.columns[0]).toMatchObject({ count: 1, totalValue: '1000.50', weightedValue: '500.25' });

    // Deleted leads leave the board.
    expect((await c.del(`/api/v1/leads/${b}`)).status).toBe(200);
    expect((await c.get(`/api/v1/pipelines/${pipeline}/board`)).body.columns[0].count).toBe(2);

    expectProblem(await c.get(`/api/v1/pipelines/${pipeline}/board?scoreMin=70&scoreMax=10`), 422, [
      'scoreMax',
    ]);
    expectProblem(await c.get(`/api/v1/pipelines/${pipeline}/board?limit=201`), 400, ['limit']);
    expectProblem(await c.get(`/api/v1/pipelines/${pipeline}/board?ownerId=someone`), 400, ['ownerId']);
    expectProblem(await c.get(`/api/v1/pipelines/${pipeline}/board?createdFrom=yesterday`), 400, [
      'createdFrom',
    ]);
  });

  it("shows the default pipeline's stages in order with weighted values and rotten cards", async () => {
    await query(t, `update pipelines set rotten_after_days = 10 where id = '${pipelineId}'`);
    const old = await lead({ firstName: 'Old', lastName: 'Card', stageId: st.Qualified!.id, dealValue: 100 });
    const fresh = await lead({ firstName: 'Fresh', lastName: 'Card', stageId: st.Qualified!.id });
    const won = await lead({ firstName: 'Won', lastName: 'Card', stageId: st.Won!.id, dealValue: 300 });
    await query(
      t,
      `update leads set stage_entered_at = now() - interval '12 days' where id in ('${old}', '${won}')`,
    );
    const r = await c.get(`/api/v1/pipelines/${pipelineId}/board`);
    expect(r.status).toBe(200);
    expect(r.body.columns.map((x: { stage: Stage }) => x.stage.name)).toEqual([
      'New',
      'Contacted',
      'Qualified',
      'Proposal',
      'Won',
      'Lost',
    ]);
    const q = r.body.columns[2];
    expect(q).toMatchObject({ count: 2, totalValue: '100.00', weightedValue: '40.00' });
    const cards = Object.fromEntries(q.cards.map((x: { id: string }) => [x.id, x]));
    expect(cards[old]).toMatchObject({ daysInStage: 12, rotten: true });
    expect(cards[fresh]).toMatchObject({ daysInStage: 0, rotten: false });
    // A won card is never rotten.
    const w = r.body.columns[4];
    expect(w).toMatchObject({ count: 1, totalValue: '300.00', weightedValue: '300.00' });
    expect(w.cards[0]).toMatchObject({ id: won, daysInStage: 12, rotten: false });
    expect(r.body.columns[5]).toMatchObject({
      count: 0,
      totalValue: '0.00',
      weightedValue: '0.00',
      cards: [],
    });
  });

  it('pages a column by its cursor: every card exactly once, in board order', async () => {
    const { pipeline, stage } = await freshColumn('Paging');
    const made: string[] = [];
    for (let i = 0; i < 23; i++)
      made.push(await lead({ firstName: `P${i}`, pipelineId: pipeline, stageId: stage }));
    // Some ties, as rows that never got their own rank have.
    await query(t, `update leads set board_rank = 'a0' where id in ('${made.slice(3, 12).join("','")}')`);
    const first = await c.get(`/api/v1/pipelines/${pipeline}/board?limit=5`);
    const col = first.body.columns[0];
    expect(col.count).toBe(23);
    const seen: { id: string; boardRank: string }[] = [...col.cards];
    let cursor = col.nextCursor as string | null;
    while (cursor) {
      const p = await c.get(
        `/api/v1/pipelines/${pipeline}/board/columns/${stage}?limit=5&cursor=${encodeURIComponent(cursor)}`,
      );
      expect(p.status, JSON.stringify(p.body)).toBe(200);
      expect(p.body.cards.length).toBeLessThanOrEqual(5);
      seen.push(...p.body.cards);
      cursor = p.body.nextCursor;
    }
    expect(seen).toHaveLength(23);
    expect(new Set(ids(seen))).toEqual(new Set(made));
    const sorted = [...seen].sort((x, y) =>
      x.boardRank < y.boardRank ? -1 : x.boardRank > y.boardRank ? 1 : x.id < y.id ? -1 : 1,
    );
    expect(ids(seen)).toEqual(ids(sorted));
    expect(await column(pipeline, stage)).toEqual(ids(seen));
    expectProblem(await c.get(`/api/v1/pipelines/${pipeline}/board/columns/${stage}?cursor=bogus`), 400, [
      'cursor',
    ]);
    expectProblem(await c.get(`/api/v1/pipelines/${pipeline}/board/columns/${st.New!.id}`), 404);
  });

  it('moves cards within and between columns in the order asked, ties included', async () => {
    const { pipeline, stage } = await freshColumn('Order');
    const x: string[] = [];
    for (let i = 0; i < 6; i++)
      x.push(await lead({ firstName: `O${i}`, pipelineId: pipeline, stageId: stage }));
    // New leads go on top: the column shows the newest first.
    let order = await column(pipeline, stage);
    expect(order).toEqual([...x].reverse());
    // Every card tied at 'a0' (as rows from before board ranks): the board shows them by id.
    await query(t, `update leads set board_rank = 'a0' where id in ('${x.join("','")}')`);
    order = await column(pipeline, stage);
    expect(order).toEqual([...x].sort());
    const want = [...order];
    const place = (id: string, before: string | null) => {
      want.splice(want.indexOf(id), 1);
      if (before === null) want.unshift(id);
      else want.splice(want.indexOf(before), 0, id);
    };
    // Above a card in the middle of the tie.
    let r = await move(want[5]!, { stageId: stage, beforeId: want[2] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    place(want[5]!, want[2]!);
    expect(await column(pipeline, stage)).toEqual(want);
    // Below a card (the last one and one in the middle).
    r = await move(want[0]!, { stageId: stage, afterId: want[5] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const m0 = want[0]!;
    want.splice(0, 1);
    want.push(m0);
    expect(await column(pipeline, stage)).toEqual(want);
    r = await move(want[4]!, { stageId: stage, afterId: want[1] });
    const m4 = want[4]!;
    want.splice(4, 1);
    want.splice(2, 0, m4);
    expect(await column(pipeline, stage)).toEqual(want);
    // To the top.
    r = await move(want[3]!, { stageId: stage });
    place(want[3]!, null);
    expect(await column(pipeline, stage)).toEqual(want);
    expect(r.body.card).toMatchObject({ id: want[0], stageId: stage });

    // Between columns of the default pipeline: into New above a given card, then below another.
    const n1 = await lead({ firstName: 'N1' });
    const n2 = await lead({ firstName: 'N2' });
    const newOrder = async () => column(pipelineId, st.New!.id);
    const before = await newOrder();
    expect(before.slice(0, 2)).toEqual([n2, n1]);
    r = await move(x[0]!, { stageId: st.New!.id, beforeId: n1 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.lead).toMatchObject({ id: x[0], stageId: st.New!.id, pipelineId, status: 'new' });
    expect((await newOrder()).slice(0, 3)).toEqual([n2, x[0], n1]);
    r = await move(x[1]!, { stageId: st.New!.id, afterId: n1 });
    expect((await newOrder()).slice(0, 4)).toEqual([n2, x[0], n1, x[1]]);
    expect(await column(pipeline, stage)).not.toContain(x[1]);

    // beforeId/afterId must be cards of the target column; unknown ones too.
    expectProblem(await move(n1, { stageId: st.Contacted!.id, beforeId: n2 }), 422, ['beforeId']);
    expectProblem(await move(n1, { stageId: st.New!.id, afterId: x[2] }), 422, ['afterId']);
    expectProblem(await move(n1, { stageId: st.New!.id, beforeId: crypto.randomUUID() }), 422, ['beforeId']);
    expectProblem(await move(n1, { stageId: st.New!.id, beforeId: n1 }), 422, ['beforeId']);
    expectProblem(await move(n1, { stageId: crypto.randomUUID() }), 422, ['stageId']);
    expectProblem(await move(n1, { stageId: 'x' }), 422, ['stageId']);
  });

  it('moving to Won converts the contact, writes a stage_change activity and the stage history', async () => {
    const contact = await c.post('/api/v1/contacts', { firstName: 'Wendy', lastName: 'Winner' });
    expect(contact.status).toBe(201);
    const id = await lead({ contactId: contact.body.id, title: 'Heat pump', stageId: st.Proposal!.id });
    const etag = (await c.get(`/api/v1/leads/${id}`)).headers.etag as string;
    const r = await c.post(`/api/v1/leads/${id}/move`, { stageId: st.Won!.id }, { 'if-match': etag });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.headers.etag).toBeTruthy();
    expect(r.body.lead).toMatchObject({
      id,
      status: 'won',
      stageId: st.Won!.id,
      convertedAt: expect.any(String),
    });
    expect(r.body.card).toMatchObject({ id, status: 'won', stageId: st.Won!.id, rotten: false });
    expect((await column(pipelineId, st.Won!.id))[0]).toBe(id);
    // The card of the answer is the card the board shows.
    const wonCol = (await c.get(`/api/v1/pipelines/${pipelineId}/board`)).body.columns[4];
    expect(wonCol.cards[0]).toEqual(r.body.card);
    expect((await c.get(`/api/v1/contacts/${contact.body.id}`)).body.status).toBe('active');
    const tl = await c.get(`/api/v1/leads/${id}/timeline`);
    expect(tl.status).toBe(200);
    const change = tl.body.data.find((a: { type: string }) => a.type === 'stage_change');
    expect(change).toBeTruthy();
    expect(change.subject).toContain('Won');
    const hist = await query<{ stage_id: string; entered_at: Date; left_at: Date | null }>(
      t,
      `select stage_id, entered_at, left_at from lead_stage_history where lead_id = '${id}' order by entered_at, left_at nulls last`,
    );
    expect(hist.map((h) => h.stage_id)).toEqual([st.Proposal!.id, st.Won!.id]);
    expect(hist[0]!.left_at).not.toBeNull();
    expect(hist[1]!.left_at).toBeNull();
    expect(new Date(hist[1]!.entered_at).getTime()).toBeGreaterThanOrEqual(
      new Date(hist[0]!.entered_at).getTime(),
    );
    // A stale If-Match fails and changes nothing.
    expectProblem(
      await c.post(`/api/v1/leads/${id}/move`, { stageId: st.New!.id }, { 'if-match': etag }),
      412,
    );
  });

  it('moving to Lost needs a lost reason; another workspace cannot move or see the lead', async () => {
    const id = await lead({ firstName: 'Larry', stageId: st.Contacted!.id });
    const r = await move(id, { stageId: st.Lost!.id });
    expectProblem(r, 422, ['lostReason']);
    const still = await c.get(`/api/v1/leads/${id}`);
    expect(still.body.stageId).toBe(st.Contacted!.id);
    const hist = await query<{ n: number }>(
      t,
      `select count(*)::int as n from lead_stage_history where lead_id = '${id}'`,
    );
    expect(Number(hist[0]!.n)).toBe(1);
    const ok = await move(id, { stageId: st.Lost!.id, lostReason: 'Went with a competitor' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.lead).toMatchObject({ status: 'lost', lostReason: 'Went with a competitor' });

    const other = await t.signup('Other');
    const oc = client(t, other);
    const [op] = await query<{ id: string }>(
      t,
      `select s.id from stages s join pipelines p on p.id = s.pipeline_id where p.workspace_id = '${other.workspaceId}' and s.name = 'New'`,
    );
    expectProblem(await oc.post(`/api/v1/leads/${id}/move`, { stageId: op!.id }), 404);
    expectProblem(await oc.get(`/api/v1/pipelines/${pipelineId}/board`), 404);
    expectProblem(await oc.get(`/api/v1/pipelines/${pipelineId}/board/columns/${st.New!.id}`), 404);
    // Their own lead may not be placed next to ours.
    const mine = await oc.post('/api/v1/leads', { firstName: 'Theirs' });
    expectProblem(
      await oc.post(`/api/v1/leads/${mine.body.id}/move`, { stageId: op!.id, beforeId: id }),
      422,
      ['beforeId'],
    );
  });
});
