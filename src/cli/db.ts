import { type DatabaseHandle, databaseFromEnv, openDatabase } from '../core/db/client.js';

/** Where the database is, for messages: a PostgreSQL URL without its password, or the PGlite directory. */
export function describeDatabase(env = process.env): string {
  const opts = databaseFromEnv(env);
  if (opts.url) {
    try {
      const u = new URL(opts.url);
      if (u.password) u.password = '***';
      return `PostgreSQL ${u.toString()}`;
    } catch {
      return 'PostgreSQL (DATABASE_URL)';
    }
  }
  return `PGlite in ${opts.dataDir}`;
}

/** Opens the database from DATABASE_URL (PostgreSQL) or DATA_DIR (PGlite, default ./data), migrated. */
export async function openFromEnv(opts: { migrate?: boolean } = {}): Promise<DatabaseHandle> {
  const handle = await openDatabase(databaseFromEnv());
  try {
    if (opts.migrate !== false) await handle.migrate();
  } catch (e) {
    await handle.close().catch(() => {});
    throw e;
  }
  return handle;
}

/** Runs work with a database from the environment and always closes it. */
export async function withDatabase<T>(
  work: (h: DatabaseHandle) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  const handle = await openFromEnv(opts);
  try {
    return await work(handle);
  } finally {
    await handle.close().catch(() => {});
  }
}
