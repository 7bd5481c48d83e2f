import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { imports } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { systemCtx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { applyAccountsChunk } from './apply-accounts.js';
import { applyActivitiesChunk } from './apply-activities.js';
import { applyContactsChunk } from './apply-contacts.js';
import { applyDealsChunk } from './apply-deals.js';
import { applyLeadsChunk } from './apply-leads.js';
import { type ApplyCtx, type ApplyResult, rowsOf } from './apply-shared.js';
import { loadImportRefs, stageOf } from './import-refs.js';
import type { ImportRow } from './import-stage.js';

/** Rows per chunk: one transaction each (its writes, before-images and `applied_at` together); LEADBASE_IMPORT_CHUNK_ROWS overrides. */
export const CHUNK_ROWS = Number(process.env.LEADBASE_IMPORT_CHUNK_ROWS) || 5000;
/** A running import touches `heartbeat_at` every chunk; one silent this long was interrupted. */
export const STALE_MS = 60_000;
/** An upload being read or previewed (heartbeat every 5 s while reading) silent this long was cut off. */
export const STALE_STAGED_MS = 10 * 60_000;

type Totals = { created: number; updated: number; skipped: number; failed: number; contactsCreated: number };

const APPLY: Partial<Record<ImportRow['entity'], (tx: Db, ctx: Ctx, a: ApplyCtx) => Promise<ApplyResult>>> = {
  leads: applyLeadsChunk,
  contacts: applyContactsChunk,
  accounts: applyAccountsChunk,
  deals: applyDealsChunk,
  activities: applyActivitiesChunk,
};

async function load(db: Db, ctx: Ctx, id: string): Promise<ImportRow> {
  const [imp] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)));
  if (!imp) throw AppError.notFound('Import', id);
  return imp;
}

/**
 * Runs (or resumes) an import in this process, chunk by chunk in row order. Each chunk is one
 * transaction that locks the import row, applies the chunk's rows that are not applied yet, marks
 * them applied and adds to the progress — so a crash or kill loses nothing and doubles nothing, and
 * two runners of the same import take turns instead of racing. A cancel request stops it between
 * chunks (what was applied stays, and can be rolled back).
 */
export async function runImport(
  db: Db,
  ctx: Ctx,
  id: string,
  opts: { onProgress?: (done: number, total: number) => void; chunkRows?: number } = {},
): Promise<ImportRow> {
  let imp = await load(db, ctx, id);
  if (!['previewed', 'queued', 'running', 'failed'].includes(imp.status))
    throw new AppError('conflict', `The import is ${imp.status.replace('_', ' ')}; it cannot run`, [
      { field: 'status', reason: `is ${imp.status}` },
    ]);
  if (!imp.previewedAt)
    throw new AppError('conflict', 'The import was never fully read and previewed; upload the file again', [
      { field: 'status', reason: 'is not previewed' },
    ]);
  const apply = APPLY[imp.entity];
  if (!apply)
    throw new AppError('validation_failed', `Importing ${imp.entity} is not available yet`, [
      { field: 'entity', reason: `${imp.entity} imports cannot run yet` },
    ]);
  const refs = await loadImportRefs(db, ctx);
  const pipeline = refs.defaultPipeline;
  const defaultStage = pipeline && stageOf(pipeline);
  if (!defaultStage)
    throw new AppError('conflict', 'The workspace has no pipeline with a stage to put leads in');
  const where = and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id));
  await db
    .update(imports)
    .set({
      status: 'running',
      error: null,
      startedAt: sql`coalesce(${imports.startedAt}, now())`,
      heartbeatAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(where);
  const size = opts.chunkRows ?? CHUNK_ROWS;
  try {
    // Chunks go in row order: the first row not applied, then on by `size` (asked once: a query for the
    // next unapplied row would pass over every applied row, again for each chunk).
    const span = rowsOf<{ from: number | null; last: number | null }>(
      await db.execute(sql`select min(row_no) filter (where applied_at is null) - 1 as from, max(row_no) as last
        from import_rows where workspace_id = ${ctx.workspaceId} and import_id = ${id}`),
    )[0];
    const last = Number(span?.last ?? 0);
    for (
      let from = span?.from === null || span?.from === undefined ? last : Number(span.from);
      from < last;
      from += size
    ) {
      // Let the event loop turn between chunks: on PGlite (in this thread) requests are served meanwhile.
      await new Promise((r) => setImmediate(r));
      const stop = await db.transaction(async (tx) => {
        const [locked] = await tx.select().from(imports).where(where).for('update');
        if (!locked || locked.cancelRequested || locked.status !== 'running') return locked;
        const done = await apply(tx, ctx, { imp: locked, from, to: from + size, defaultStage });
        const marked = rowsOf<{ n: number; skipped: number; failed: number }>(
          await tx.execute(sql`with m as (update import_rows r set applied_at = now()
              where r.workspace_id = ${ctx.workspaceId} and r.import_id = ${id} and r.row_no > ${from}
                and r.row_no <= ${from + size} and r.applied_at is null
              returning r.decision, r.match_id)
            select count(*)::int as n,
              count(*) filter (where decision = 'skip' or (decision = 'duplicate'
                and (match_id is null or ${locked.duplicatePolicy}::text = 'skip')))::int as skipped,
              count(*) filter (where decision = 'error')::int as failed from m`),
        )[0]!;
        const t = (locked.result ?? {}) as Partial<Totals>;
        const totals: Totals = {
          created: (t.created ?? 0) + done.created,
          updated: (t.updated ?? 0) + done.updated,
          skipped: (t.skipped ?? 0) + marked.skipped,
          failed: (t.failed ?? 0) + marked.failed,
          contactsCreated: (t.contactsCreated ?? 0) + (done.contactsCreated ?? 0),
        };
        await tx
          .update(imports)
          .set({
            progress: sql`${imports.progress} + ${marked.n}`,
            result: totals,
            heartbeatAt: sql`now()`,
            updatedAt: sql`now()`,
          })
          .where(where);
        opts.onProgress?.(locked.progress + marked.n, locked.totalRows);
        return null;
      });
      if (stop) {
        if (stop.cancelRequested && stop.status === 'running')
          await db
            .update(imports)
            .set({ status: 'cancelled', finishedAt: sql`now()`, updatedAt: sql`now()` })
            .where(where);
        return load(db, ctx, id);
      }
    }
    await db
      .update(imports)
      .set({ status: 'completed', finishedAt: sql`now()`, heartbeatAt: null, updatedAt: sql`now()` })
      .where(and(where, eq(imports.status, 'running')));
  } catch (e) {
    // A failed query's own reason (its cause), not the statement text drizzle wraps it in.
    const cause = (e as { cause?: unknown }).cause;
    const message = cause instanceof Error ? cause.message : e instanceof Error ? e.message : String(e);
    await db
      .update(imports)
      .set({ status: 'failed', error: message.slice(0, 2000), heartbeatAt: null, updatedAt: sql`now()` })
      .where(where)
      .catch(() => {});
    throw e;
  }
  imp = await load(db, ctx, id);
  return imp;
}

const running = new Map<string, Promise<unknown>>();

/** Runs the import in the background of this process (the server); its row shows the progress. */
export async function startImport(db: Db, ctx: Ctx, id: string): Promise<void> {
  const imp = await load(db, ctx, id);
  if (running.has(id)) return;
  if (!['previewed', 'failed', 'queued'].includes(imp.status))
    throw new AppError('conflict', `The import is ${imp.status.replace('_', ' ')}; it cannot run`, [
      { field: 'status', reason: `is ${imp.status}` },
    ]);
  if (!imp.previewedAt)
    throw new AppError('conflict', 'The import was never fully read and previewed; upload the file again', [
      { field: 'status', reason: 'is not previewed' },
    ]);
  if (imp.counts && imp.counts.error === imp.totalRows && imp.status === 'previewed')
    throw AppError.invalid('rows', 'every row has an error; fix the file or the mapping first');
  await db
    .update(imports)
    .set({ status: 'queued', cancelRequested: false, heartbeatAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)));
  background(db, ctx, id);
}

function background(db: Db, ctx: Ctx, id: string) {
  const run = (async () => {
    await new Promise((r) => setImmediate(r));
    await runImport(db, ctx, id).catch(() => {});
  })();
  running.set(id, run);
  void run.finally(() => running.delete(id));
}

/** Resolves when every import this process runs has stopped (tests, graceful shutdown). */
export async function settleImports(): Promise<void> {
  while (running.size) await Promise.allSettled([...running.values()]);
}

/**
 * At server start (and then now and again): imports left queued or running by a process that stopped
 * (no heartbeat for `staleMs`) are resumed here, from their first row not applied.
 */
export async function resumeInterruptedImports(db: Db, staleMs = STALE_MS): Promise<string[]> {
  // An upload still being read or previewed was cut off: at the start of the only process (PGlite:
  // staleMs 0) every one; on PostgreSQL one whose heartbeat (every 5 s while reading) stopped long ago.
  const staleStaged = staleMs === 0 ? 0 : Math.max(staleMs, STALE_STAGED_MS);
  await db
    .update(imports)
    .set({
      status: 'failed',
      error: 'the upload was cut off before every row was read; upload the file again',
      heartbeatAt: null,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(imports.status, 'staged'),
        sql`${imports.previewedAt} is null`,
        sql`coalesce(${imports.heartbeatAt}, ${imports.updatedAt}) <= now() - make_interval(secs => ${staleStaged / 1000})`,
      ),
    );
  const stale = await db
    .select({ workspaceId: imports.workspaceId, id: imports.id, createdBy: imports.createdBy })
    .from(imports)
    .where(
      and(
        inArray(imports.status, ['queued', 'running']),
        sql`coalesce(${imports.heartbeatAt}, ${imports.updatedAt}) <= now() - make_interval(secs => ${staleMs / 1000})`,
      ),
    );
  const ids: string[] = [];
  for (const s of stale) {
    if (running.has(s.id)) continue;
    background(db, systemCtx(s.workspaceId, s.createdBy), s.id);
    ids.push(s.id);
  }
  return ids;
}

/**
 * Asks a queued or running import to stop after its current chunk; an import previewed but not run is
 * discarded (cancelled). An import already finished is left as it is (the answer shows its status).
 */
export async function requestCancel(db: Db, ctx: Ctx, id: string): Promise<void> {
  const imp = await load(db, ctx, id);
  const where = and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id));
  if (['staged', 'previewed'].includes(imp.status)) {
    await db
      .update(imports)
      .set({ status: 'cancelled', finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(where);
    return;
  }
  if (!['queued', 'running'].includes(imp.status)) return;
  await db.update(imports).set({ cancelRequested: true, updatedAt: sql`now()` }).where(where);
  // Not started in this process: nothing to stop between chunks.
  if (!running.has(id))
    await db
      .update(imports)
      .set({ status: 'cancelled', finishedAt: sql`now()` })
      .where(and(where, eq(imports.status, 'queued')));
}
