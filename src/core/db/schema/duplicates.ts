import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { recordMeta, tenantId } from './common.js';
import { workspaces } from './tenancy.js';

export const DUPLICATE_ENTITIES = ['contact', 'lead', 'account'] as const;
export type DuplicateRuleField = { field: string; match: 'exact' | 'fuzzy'; weight?: number };

/** Per-workspace duplicate rule: which fields decide, how closely, and what happens on a match. */
export const duplicateRules = pgTable(
  'duplicate_rules',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    entity: text({ enum: DUPLICATE_ENTITIES }).notNull(),
    name: text().notNull(),
    fields: jsonb().$type<DuplicateRuleField[]>().notNull(),
    /** Optional condition (the shared condition language) a record must meet for the rule to apply. */
    condition: jsonb().$type<Record<string, unknown> | null>(),
    threshold: real().notNull().default(0.8),
    action: text({ enum: ['block', 'flag', 'link'] })
      .notNull()
      .default('flag'),
    active: boolean().notNull().default(true),
    position: integer().notNull().default(0),
    ...recordMeta(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/** A candidate pair found by a scan or on write; `recordA < recordB`. */
export const duplicateCandidates = pgTable(
  'duplicate_candidates',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    entity: text({ enum: DUPLICATE_ENTITIES }).notNull(),
    recordA: uuid().notNull(),
    recordB: uuid().notNull(),
    score: real().notNull(),
    /** Which fields matched and how closely: [{field, method, similarity, a, b}]. */
    reasons: jsonb().$type<Record<string, unknown>[]>().notNull().default([]),
    status: text({ enum: ['open', 'dismissed', 'merged'] })
      .notNull()
      .default('open'),
    ruleId: uuid(),
    jobId: uuid(),
    detectedAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
    resolvedAt: timestamp({ withTimezone: true }),
    resolvedBy: uuid(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.entity, t.recordA, t.recordB] }),
    index('duplicate_candidates_list_idx').on(
      t.workspaceId,
      t.entity,
      t.status,
      t.score.desc(),
      t.recordA,
      t.recordB,
    ),
    index('duplicate_candidates_b_idx').on(t.workspaceId, t.entity, t.recordB),
  ],
);
