import { sql } from 'drizzle-orm';
import {
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantId } from './common.js';

/** Users are global: one person may belong to several workspaces. */
export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey(),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)],
);

export const workspaces = pgTable('workspaces', {
  id: uuid().primaryKey(),
  name: text().notNull(),
  defaultCountry: text().notNull().default('US'),
  currency: text().notNull().default('USD'),
  /** Who gets a new lead no assignment rule matches (null: it stays unassigned). */
  assignmentFallbackUserId: uuid(),
  createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  updatedAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
});

export const memberships = pgTable(
  'memberships',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    role: text({ enum: ['owner', 'admin', 'manager', 'rep', 'viewer'] }).notNull(),
    /** Members are deactivated, not deleted: records they own keep pointing at them. */
    removedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

/**
 * Browser sessions: the cookie holds a random token, the table its SHA-256. Sessions are global (a
 * person's, across their workspaces), so the workspace they currently work in is not `workspace_id`.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid().primaryKey(),
    tokenHash: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    currentWorkspaceId: uuid().references(() => workspaces.id),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('sessions_token_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    name: text().notNull(),
    prefix: text().notNull(),
    keyHash: text().notNull(),
    role: text({ enum: ['admin', 'manager', 'rep', 'viewer'] })
      .notNull()
      .default('admin'),
    createdBy: uuid().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    // Looked up across workspaces by hash; not UNIQUE, since a distributed (Citus) table's unique indexes
    // must include workspace_id. A SHA-256 of 24 random bytes does not collide.
    index('api_keys_hash_idx').on(t.keyHash),
    foreignKey({
      name: 'api_keys_creator_fk',
      columns: [t.workspaceId, t.createdBy],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
  ],
);

/** Stored responses for `Idempotency-Key` on create. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    key: text().notNull(),
    route: text().notNull(),
    requestHash: text().notNull(),
    statusCode: text().notNull(),
    response: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.route, t.key] })],
);
