import { sql } from 'drizzle-orm';
import { integer, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Columns every tenant table starts with: the workspace leads every key (Citus-ready). */
export const tenantId = () => uuid().notNull();

export const timestamps = () => ({
  createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  updatedAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
});

/** Soft delete and optimistic concurrency for records exposed through the API. */
export const recordMeta = () => ({
  ...timestamps(),
  deletedAt: timestamp({ withTimezone: true }),
  version: integer().notNull().default(1),
});
