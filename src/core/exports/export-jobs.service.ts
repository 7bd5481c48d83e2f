import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Db } from '../db/client.js';
import { getJob, startJob } from '../jobs/jobs.service.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import type { ListQuery } from '../shared/list-query.js';
import { type ExportFormat, type ExportJobBody, exportQuerySchema } from './export.schemas.js';
import { CONTENT_TYPES, EXPORT_PAGE_SIZE, exportFileName, openExport } from './export.service.js';
import { EXPORT_DEFS, type ExportResource, resolveColumns } from './export-resources.js';

/**
 * Large exports as background jobs: the file is written under the data directory,
 * `<DATA_DIR>/exports/<workspace>/<job id>.<csv|xlsx>` (LEADBASE_EXPORTS_DIR overrides the
 * `<DATA_DIR>/exports` part), with the job's progress counting the rows written; its owner downloads
 * it with GET /export-jobs/:id/file. Files are deleted after the retention (purgeExportFiles).
 */
export const EXPORT_JOB_TYPE = 'export';

export const exportsDir = (env = process.env): string =>
  resolve(env.LEADBASE_EXPORTS_DIR ?? join(env.DATA_DIR ?? './data', 'exports'));

const filePath = (workspaceId: string, jobId: string, format: ExportFormat) =>
  join(exportsDir(), workspaceId, `${jobId}.${format}`);

/** Parses a job's filters as the export's querystring (same names, same errors as the list). */
export function parseExportFilters(resource: ExportResource, filters: Record<string, string>) {
  const r = exportQuerySchema(EXPORT_DEFS[resource].spec).safeParse({ ...filters, format: 'csv' });
  if (!r.success) {
    const errors = r.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((k) => ({ field: `filters.${k}`, reason: 'is not a filter of this list' }))
        : [{ field: `filters.${i.path.join('.')}`, reason: i.message }],
    );
    throw new AppError('validation_failed', `Bad filters: ${errors.map((e) => e.field).join(', ')}`, errors);
  }
  const { format: _f, columns: _c, ...query } = r.data as Record<string, unknown>;
  if (_c !== undefined) throw AppError.invalid('filters.columns', 'give columns as the body’s columns');
  return query as Omit<ListQuery, 'limit' | 'cursor'>;
}

/** Starts an export job (columns and filters checked first, so a bad request fails at once). */
export async function startExportJob(
  db: Db,
  ctx: Ctx,
  resource: ExportResource,
  body: ExportJobBody,
): Promise<string> {
  const query = parseExportFilters(resource, body.filters);
  await resolveColumns(db, ctx, resource, body.columns);
  // Custom-field filters are resolved by the list itself: one row read checks them now.
  await EXPORT_DEFS[resource].list(db, ctx, { ...query, limit: 1 } as ListQuery);
  const input = { resource, format: body.format, columns: body.columns ?? null, filters: body.filters };
  return startJob(db, ctx, EXPORT_JOB_TYPE, input, async (progress, jobId) => {
    const path = filePath(ctx.workspaceId, jobId, body.format);
    await mkdir(join(exportsDir(), ctx.workspaceId), { recursive: true });
    const part = `${path}.part`;
    await progress('export', 0, 0);
    const ex = await openExport(db, ctx, {
      resource,
      format: body.format,
      columns: body.columns,
      query,
      // The total is not known before the end: the job counts the rows written so far.
      onRows: (n) => progress('export', n, n),
    });
    try {
      await pipeline(ex.stream, createWriteStream(part));
      await rename(part, path);
    } catch (e) {
      await rm(part, { force: true });
      throw e;
    }
    const { size } = await stat(path);
    await progress('done', ex.rows(), ex.rows());
    return { rows: ex.rows(), bytes: size, fileName: ex.fileName, pageSize: EXPORT_PAGE_SIZE };
  });
}

/** The finished file of an export job of this workspace (404 for another workspace's job). */
export async function exportJobFile(
  db: Db,
  ctx: Ctx,
  jobId: string,
): Promise<{ stream: Readable; fileName: string; contentType: string; bytes: number }> {
  const job = await getJob(db, ctx, jobId);
  if (job.type !== EXPORT_JOB_TYPE) throw AppError.notFound('Export job', jobId);
  if (job.status !== 'succeeded')
    throw new AppError(
      'conflict',
      job.status === 'failed'
        ? `The export failed: ${job.error ?? 'unknown error'}`
        : `The export is not finished yet (${job.status}); watch GET /api/v1/jobs/${jobId}`,
    );
  const format = job.input.format as ExportFormat;
  const path = filePath(ctx.workspaceId, jobId, format);
  const size = await stat(path).then(
    (s) => s.size,
    () => {
      throw AppError.notFound('Export file of job', jobId);
    },
  );
  const fileName =
    typeof job.result?.fileName === 'string'
      ? job.result.fileName
      : exportFileName(job.input.resource as ExportResource, format);
  return { stream: createReadStream(path), fileName, contentType: CONTENT_TYPES[format], bytes: size };
}

/** How long an export job's file is kept (LEADBASE_EXPORT_RETENTION_DAYS, default 7 days). */
export const exportRetentionMs = (env = process.env): number =>
  (Number(env.LEADBASE_EXPORT_RETENTION_DAYS) || 7) * 24 * 3600_000;

/**
 * Deletes export job files older than the retention (and `.part` files a stopped server left behind,
 * after a day): exports are copies of the workspace's data and should not pile up on disk. A job whose
 * file is gone answers its download with 404. Returns the paths removed.
 */
export async function purgeExportFiles(
  opts: { now?: number; retentionMs?: number; dir?: string } = {},
): Promise<string[]> {
  const now = opts.now ?? Date.now();
  const keep = opts.retentionMs ?? exportRetentionMs();
  const root = opts.dir ?? exportsDir();
  const removed: string[] = [];
  const workspaces = await readdir(root).catch(() => [] as string[]);
  for (const ws of workspaces) {
    const files = await readdir(join(root, ws)).catch(() => [] as string[]);
    for (const f of files) {
      const path = join(root, ws, f);
      const s = await stat(path).catch(() => null);
      if (!s?.isFile()) continue;
      const limit = f.endsWith('.part') ? Math.min(keep, 24 * 3600_000) : keep;
      if (now - s.mtimeMs > limit) {
        await rm(path, { force: true });
        removed.push(path);
      }
    }
  }
  return removed;
}
