import { sql } from 'drizzle-orm';
import {
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
import { recordMeta, tenantId } from './common.js';
import { memberships, workspaces } from './tenancy.js';

export const accounts = pgTable(
  'accounts',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    externalId: text(),
    name: text().notNull(),
    domain: text(),
    website: text(),
    phone: text(),
    accountType: text({ enum: ['customer', 'prospect', 'partner', 'competitor', 'reseller'] }),
    industry: text(),
    companySize: text(),
    annualRevenue: numeric({ precision: 16, scale: 2 }),
    taxId: text(),
    health: text({ enum: ['green', 'yellow', 'red', 'black'] }),
    lifecycleStage: text(),
    description: text(),
    address: jsonb().$type<Record<string, string | null>>(),
    ownerId: uuid(),
    custom: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdBy: uuid(),
    ...recordMeta(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('accounts_custom_idx').using('gin', sql`${t.custom} jsonb_path_ops`),
    uniqueIndex('accounts_external_id_key').on(t.workspaceId, t.externalId),
    index('accounts_domain_idx').on(t.workspaceId, sql`lower(${t.domain})`),
    index('accounts_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
    foreignKey({
      name: 'accounts_owner_fk',
      columns: [t.workspaceId, t.ownerId],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
  ],
);
