import type { Db } from '../db/client.js';
import { leadAssignments } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { newId } from '../shared/ids.js';

export type AssignmentReason = 'rule' | 'fallback' | 'manual' | 'bulk' | 'import' | 'merge' | 'create';

export type AssignmentEntry = {
  leadId: string;
  fromUserId: string | null;
  toUserId: string | null;
  reason: AssignmentReason;
  ruleId?: string | null;
  details?: Record<string, unknown>;
};

/** Writes owner changes to the assignment history, in the caller's transaction. */
export async function recordAssignments(tx: Db, ctx: Ctx, entries: AssignmentEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.insert(leadAssignments).values(
    entries.map((e) => ({
      workspaceId: ctx.workspaceId,
      id: newId(),
      leadId: e.leadId,
      fromUserId: e.fromUserId,
      toUserId: e.toUserId,
      reason: e.reason,
      ruleId: e.ruleId ?? null,
      details: e.details ?? {},
      assignedBy: ctx.userId,
    })),
  );
}
