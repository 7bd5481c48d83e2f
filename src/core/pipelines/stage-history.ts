import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { leadStageHistory } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { newId } from '../shared/ids.js';

/**
 * Records that a lead entered a stage (time in stage, SPEC 10): closes its open stay, if any, and
 * opens the next — one statement (a data-modifying CTE), in the caller's transaction, at its now().
 */
export async function enterStage(
  tx: Db,
  ctx: Ctx,
  e: { leadId: string; pipelineId: string; stageId: string; isNew?: boolean },
): Promise<void> {
  const h = leadStageHistory;
  // The stay carries its lead's creation time, pipeline and liveness (migration 0018). Written here, so
  // that the trigger that fills them finds nothing left to do instead of updating the new row again; a
  // lead not visible yet leaves them null for that trigger.
  const open = sql`insert into ${h} (workspace_id, id, lead_id, pipeline_id, stage_id, moved_by,
      lead_created_at, lead_pipeline_id, lead_live)
    select ${ctx.workspaceId}::uuid, ${newId()}::uuid, ${e.leadId}::uuid, ${e.pipelineId}::uuid, ${e.stageId}::uuid,
      ${ctx.userId ?? null}::uuid, l.created_at, l.pipeline_id, l.deleted_at is null
    from (values (1)) v left join leads l on l.workspace_id = ${ctx.workspaceId} and l.id = ${e.leadId}`;
  if (e.isNew) {
    await tx.execute(open);
    return;
  }
  await tx.execute(sql`with closed as (
      update ${h} set left_at = now()
      where workspace_id = ${ctx.workspaceId} and lead_id = ${e.leadId} and left_at is null
      returning 1)
    ${open}`);
}
