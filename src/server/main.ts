import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseFromEnv, openDatabase } from '../core/db/client.js';
import { purgeExportFiles } from '../core/exports/export-jobs.service.js';
import { resumeInterruptedImports } from '../core/imports/import-run.js';
import { startJobRecovery } from '../core/jobs/jobs.service.js';
import { startScoreAging } from '../core/scoring/recompute.service.js';
import { buildApp } from './app.js';

export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** Opens the database, migrates it and serves the API and web app until stopped. */
export async function serve(opts: { port?: number; host?: string } = {}): Promise<void> {
  const handle = await openDatabase(databaseFromEnv());
  await handle.migrate();
  const app = await buildApp({
    db: handle.db,
    webDir: WEB_DIR,
    logger: { level: process.env.LOG_LEVEL ?? 'info' },
  });
  // Jobs left queued/running by a stopped process are marked failed: at once on PGlite (one process
  // owns the data directory); on PostgreSQL once their heartbeat is stale, and checked every 30 s.
  const pglite = handle.kind === 'pglite';
  const recovery = startJobRecovery(handle.db, {
    staleMs: pglite ? 0 : undefined,
    everyMs: pglite ? undefined : 30_000,
    log: (m) => app.log.warn(m),
  });
  await recovery.first;
  // Imports a stopped process left running resume from their first row not applied (chunks commit
  // atomically, so nothing is lost or doubled): at once on PGlite, once stale on PostgreSQL, and
  // checked every 30 s there (another server may have stopped).
  const resume = () =>
    resumeInterruptedImports(handle.db, pglite ? 0 : undefined)
      .then(
        (ids) =>
          ids.length && app.log.warn(`Resuming ${ids.length} interrupted import(s): ${ids.join(', ')}`),
      )
      .catch((e) => app.log.error(e, 'resuming imports failed'));
  await resume();
  const resumeTimer = pglite ? null : setInterval(resume, 30_000);
  resumeTimer?.unref();
  // Scores counting activities in a window (or relative dates) age without writes: recomputed every 6 h.
  const stopAging = startScoreAging(handle.db, { log: (m) => app.log.info(m) });
  // Export job files older than the retention (LEADBASE_EXPORT_RETENTION_DAYS, 7) go: now and hourly.
  const purge = () =>
    purgeExportFiles()
      .then((gone) => gone.length && app.log.info(`Deleted ${gone.length} expired export file(s)`))
      .catch((e) => app.log.error(e, 'deleting expired export files failed'));
  void purge();
  const purgeTimer = setInterval(purge, 3600_000);
  purgeTimer.unref();
  const port = opts.port ?? Number(process.env.PORT ?? 3000);
  const host = opts.host ?? process.env.HOST ?? '0.0.0.0';
  const stop = async () => {
    recovery.stop();
    stopAging();
    clearInterval(purgeTimer);
    if (resumeTimer) clearInterval(resumeTimer);
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen({ port, host });
  app.log.info(
    `Leadbase on http://localhost:${port} (${handle.kind}${handle.kind === 'pglite' ? `, data in ${process.env.DATA_DIR ?? './data'}` : ''})`,
  );
}
