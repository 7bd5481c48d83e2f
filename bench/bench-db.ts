import pg from 'pg';

/**
 * Creates the benchmark's database on the local server when it is missing (never another host);
 * `fresh` drops it first.
 */
export async function ensureDatabase(url: string, opts: { fresh?: boolean } = {}): Promise<void> {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host))
    throw new Error(`the benchmark database must be on 127.0.0.1 (got ${host})`);
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[\w-]+$/.test(name)) throw new Error(`unexpected database name ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    if (opts.fresh) {
      console.error(`--fresh: dropping database ${name}`);
      await c.query(`drop database if exists "${name}" with (force)`);
    }
    const r = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (r.rowCount === 0) {
      console.error(`creating database ${name}`);
      await c.query(`create database "${name}"`);
    }
  } finally {
    await c.end();
  }
}
