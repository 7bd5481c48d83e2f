import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from './client.js';

/** A value in COPY's text format: \N for null; backslash, tab, newline and CR escaped. */
const copyText = (v: string | null): string =>
  v === null
    ? '\\N'
    : v.replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      );

const lines = (rows: (string | null)[][]): string =>
  rows.map((r) => `${r.map(copyText).join('\t')}\n`).join('');

/**
 * Bulk-loads rows into a table with COPY (PostgreSQL through pg-copy-streams, PGlite through its
 * /dev/blob device): much faster than multi-row INSERTs for staging. Values are text as PostgreSQL reads
 * them (JSON as its text). Not inside a transaction: on PostgreSQL it takes its own pooled connection.
 */
export async function copyRows(
  db: Db,
  table: string,
  columns: string[],
  rows: (string | null)[][],
): Promise<void> {
  if (!rows.length) return;
  const client = (db as unknown as { $client?: unknown }).$client;
  const stmt = `copy ${table} (${columns.join(', ')}) from stdin`;
  if (client instanceof pg.Pool) {
    const conn = await client.connect();
    try {
      await pipeline(Readable.from([lines(rows)]), conn.query(copyFrom(stmt)));
    } finally {
      conn.release();
    }
    return;
  }
  // PGlite: one connection; the COPY reads the rows from its /dev/blob device.
  await (client as PGlite).query(`${stmt.slice(0, -' from stdin'.length)} from '/dev/blob'`, [], {
    blob: new Blob([lines(rows)]),
  });
}
