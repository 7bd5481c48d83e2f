import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
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
import { tenantId } from './common.js';
import { memberships, workspaces } from './tenancy.js';

export const IMPORT_ENTITIES = ['leads', 'contacts', 'accounts', 'deals', 'activities'] as const;
export const IMPORT_MODES = ['create', 'upsert', 'update'] as const;
export const DUPLICATE_POLICIES = ['skip', 'flag', 'update'] as const;
export const IMPORT_STATUSES = [
  /** rows staged, no preview yet (or the mapping changed since) */
  'staged',
  /** every row has a decision */
  'previewed',
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
  'rolled_back',
] as const;
export const IMPORT_DECISIONS = ['create', 'update', 'skip', 'duplicate', 'error'] as const;

/**
 * One import (a batch): a file (or a legacy source) staged row by row into `import_rows`, previewed
 * (a decision per row), run in chunks (each chunk commits its writes, their before-images in
 * `import_changes` and its rows' `applied_at` together: a crash loses or doubles nothing), and
 * rollable back.
 */
export const imports = pgTable(
  'imports',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    entity: text({ enum: IMPORT_ENTITIES }).notNull(),
    status: text({ enum: IMPORT_STATUSES }).notNull().default('staged'),
    /** upload (web/API), cli, or legacy:<mapping name> */
    origin: text().notNull().default('upload'),
    fileName: text(),
    fileFormat: text({ enum: ['csv', 'xlsx', 'sql'] }),
    fileBytes: bigint({ mode: 'number' }),
    /** How the file was read: delimiter, encoding, header row, sheet. */
    fileInfo: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** Source headers in file order. */
    headers: jsonb().$type<string[]>().notNull().default([]),
    /** Source header → target field key (absent or null: ignored). */
    mapping: jsonb().$type<Record<string, string | null>>().notNull().default({}),
    mode: text({ enum: IMPORT_MODES }).notNull().default('create'),
    /** externalId, email, phone, or custom.<key> of a unique custom field */
    matchOn: text().notNull().default('email'),
    duplicatePolicy: text({ enum: DUPLICATE_POLICIES }).notNull().default('skip'),
    /** Defaults applied to every row (e.g. source, pipelineId, ownerId) and options. */
    options: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    totalRows: integer().notNull().default(0),
    /** Preview totals per decision. */
    counts: jsonb().$type<Record<string, number>>(),
    /** Rows applied so far (run progress). */
    progress: integer().notNull().default(0),
    result: jsonb().$type<Record<string, unknown>>(),
    error: text(),
    /** Set by a cancel request; the run stops after its current chunk. */
    cancelRequested: boolean().notNull().default(false),
    /** A running import's heartbeat: a stale one was interrupted and may be resumed. */
    heartbeatAt: timestamp({ withTimezone: true }),
    createdBy: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
    previewedAt: timestamp({ withTimezone: true }),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    rolledBackAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('imports_list_idx').on(t.workspaceId, t.createdAt),
    foreignKey({
      name: 'imports_created_by_fk',
      columns: [t.workspaceId, t.createdBy],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
  ],
);

/**
 * A staged row: the original cells (for the error file) and, after the preview, the mapped and
 * normalized values, the decision and its reason. `targetId` is fixed at preview for a create (the
 * id the record will get) so a resumed run writes the same ids.
 */
export const importRows = pgTable(
  'import_rows',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    importId: uuid().notNull(),
    /** 1-based data row number (the header is row 0). */
    rowNo: integer().notNull(),
    /** The row's cells in file order, as read. */
    raw: jsonb().$type<(string | null)[]>().notNull(),
    /** Mapped, validated, normalized values (entity-specific shape). */
    values: jsonb().$type<Record<string, unknown>>(),
    decision: text({ enum: IMPORT_DECISIONS }),
    /** Why: the error(s), the match, the skip reason. */
    reason: text(),
    errors: jsonb().$type<{ field: string; reason: string }[]>(),
    /** The existing record the row matched (update, duplicate). */
    matchId: uuid(),
    /** The record the row writes (a new id for a create, the match for an update). */
    targetId: uuid(),
    /** The contact a lead row writes or links (a new id or the matched contact). */
    contactId: uuid(),
    appliedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.importId, t.rowNo] }),
    foreignKey({
      name: 'import_rows_import_fk',
      columns: [t.workspaceId, t.importId],
      foreignColumns: [imports.workspaceId, imports.id],
    }).onDelete('cascade'),
    index('import_rows_decision_idx').on(t.workspaceId, t.importId, t.decision, t.rowNo),
  ],
);

/**
 * What an import wrote: every record it created, and the before-image of every record it updated
 * (the whole row as it was), with the record's `version` after the import's write so that a
 * rollback can tell a record changed since.
 */
export const importChanges = pgTable(
  'import_changes',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    importId: uuid().notNull(),
    /** contacts, leads, accounts, deals, activities (the table) */
    entity: text().notNull(),
    recordId: uuid().notNull(),
    action: text({ enum: ['created', 'updated'] }).notNull(),
    /** The row before the import's first write to it (updates only), as `to_jsonb(row)`. */
    before: jsonb().$type<Record<string, unknown>>(),
    /** The record's version right after the import wrote it. */
    versionAfter: integer(),
    rowNo: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.importId, t.entity, t.recordId] }),
    foreignKey({
      name: 'import_changes_import_fk',
      columns: [t.workspaceId, t.importId],
      foreignColumns: [imports.workspaceId, imports.id],
    }).onDelete('cascade'),
  ],
);

/** A saved column mapping, reusable for the next file of the same shape. */
export const importTemplates = pgTable(
  'import_templates',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    entity: text({ enum: IMPORT_ENTITIES }).notNull(),
    name: text().notNull(),
    mapping: jsonb().$type<Record<string, string | null>>().notNull(),
    mode: text({ enum: IMPORT_MODES }),
    matchOn: text(),
    duplicatePolicy: text({ enum: DUPLICATE_POLICIES }),
    options: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdBy: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('import_templates_entity_idx').on(t.workspaceId, t.entity),
  ],
);
