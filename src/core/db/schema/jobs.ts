import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantId } from './common.js';
import { workspaces } from './tenancy.js';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

/** Background work (duplicate scans, imports, recomputations) with progress a user can watch. */
export const jobs = pgTable(
  'jobs',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    type: text().notNull(),
    status: text({ enum: JOB_STATUSES }).notNull().default('queued'),
    progress: integer().notNull().default(0),
    total: integer(),
    input: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    result: jsonb().$type<Record<string, unknown> | null>(),
    error: text(),
    createdBy: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('jobs_list_idx').on(t.workspaceId, t.type, t.createdAt),
  ],
);
