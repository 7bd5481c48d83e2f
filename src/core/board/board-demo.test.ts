import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { generateKeyBetween } from 'fractional-indexing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, testDatabase } from '../../../test/db.js';
import { buildApp } from '../../server/app.js';
import { createApiKey } from '../auth/api-keys.service.js';
import type { DatabaseHandle } from '../db/client.js';
import { type DemoResult, generateDemo } from '../demo/demo.service.js';
import { systemCtx } from '../shared/context.js';

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;

describe.each(DB_KINDS)('the demo on the board, on %s', (kind) => {
  let h: DatabaseHandle;
  let demo: DemoResult;
  let app: FastifyInstance;
  let auth: Record<string, string>;
  const q = async <T>(text: ReturnType<typeof sql>) => rowsOf<T>(await h.db.execute(text));

  beforeAll(async () => {
    h = await testDatabase(kind);
    demo = await generateDemo(h.db, {
      leads: 300,
      seed: 11,
      password: 'demo password 123',
      batchSize: 100,
      extraStages: 2,
    });
    app = await buildApp({ db: h.db, validateResponses: true });
    const key = await createApiKey(h.db, systemCtx(demo.workspaceId, demo.owner.userId), {
      name: 'board',
      role: 'admin',
    });
    auth = { authorization: `Bearer ${key.key}` };
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it('gives the pipeline 8 stages with leads in each, and every lead its stage history', async () => {
    const ws = demo.workspaceId;
    const stages = await q<{ id: string; name: string; position: number; n: number }>(sql`
      select s.id, s.name, s.position, (select count(*)::int from leads l where l.workspace_id = s.workspace_id
        and l.stage_id = s.id) as n
      from stages s join pipelines p on p.workspace_id = s.workspace_id and p.id = s.pipeline_id
      where s.workspace_id = ${ws} and p.is_default order by s.position`);
    expect(stages.map((s) => s.name)).toEqual([
      'New',
      'Contacted',
      'Qualified',
      'Proposal',
      'Negotiation',
      'Contract sent',
      'Won',
      'Lost',
    ]);
    expect(stages.map((s) => s.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const s of stages) expect(Number(s.n), s.name).toBeGreaterThan(0);
    // Each lead: exactly one open stay, in its current stage since it entered it; the others closed.
    const [bad] = await q<{ open_wrong: number; no_new: number; closed_wrong: number }>(sql`select
      (select count(*)::int from leads l where l.workspace_id = ${ws} and 1 <> (select count(*) from lead_stage_history h
        where h.workspace_id = l.workspace_id and h.lead_id = l.id and h.left_at is null and h.stage_id = l.stage_id
          and h.entered_at = l.stage_entered_at)) as open_wrong,
      (select count(*)::int from leads l where l.workspace_id = ${ws} and not exists (select 1 from lead_stage_history h
        where h.workspace_id = l.workspace_id and h.lead_id = l.id and h.entered_at = l.created_at)) as no_new,
      (select count(*)::int from lead_stage_history h where h.workspace_id = ${ws} and h.left_at is not null
        and h.left_at < h.entered_at) as closed_wrong`);
    expect(bad).toEqual({ open_wrong: 0, no_new: 0, closed_wrong: 0 });
  });

  it('ranks the cards (distinct, valid keys, newest on top) and the board adds up', async () => {
    const ws = demo.workspaceId;
    const [d] = await q<{ dup: number; ranks: string[] }>(sql`select
      (select count(*)::int from (select stage_id, board_rank from leads where workspace_id = ${ws}
        group by 1, 2 having count(*) > 1) x) as dup,
      (select array_agg(board_rank) from (select board_rank from leads where workspace_id = ${ws} limit 20) y) as ranks`);
    expect(Number(d!.dup)).toBe(0);
    for (const r of d!.ranks) expect(generateKeyBetween(r, null) > r).toBe(true);
    const [p] = await q<{ id: string }>(
      sql`select id from pipelines where workspace_id = ${ws} and is_default`,
    );
    const r = await app.inject({
      method: 'GET',
      url: `/api/v1/pipelines/${p!.id}/board?limit=200`,
      headers: auth,
    });
    expect(r.statusCode, r.body).toBe(200);
    const board = r.json() as {
      pipeline: { rottenAfterDays: number | null };
      columns: { count: number; cards: { stageEnteredAt: string; rotten: boolean; daysInStage: number }[] }[];
    };
    expect(board.pipeline.rottenAfterDays).toBe(30);
    expect(board.columns.reduce((n, c) => n + c.count, 0)).toBe(300);
    for (const c of board.columns) expect(c.cards.length).toBe(c.count);
    // Newest first within a column: the demo ranks later leads higher (ordered by created_at, descending).
    const [o] = await q<{ n: number }>(sql`select count(*)::int as n from (select created_at,
        lag(created_at) over (partition by stage_id order by board_rank, id) as prev
      from leads where workspace_id = ${ws}) x where x.prev < x.created_at`);
    expect(Number(o!.n)).toBe(0);
    const open = board.columns.slice(0, 6).flatMap((c) => c.cards);
    expect(open.some((x) => x.rotten)).toBe(true);
    expect(open.filter((x) => x.rotten).every((x) => x.daysInStage >= 30)).toBe(true);
    expect(
      board.columns
        .slice(6)
        .flatMap((c) => c.cards)
        .some((x) => x.rotten),
    ).toBe(false);
  });
});
