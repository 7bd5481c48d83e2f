import { and, eq, sql } from 'drizzle-orm';
import { toAccount } from '../accounts/accounts.service.js';
import { displayName, toContact } from '../contacts/contacts.service.js';
import type { Db } from '../db/client.js';
import { accounts, contacts, leads } from '../db/schema/index.js';
import { type ContactLike, contactMatchColumns } from '../duplicates/contact-profile.js';
import { getLead } from '../leads/leads.service.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import type { ChangeSet } from './change-set.js';
import { checkPicks, type FieldSpec, field, pickFields, unionList } from './merge-fields.js';
import {
  idList,
  logMerge,
  moveRefs,
  type Ref,
  reconcileLeadContacts,
  repointCandidates,
  syncContactStatus,
} from './merge-links.js';
import type { MergeEntity } from './merges.schemas.js';

type Row = { id: string; deletedAt: Date | null; version: number } & Record<string, unknown>;

export type MergeRun = {
  tx: Db;
  ctx: Ctx;
  cs: ChangeSet;
  mergeId: string;
  survivor: Row;
  merged: Row[];
  userPicks: Record<string, string>;
};

/** What differs per entity; the executor (merges.service.ts) does the rest the same way for all. */
export type EntityMerger = {
  entity: MergeEntity;
  table: typeof contacts | typeof leads | typeof accounts;
  tableName: 'contacts' | 'leads' | 'accounts';
  noun: string;
  name: (r: Row) => string;
  /** Moves links, updates the survivor and logs the merge; returns the field picks that decided. */
  run: (m: MergeRun) => Promise<Record<string, string>>;
  /** The survivor as the entity's API shows it. */
  read: (db: Db, ctx: Ctx, id: string) => Promise<unknown>;
};

/**
 * Tables referencing each entity. A new referencing table (tasks, appointments, …) is one line here;
 * lead_contacts is handled apart because its key contains the reference (links can collide).
 */
export const CONTACT_REFS: Ref[] = [
  { table: 'leads', column: 'contact_id' },
  { table: 'activities', column: 'contact_id' },
  { table: 'deals', column: 'primary_contact_id' },
  { table: 'tasks', column: 'contact_id' },
  { table: 'appointments', column: 'contact_id' },
];
export const LEAD_REFS: Ref[] = [
  { table: 'activities', column: 'lead_id' },
  { table: 'deals', column: 'origin_lead_id' },
  { table: 'tasks', column: 'lead_id' },
  { table: 'appointments', column: 'lead_id' },
  { table: 'lead_stage_history', column: 'lead_id' },
  { table: 'lead_assignments', column: 'lead_id' },
];
export const ACCOUNT_REFS: Ref[] = [
  { table: 'contacts', column: 'account_id' },
  { table: 'deals', column: 'account_id' },
  { table: 'leads', column: 'converted_account_id' },
  { table: 'activities', column: 'account_id' },
];

const CONTACT_FIELDS: FieldSpec[] = [
  field('firstName'),
  field('lastName'),
  field('companyName'),
  field('jobTitle'),
  field('department'),
  field('role'),
  field('preferredChannel'),
  field('influence'),
  field('accountId'),
  field('isPrimaryContact'),
  field('status'),
  field('source'),
  field('gdprConsent'),
  field('doNotContact'),
  field('optInAt'),
  field('isConvertedFromLead', 'isConvertedFromLead', 'conversionDate'),
  field('ownerId'),
  field('externalId'),
];
const LEAD_FIELDS: FieldSpec[] = [
  field('contactId'),
  field('title'),
  field('productInterest'),
  field('source'),
  field('campaign'),
  field('medium'),
  field('term'),
  field('referrer'),
  field('landingPage'),
  field('formName'),
  field('stageId', 'stageId', 'pipelineId', 'status', 'stageEnteredAt'),
  field('priority'),
  field('temperature'),
  field('ownerId'),
  field('score'),
  field('predictedProbability'),
  field('budgetRange'),
  field('authorityLevel'),
  field('timeline'),
  field('dealValue'),
  field('expectedCloseDate'),
  field('lostReason'),
  field('marketingStage'),
  field('spamScore'),
  field('validationStatus'),
  field('convertedAt', 'convertedAt', 'convertedAccountId', 'convertedDealId'),
  field('autoCreatedFromContact'),
  field('externalId'),
];
const ACCOUNT_FIELDS: FieldSpec[] = [
  field('name'),
  field('domain'),
  field('website'),
  field('phone'),
  field('accountType'),
  field('industry'),
  field('companySize'),
  field('annualRevenue'),
  field('taxId'),
  field('health'),
  field('lifecycleStage'),
  field('description'),
  field('address'),
  field('ownerId'),
  field('externalId'),
];

const names = (m: MergeRun, merger: EntityMerger) => m.merged.map((r) => merger.name(r)).join(', ');

/** Picks values; a survivor taking a merged record's externalId frees it on that record first. */
async function pickAndFreeExternalId(
  m: MergeRun,
  merger: EntityMerger,
  specs: FieldSpec[],
  extraFields: string[] = [],
) {
  const records = [m.survivor, ...m.merged];
  checkPicks(merger.entity, m.userPicks, new Set([...specs.map((s) => s.name), ...extraFields]), records);
  const picked = pickFields(specs, records, m.userPicks);
  const ext = picked.values.externalId;
  const holder = m.merged.find((r) => ext && r.externalId === ext);
  if (holder) await m.cs.update(merger.tableName, sql`external_id = null`, sql`t.id = ${holder.id}::uuid`);
  return picked;
}

async function softDelete(m: MergeRun, tableName: string) {
  await m.cs.update(tableName, sql`deleted_at = now()`, sql`t.id in ${idList(m.merged.map((r) => r.id))}`);
}

async function setSurvivor(m: MergeRun, merger: EntityMerger, values: Record<string, unknown>) {
  const t = merger.table;
  await m.cs.capture(merger.tableName, sql`t.id = ${m.survivor.id}::uuid`);
  await m.tx
    .update(t)
    .set({ ...values, updatedAt: sql`now()`, version: sql`${t.version} + 1` } as never)
    .where(and(eq(t.workspaceId, m.ctx.workspaceId), eq(t.id, m.survivor.id)));
  await m.cs.wrote(merger.tableName, [{ id: m.survivor.id }]);
}

const email = (e: { normalized: string }) => e.normalized;
const phone = (p: { e164: string }) => p.e164;
const address = (a: Record<string, unknown>) =>
  ['type', 'street1', 'street2', 'city', 'state', 'postcode', 'country']
    .map((k) =>
      String(a[k] ?? '')
        .trim()
        .toLowerCase(),
    )
    .join('|');

export const contactMerger: EntityMerger = {
  entity: 'contact',
  table: contacts,
  tableName: 'contacts',
  noun: 'Contact',
  name: (r) => displayName(r as never),
  read: async (db, ctx, id) => {
    const [row] = await db
      .select()
      .from(contacts)
      .where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, id)));
    return toContact(row!);
  },
  run: async (m) => {
    const { cs } = m;
    const ids = m.merged.map((r) => r.id);
    const S = m.survivor.id;
    const picked = await pickAndFreeExternalId(m, contactMerger, CONTACT_FIELDS, ['email', 'phone']);
    const records = [m.survivor, ...m.merged];
    picked.values.emails = unionList(records, 'emails', email, 'email', m.userPicks, picked.picks);
    picked.values.phones = unionList(records, 'phones', phone, 'phone', m.userPicks, picked.picks);
    picked.values.addresses = unionList(records, 'addresses', address, null, m.userPicks, picked.picks);
    await softDelete(m, 'contacts');
    const movedLeads = (await cs.tx.execute(
      sql`select id::text from leads where workspace_id = ${m.ctx.workspaceId}::uuid and contact_id in ${idList(ids)}`,
    )) as unknown as { rows: { id: string }[] };
    await moveRefs(cs, CONTACT_REFS, S, ids);
    await reconcileLeadContacts(
      cs,
      'contact_id',
      S,
      ids,
      [],
      movedLeads.rows.map((r) => r.id),
    );
    await repointCandidates(cs, m.ctx, 'contact', S, ids);
    // SPEC 2: status `lead` ⇔ an open lead (the survivor may have gained one).
    const [open] = await cs.tx
      .select({ n: sql<number>`count(*)::int` })
      .from(leads)
      .where(
        and(
          eq(leads.workspaceId, m.ctx.workspaceId),
          eq(leads.contactId, S),
          sql`${leads.deletedAt} is null and ${leads.status} not in ('won', 'lost')`,
        ),
      );
    const hasOpen = Number(open!.n) > 0;
    if (hasOpen && (picked.values.status === 'prospect' || picked.values.status === 'inactive'))
      picked.values.status = 'lead';
    if (!hasOpen && picked.values.status === 'lead') picked.values.status = 'prospect';
    // The duplicate blocking keys follow the merged names, emails, phones and addresses.
    picked.values.matchKeys = contactMatchColumns(picked.values as ContactLike).matchKeys;
    await setSurvivor(m, contactMerger, picked.values);
    await logMerge(cs, m.ctx, { contactId: S }, `Merged ${names(m, contactMerger)} into this contact`, {
      event: 'contact.merged',
      mergeId: m.mergeId,
      mergedIds: ids,
    });
    return picked.picks;
  },
};

export const leadMerger: EntityMerger = {
  entity: 'lead',
  table: leads,
  tableName: 'leads',
  noun: 'Lead',
  name: (r) => (r.title as string | null) || (r.productInterest as string | null) || `Lead ${r.id.slice(-6)}`,
  read: getLead,
  run: async (m) => {
    const { cs } = m;
    const ids = m.merged.map((r) => r.id);
    const S = m.survivor.id;
    const picked = await pickAndFreeExternalId(m, leadMerger, LEAD_FIELDS);
    const primary = picked.values.contactId as string;
    const formerPrimaries = [...new Set([m.survivor, ...m.merged].map((r) => r.contactId as string))];
    await softDelete(m, 'leads');
    await moveRefs(cs, LEAD_REFS, S, ids);
    await repointCandidates(cs, m.ctx, 'lead', S, ids);
    const [dup] = await cs.tx
      .execute(sql`select exists (
      select 1 from duplicate_candidates where workspace_id = ${m.ctx.workspaceId}::uuid and entity = 'lead'
        and status = 'open' and (record_a = ${S}::uuid or record_b = ${S}::uuid)) as d`)
      .then((r) => (r as unknown as { rows: { d: boolean }[] }).rows);
    picked.values.isDuplicate = !!dup?.d;
    await setSurvivor(m, leadMerger, picked.values);
    // The merged leads' links move to the survivor; their primary contacts stay on it as secondary.
    await reconcileLeadContacts(
      cs,
      'lead_id',
      S,
      ids,
      formerPrimaries
        .filter((c) => c !== primary)
        .map((c) => ({ lead_id: S, contact_id: c, role: 'secondary' as const })),
      [primary],
    );
    await syncContactStatus(cs, formerPrimaries);
    await logMerge(
      cs,
      m.ctx,
      { leadId: S, contactId: primary },
      `Merged ${names(m, leadMerger)} into this lead`,
      {
        event: 'lead.merged',
        mergeId: m.mergeId,
        mergedIds: ids,
      },
    );
    return picked.picks;
  },
};

export const accountMerger: EntityMerger = {
  entity: 'account',
  table: accounts,
  tableName: 'accounts',
  noun: 'Account',
  name: (r) => String(r.name),
  read: async (db, ctx, id) => {
    const [row] = await db
      .select()
      .from(accounts)
      .where(and(eq(accounts.workspaceId, ctx.workspaceId), eq(accounts.id, id)));
    return toAccount(row!);
  },
  run: async (m) => {
    const { cs } = m;
    const ids = m.merged.map((r) => r.id);
    const S = m.survivor.id;
    const picked = await pickAndFreeExternalId(m, accountMerger, ACCOUNT_FIELDS);
    await softDelete(m, 'accounts');
    await moveRefs(cs, ACCOUNT_REFS, S, ids);
    await repointCandidates(cs, m.ctx, 'account', S, ids);
    await setSurvivor(m, accountMerger, picked.values);
    await logMerge(cs, m.ctx, { accountId: S }, `Merged ${names(m, accountMerger)} into this account`, {
      event: 'account.merged',
      mergeId: m.mergeId,
      mergedIds: ids,
    });
    return picked.picks;
  },
};

export const MERGERS: Record<MergeEntity, EntityMerger> = {
  contact: contactMerger,
  lead: leadMerger,
  account: accountMerger,
};

export const notFoundIn = (merger: EntityMerger, id: string, field: string) =>
  new AppError('not_found', `${merger.noun} ${id} was not found`, [
    { field, reason: `no such ${merger.entity}` },
  ]);
