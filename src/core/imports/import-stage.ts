import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { copyRows } from '../db/copy.js';
import { importRows, imports, importTemplates } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { suggestMapping } from './column-mapping.js';
import { targetFields } from './import-fields.js';
import { loadImportRefs } from './import-refs.js';
import type { ImportEntity, ImportSettings } from './imports.schemas.js';
import { rowReader } from './row-values.js';

export type Cells = (string | null)[];
export type StageInput = {
  entity: ImportEntity;
  origin?: string;
  fileName?: string | null;
  fileFormat?: 'csv' | 'xlsx' | 'sql';
  /** The file's size; a function when it is known only once the file has been read. */
  fileBytes?: number | null | (() => number);
  /** Called when every row has been read, before the staging is kept (e.g. refuse a truncated upload). */
  check?: () => void;
  fileInfo?: Record<string, unknown>;
  headers: string[];
  batches: AsyncIterable<Cells[]>;
  settings?: ImportSettings & { templateId?: string };
  /** Stored in imports.options beside the reading options (e.g. {legacy: {...}}). */
  options?: Record<string, unknown>;
  onProgress?: (staged: number) => void;
};

export type ImportRow = typeof imports.$inferSelect;

const STAGE_COLUMNS = [
  'workspace_id',
  'import_id',
  'row_no',
  'raw',
  'values',
  'errors',
  'decision',
  'reason',
];

/** Rows per staging statement (7 parameters a row: well under PostgreSQL's 65,535). */
const STAGE_BATCH = 2000;

/** The settings an import runs with: a template's, then the caller's on top. */
async function settingsOf(db: Db, ctx: Ctx, input: StageInput): Promise<ImportSettings> {
  const s = input.settings ?? {};
  if (!s.templateId) return s;
  const [t] = await db
    .select()
    .from(importTemplates)
    .where(and(eq(importTemplates.workspaceId, ctx.workspaceId), eq(importTemplates.id, s.templateId)));
  if (!t || t.entity !== input.entity)
    throw AppError.invalid('templateId', t ? `is a template for ${t.entity}` : 'no such template');
  return {
    mapping: s.mapping ?? t.mapping,
    mode: s.mode ?? t.mode ?? undefined,
    matchOn: s.matchOn ?? t.matchOn ?? undefined,
    duplicatePolicy: s.duplicatePolicy ?? t.duplicatePolicy ?? undefined,
    options: s.options ?? (t.options as ImportSettings['options']),
  };
}

/** Mapping targets that are not fields of the entity, and fields mapped twice, are refused. */
export function checkMapping(
  headers: string[],
  mapping: Record<string, string | null>,
  fields: { key: string }[],
): Record<string, string | null> {
  const known = new Set(fields.map((f) => f.key));
  const seen = new Map<string, string>();
  const errors: { field: string; reason: string }[] = [];
  const out: Record<string, string | null> = {};
  for (const [h, key] of Object.entries(mapping)) {
    if (!headers.includes(h)) {
      errors.push({ field: `mapping.${h}`, reason: 'is not a column of the file' });
      continue;
    }
    if (key === null || key === '') {
      out[h] = null;
      continue;
    }
    if (!known.has(key))
      errors.push({ field: `mapping.${h}`, reason: `"${key}" is not a field you can import into` });
    else if (seen.has(key))
      errors.push({
        field: `mapping.${h}`,
        reason: `"${key}" is already mapped from column "${seen.get(key)}"`,
      });
    else seen.set(key, h);
    out[h] = key;
  }
  if (errors.length)
    throw new AppError('validation_failed', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), errors);
  return out;
}

/**
 * Stages a file: every row's cells (for the error file and a later re-mapping) and, read through the
 * mapping, its values or errors. Nothing is written to the CRM tables. Rows are staged in statements
 * of STAGE_BATCH; a file error part-way (a ragged row, a huge cell) removes the import and its rows.
 */
export async function stageImport(db: Db, ctx: Ctx, input: StageInput): Promise<ImportRow> {
  const settings = await settingsOf(db, ctx, input);
  const fields = await targetFields(db, ctx, input.entity);
  const iterator = input.batches[Symbol.asyncIterator]();
  const first = await iterator.next();
  const firstBatch = first.done ? [] : first.value;
  const suggestions = suggestMapping(input.headers, fields, firstBatch.slice(0, 50));
  const mapping = checkMapping(
    input.headers,
    settings.mapping ??
      Object.fromEntries(suggestions.map((s) => [s.header, s.confidence >= 0.5 ? s.field : null])),
    fields,
  );
  const id = newId();
  const options = { ...(settings.options ?? {}), ...(input.options ?? {}), suggestions };
  const [imp] = await db
    .insert(imports)
    .values({
      workspaceId: ctx.workspaceId,
      id,
      entity: input.entity,
      origin: input.origin ?? 'upload',
      fileName: input.fileName ?? null,
      fileFormat: input.fileFormat ?? null,
      fileBytes: typeof input.fileBytes === 'function' ? null : (input.fileBytes ?? null),
      fileInfo: input.fileInfo ?? {},
      headers: input.headers,
      mapping,
      mode: settings.mode ?? 'create',
      matchOn: settings.matchOn ?? defaultMatchOn(input.entity),
      duplicatePolicy: settings.duplicatePolicy ?? 'skip',
      options,
      createdBy: ctx.userId,
      heartbeatAt: sql`now()`,
    })
    .returning();
  try {
    const refs = await loadImportRefs(db, ctx, settings.options?.defaultCountry);
    const read = rowReader(
      {
        entity: input.entity,
        headers: input.headers,
        mapping,
        defaults: settings.options?.defaults,
        dateFormat: settings.options?.dateFormat,
        matchOn: imp!.matchOn,
      },
      refs,
    );
    let rowNo = 0;
    const toRow = (cells: Cells): (string | null)[] => {
      const r = read(cells);
      rowNo += 1;
      const bad = r.errors.length > 0;
      return [
        ctx.workspaceId,
        id,
        String(rowNo),
        JSON.stringify(cells),
        r.values ? JSON.stringify(r.values) : null,
        bad ? JSON.stringify(r.errors) : null,
        bad ? 'error' : null,
        bad ? r.errors.map((e) => `${e.field}: ${e.reason}`).join('; ') : null,
      ];
    };
    // One COPY in flight while the next rows are read (on PostgreSQL the server writes one part while
    // this process reads the next; the loop yields now and then so the COPY's data keeps flowing).
    let inflight: Promise<void> = Promise.resolve();
    let beat = Date.now();
    const stage = async (batch: Cells[]) => {
      for (let i = 0; i < batch.length; i += STAGE_BATCH) {
        const part = batch.slice(i, i + STAGE_BATCH);
        const rows: (string | null)[][] = [];
        for (let j = 0; j < part.length; j++) {
          rows.push(toRow(part[j]!));
          if (j % 250 === 249) await new Promise((r) => setImmediate(r));
        }
        await inflight;
        inflight = copyRows(db, 'import_rows', STAGE_COLUMNS, rows);
        inflight.catch(() => {});
      }
      input.onProgress?.(rowNo);
      // An upload still being read keeps its heartbeat (one cut off by a stop is failed after a while).
      if (Date.now() - beat > 5_000) {
        beat = Date.now();
        await db
          .update(imports)
          .set({ heartbeatAt: sql`now()` })
          .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)));
      }
      await new Promise((r) => setImmediate(r));
    };
    try {
      if (firstBatch.length) await stage(firstBatch);
      for (let n = await iterator.next(); !n.done; n = await iterator.next()) await stage(n.value);
    } finally {
      // A COPY still writing when reading failed ends (or fails) before the import is removed.
      await inflight.catch(() => {});
    }
    await inflight;
    input.check?.();
    // Fresh statistics for the preview's joins (PGlite has no autovacuum; on PostgreSQL it lags).
    await db.execute(sql`analyze import_rows`);
    if (rowNo === 0) throw AppError.invalid('file', 'has a header but no data rows');
    const bytes = typeof input.fileBytes === 'function' ? input.fileBytes() : (input.fileBytes ?? null);
    const [done] = await db
      .update(imports)
      .set({ totalRows: rowNo, fileBytes: bytes, updatedAt: sql`now()` })
      .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)))
      .returning();
    return done!;
  } catch (e) {
    await db.delete(imports).where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)));
    throw e;
  }
}

export const defaultMatchOn = (entity: ImportEntity): string =>
  entity === 'leads' || entity === 'contacts' ? 'email' : 'externalId';

/**
 * Reads the staged rows again through a new mapping or settings (PATCH before running): values,
 * errors and decisions are recomputed from the stored cells; nothing else changes.
 */
export async function restageImport(db: Db, ctx: Ctx, imp: ImportRow): Promise<void> {
  const refs = await loadImportRefs(db, ctx, (imp.options as { defaultCountry?: string }).defaultCountry);
  const opts = imp.options as ImportSettings['options'] & Record<string, unknown>;
  const read = rowReader(
    {
      entity: imp.entity,
      headers: imp.headers,
      mapping: imp.mapping,
      defaults: opts?.defaults,
      dateFormat: opts?.dateFormat,
      matchOn: imp.matchOn,
    },
    refs,
  );
  const ws = ctx.workspaceId;
  let after = 0;
  for (;;) {
    const rows = await db
      .select({ rowNo: importRows.rowNo, raw: importRows.raw })
      .from(importRows)
      .where(
        and(
          eq(importRows.workspaceId, ws),
          eq(importRows.importId, imp.id),
          sql`${importRows.rowNo} > ${after}`,
        ),
      )
      .orderBy(importRows.rowNo)
      .limit(STAGE_BATCH);
    if (rows.length === 0) break;
    const out = rows.map((r) => {
      const x = read(r.raw);
      return {
        row_no: r.rowNo,
        values: x.values,
        errors: x.errors.length ? x.errors : null,
        reason: x.errors.length ? x.errors.map((e) => `${e.field}: ${e.reason}`).join('; ') : null,
      };
    });
    await db.execute(sql`update import_rows r set
        values = x.values, errors = x.errors, reason = x.reason,
        decision = case when x.errors is null then null else 'error' end,
        match_id = null, target_id = null, contact_id = null
      from jsonb_to_recordset(${JSON.stringify(out)}::jsonb)
        as x(row_no int, values jsonb, errors jsonb, reason text)
      where r.workspace_id = ${ws} and r.import_id = ${imp.id} and r.row_no = x.row_no`);
    after = rows[rows.length - 1]!.rowNo;
  }
}
