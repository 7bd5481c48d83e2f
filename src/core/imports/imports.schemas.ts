import { z } from 'zod';
import {
  DUPLICATE_POLICIES,
  IMPORT_DECISIONS,
  IMPORT_ENTITIES,
  IMPORT_MODES,
  IMPORT_STATUSES,
} from '../db/schema/index.js';
import { zId, zTimestamp } from '../shared/records.js';

export { DUPLICATE_POLICIES, IMPORT_DECISIONS, IMPORT_ENTITIES, IMPORT_MODES, IMPORT_STATUSES };
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];
export type ImportMode = (typeof IMPORT_MODES)[number];
export type DuplicatePolicy = (typeof DUPLICATE_POLICIES)[number];
export type ImportDecision = (typeof IMPORT_DECISIONS)[number];
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** Source header → target field key (see GET /imports/fields); null or absent: the column is ignored. */
export const importMapping = z
  .record(z.string().max(500), z.string().max(200).nullable())
  .describe('Source column header → target field key (GET /api/v1/imports/fields); null ignores the column');

export const matchOn = z
  .string()
  .regex(
    /^(id|externalId|email|phone|custom\.[a-z][a-z0-9_]{0,62})$/,
    'must be id, externalId, email, phone or custom.<key>',
  )
  .describe(
    'What identifies an existing record: id (a Leadbase id, re-importing an export), externalId, email, phone, or custom.<key> of a unique custom field',
  );

/** Values applied to every row that does not set them, and how to read values. */
export const importOptions = z
  .strictObject({
    defaults: z
      .record(z.string().max(200), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]))
      .optional()
      .describe('Target field key → value for rows that leave it empty (e.g. {"source": "trade show"})'),
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code')
      .optional()
      .describe("Country for local phone numbers; the workspace's when absent"),
    dateFormat: z
      .enum(['auto', 'ymd', 'dmy', 'mdy'])
      .optional()
      .describe('How to read dates like 03/04/2025 (auto: ISO, or day-first when unambiguous)'),
  })
  .describe('Defaults and reading options');

export const importSettings = z.strictObject({
  mapping: importMapping.optional(),
  mode: z
    .enum(IMPORT_MODES)
    .optional()
    .describe('create: only new records; upsert: create or update the match; update: only update matches'),
  matchOn: matchOn.optional(),
  duplicatePolicy: z
    .enum(DUPLICATE_POLICIES)
    .optional()
    .describe(
      'In create mode, a row matching an existing record: skip it, flag it (create, marked duplicate), or update the existing one',
    ),
  options: importOptions.optional(),
});
export type ImportSettings = z.infer<typeof importSettings>;

/** Multipart text fields of POST /imports (the file is the `file` part). JSON-valued fields arrive as JSON text. */
export const importCreateFields = importSettings.extend({
  entity: z.enum(IMPORT_ENTITIES),
  templateId: zId.optional().describe('Start from a saved template (its mapping and settings)'),
});
export type ImportCreateFields = z.infer<typeof importCreateFields>;

export const importCounts = z.object({
  create: z.number().int(),
  update: z.number().int(),
  skip: z.number().int(),
  duplicate: z.number().int(),
  error: z.number().int(),
});
export type ImportCounts = z.infer<typeof importCounts>;

export const importRowOut = z.object({
  rowNo: z.number().int().describe('1-based data row (the header is row 0)'),
  decision: z.enum(IMPORT_DECISIONS).nullable(),
  reason: z.string().nullable(),
  errors: z.array(z.object({ field: z.string(), reason: z.string() })),
  matchId: zId.nullable().describe('The existing record the row matched'),
  targetId: zId.nullable().describe('The record the row writes (created or updated)'),
  cells: z.record(z.string(), z.string().nullable()).describe('The row as read: header → cell'),
  applied: z.boolean(),
});
export type ImportRowOut = z.infer<typeof importRowOut>;

export const importSuggestion = z.object({
  header: z.string(),
  field: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  sample: z.array(z.string()).describe('First non-empty values of the column'),
});

export const importResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  contactsCreated: z.number().int().optional(),
  contactsUpdated: z.number().int().optional(),
  rolledBack: z
    .object({
      deleted: z.number().int(),
      restored: z.number().int(),
      conflicts: z.number().int(),
      forced: z.boolean(),
    })
    .optional(),
});

export const importOut = z.object({
  id: zId,
  entity: z.enum(IMPORT_ENTITIES),
  status: z.enum(IMPORT_STATUSES),
  origin: z.string(),
  fileName: z.string().nullable(),
  fileFormat: z.string().nullable(),
  fileBytes: z.number().nullable(),
  fileInfo: z.record(z.string(), z.unknown()),
  headers: z.array(z.string()),
  mapping: z.record(z.string(), z.string().nullable()),
  suggestions: z.array(importSuggestion).describe('Per header: the suggested field and how sure'),
  mode: z.enum(IMPORT_MODES),
  matchOn: z.string(),
  duplicatePolicy: z.enum(DUPLICATE_POLICIES),
  options: z.record(z.string(), z.unknown()),
  totalRows: z.number().int(),
  preview: z.object({
    counts: importCounts.nullable(),
    rows: z.array(importRowOut).describe('The first rows; page through all with GET /imports/:id/rows'),
  }),
  progress: z.object({
    done: z.number().int(),
    total: z.number().int(),
    percent: z.number(),
  }),
  result: importResult.nullable(),
  error: z.string().nullable(),
  cancelRequested: z.boolean(),
  createdBy: zId.nullable(),
  createdAt: zTimestamp,
  previewedAt: zTimestamp.nullable(),
  startedAt: zTimestamp.nullable(),
  finishedAt: zTimestamp.nullable(),
  rolledBackAt: zTimestamp.nullable(),
});
export type ImportOut = z.infer<typeof importOut>;

export const importSummaryOut = importOut.omit({
  preview: true,
  suggestions: true,
  headers: true,
  mapping: true,
});

export const importRowsQuery = z.strictObject({
  decision: z.enum(IMPORT_DECISIONS).optional(),
  cursor: z.coerce.number().int().min(0).optional().describe('Row number to continue after'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const rollbackInput = z.strictObject({
  force: z
    .boolean()
    .default(false)
    .describe('Also undo records changed since the import (their later changes are lost)'),
});

export const targetFieldOut = z.object({
  key: z
    .string()
    .describe('Mapping target, e.g. email, address.city, custom.budget, contact.custom.birthday'),
  label: z.string(),
  type: z
    .string()
    .describe(
      'text, email, phone, number, money, date, timestamp, boolean, enum, select, multiselect, url, ref',
    ),
  group: z.enum(['record', 'contact', 'address', 'custom', 'contact_custom']),
  required: z.boolean(),
  options: z.array(z.string()).optional(),
  description: z.string().optional(),
});
export type TargetField = z.infer<typeof targetFieldOut>;

export const importTemplateIn = z.strictObject({
  entity: z.enum(IMPORT_ENTITIES),
  name: z.string().trim().min(1).max(200),
  mapping: importMapping,
  mode: z.enum(IMPORT_MODES).optional(),
  matchOn: matchOn.optional(),
  duplicatePolicy: z.enum(DUPLICATE_POLICIES).optional(),
  options: importOptions.optional(),
});
export const importTemplateOut = importTemplateIn.extend({
  id: zId,
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type ImportTemplateIn = z.infer<typeof importTemplateIn>;
export type ImportTemplateOut = z.infer<typeof importTemplateOut>;
