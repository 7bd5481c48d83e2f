/**
 * Wire-level statement log: wraps `query` of every client a node-postgres pool hands out, so what is
 * recorded is exactly what goes to PostgreSQL (Drizzle's statements, raw `execute`s, begin/commit,
 * prepared statement names), whatever layer issued it.
 */
import type pg from 'pg';

export type WireStatement = { text: string; params: unknown[]; name?: string };

type QueryArg = string | { text: string; values?: unknown[]; name?: string };

export function logWire(pool: pg.Pool): { log: WireStatement[]; reset(): WireStatement[] } {
  let log: WireStatement[] = [];
  const wrapped = new WeakSet<pg.PoolClient>();
  pool.on('connect', (client) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const original = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const q = args[0] as QueryArg;
      if (typeof q === 'string')
        log.push({ text: q, params: Array.isArray(args[1]) ? [...(args[1] as unknown[])] : [] });
      else if (q && typeof q === 'object' && typeof q.text === 'string')
        log.push({
          text: q.text,
          params: [...(q.values ?? (Array.isArray(args[1]) ? (args[1] as unknown[]) : []))],
          ...(q.name ? { name: q.name } : {}),
        });
      return original(...args);
    };
  });
  return {
    get log() {
      return log;
    },
    reset() {
      const out = log;
      log = [];
      return out;
    },
  };
}
