import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Db } from '../src/core/db/client.js';
import { type DatabaseHandle, openDatabase } from '../src/core/db/client.js';
import * as schema from '../src/core/db/schema/index.js';

export type DbKind = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export const DB_KINDS: DbKind[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/** A fresh, migrated, empty database of the given kind, dropped again by `close()`. */
export async function testDatabase(kind: DbKind): Promise<DatabaseHandle> {
  if (kind === 'pglite') {
    const file = process.env.LEADBASE_PGLITE_TEMPLATE;
    if (!file) throw new Error('global setup did not run');
    const client = await PGlite.create({
      loadDataDir: new Blob([readFileSync(file)]),
      extensions: { pg_trgm },
    });
    const db = drizzlePglite({ client, schema, casing: 'snake_case' }) as unknown as Db;
    return {
      db,
      kind,
      exec: async (t) => {
        await client.exec(t);
      },
      migrate: async () => {},
      close: () => client.close(),
    };
  }
  const url = process.env.TEST_DATABASE_URL!;
  const name = `lb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database "${name}" template "${process.env.LEADBASE_PG_TEMPLATE}"`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const h = await openDatabase({ url: u.toString(), poolSize: 10 });
  return {
    ...h,
    close: async () => {
      await h.close();
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}
