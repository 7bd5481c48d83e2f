import { and, eq, sql } from 'drizzle-orm';
import { logSystemEvents, type SystemEvent } from '../activities/timeline-events.js';
import { assignNewLead } from '../assignment/assign-new-lead.js';
import { recordAssignments } from '../assignment/assignment-history.js';
import { writeAudit } from '../audit/audit.service.js';
import { rankAtTop } from '../board/board-rank.js';
import { normalizePhones } from '../contacts/contact-values.js';
import type { ContactUpdate } from '../contacts/contacts.schemas.js';
import {
  type ContactRow,
  insertContact,
  loadContactRow,
  patchContact,
} from '../contacts/contacts.service.js';
import { renamingCustomErrors, validateCustomValues } from '../custom-fields/custom-values.js';
import type { Db } from '../db/client.js';
import { leads } from '../db/schema/index.js';
import { afterContactWrite, checkLeadContact } from '../duplicates/contact-hooks.js';
import { applyLeadOpened, applyLeadWon } from '../lifecycle/lifecycle.service.js';
import { resolveStage } from '../pipelines/pipelines.service.js';
import { enterStage } from '../pipelines/stage-history.js';
import { rescoreLead } from '../scoring/score-lead.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { normalizeEmail } from '../shared/normalize.js';
import { checkVersion } from '../shared/records.js';
import { assertMember } from '../workspaces/members.service.js';
import { countryOf } from '../workspaces/workspace-settings.js';
import { type LeadRow, leadEtag, loadLead, toLead } from './lead-reads.service.js';
import type { LeadCreate, LeadOut, LeadUpdate } from './leads.schemas.js';

export { getLead } from './lead-reads.service.js';

/** The flat contact fields of a lead write, as a contact update. */
function contactPart(input: LeadCreate | LeadUpdate): ContactUpdate {
  const c: ContactUpdate = {};
  if (input.firstName !== undefined) c.firstName = input.firstName;
  if (input.lastName !== undefined) c.lastName = input.lastName;
  if (input.email !== undefined) c.email = input.email;
  if (input.phone !== undefined) c.phone = input.phone;
  if (input.company !== undefined) c.companyName = input.company;
  if (input.jobTitle !== undefined) c.jobTitle = input.jobTitle;
  if (input.contactCustomFields !== undefined) c.customFields = input.contactCustomFields;
  return c;
}

const CONTACT_KEYS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'company',
  'jobTitle',
  'address',
  'contactId',
  'contactCustomFields',
  'customFields',
];
function leadPart(input: LeadCreate | LeadUpdate) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (!CONTACT_KEYS.includes(k) && k !== 'status') out[k] = v;
  return out as Partial<typeof leads.$inferInsert>;
}

function addressUpdate(
  current: ContactRow['addresses'],
  a: LeadCreate['address'],
): ContactUpdate['addresses'] {
  if (a === undefined) return undefined;
  const rest = current.slice(1);
  if (a === null) return rest;
  const first = current[0];
  return [{ type: first?.type ?? 'personal', ...(first ?? {}), ...a }, ...rest];
}

/**
 * Finds the contact for a new lead by exact normalized email, then phone; creates it when none
 * matches. A matched contact keeps its data; only empty fields and new emails/phones are added.
 */
async function findOrCreateContact(
  tx: Db,
  ctx: Ctx,
  input: LeadCreate,
  leadOpen: boolean,
): Promise<{ contact: ContactRow; matched: boolean; flagged?: boolean }> {
  const country = await countryOf(tx, ctx);
  const email = input.email ? normalizeEmail(input.email) : null;
  const phone = input.phone ? normalizePhones([{ phone: input.phone }], country, 'phone')[0]!.e164 : null;
  // Duplicate rules (entity lead): link → that contact; flag → a new contact, paired, lead is_duplicate.
  const dup = await checkLeadContact(tx, ctx, input, country);
  const found = dup.linkTo ? await loadContactRow(tx, ctx, dup.linkTo.id, { lock: true }) : null;
  if (!found) {
    const contact = await insertContact(
      tx,
      ctx,
      {
        ...contactPart(input),
        addresses: input.address ? [{ type: 'personal', ...input.address }] : undefined,
        source: input.source ?? undefined,
        ownerId: input.ownerId ?? undefined,
        // A person whose first lead is open is a lead (SPEC 2); the lead itself is inserted next.
        status: leadOpen ? 'lead' : 'prospect',
      },
      { leadBeingCreated: true, duplicatesChecked: true },
    );
    await afterContactWrite(tx, ctx, contact.id, dup);
    return { contact, matched: false, flagged: dup.action === 'flag' };
  }
  const fill: ContactUpdate = {};
  if (!found.firstName && input.firstName) fill.firstName = input.firstName;
  if (!found.lastName && input.lastName) fill.lastName = input.lastName;
  if (!found.companyName && input.company) fill.companyName = input.company;
  if (!found.jobTitle && input.jobTitle) fill.jobTitle = input.jobTitle;
  if (email && !found.emails.some((e) => e.normalized === email))
    fill.emails = [...found.emails, { email: input.email!, label: null, primary: false }];
  if (phone && !found.phones.some((p) => p.e164 === phone))
    fill.phones = [...found.phones, { phone: input.phone!, label: null, primary: false }];
  if (input.address && found.addresses.length === 0)
    fill.addresses = [{ type: 'personal', ...input.address }];
  if (input.contactCustomFields) {
    // Checked in full, but like the flat fields only the values the matched contact lacks are added.
    await validateCustomValues(tx, ctx, 'contact', input.contactCustomFields, { current: {} });
    const missing = Object.entries(input.contactCustomFields).filter(
      ([k, v]) => v !== null && found.custom[k] === undefined,
    );
    if (missing.length) fill.customFields = Object.fromEntries(missing);
  }
  const contact = Object.keys(fill).length ? await patchContact(tx, ctx, found, fill) : found;
  return { contact, matched: true };
}

async function assertLeadExternalIdFree(
  db: Db,
  ctx: Ctx,
  externalId: string | null | undefined,
  selfId?: string,
) {
  if (!externalId) return;
  const [hit] = await db
    .select({ id: leads.id })
    .from(leads)
    .where(and(eq(leads.workspaceId, ctx.workspaceId), eq(leads.externalId, externalId)));
  if (hit && hit.id !== selfId)
    throw new AppError('conflict', `A lead with externalId ${externalId} already exists`, [
      { field: 'externalId', reason: `already used by lead ${hit.id}` },
    ]);
}

/** The contact of a new lead: the given one (flat fields written to it), or found by email/phone, or new. */
async function contactOfNewLead(
  tx: Db,
  ctx: Ctx,
  input: LeadCreate,
  leadOpen: boolean,
): Promise<{ contact: ContactRow; matched: boolean; flagged?: boolean }> {
  if (!input.contactId) return findOrCreateContact(tx, ctx, input, leadOpen);
  let contact = await loadContactRow(tx, ctx, input.contactId, { lock: true, field: 'contactId' });
  const part = contactPart(input);
  const addresses = addressUpdate(contact.addresses, input.address);
  if (addresses) part.addresses = addresses;
  if (Object.keys(part).length) contact = await patchContact(tx, ctx, contact, part);
  return { contact, matched: false };
}

/** Creates a lead inside the caller's transaction. */
export async function insertLead(tx: Db, ctx: Ctx, input: LeadCreate): Promise<LeadOut> {
  if (input.ownerId) await assertMember(tx, ctx, input.ownerId, 'ownerId');
  await assertLeadExternalIdFree(tx, ctx, input.externalId);
  const stage = await resolveStage(tx, ctx, input);
  if (stage.type === 'lost' && !input.lostReason)
    throw AppError.invalid('lostReason', `is required for a lead in a lost stage (${stage.name})`);
  const custom = await validateCustomValues(tx, ctx, 'lead', input.customFields);
  // The contact's custom fields are validated as the contact's, reported as contactCustomFields.<key>.
  const found = await renamingCustomErrors('customFields', 'contactCustomFields', () =>
    contactOfNewLead(tx, ctx, input, stage.type === 'open'),
  );
  let contact = found.contact;
  const matched = found.matched;
  // Lifecycle rules: an open lead makes a prospect a lead; a lead created as won converts its contact.
  if (stage.type === 'open') contact = await applyLeadOpened(tx, ctx, contact);
  if (stage.type === 'won') contact = await applyLeadWon(tx, ctx, contact);
  const id = newId();
  const boardRank = await rankAtTop(tx, ctx, stage.id);
  const [inserted] = await tx
    .insert(leads)
    .values({
      ...leadPart(input),
      custom,
      isDuplicate: found.flagged ?? false,
      workspaceId: ctx.workspaceId,
      id,
      contactId: contact.id,
      pipelineId: stage.pipelineId,
      stageId: stage.id,
      status: stage.leadStatus,
      convertedAt: stage.type === 'won' ? sql`now()` : undefined,
      boardRank,
      createdBy: ctx.userId,
    })
    .returning();
  await enterStage(tx, ctx, { leadId: id, pipelineId: stage.pipelineId, stageId: stage.id, isNew: true });
  // Who gets it: the given owner, else the assignment rules (which write their own history and timeline).
  let row = inserted!;
  if (row.ownerId)
    await recordAssignments(tx, ctx, [
      { leadId: id, fromUserId: null, toUserId: row.ownerId, reason: 'create' },
    ]);
  else row = await assignNewLead(tx, ctx, row);
  row = await rescoreLead(tx, ctx, row);
  const out = toLead(row, contact, stage.name);
  await writeAudit(tx, ctx, { action: 'create', entity: 'lead', entityId: id, after: out });
  const events: SystemEvent[] = [
    {
      type: 'system',
      leadId: id,
      contactId: contact.id,
      subject: `Lead created${input.source ? ` from ${input.source}` : ''}`,
      metadata: { event: 'lead.created', contactMatched: matched, stageId: stage.id },
    },
  ];
  if (input.ownerId)
    events.push({
      type: 'assignment_change',
      leadId: id,
      contactId: contact.id,
      subject: 'Owner assigned',
      metadata: { fromOwnerId: null, toOwnerId: row.ownerId },
    });
  await logSystemEvents(tx, ctx, events);
  return out;
}

export async function createLead(db: Db, ctx: Ctx, input: LeadCreate): Promise<LeadOut> {
  return db.transaction((tx) => insertLead(tx, ctx, input));
}

export async function updateLead(
  db: Db,
  ctx: Ctx,
  id: string,
  input: LeadUpdate,
  ifMatch?: string,
): Promise<LeadOut> {
  return db.transaction((tx) => patchLead(tx, ctx, id, input, ifMatch));
}

export type PatchLeadOptions = {
  /** The board rank the lead gets (a card dropped at a place); default: on top of a new column. */
  boardRank?: string;
  /** Why the owner changes, for the assignment history (default manual). */
  assignmentReason?: 'manual' | 'bulk' | 'merge' | 'import';
};

/**
 * Updates a lead inside the caller's transaction: its fields, its contact's (flat fields), stage moves
 * (stage history, lifecycle rules, timeline), owner changes (assignment history) and its score.
 */
export async function patchLead(
  tx: Db,
  ctx: Ctx,
  id: string,
  input: LeadUpdate,
  ifMatch?: string,
  opts: PatchLeadOptions = {},
): Promise<LeadOut> {
  const cur = await loadLead(tx, ctx, id, { lock: true });
  // The ETag covers the contact too: lock it and read it afresh (the contact in `cur` was read before
  // the lead lock was granted, so a concurrent edit of it would otherwise go unnoticed).
  const current = await loadContactRow(tx, ctx, cur.lead.contactId, { lock: true, withDeleted: true });
  const before = toLead(cur.lead, current, cur.stageName);
  checkVersion('lead', leadEtag(before), ifMatch);
  if (input.ownerId) await assertMember(tx, ctx, input.ownerId, 'ownerId');
  await assertLeadExternalIdFree(tx, ctx, input.externalId, id);

  // Contact fields go to the contact (or the lead is re-pointed at another contact).
  let contact: ContactRow = current;
  if (input.contactId && input.contactId !== cur.lead.contactId)
    contact = await loadContactRow(tx, ctx, input.contactId, { lock: true, field: 'contactId' });
  const part = contactPart(input);
  const addresses = addressUpdate(contact.addresses, input.address);
  if (addresses) part.addresses = addresses;
  if (Object.keys(part).length) {
    const target = contact;
    contact = await renamingCustomErrors('customFields', 'contactCustomFields', () =>
      patchContact(tx, ctx, target, part, { leadBeingWritten: id }),
    );
  }

  // Stage moves: stageId, status or pipelineId.
  const set: Partial<typeof leads.$inferInsert> & Record<string, unknown> = leadPart(input);
  delete set.stageId;
  delete set.pipelineId;
  if (input.customFields !== undefined) {
    const custom = await validateCustomValues(tx, ctx, 'lead', input.customFields, {
      current: cur.lead.custom,
    });
    if (JSON.stringify(custom) !== JSON.stringify(cur.lead.custom)) set.custom = custom;
  }
  let stageName = cur.stageName;
  let toType: 'open' | 'won' | 'lost' | null = null;
  const events: SystemEvent[] = [];
  const wantsMove =
    (input.stageId && input.stageId !== cur.lead.stageId) ||
    (input.status && input.status !== cur.lead.status) ||
    (input.pipelineId && input.pipelineId !== cur.lead.pipelineId);
  let entered: { pipelineId: string; stageId: string } | null = null;
  if (wantsMove) {
    const stage = await resolveStage(tx, ctx, {
      pipelineId: input.pipelineId ?? (input.stageId ? undefined : cur.lead.pipelineId),
      stageId: input.stageId,
      status: input.status,
    });
    if (stage.id !== cur.lead.stageId) {
      if (stage.type === 'lost' && !(input.lostReason ?? cur.lead.lostReason))
        throw AppError.invalid('lostReason', `is required to move a lead to a lost stage (${stage.name})`);
      Object.assign(set, {
        pipelineId: stage.pipelineId,
        stageId: stage.id,
        status: stage.leadStatus,
        stageEnteredAt: sql`now()`,
        boardRank: opts.boardRank ?? (await rankAtTop(tx, ctx, stage.id)),
      });
      entered = { pipelineId: stage.pipelineId, stageId: stage.id };
      toType = stage.type;
      if (stage.type === 'won' && !cur.lead.convertedAt) set.convertedAt = new Date();
      stageName = stage.name;
      events.push({
        type: 'stage_change',
        leadId: id,
        contactId: contact.id,
        subject: `Stage: ${cur.stageName} → ${stage.name}`,
        metadata: {
          fromStageId: cur.lead.stageId,
          toStageId: stage.id,
          fromStatus: cur.lead.status,
          toStatus: stage.leadStatus,
        },
      });
    }
  }
  if (input.ownerId !== undefined && input.ownerId !== cur.lead.ownerId)
    events.push({
      type: 'assignment_change',
      leadId: id,
      contactId: contact.id,
      subject: input.ownerId ? 'Owner changed' : 'Owner removed',
      metadata: { fromOwnerId: cur.lead.ownerId, toOwnerId: input.ownerId },
    });
  if (contact.id !== cur.lead.contactId) set.contactId = contact.id;

  // Lifecycle rules (same transaction): won converts the contact; an open lead makes a prospect a lead.
  const wasOpen = cur.lead.status !== 'won' && cur.lead.status !== 'lost';
  const nowOpen = toType ? toType === 'open' : wasOpen;
  if (toType === 'won') contact = await applyLeadWon(tx, ctx, contact);
  else if (nowOpen && (!wasOpen || contact.id !== cur.lead.contactId))
    contact = await applyLeadOpened(tx, ctx, contact);

  if (opts.boardRank !== undefined && !entered) set.boardRank = opts.boardRank;
  let leadRow = cur.lead;
  if (Object.keys(set).length) {
    [leadRow] = (await tx
      .update(leads)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${leads.version} + 1` })
      .where(and(eq(leads.workspaceId, ctx.workspaceId), eq(leads.id, id)))
      .returning()) as [LeadRow];
  }
  if (entered) await enterStage(tx, ctx, { leadId: id, ...entered });
  if (input.ownerId !== undefined && input.ownerId !== cur.lead.ownerId)
    await recordAssignments(tx, ctx, [
      {
        leadId: id,
        fromUserId: cur.lead.ownerId,
        toUserId: input.ownerId,
        reason: opts.assignmentReason ?? 'manual',
      },
    ]);
  leadRow = await rescoreLead(tx, ctx, leadRow);
  const after = toLead(leadRow, contact, stageName);
  if (Object.keys(set).length || after.score !== before.score)
    await writeAudit(tx, ctx, { action: 'update', entity: 'lead', entityId: id, before, after });
  await logSystemEvents(tx, ctx, events);
  return after;
}

export async function setLeadDeleted(db: Db, ctx: Ctx, id: string, deleted: boolean): Promise<LeadOut> {
  return db.transaction(async (tx) => {
    const cur = await loadLead(tx, ctx, id, { lock: true, withDeleted: true });
    const before = toLead(cur.lead, cur.contact, cur.stageName);
    if (deleted === (cur.lead.deletedAt !== null)) return before;
    const [row] = await tx
      .update(leads)
      .set({
        deletedAt: deleted ? sql`now()` : null,
        updatedAt: sql`now()`,
        version: sql`${leads.version} + 1`,
      })
      .where(and(eq(leads.workspaceId, ctx.workspaceId), eq(leads.id, id)))
      .returning();
    const after = toLead(row!, cur.contact, cur.stageName);
    await writeAudit(tx, ctx, {
      action: deleted ? 'delete' : 'restore',
      entity: 'lead',
      entityId: id,
      before,
      after,
    });
    await logSystemEvents(tx, ctx, [
      {
        type: 'system',
        leadId: id,
        contactId: cur.contact.id,
        subject: deleted ? 'Lead deleted' : 'Lead restored',
      },
    ]);
    return after;
  });
}
