import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import mysql from 'mysql2';
import pg from 'pg';
import { readTable } from '../imports/file-reader.js';
import { AppError } from '../shared/errors.js';
import type { SourceSpec } from './mapping.schemas.js';

export const SOURCE_BATCH = 2000;

/** A source opened for reading: its columns, then its rows in batches (every value as text or null). */
export type SourceTable = {
  columns: string[];
  batches: AsyncGenerator<(string | null)[][]>;
  /** Stops reading early and releases the connection (reading to the end does it too). */
  close(): Promise<void>;
};

const asText = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
};

const sourceError = (what: string, e: unknown): AppError =>
  AppError.invalid('source', `${what}: ${(e as Error).message ?? String(e)}`);

const stripSemicolon = (q: string) => q.trim().replace(/;\s*$/, '');

/** PostgreSQL: a server-side cursor in a read-only transaction, FETCH 2000 at a time. */
async function openPostgres(url: string, query: string): Promise<SourceTable> {
  const client = new pg.Client({ connectionString: url });
  // Every value as PostgreSQL prints it: no Date or number conversions to second-guess.
  const types = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;
  try {
    await client.connect();
    await client.query('begin transaction read only');
    await client.query(`declare legacy_cursor no scroll cursor for ${stripSemicolon(query)}`);
  } catch (e) {
    await client.end().catch(() => {});
    throw sourceError('PostgreSQL source', e);
  }
  const fetch = async () => {
    try {
      return await client.query({
        text: `fetch ${SOURCE_BATCH} from legacy_cursor`,
        rowMode: 'array',
        types,
      });
    } catch (e) {
      throw sourceError('PostgreSQL source', e);
    }
  };
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    await client.query('rollback').catch(() => {});
    await client.end().catch(() => {});
  };
  const first = await fetch().catch(async (e) => {
    await end();
    throw e;
  });
  async function* batches() {
    try {
      let r = first;
      while (r.rows.length) {
        yield (r.rows as unknown[][]).map((row) => row.map(asText));
        if (r.rows.length < SOURCE_BATCH) break;
        r = await fetch();
      }
    } finally {
      await end();
    }
  }
  const gen = batches();
  return {
    columns: first.fields.map((f) => f.name),
    batches: gen,
    close: async () => {
      await gen.return(undefined);
      await end();
    },
  };
}

/** MySQL / MariaDB: one streamed query (rows as text, the connection's flow paused by backpressure). */
async function openMysql(url: string, query: string): Promise<SourceTable> {
  const conn = mysql.createConnection({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    charset: 'utf8mb4',
    dateStrings: true,
  });
  try {
    await new Promise<void>((ok, fail) => conn.connect((e) => (e ? fail(e) : ok())));
  } catch (e) {
    conn.destroy();
    throw sourceError('MySQL source', e);
  }
  const q = conn.query({
    sql: stripSemicolon(query),
    rowsAsArray: true,
    // Every value as the server prints it (dates too: dateStrings), decoded from the connection's utf8mb4.
    typeCast: (field) => field.string(),
  });
  const stream = q.stream({ highWaterMark: SOURCE_BATCH });
  let columns: string[];
  try {
    const [fields] = (await Promise.race([
      once(q, 'fields'),
      once(stream, 'error').then(([e]) => Promise.reject(e)),
    ])) as [{ name: string }[]];
    columns = fields.map((f) => f.name);
  } catch (e) {
    stream.destroy();
    conn.destroy();
    throw sourceError('MySQL source', e);
  }
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    stream.destroy();
    await new Promise<void>((ok) => conn.end(() => ok())).catch(() => {});
    conn.destroy();
  };
  async function* batches() {
    let batch: (string | null)[][] = [];
    try {
      for await (const row of stream as AsyncIterable<unknown[]>) {
        batch.push(row.map(asText));
        if (batch.length >= SOURCE_BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } catch (e) {
      throw sourceError('MySQL source', e);
    } finally {
      await end();
    }
  }
  const gen = batches();
  return {
    columns,
    batches: gen,
    close: async () => {
      await gen.return(undefined);
      await end();
    },
  };
}

/** CSV or Excel: the import engine's reader (any delimiter, BOM, UTF-8 or Latin-1; the first worksheet). */
async function openFile(spec: { type: 'csv' | 'xlsx'; path: string }): Promise<SourceTable> {
  const stream = createReadStream(spec.path);
  const opened = new Promise<void>((ok, fail) => {
    stream.once('open', () => ok());
    stream.once('error', fail);
  });
  try {
    await opened;
  } catch (e) {
    throw sourceError(`cannot read ${spec.path}`, e);
  }
  const t = await readTable(stream, { fileName: basename(spec.path), batchSize: SOURCE_BATCH }).catch((e) => {
    stream.destroy();
    throw e;
  });
  async function* batches() {
    try {
      for await (const b of t.batches) yield b;
    } finally {
      stream.destroy();
    }
  }
  const gen = batches();
  return {
    columns: t.headers,
    batches: gen,
    close: async () => {
      await gen.return(undefined);
      stream.destroy();
    },
  };
}

/** Opens a step's source: a file (CSV or Excel) or a SQL query on PostgreSQL or MySQL/MariaDB. */
export async function openSource(spec: SourceSpec, query?: string): Promise<SourceTable> {
  switch (spec.type) {
    case 'postgres':
      return openPostgres(spec.url, (query ?? spec.query)!);
    case 'mysql':
      return openMysql(spec.url, (query ?? spec.query)!);
    default:
      return openFile(spec);
  }
}
