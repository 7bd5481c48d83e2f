import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrationsFolder, openDatabase } from '../../src/core/db/client.js';

/**
 * Prepares migrated template databases once per run: a PGlite data-dir dump every test file loads
 * (much faster than migrating each time), and, with TEST_DATABASE_URL, a PostgreSQL template database
 * each test file clones with CREATE DATABASE … TEMPLATE.
 */
export const TMP = join(process.cwd(), '.tmp');

function migrationsHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(migrationsFolder, { recursive: true }).map(String).sort())
    if (f.endsWith('.sql') || f.endsWith('.json'))
      h.update(f).update(readFileSync(join(migrationsFolder, f)));
  return h.digest('hex').slice(0, 12);
}

export default async function setup() {
  mkdirSync(TMP, { recursive: true });
  const hash = migrationsHash();
  const file = join(TMP, `pglite-template-${hash}.tar`);
  if (!existsSync(file)) {
    const h = await openDatabase({ dataDir: 'memory://' });
    await h.migrate();
    const client = (h.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client;
    const dump = await client.dumpDataDir('none');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await h.close();
  }
  process.env.LEADBASE_PGLITE_TEMPLATE = file;

  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const template = `leadbase_tpl_${hash}`;
  process.env.LEADBASE_PG_TEMPLATE = template;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
  if (exists.rowCount === 0) {
    await admin.query(`create database "${template}"`);
    const u = new URL(url);
    u.pathname = `/${template}`;
    const h = await openDatabase({ url: u.toString(), poolSize: 1 });
    await h.migrate();
    await h.close();
  }
  await admin.end();
}
