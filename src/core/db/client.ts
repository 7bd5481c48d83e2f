import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { type PgDatabase, type PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** A database or a transaction: services take either and never care which driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export type DatabaseHandle = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs raw SQL text (several statements allowed); for tests, tooling and benchmarks. */
  exec(sqlText: string): Promise<void>;
  migrate(): Promise<void>;
  close(): Promise<void>;
  pool?: pg.Pool;
};

export type OpenOptions = {
  /** postgres://… connection string; when absent, embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; `memory://` (or undefined with `inMemory`) keeps it in memory. */
  dataDir?: string;
  poolSize?: number;
};

export async function openDatabase(opts: OpenOptions): Promise<DatabaseHandle> {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 20 });
    // An idle pooled connection the server closes (restart, pg_terminate_backend, a dropped database)
    // emits 'error' on the pool; unhandled, that would crash the process. The pool drops the client and
    // the next query opens a new connection, so nothing else is needed.
    pool.on('error', () => {});
    // numeric and bigint come back as strings (money is never a float); dates as ISO strings by Drizzle.
    const db = drizzlePg({ client: pool, schema, casing: 'snake_case' }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      pool,
      exec: async (text) => {
        await pool.query(text);
      },
      migrate: async () => {
        const client = await pool.connect();
        try {
          // Serialise concurrent migrators (several processes starting at once).
          await client.query('select pg_advisory_lock(727274)');
          await migratePg(drizzlePg({ client, casing: 'snake_case' }), { migrationsFolder });
        } finally {
          await client.query('select pg_advisory_unlock(727274)').catch(() => {});
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }
  const dataDir = opts.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir, extensions: { pg_trgm } });
  const db = drizzlePglite({ client, schema, casing: 'snake_case' }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    exec: async (text) => {
      await client.exec(text);
    },
    migrate: async () => {
      await migratePglite(drizzlePglite({ client, casing: 'snake_case' }), { migrationsFolder });
    },
    close: () => client.close(),
  };
}

export function databaseFromEnv(env = process.env): OpenOptions {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  return { dataDir: env.DATA_DIR ?? './data' };
}

/** True inside `db.transaction(…)`: prepared statements of the root handle run outside it. */
export const isTransaction = (db: Db): boolean => db instanceof PgTransaction;
