import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { importRows, imports } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { iso } from '../shared/records.js';
import { targetFields } from './import-fields.js';
import { countDecisions, previewImport } from './import-preview.js';
import { rollbackImport } from './import-rollback.js';
import { requestCancel, runImport, startImport } from './import-run.js';
import { checkMapping, type ImportRow, restageImport, type StageInput, stageImport } from './import-stage.js';
import type { ImportOut, ImportRowOut, ImportSettings } from './imports.schemas.js';

export { runImport, startImport };

type RowRecord = typeof importRows.$inferSelect;

const toRow = (imp: ImportRow, r: RowRecord): ImportRowOut => ({
  rowNo: r.rowNo,
  decision: r.decision,
  reason: r.reason,
  errors: r.errors ?? [],
  matchId: r.matchId,
  targetId: r.targetId,
  cells: Object.fromEntries(imp.headers.map((h, i) => [h, r.raw[i] ?? null])),
  applied: r.appliedAt !== null,
});

async function load(db: Db, ctx: Ctx, id: string): Promise<ImportRow> {
  const [imp] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)));
  if (!imp) throw AppError.notFound('Import', id);
  return imp;
}

export function toImport(imp: ImportRow, rows: ImportRowOut[] = []): ImportOut {
  const { suggestions, ...options } = imp.options as Record<string, unknown>;
  const result = imp.result as ImportOut['result'];
  return {
    id: imp.id,
    entity: imp.entity,
    status: imp.status,
    origin: imp.origin,
    fileName: imp.fileName,
    fileFormat: imp.fileFormat,
    fileBytes: imp.fileBytes,
    fileInfo: imp.fileInfo,
    headers: imp.headers,
    mapping: imp.mapping,
    suggestions: (suggestions as ImportOut['suggestions']) ?? [],
    mode: imp.mode,
    matchOn: imp.matchOn,
    duplicatePolicy: imp.duplicatePolicy,
    options,
    totalRows: imp.totalRows,
    preview: { counts: (imp.counts as ImportOut['preview']['counts']) ?? null, rows },
    progress: {
      done: imp.progress,
      total: imp.totalRows,
      percent: imp.totalRows ? Math.round((imp.progress / imp.totalRows) * 1000) / 10 : 0,
    },
    result: result
      ? {
          created: result.created ?? 0,
          updated: result.updated ?? 0,
          skipped: result.skipped ?? 0,
          failed: result.failed ?? 0,
          ...(result.contactsCreated !== undefined ? { contactsCreated: result.contactsCreated } : {}),
          ...(result.rolledBack ? { rolledBack: result.rolledBack } : {}),
        }
      : null,
    error: imp.error,
    cancelRequested: imp.cancelRequested,
    createdBy: imp.createdBy,
    createdAt: imp.createdAt.toISOString(),
    previewedAt: iso(imp.previewedAt),
    startedAt: iso(imp.startedAt),
    finishedAt: iso(imp.finishedAt),
    rolledBackAt: iso(imp.rolledBackAt),
  };
}

/** The first rows of the preview shown with an import. */
const PREVIEW_ROWS = 20;

export async function getImport(db: Db, ctx: Ctx, id: string): Promise<ImportOut> {
  const imp = await load(db, ctx, id);
  const rows = await db
    .select()
    .from(importRows)
    .where(and(eq(importRows.workspaceId, ctx.workspaceId), eq(importRows.importId, id)))
    .orderBy(importRows.rowNo)
    .limit(PREVIEW_ROWS);
  return toImport(
    imp,
    rows.map((r) => toRow(imp, r)),
  );
}

export async function markPreviewed(db: Db, ctx: Ctx, imp: ImportRow): Promise<void> {
  await db
    .update(imports)
    .set({ heartbeatAt: sql`now()` })
    .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, imp.id)));
  const counts = await previewImport(db, ctx, imp);
  await db
    .update(imports)
    .set({ counts, status: 'previewed', previewedAt: sql`now()`, heartbeatAt: null, updatedAt: sql`now()` })
    .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, imp.id)));
}

/** Stages the rows, previews every one, and returns the import (nothing written to the CRM tables). */
export async function createImport(db: Db, ctx: Ctx, input: StageInput): Promise<ImportOut> {
  const imp = await stageImport(db, ctx, input);
  await markPreviewed(db, ctx, imp);
  return getImport(db, ctx, imp.id);
}

/** Changes the mapping or settings before running: rows are read again and previewed again. */
export async function updateImportSettings(
  db: Db,
  ctx: Ctx,
  id: string,
  s: ImportSettings,
): Promise<ImportOut> {
  const imp = await load(db, ctx, id);
  if (!['staged', 'previewed'].includes(imp.status))
    throw new AppError(
      'conflict',
      `The import is ${imp.status.replace('_', ' ')}; its settings cannot change now`,
      [{ field: 'status', reason: `is ${imp.status}` }],
    );
  const fields = await targetFields(db, ctx, imp.entity);
  const mapping = s.mapping
    ? checkMapping(imp.headers, { ...imp.mapping, ...s.mapping }, fields)
    : imp.mapping;
  // New reading options replace the old ones; other stored keys (suggestions, a legacy run's tag) stay.
  const {
    defaults: _d,
    defaultCountry: _c,
    dateFormat: _f,
    ...kept
  } = imp.options as Record<string, unknown>;
  const options = s.options ? { ...kept, ...s.options } : imp.options;
  const [next] = await db
    .update(imports)
    .set({
      mapping,
      mode: s.mode ?? imp.mode,
      matchOn: s.matchOn ?? imp.matchOn,
      duplicatePolicy: s.duplicatePolicy ?? imp.duplicatePolicy,
      options,
      status: 'staged',
      updatedAt: sql`now()`,
    })
    .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)))
    .returning();
  // Values depend on the mapping, the options and (custom match keys) matchOn.
  const reread =
    s.mapping !== undefined ||
    s.options !== undefined ||
    (s.matchOn !== undefined && (s.matchOn.startsWith('custom.') || imp.matchOn.startsWith('custom.')));
  if (reread) await restageImport(db, ctx, next!);
  await markPreviewed(db, ctx, next!);
  return getImport(db, ctx, id);
}

export async function listImports(
  db: Db,
  ctx: Ctx,
  q: { cursor?: string; limit: number; origin?: string },
): Promise<{ data: ImportOut[]; nextCursor: string | null }> {
  const rows = await db
    .select()
    .from(imports)
    .where(
      and(
        eq(imports.workspaceId, ctx.workspaceId),
        q.origin ? eq(imports.origin, q.origin) : undefined,
        q.cursor ? sql`${imports.id} < ${q.cursor}` : undefined,
      ),
    )
    .orderBy(desc(imports.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    data: page.map((r) => toImport(r)),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}

export async function listImportRows(
  db: Db,
  ctx: Ctx,
  id: string,
  q: { decision?: string; cursor?: number; limit: number },
): Promise<{ data: ImportRowOut[]; nextCursor: number | null }> {
  const imp = await load(db, ctx, id);
  const rows = await db
    .select()
    .from(importRows)
    .where(
      and(
        eq(importRows.workspaceId, ctx.workspaceId),
        eq(importRows.importId, id),
        q.decision ? sql`${importRows.decision} = ${q.decision}` : undefined,
        q.cursor !== undefined ? sql`${importRows.rowNo} > ${q.cursor}` : undefined,
      ),
    )
    .orderBy(importRows.rowNo)
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    data: page.map((r) => toRow(imp, r)),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.rowNo : null,
  };
}

/**
 * The error file: the original header and rejected rows as read, plus "Import error" (why) and
 * "Row" (where it was), to fix and import again. Yields the header, then rows, page by page.
 */
export async function* errorRows(db: Db, ctx: Ctx, id: string): AsyncGenerator<(string | null)[]> {
  const imp = await load(db, ctx, id);
  yield [...imp.headers, 'Import error', 'Row'];
  let after = 0;
  for (;;) {
    const rows = await db
      .select({ rowNo: importRows.rowNo, raw: importRows.raw, reason: importRows.reason })
      .from(importRows)
      .where(
        and(
          eq(importRows.workspaceId, ctx.workspaceId),
          eq(importRows.importId, id),
          eq(importRows.decision, 'error'),
          sql`${importRows.rowNo} > ${after}`,
        ),
      )
      .orderBy(importRows.rowNo)
      .limit(2000);
    if (!rows.length) return;
    for (const r of rows) yield [...imp.headers.map((_, i) => r.raw[i] ?? null), r.reason, String(r.rowNo)];
    after = rows[rows.length - 1]!.rowNo;
  }
}

export async function cancelImport(db: Db, ctx: Ctx, id: string): Promise<ImportOut> {
  await requestCancel(db, ctx, id);
  return getImport(db, ctx, id);
}

export async function undoImport(db: Db, ctx: Ctx, id: string, force: boolean): Promise<ImportOut> {
  await rollbackImport(db, ctx, id, { force });
  return getImport(db, ctx, id);
}

export async function recount(db: Db, ctx: Ctx, id: string) {
  return countDecisions(db, ctx, id);
}
