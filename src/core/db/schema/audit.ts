import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantId } from './common.js';
import { workspaces } from './tenancy.js';

/** Immutable record of every mutation, written in the transaction of the change. */
export const auditEntries = pgTable(
  'audit_entries',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    at: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
    actorUserId: uuid(),
    actorApiKeyId: uuid(),
    actorLabel: text(),
    action: text().notNull(),
    entity: text().notNull(),
    entityId: uuid(),
    before: jsonb().$type<Record<string, unknown> | null>(),
    after: jsonb().$type<Record<string, unknown> | null>(),
    requestId: text(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('audit_entity_idx').on(t.workspaceId, t.entity, t.entityId, t.at),
  ],
);
