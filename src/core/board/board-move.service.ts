import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { leads, pipelines, stages } from '../db/schema/index.js';
import type { LeadOut } from '../leads/leads.schemas.js';
import { patchLead } from '../leads/leads.service.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import type { Card, MoveIn } from './board.schemas.js';
import { cardOfLead } from './board.service.js';
import { rankForDrop } from './board-rank.js';

/**
 * Moves a card on the board: to a stage (its own or another) at a place in that column, in one
 * transaction with everything a stage change brings (patchLead: stage history, stage_change activity,
 * lifecycle rules, lost reason, audit, score).
 */
export async function moveLead(
  db: Db,
  ctx: Ctx,
  id: string,
  input: MoveIn,
  ifMatch?: string,
): Promise<{ lead: LeadOut; card: Card }> {
  return db.transaction(async (tx) => {
    // The lead (locked: moves of one card queue up) and the target stage, in one round trip.
    const [found] = (
      (await tx.execute(sql`select l.id, s.id as stage_id, s.type as stage_type, p.rotten_after_days
        from ${leads} l
        left join ${stages} s on s.workspace_id = l.workspace_id and s.id = ${input.stageId}
        left join ${pipelines} p on p.workspace_id = s.workspace_id and p.id = s.pipeline_id
        where l.workspace_id = ${ctx.workspaceId} and l.id = ${id} and l.deleted_at is null
        for update of l`)) as unknown as {
        rows: {
          id: string;
          stage_id: string | null;
          stage_type: 'open' | 'won' | 'lost';
          rotten_after_days: number | null;
        }[];
      }
    ).rows;
    if (!found) throw AppError.notFound('lead', id);
    if (!found.stage_id) throw AppError.invalid('stageId', 'is not a stage of this workspace');
    const boardRank = await rankForDrop(tx, ctx, {
      leadId: id,
      stageId: input.stageId,
      beforeId: input.beforeId,
      afterId: input.afterId,
    });
    const out = await patchLead(
      tx,
      ctx,
      id,
      { stageId: input.stageId, ...(input.lostReason ? { lostReason: input.lostReason } : {}) },
      ifMatch,
      { boardRank },
    );
    const rotten = found.rotten_after_days === null ? null : Number(found.rotten_after_days);
    return { lead: out, card: cardOfLead(out, found.stage_type, rotten) };
  });
}
