import { sql } from 'drizzle-orm';
import {
  date,
  foreignKey,
  index,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { recordMeta, tenantId } from './common.js';
import { contacts } from './contacts.js';
import { leads } from './leads.js';
import { pipelines, stages } from './pipelines.js';
import { memberships, workspaces } from './tenancy.js';

/** An opportunity after conversion. `originLeadId` points back at the lead it came from. */
export const deals = pgTable(
  'deals',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    externalId: text(),
    name: text().notNull(),
    accountId: uuid(),
    primaryContactId: uuid(),
    originLeadId: uuid(),
    amount: numeric({ precision: 16, scale: 2 }),
    currency: text().notNull().default('USD'),
    pipelineId: uuid().notNull(),
    stageId: uuid().notNull(),
    forecastCategory: text({ enum: ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] }),
    closeDate: date(),
    ownerId: uuid(),
    description: text(),
    custom: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdBy: uuid(),
    ...recordMeta(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('deals_custom_idx').using('gin', sql`${t.custom} jsonb_path_ops`),
    uniqueIndex('deals_external_id_key').on(t.workspaceId, t.externalId),
    index('deals_list_idx').on(t.workspaceId, t.createdAt, t.id),
    index('deals_account_idx').on(t.workspaceId, t.accountId),
    foreignKey({
      name: 'deals_account_fk',
      columns: [t.workspaceId, t.accountId],
      foreignColumns: [accounts.workspaceId, accounts.id],
    }),
    foreignKey({
      name: 'deals_contact_fk',
      columns: [t.workspaceId, t.primaryContactId],
      foreignColumns: [contacts.workspaceId, contacts.id],
    }),
    foreignKey({
      name: 'deals_origin_lead_fk',
      columns: [t.workspaceId, t.originLeadId],
      foreignColumns: [leads.workspaceId, leads.id],
    }),
    foreignKey({
      name: 'deals_pipeline_fk',
      columns: [t.workspaceId, t.pipelineId],
      foreignColumns: [pipelines.workspaceId, pipelines.id],
    }),
    foreignKey({
      name: 'deals_stage_fk',
      columns: [t.workspaceId, t.stageId],
      foreignColumns: [stages.workspaceId, stages.id],
    }),
    foreignKey({
      name: 'deals_owner_fk',
      columns: [t.workspaceId, t.ownerId],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
  ],
);
