import { and, asc, eq, sql } from 'drizzle-orm';
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import type { Db } from '../db/client.js';
import { leads } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';

/** A board rank above every card of the column: new leads (and leads moved in without a place) go on top. */
export async function rankAtTop(tx: Db, ctx: Ctx, stageId: string): Promise<string> {
  const [first] = await tx
    .select({ rank: leads.boardRank })
    .from(leads)
    .where(
      and(
        eq(leads.workspaceId, ctx.workspaceId),
        eq(leads.stageId, stageId),
        sql`${leads.deletedAt} is null`,
      ),
    )
    .orderBy(asc(leads.boardRank), asc(leads.id))
    .limit(1);
  return generateKeyBetween(null, first?.rank ?? null);
}

type Pos = { id: string; rank: string };
const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;

/** The card of the column next to `from` (above or below), the moving lead left out. */
async function neighbour(
  tx: Db,
  ctx: Ctx,
  stageId: string,
  moving: string,
  from: Pos | null,
  dir: 'above' | 'below',
): Promise<Pos | null> {
  const cmp =
    from === null
      ? sql`true`
      : dir === 'above'
        ? sql`(board_rank, id) < (${from.rank} collate "C", ${from.id}::uuid)`
        : sql`(board_rank, id) > (${from.rank} collate "C", ${from.id}::uuid)`;
  const order = dir === 'above' ? sql`board_rank desc, id desc` : sql`board_rank, id`;
  const [r] = rowsOf<Pos>(
    await tx.execute(sql`select id, board_rank as rank from leads
      where workspace_id = ${ctx.workspaceId} and stage_id = ${stageId} and deleted_at is null
        and id <> ${moving} and ${cmp}
      order by ${order} limit 1`),
  );
  return r ?? null;
}

/** A card named by beforeId/afterId: it must be a card of the target column (else 422 naming the field). */
async function cardOf(tx: Db, ctx: Ctx, stageId: string, id: string, field: string, moving: string) {
  if (id === moving) throw AppError.invalid(field, 'is the card being moved');
  const [r] = rowsOf<Pos & { stage_id: string }>(
    await tx.execute(sql`select id, board_rank as rank, stage_id from leads
      where workspace_id = ${ctx.workspaceId} and id = ${id} and deleted_at is null`),
  );
  if (!r || r.stage_id !== stageId) throw AppError.invalid(field, 'is not a card of the target column');
  return { id: r.id, rank: r.rank };
}

/**
 * The board rank for a card dropped into a column: directly above `beforeId`, directly below
 * `afterId`, or on top when neither is given. Ranks are fractional-indexing keys ordered by
 * (board_rank, id). When the two neighbours share a rank (rows that never got their own, e.g. all
 * 'a0'), the smaller side of the tie between them and the drop position gets new ranks, in the
 * caller's transaction, so that the order the user sees stays as it was around the dropped card.
 */
export async function rankForDrop(
  tx: Db,
  ctx: Ctx,
  m: { leadId: string; stageId: string; beforeId?: string; afterId?: string },
): Promise<string> {
  let prev: Pos | null;
  let next: Pos | null;
  if (m.beforeId) {
    next = await cardOf(tx, ctx, m.stageId, m.beforeId, 'beforeId', m.leadId);
    prev = await neighbour(tx, ctx, m.stageId, m.leadId, next, 'above');
    if (m.afterId && m.afterId !== prev?.id) {
      // Both given: they must be adjacent (afterId directly above beforeId).
      await cardOf(tx, ctx, m.stageId, m.afterId, 'afterId', m.leadId);
      throw AppError.invalid('afterId', 'is not the card directly above beforeId');
    }
  } else if (m.afterId) {
    prev = await cardOf(tx, ctx, m.stageId, m.afterId, 'afterId', m.leadId);
    next = await neighbour(tx, ctx, m.stageId, m.leadId, prev, 'below');
  } else {
    prev = null;
    next = await neighbour(tx, ctx, m.stageId, m.leadId, null, 'below');
  }
  if (!prev || !next || prev.rank < next.rank)
    return generateKeyBetween(prev?.rank ?? null, next?.rank ?? null);
  return rerankTie(tx, ctx, m, prev, next);
}

/** prev and next share rank R: re-rank the smaller side of the tie (up to the drop position). */
async function rerankTie(
  tx: Db,
  ctx: Ctx,
  m: { leadId: string; stageId: string },
  prev: Pos,
  next: Pos,
): Promise<string> {
  const R = prev.rank;
  const col = sql`workspace_id = ${ctx.workspaceId} and stage_id = ${m.stageId} and deleted_at is null
    and id <> ${m.leadId}`;
  const [c] = rowsOf<{ upper: number | string; lower: number | string }>(
    await tx.execute(sql`select count(*) filter (where id <= ${prev.id}) as upper,
        count(*) filter (where id >= ${next.id}) as lower
      from leads where ${col} and board_rank = ${R} collate "C"`),
  );
  const upper = Number(c!.upper);
  const lower = Number(c!.lower);
  let moved: string;
  let updates: { id: string; rank: string }[];
  if (upper <= lower) {
    // The tied cards above the drop position move down into (rank before the tie, R).
    const [lo] = rowsOf<{ rank: string }>(
      await tx.execute(sql`select board_rank as rank from leads where ${col} and board_rank < ${R} collate "C"
        order by board_rank desc limit 1`),
    );
    const keys = generateNKeysBetween(lo?.rank ?? null, R, upper + 1);
    const ids = rowsOf<{ id: string }>(
      await tx.execute(sql`select id from leads where ${col} and board_rank = ${R} collate "C"
        and id <= ${prev.id} order by id`),
    );
    updates = ids.map((r, k) => ({ id: r.id, rank: keys[k]! }));
    moved = keys[upper]!;
  } else {
    // The tied cards below the drop position move up into (R, rank after the tie).
    const [hi] = rowsOf<{ rank: string }>(
      await tx.execute(sql`select board_rank as rank from leads where ${col} and board_rank > ${R} collate "C"
        order by board_rank limit 1`),
    );
    const keys = generateNKeysBetween(R, hi?.rank ?? null, lower + 1);
    const ids = rowsOf<{ id: string }>(
      await tx.execute(sql`select id from leads where ${col} and board_rank = ${R} collate "C"
        and id >= ${next.id} order by id`),
    );
    moved = keys[0]!;
    updates = ids.map((r, k) => ({ id: r.id, rank: keys[k + 1]! }));
  }
  if (updates.length)
    await tx.execute(sql`update leads l set board_rank = x.rank
      from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) as x(id uuid, rank text)
      where l.workspace_id = ${ctx.workspaceId} and l.id = x.id`);
  return moved;
}
