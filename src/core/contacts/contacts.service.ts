import { and, eq, type SQL, sql } from 'drizzle-orm';
import { assertAccount } from '../accounts/accounts.service.js';
import { writeAudit } from '../audit/audit.service.js';
import { customListParts } from '../custom-fields/custom-list.js';
import { validateCustomValues } from '../custom-fields/custom-values.js';
import type { Db } from '../db/client.js';
import { contacts } from '../db/schema/index.js';
import {
  afterContactWrite,
  beforeContactInsert,
  beforeContactUpdate,
  linkFill,
} from '../duplicates/contact-hooks.js';
import { markLinked } from '../duplicates/duplicates.service.js';
import { applyContactRules } from '../lifecycle/lifecycle.service.js';
import { rescoreLeadsOf } from '../scoring/score-lead.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { containsPattern } from '../shared/like.js';
import { listConditionWhere } from '../shared/list-condition.js';
import {
  cursorCondition,
  deletedCondition,
  filterConditions,
  type ListQuery,
  type ListSpec,
  listOrderBy,
  sortKeySelect,
  toPage,
} from '../shared/list-query.js';
import { normalizeEmail, normalizePhone } from '../shared/normalize.js';
import { checkVersion, iso } from '../shared/records.js';
import { assertMember } from '../workspaces/members.service.js';
import { countryOf } from '../workspaces/workspace-settings.js';
import { contactColumns } from './contact-values.js';
import {
  CONTACT_STATUSES,
  type ContactCreate,
  type ContactOut,
  type ContactUpdate,
} from './contacts.schemas.js';

export type ContactRow = typeof contacts.$inferSelect;

export const displayName = (
  r: Pick<ContactRow, 'firstName' | 'lastName' | 'companyName' | 'emails'>,
): string =>
  [r.firstName, r.lastName].filter(Boolean).join(' ') ||
  r.companyName ||
  r.emails[0]?.email ||
  'Unnamed contact';

export const toContact = (r: ContactRow): ContactOut => ({
  id: r.id,
  externalId: r.externalId,
  firstName: r.firstName,
  lastName: r.lastName,
  name: displayName(r),
  email: r.emails[0]?.email ?? null,
  phone: r.phones[0]?.e164 ?? null,
  emails: r.emails,
  phones: r.phones,
  addresses: r.addresses,
  companyName: r.companyName,
  jobTitle: r.jobTitle,
  department: r.department,
  role: r.role,
  preferredChannel: r.preferredChannel,
  influence: r.influence as ContactOut['influence'],
  accountId: r.accountId,
  isPrimaryContact: r.isPrimaryContact,
  status: r.status,
  source: r.source,
  gdprConsent: r.gdprConsent,
  doNotContact: r.doNotContact,
  optInAt: iso(r.optInAt),
  isConvertedFromLead: r.isConvertedFromLead,
  conversionDate: iso(r.conversionDate),
  ownerId: r.ownerId,
  createdBy: r.createdBy,
  customFields: r.custom ?? {},
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  deletedAt: iso(r.deletedAt),
  version: r.version,
});

/** `q` search over names, company, emails and phone digits (trigram index on `search_text`). */
export function contactSearch(q: string): SQL {
  const text = q.toLowerCase();
  const digits = q.replace(/\D/g, '');
  const byText = sql`${contacts.searchText} like ${containsPattern(text)}`;
  // Phone-like text ("+1 (415) 555-2671", "415.555.2671") also matches by its digits.
  if (digits.length >= 4 && /^[\d\s+().\-/]+$/.test(q))
    return sql`(${byText} or ${contacts.searchText} like ${`%${digits}%`})`;
  return byText;
}

export const contactListSpec: ListSpec = {
  idExpr: contacts.id,
  custom: true,
  defaultSort: '-createdAt',
  sorts: {
    createdAt: { expr: sql`${contacts.createdAt}`, type: 'date' },
    updatedAt: { expr: sql`${contacts.updatedAt}`, type: 'date' },
    lastName: { expr: sql`lower(coalesce(${contacts.lastName}, ''))`, type: 'text' },
    firstName: { expr: sql`lower(coalesce(${contacts.firstName}, ''))`, type: 'text' },
    companyName: { expr: sql`lower(coalesce(${contacts.companyName}, ''))`, type: 'text' },
  },
  filters: {
    status: { kind: 'enum', expr: contacts.status, values: CONTACT_STATUSES, description: 'Status' },
    ownerId: { kind: 'uuid', expr: contacts.ownerId, description: 'Owner' },
    accountId: { kind: 'uuid', expr: contacts.accountId, description: 'Account' },
    source: { kind: 'text', expr: contacts.source, description: 'Source' },
    externalId: { kind: 'text', expr: contacts.externalId, description: 'External id' },
    email: {
      kind: 'text',
      expr: contacts.primaryEmail,
      description: 'Primary email (case-insensitive exact match)',
    },
    doNotContact: { kind: 'bool', expr: contacts.doNotContact, description: 'Do not contact' },
    createdAt: { kind: 'date', expr: contacts.createdAt, description: 'Created' },
  },
  search: contactSearch,
  condition: 'contact',
};

/**
 * Which contacts the list pages through, as WHERE conditions over `contacts` (shared by the list and
 * its count, so they agree), and the spec to sort with (a custom sort added).
 */
export async function contactListWhere(
  db: Db,
  ctx: Ctx,
  query: ListQuery,
): Promise<{ spec: ListSpec; where: SQL[] }> {
  const q = Array.isArray(query.email)
    ? { ...query, email: (query.email as string[]).map(normalizeEmail) }
    : query;
  const custom = await customListParts(
    db,
    ctx,
    contactListSpec,
    { entity: 'contact', column: contacts.custom },
    q,
  );
  const deleted = deletedCondition(contacts.deletedAt, q.deleted);
  return {
    spec: custom.spec,
    where: [
      eq(contacts.workspaceId, ctx.workspaceId),
      ...(deleted ? [deleted] : []),
      ...filterConditions(custom.spec, q),
      ...custom.where,
      ...(await listConditionWhere(db, ctx, contactListSpec, q)),
    ],
  };
}

/** How many contacts the list with these filters pages through (`limit`, `cursor` and `sort` ignored). */
export async function countContacts(db: Db, ctx: Ctx, query: ListQuery): Promise<number> {
  const { where } = await contactListWhere(db, ctx, { ...query, sort: contactListSpec.defaultSort });
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(contacts)
    .where(and(...where));
  return r?.n ?? 0;
}

export async function listContacts(db: Db, ctx: Ctx, query: ListQuery) {
  const { spec, where } = await contactListWhere(db, ctx, query);
  const rows = await db
    .select({ row: contacts, _sort: sortKeySelect(spec, query.sort) })
    .from(contacts)
    .where(and(...where, cursorCondition(spec, query)))
    .orderBy(listOrderBy(spec, query.sort))
    .limit(query.limit + 1);
  return toPage(
    rows.map((r) => ({ ...toContact(r.row), _sort: r._sort })),
    query,
  );
}

export async function loadContactRow(
  db: Db,
  ctx: Ctx,
  id: string,
  opts: { lock?: boolean; withDeleted?: boolean; field?: string } = {},
): Promise<ContactRow> {
  const q = db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.workspaceId, ctx.workspaceId),
        eq(contacts.id, id),
        opts.withDeleted ? undefined : sql`${contacts.deletedAt} is null`,
      ),
    );
  const [row] = opts.lock ? await q.for('update') : await q;
  if (!row)
    throw new AppError(
      'not_found',
      `Contact ${id} was not found`,
      opts.field ? [{ field: opts.field, reason: 'no such contact' }] : [],
    );
  return row;
}

export async function getContact(db: Db, ctx: Ctx, id: string): Promise<ContactOut> {
  return toContact(await loadContactRow(db, ctx, id, { withDeleted: true }));
}

/**
 * Finds the live contact with this email (any of its emails, case-insensitive) or else this phone
 * (E.164). Exact matching; fuzzy duplicate rules come later and build on this.
 */
export async function findContactByEmailOrPhone(
  db: Db,
  ctx: Ctx,
  emailNormalized: string | null,
  phoneE164: string | null,
): Promise<ContactRow | null> {
  const byEmail = emailNormalized
    ? sql`${contacts.emails} @> ${JSON.stringify([{ normalized: emailNormalized }])}::jsonb`
    : null;
  const byPhone = phoneE164
    ? sql`${contacts.phones} @> ${JSON.stringify([{ e164: phoneE164 }])}::jsonb`
    : null;
  if (!byEmail && !byPhone) return null;
  // One query (both GIN indexes, OR'ed): an email match wins over a phone match, then the oldest contact.
  const [row] = await db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.workspaceId, ctx.workspaceId),
        byEmail && byPhone ? sql`(${byEmail} or ${byPhone})` : (byEmail ?? byPhone)!,
        sql`${contacts.deletedAt} is null`,
      ),
    )
    .orderBy(...(byEmail && byPhone ? [sql`(${byEmail}) desc`] : []), contacts.createdAt)
    .limit(1);
  return row ?? null;
}

async function checkRefs(db: Db, ctx: Ctx, input: ContactCreate | ContactUpdate, selfId?: string) {
  if (input.accountId) await assertAccount(db, ctx, input.accountId);
  if (input.ownerId) await assertMember(db, ctx, input.ownerId, 'ownerId');
  if (input.externalId) {
    const [hit] = await db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.externalId, input.externalId)));
    if (hit && hit.id !== selfId)
      throw new AppError('conflict', `A contact with externalId ${input.externalId} already exists`, [
        { field: 'externalId', reason: `already used by contact ${hit.id}` },
      ]);
  }
}

/**
 * Inserts a contact inside the caller's transaction (used by lead creation too), then applies the
 * lifecycle rules (status `lead` gets an open lead unless `leadBeingCreated`).
 */
export async function insertContact(
  tx: Db,
  ctx: Ctx,
  input: ContactCreate,
  opts: { leadBeingCreated?: boolean; duplicatesChecked?: boolean } = {},
): Promise<ContactRow> {
  await checkRefs(tx, ctx, input);
  const { customFields, ...fields } = input;
  const values = contactColumns(fields, await countryOf(tx, ctx));
  values.custom = await validateCustomValues(tx, ctx, 'contact', customFields);
  // Duplicate rules: `link` answers with the existing contact (given only what it lacks), `block` throws.
  const dup = await beforeContactInsert(tx, ctx, values, !opts.duplicatesChecked);
  if (dup.linkTo) {
    const found = await loadContactRow(tx, ctx, dup.linkTo.id, { lock: true });
    markLinked(ctx, found.id);
    return patchContact(tx, ctx, found, linkFill(found, values), { duplicatesChecked: true });
  }
  const [row] = await tx
    .insert(contacts)
    .values({ ...values, workspaceId: ctx.workspaceId, id: newId(), createdBy: ctx.userId })
    .returning();
  await writeAudit(tx, ctx, {
    action: 'create',
    entity: 'contact',
    entityId: row!.id,
    after: toContact(row!),
  });
  await afterContactWrite(tx, ctx, row!.id, dup);
  return applyContactRules(tx, ctx, null, row!, opts);
}

export async function createContact(db: Db, ctx: Ctx, input: ContactCreate): Promise<ContactOut> {
  return db.transaction(async (tx) => toContact(await insertContact(tx, ctx, input)));
}

/** Updates a contact inside the caller's transaction; returns before and after rows. */
export async function patchContact(
  tx: Db,
  ctx: Ctx,
  before: ContactRow,
  input: ContactUpdate,
  opts: { duplicatesChecked?: boolean; leadBeingWritten?: string } = {},
): Promise<ContactRow> {
  await checkRefs(tx, ctx, input, before.id);
  const { customFields, ...fields } = input;
  const values = contactColumns(fields, await countryOf(tx, ctx), before);
  if (customFields !== undefined) {
    const custom = await validateCustomValues(tx, ctx, 'contact', customFields, { current: before.custom });
    if (JSON.stringify(custom) !== JSON.stringify(before.custom)) values.custom = custom;
  }
  if (Object.keys(values).length === 0) return before;
  const dup = await beforeContactUpdate(tx, ctx, before, values, !opts.duplicatesChecked);
  const [row] = await tx
    .update(contacts)
    .set({ ...values, updatedAt: sql`now()`, version: sql`${contacts.version} + 1` })
    .where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, before.id)))
    .returning();
  await writeAudit(tx, ctx, {
    action: 'update',
    entity: 'contact',
    entityId: before.id,
    before: toContact(before),
    after: toContact(row!),
  });
  await afterContactWrite(tx, ctx, before.id, dup);
  const after = await applyContactRules(tx, ctx, before, row!);
  // Scoring rules may read contact.* fields: the contact's leads are rescored in this transaction.
  await rescoreLeadsOf(tx, ctx, { contactId: before.id, exceptLeadId: opts.leadBeingWritten });
  return after;
}

export async function updateContact(
  db: Db,
  ctx: Ctx,
  id: string,
  input: ContactUpdate,
  ifMatch?: string,
): Promise<ContactOut> {
  return db.transaction(async (tx) => {
    const before = await loadContactRow(tx, ctx, id, { lock: true });
    checkVersion('contact', String(before.version), ifMatch);
    return toContact(await patchContact(tx, ctx, before, input));
  });
}

export async function setContactDeleted(db: Db, ctx: Ctx, id: string, deleted: boolean): Promise<ContactOut> {
  return db.transaction(async (tx) => {
    const before = await loadContactRow(tx, ctx, id, { lock: true, withDeleted: true });
    if (deleted === (before.deletedAt !== null)) return toContact(before);
    const [row] = await tx
      .update(contacts)
      .set({
        deletedAt: deleted ? sql`now()` : null,
        updatedAt: sql`now()`,
        version: sql`${contacts.version} + 1`,
      })
      .where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, id)))
      .returning();
    await writeAudit(tx, ctx, {
      action: deleted ? 'delete' : 'restore',
      entity: 'contact',
      entityId: id,
      before: toContact(before),
      after: toContact(row!),
    });
    return toContact(row!);
  });
}

export { normalizeEmail, normalizePhone };
