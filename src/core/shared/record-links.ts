import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { deals, leads } from '../db/schema/index.js';
import type { Ctx } from './context.js';
import { AppError } from './errors.js';

const notFound = (field: string, noun: string) =>
  new AppError('not_found', `${noun} not found`, [{ field, reason: `no such ${noun.toLowerCase()}` }]);

/**
 * A record linked to a live lead (an activity, a task): the lead must exist in the workspace and not be
 * deleted; answers its contact, which the linked record carries too.
 */
export async function liveLeadContact(tx: Db, ctx: Ctx, leadId: string, field = 'leadId'): Promise<string> {
  const [lead] = await tx
    .select({ contactId: leads.contactId })
    .from(leads)
    .where(
      and(eq(leads.workspaceId, ctx.workspaceId), eq(leads.id, leadId), sql`${leads.deletedAt} is null`),
    );
  if (!lead) throw notFound(field, 'Lead');
  return lead.contactId;
}

/** A record linked to a deal: the deal must exist in the workspace and not be deleted. */
export async function assertLiveDeal(tx: Db, ctx: Ctx, dealId: string, field = 'dealId'): Promise<void> {
  const [d] = await tx
    .select({ id: deals.id })
    .from(deals)
    .where(
      and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.id, dealId), sql`${deals.deletedAt} is null`),
    );
  if (!d) throw notFound(field, 'Deal');
}
