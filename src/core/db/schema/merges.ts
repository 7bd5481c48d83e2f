import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantId } from './common.js';
import { workspaces } from './tenancy.js';

/**
 * One merge of records into a survivor. `snapshot` holds every row the merge touched, as it was
 * before ({table: rows[]}); `touched` the keys and versions it left, so an undo can restore
 * exactly or name the later change that prevents it.
 */
export const merges = pgTable(
  'merges',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    entity: text({ enum: ['contact', 'lead', 'account'] }).notNull(),
    survivorId: uuid().notNull(),
    mergedIds: uuid().array().notNull(),
    /** Field picks: {field: recordId whose value won}. */
    fields: jsonb().$type<Record<string, string>>().notNull().default({}),
    snapshot: jsonb().$type<Record<string, Record<string, unknown>[]>>().notNull(),
    touched: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdBy: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
    undoneAt: timestamp({ withTimezone: true }),
    undoneBy: uuid(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('merges_survivor_idx').on(t.workspaceId, t.entity, t.survivorId),
  ],
);
