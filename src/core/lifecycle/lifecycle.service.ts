/**
 * The lifecycle rules that keep a contact's status and its leads in step (SPEC 2), each applied in
 * the transaction of the change that causes it and each leaving a timeline entry:
 *
 * - A contact created with status `lead`, or moved to `lead`, gets an open lead (status new,
 *   priority medium, source from the contact or "website", `autoCreatedFromContact`) unless it
 *   already has an open lead.
 * - A lead moved into a won stage marks the lead converted (`convertedAt`) and its contact `active`,
 *   `isConvertedFromLead`, with the conversion date.
 * - A contact moved from `lead` to `active` marks its auto-created open lead won.
 * - A lost lead leaves the contact as it is.
 * - A new (or reopened) open lead of a `prospect` or `inactive` contact makes the contact a `lead`;
 *   an `active` contact (a customer with a new interest) stays active.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { logSystemEvents } from '../activities/timeline-events.js';
import { assignNewLead } from '../assignment/assign-new-lead.js';
import { recordAssignments } from '../assignment/assignment-history.js';
import { writeAudit } from '../audit/audit.service.js';
import { rankAtTop } from '../board/board-rank.js';
import { type ContactRow, toContact } from '../contacts/contacts.service.js';
import type { Db } from '../db/client.js';
import { contacts, leads, stages } from '../db/schema/index.js';
import { type LeadRow, toLead } from '../leads/lead-reads.service.js';
import { resolveStage } from '../pipelines/pipelines.service.js';
import { enterStage } from '../pipelines/stage-history.js';
import { rescoreLead } from '../scoring/score-lead.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';

type ContactStatus = ContactRow['status'];
const STATUS_LABEL: Record<ContactStatus, string> = {
  lead: 'Lead',
  prospect: 'Prospect',
  active: 'Active',
  inactive: 'Inactive',
};

/** The contact's open leads (not won, not lost, not deleted), oldest first, locked. */
export async function openLeadsOf(tx: Db, ctx: Ctx, contactId: string): Promise<LeadRow[]> {
  return tx
    .select()
    .from(leads)
    .where(
      and(
        eq(leads.workspaceId, ctx.workspaceId),
        eq(leads.contactId, contactId),
        sql`${leads.deletedAt} is null`,
        sql`${leads.status} not in ('won', 'lost')`,
      ),
    )
    .orderBy(asc(leads.createdAt))
    .for('update');
}

/** Writes lifecycle columns of a contact (status, conversion) with audit and version bump. */
async function setContact(
  tx: Db,
  ctx: Ctx,
  before: ContactRow,
  set: Partial<Pick<ContactRow, 'status' | 'isConvertedFromLead' | 'conversionDate'>>,
  why: string,
): Promise<ContactRow> {
  const [row] = await tx
    .update(contacts)
    .set({ ...set, updatedAt: sql`now()`, version: sql`${contacts.version} + 1` })
    .where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, before.id)))
    .returning();
  await writeAudit(tx, ctx, {
    action: 'update',
    entity: 'contact',
    entityId: before.id,
    before: toContact(before),
    after: { ...toContact(row!), _rule: why },
  });
  if (set.status && set.status !== before.status)
    await logContactStatusChange(tx, ctx, before.id, before.status, set.status, why);
  return row!;
}

/** The timeline entry of a contact status change (by a user or by a rule). */
export async function logContactStatusChange(
  tx: Db,
  ctx: Ctx,
  contactId: string,
  from: ContactStatus | null,
  to: ContactStatus,
  why?: string,
): Promise<void> {
  await logSystemEvents(tx, ctx, [
    {
      type: 'system',
      contactId,
      subject: `Status: ${from ? `${STATUS_LABEL[from]} → ` : ''}${STATUS_LABEL[to]}${why ? ` (${why})` : ''}`,
      metadata: {
        event: 'contact.status_changed',
        fromStatus: from,
        toStatus: to,
        ...(why ? { rule: why } : {}),
      },
    },
  ]);
}

/** Creates the open lead of a contact whose status became `lead`. */
async function createAutoLead(tx: Db, ctx: Ctx, contact: ContactRow): Promise<LeadRow> {
  const stage = await resolveStage(tx, ctx, {});
  const id = newId();
  const [row] = await tx
    .insert(leads)
    .values({
      workspaceId: ctx.workspaceId,
      id,
      contactId: contact.id,
      pipelineId: stage.pipelineId,
      stageId: stage.id,
      status: stage.leadStatus,
      priority: 'medium',
      source: contact.source ?? 'website',
      ownerId: contact.ownerId,
      autoCreatedFromContact: true,
      boardRank: await rankAtTop(tx, ctx, stage.id),
      createdBy: ctx.userId,
    })
    .returning();
  // Like every new lead: its first stay in a stage, an owner (the contact's, else the assignment rules)
  // and its score, in this transaction.
  await enterStage(tx, ctx, { leadId: id, pipelineId: stage.pipelineId, stageId: stage.id, isNew: true });
  let lead = row!;
  if (lead.ownerId)
    await recordAssignments(tx, ctx, [
      {
        leadId: id,
        fromUserId: null,
        toUserId: lead.ownerId,
        reason: 'create',
        details: { from: 'contact' },
      },
    ]);
  else lead = await assignNewLead(tx, ctx, lead);
  lead = await rescoreLead(tx, ctx, lead);
  await writeAudit(tx, ctx, {
    action: 'create',
    entity: 'lead',
    entityId: id,
    after: toLead(lead, contact, stage.name),
  });
  await logSystemEvents(tx, ctx, [
    {
      type: 'system',
      leadId: id,
      contactId: contact.id,
      subject: 'Lead created automatically: the contact is a Lead',
      metadata: { event: 'lead.created', rule: 'contact_status_lead', stageId: stage.id },
    },
  ]);
  return lead;
}

/** Moves a lead into its pipeline's won stage and marks it converted (no contact rule: the caller decides). */
async function markLeadWon(tx: Db, ctx: Ctx, lead: LeadRow, contact: ContactRow, why: string): Promise<void> {
  const [won] = await tx
    .select()
    .from(stages)
    .where(
      and(
        eq(stages.workspaceId, ctx.workspaceId),
        eq(stages.pipelineId, lead.pipelineId),
        eq(stages.type, 'won'),
        sql`${stages.deletedAt} is null`,
      ),
    )
    .orderBy(asc(stages.position))
    .limit(1);
  if (!won)
    throw new AppError('conflict', "The lead's pipeline has no won stage, so the lead cannot be marked won", [
      { field: 'status', reason: `pipeline ${lead.pipelineId} has no won stage` },
    ]);
  const [from] = await tx
    .select({ name: stages.name })
    .from(stages)
    .where(and(eq(stages.workspaceId, ctx.workspaceId), eq(stages.id, lead.stageId)));
  const [row] = await tx
    .update(leads)
    .set({
      stageId: won.id,
      status: won.leadStatus,
      stageEnteredAt: sql`now()`,
      convertedAt: lead.convertedAt ?? sql`now()`,
      boardRank: await rankAtTop(tx, ctx, won.id),
      updatedAt: sql`now()`,
      version: sql`${leads.version} + 1`,
    })
    .where(and(eq(leads.workspaceId, ctx.workspaceId), eq(leads.id, lead.id)))
    .returning();
  await enterStage(tx, ctx, { leadId: lead.id, pipelineId: lead.pipelineId, stageId: won.id });
  await writeAudit(tx, ctx, {
    action: 'update',
    entity: 'lead',
    entityId: lead.id,
    before: toLead(lead, contact, from?.name ?? ''),
    after: { ...toLead(row!, contact, won.name), _rule: why },
  });
  await logSystemEvents(tx, ctx, [
    {
      type: 'stage_change',
      leadId: lead.id,
      contactId: contact.id,
      subject: `Stage: ${from?.name ?? '?'} → ${won.name} (${why})`,
      metadata: {
        fromStageId: lead.stageId,
        toStageId: won.id,
        fromStatus: lead.status,
        toStatus: won.leadStatus,
        rule: why,
      },
    },
  ]);
}

/**
 * After a contact was created (`before` null) or updated: status `lead` without an open lead gets
 * one; `lead` → `active` wins the auto-created open lead. `leadBeingCreated`: the contact is being
 * created for a lead that the caller inserts next (no auto lead then).
 */
export async function applyContactRules(
  tx: Db,
  ctx: Ctx,
  before: ContactRow | null,
  after: ContactRow,
  opts: { leadBeingCreated?: boolean } = {},
): Promise<ContactRow> {
  if (before && before.status !== after.status)
    await logContactStatusChange(tx, ctx, after.id, before.status, after.status);
  if (before && before.ownerId !== after.ownerId)
    await logSystemEvents(tx, ctx, [
      {
        type: 'assignment_change',
        contactId: after.id,
        subject: after.ownerId ? 'Contact owner changed' : 'Contact owner removed',
        metadata: { fromOwnerId: before.ownerId, toOwnerId: after.ownerId },
      },
    ]);
  if (after.status === 'lead' && before?.status !== 'lead' && !opts.leadBeingCreated) {
    const open = await openLeadsOf(tx, ctx, after.id);
    if (open.length === 0) await createAutoLead(tx, ctx, after);
  }
  if (before?.status === 'lead' && after.status === 'active') {
    const auto = (await openLeadsOf(tx, ctx, after.id)).filter((l) => l.autoCreatedFromContact);
    for (const l of auto) await markLeadWon(tx, ctx, l, after, 'the contact became Active');
    if (auto.length > 0 && !after.isConvertedFromLead)
      return setContact(
        tx,
        ctx,
        after,
        { isConvertedFromLead: true, conversionDate: new Date() },
        'converted from its lead',
      );
  }
  return after;
}

/** A lead of this contact entered a won stage: the contact becomes active and converted. */
export async function applyLeadWon(tx: Db, ctx: Ctx, contact: ContactRow): Promise<ContactRow> {
  const set: Parameters<typeof setContact>[3] = {};
  if (contact.status !== 'active') set.status = 'active';
  if (!contact.isConvertedFromLead) {
    set.isConvertedFromLead = true;
    set.conversionDate = new Date();
  }
  if (Object.keys(set).length === 0) return contact;
  return setContact(tx, ctx, contact, set, 'lead won');
}

/** A lead of this contact was opened (created or reopened): a prospect or inactive contact becomes a lead. */
export async function applyLeadOpened(tx: Db, ctx: Ctx, contact: ContactRow): Promise<ContactRow> {
  if (contact.status !== 'prospect' && contact.status !== 'inactive') return contact;
  return setContact(tx, ctx, contact, { status: 'lead' }, 'it has an open lead');
}
