import type { Db } from '../db/client.js';
import { activities } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { newId } from '../shared/ids.js';

export type SystemEvent = {
  type: 'system' | 'stage_change' | 'assignment_change' | 'task';
  leadId?: string | null;
  contactId?: string | null;
  dealId?: string | null;
  accountId?: string | null;
  subject: string;
  metadata?: Record<string, unknown>;
};

/** Writes automatic timeline entries (stage and owner changes, creations) in the caller's transaction. */
export async function logSystemEvents(tx: Db, ctx: Ctx, events: SystemEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(activities).values(
    events.map((e) => ({
      workspaceId: ctx.workspaceId,
      id: newId(),
      type: e.type,
      leadId: e.leadId ?? null,
      contactId: e.contactId ?? null,
      dealId: e.dealId ?? null,
      accountId: e.accountId ?? null,
      userId: ctx.userId,
      subject: e.subject,
      metadata: { ...(e.metadata ?? {}), ...(ctx.apiKeyId ? { apiKeyId: ctx.apiKeyId } : {}) },
    })),
  );
}
