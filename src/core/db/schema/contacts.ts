import { type SQL, sql } from 'drizzle-orm';
import {
  boolean,
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { recordMeta, tenantId } from './common.js';
import { memberships, workspaces } from './tenancy.js';

export type ContactEmail = { email: string; normalized: string; label: string | null; primary: boolean };
export type ContactPhone = { phone: string; e164: string; label: string | null; primary: boolean };
export type ContactAddress = {
  type: 'personal' | 'business' | 'mailing';
  street1: string | null;
  street2: string | null;
  city: string | null;
  state: string | null;
  postcode: string | null;
  country: string | null;
};

/** A person. Contact information lives here and only here; leads read it through `contact_id`. */
export const contacts = pgTable(
  'contacts',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    externalId: text(),
    firstName: text(),
    lastName: text(),
    /** Primary first; `normalized` is trimmed and lower-cased. */
    emails: jsonb().$type<ContactEmail[]>().notNull().default([]),
    /** Primary first; `e164` is the normalized number. */
    phones: jsonb().$type<ContactPhone[]>().notNull().default([]),
    addresses: jsonb().$type<ContactAddress[]>().notNull().default([]),
    primaryEmail: text().generatedAlwaysAs((): SQL => sql`(emails -> 0 ->> 'normalized')`),
    primaryPhone: text().generatedAlwaysAs((): SQL => sql`(phones -> 0 ->> 'e164')`),
    companyName: text(),
    jobTitle: text(),
    department: text(),
    role: text(),
    preferredChannel: text(),
    influence: text(),
    accountId: uuid(),
    isPrimaryContact: boolean().notNull().default(false),
    status: text({ enum: ['lead', 'prospect', 'active', 'inactive'] })
      .notNull()
      .default('prospect'),
    source: text(),
    gdprConsent: boolean().notNull().default(false),
    doNotContact: boolean().notNull().default(false),
    optInAt: timestamp({ withTimezone: true }),
    isConvertedFromLead: boolean().notNull().default(false),
    conversionDate: timestamp({ withTimezone: true }),
    ownerId: uuid(),
    custom: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /**
     * Lower-cased names, company, emails and E.164 phones, for `q` search (trigram index). Only the
     * values: the JSON keys and brackets they are stored in would otherwise match ("al", "label").
     */
    searchText: text().generatedAlwaysAs(
      (): SQL =>
        sql`lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(company_name, '') || ' ' || translate(jsonb_path_query_array(emails, '$[*].normalized')::text || ' ' || jsonb_path_query_array(phones, '$[*].e164')::text, '[]",', '    '))`,
    ),
    /**
     * Duplicate-matching blocking keys (src/core/duplicates/contact-profile.ts), computed by the
     * contact services; null until computed (a scan fills what bulk loads left out).
     */
    matchKeys: text().array(),
    createdBy: uuid(),
    ...recordMeta(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('contacts_custom_idx').using('gin', sql`${t.custom} jsonb_path_ops`),
    uniqueIndex('contacts_external_id_key').on(t.workspaceId, t.externalId),
    index('contacts_emails_idx').using('gin', sql`${t.emails} jsonb_path_ops`),
    index('contacts_phones_idx').using('gin', sql`${t.phones} jsonb_path_ops`),
    index('contacts_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
    // fastupdate off: a pending list (filled by every insert) would be scanned by every duplicate lookup.
    index('contacts_match_keys_idx').using('gin', t.matchKeys).with({ fastupdate: false }),
    index('contacts_account_idx').on(t.workspaceId, t.accountId),
    index('contacts_list_idx').on(t.workspaceId, t.createdAt, t.id),
    foreignKey({
      name: 'contacts_account_fk',
      columns: [t.workspaceId, t.accountId],
      foreignColumns: [accounts.workspaceId, accounts.id],
    }),
    foreignKey({
      name: 'contacts_owner_fk',
      columns: [t.workspaceId, t.ownerId],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
  ],
);
