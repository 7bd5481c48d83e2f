import { sql } from 'drizzle-orm';
import {
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { recordMeta, tenantId } from './common.js';
import { contacts } from './contacts.js';
import { deals } from './deals.js';
import { leads } from './leads.js';
import { memberships, workspaces } from './tenancy.js';

export const ACTIVITY_TYPES = [
  'call',
  'email',
  'meeting',
  'note',
  'sms',
  'task',
  'stage_change',
  'assignment_change',
  'system',
] as const;

/** The timeline. An activity hangs off a lead and/or a contact (and optionally a deal or account). */
export const activities = pgTable(
  'activities',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    type: text({ enum: ACTIVITY_TYPES }).notNull(),
    leadId: uuid(),
    contactId: uuid(),
    dealId: uuid(),
    accountId: uuid(),
    userId: uuid(),
    subject: text(),
    body: text(),
    outcome: text(),
    durationMinutes: integer(),
    occurredAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    ...recordMeta(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('activities_lead_idx').on(t.workspaceId, t.leadId, t.occurredAt),
    index('activities_contact_idx').on(t.workspaceId, t.contactId, t.occurredAt),
    index('activities_deal_idx').on(t.workspaceId, t.dealId, t.occurredAt),
    index('activities_list_idx').on(t.workspaceId, t.createdAt, t.id),
    foreignKey({
      name: 'activities_lead_fk',
      columns: [t.workspaceId, t.leadId],
      foreignColumns: [leads.workspaceId, leads.id],
    }),
    foreignKey({
      name: 'activities_contact_fk',
      columns: [t.workspaceId, t.contactId],
      foreignColumns: [contacts.workspaceId, contacts.id],
    }),
    foreignKey({
      name: 'activities_deal_fk',
      columns: [t.workspaceId, t.dealId],
      foreignColumns: [deals.workspaceId, deals.id],
    }),
    foreignKey({
      name: 'activities_account_fk',
      columns: [t.workspaceId, t.accountId],
      foreignColumns: [accounts.workspaceId, accounts.id],
    }),
    foreignKey({
      name: 'activities_user_fk',
      columns: [t.workspaceId, t.userId],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
  ],
);
