import { and, eq, sql } from 'drizzle-orm';
import { logSystemEvents } from '../activities/timeline-events.js';
import { writeAudit } from '../audit/audit.service.js';
import { displayName, loadContactRow } from '../contacts/contacts.service.js';
import type { Db } from '../db/client.js';
import { contacts, type LEAD_CONTACT_ROLES, leadContacts } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { loadLead } from './lead-reads.service.js';

type Role = (typeof LEAD_CONTACT_ROLES)[number];

/** The contacts of a lead: its primary contact first, then the others with their roles. */
export async function listLeadContacts(db: Db, ctx: Ctx, leadId: string) {
  const { lead, contact } = await loadLead(db, ctx, leadId, { withDeleted: true });
  const rows = await db
    .select({ lc: leadContacts, c: contacts })
    .from(leadContacts)
    .innerJoin(
      contacts,
      and(eq(contacts.workspaceId, leadContacts.workspaceId), eq(contacts.id, leadContacts.contactId)),
    )
    .where(and(eq(leadContacts.workspaceId, ctx.workspaceId), eq(leadContacts.leadId, lead.id)))
    .orderBy(leadContacts.createdAt);
  const item = (c: typeof contact, role: Role) => ({
    contactId: c.id,
    role,
    name: displayName(c),
    email: c.emails[0]?.email ?? null,
    phone: c.phones[0]?.e164 ?? null,
    jobTitle: c.jobTitle,
  });
  return [
    item(contact, 'primary'),
    ...rows.filter((r) => r.c.id !== contact.id).map((r) => item(r.c, r.lc.role)),
  ];
}

export async function addLeadContact(
  db: Db,
  ctx: Ctx,
  leadId: string,
  input: { contactId: string; role: Role },
) {
  await db.transaction(async (tx) => {
    const { lead } = await loadLead(tx, ctx, leadId, { lock: true });
    if (lead.contactId === input.contactId)
      throw AppError.invalid('contactId', 'is already the primary contact of this lead');
    const c = await loadContactRow(tx, ctx, input.contactId, { field: 'contactId' });
    await tx
      .insert(leadContacts)
      .values({ workspaceId: ctx.workspaceId, leadId, contactId: c.id, role: input.role })
      .onConflictDoUpdate({
        target: [leadContacts.workspaceId, leadContacts.leadId, leadContacts.contactId],
        set: { role: input.role, updatedAt: sql`now()` },
      });
    await writeAudit(tx, ctx, { action: 'link', entity: 'lead_contact', entityId: leadId, after: input });
    await logSystemEvents(tx, ctx, [
      {
        type: 'system',
        leadId,
        contactId: c.id,
        subject: `${displayName(c)} added as ${input.role.replace('_', ' ')}`,
        metadata: { event: 'lead.contact_added', ...input },
      },
    ]);
  });
  return listLeadContacts(db, ctx, leadId);
}

export async function removeLeadContact(db: Db, ctx: Ctx, leadId: string, contactId: string) {
  await db.transaction(async (tx) => {
    await loadLead(tx, ctx, leadId, { lock: true });
    const gone = await tx
      .delete(leadContacts)
      .where(
        and(
          eq(leadContacts.workspaceId, ctx.workspaceId),
          eq(leadContacts.leadId, leadId),
          eq(leadContacts.contactId, contactId),
        ),
      )
      .returning();
    if (gone.length === 0) throw AppError.notFound('Lead contact', contactId);
    await writeAudit(tx, ctx, {
      action: 'unlink',
      entity: 'lead_contact',
      entityId: leadId,
      before: gone[0],
    });
  });
  return listLeadContacts(db, ctx, leadId);
}
