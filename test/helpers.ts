import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Session, TestApp } from './app.js';

export type Res = { status: number; body: any; headers: Record<string, unknown> };

/** A small client bound to one app and one set of credentials. */
export function client(t: TestApp, s: Pick<Session, 'auth'> | { auth: Record<string, string> }) {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers = {}) =>
    t.call({
      method,
      url,
      headers: { ...s.auth, ...headers },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  return {
    get: (url: string, headers?: Record<string, string>) => call('GET', url, undefined, headers),
    post: (url: string, payload?: unknown, headers?: Record<string, string>) =>
      call('POST', url, payload, headers),
    patch: (url: string, payload: unknown, headers?: Record<string, string>) =>
      call('PATCH', url, payload, headers),
    del: (url: string, headers?: Record<string, string>) => call('DELETE', url, undefined, headers),
  };
}
export type Client = ReturnType<typeof client>;

/** Follows `nextCursor` to the end and returns every record seen, in the order served. */
export async function walk(c: Client, url: string, limit: number): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 500; page++) {
    const sep = url.includes('?') ? '&' : '?';
    const r = await c.get(
      `${url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.data.length).toBeLessThanOrEqual(limit);
    out.push(...r.body.data);
    cursor = r.body.nextCursor;
    if (!cursor) return out;
    expect(r.body.data.length).toBe(limit);
  }
  throw new Error('pagination did not end');
}

/** Asserts an RFC 9457 problem response with this status, naming these fields (and reasons, when given). */
export function expectProblem(
  r: Res,
  status: number,
  fields: (string | [string, string | RegExp])[] = [],
): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ status, code: expect.any(String), detail: expect.any(String) });
  expect(Array.isArray(r.body.errors)).toBe(true);
  for (const f of fields) {
    const [field, reason] = Array.isArray(f) ? f : [f, undefined];
    const hit = r.body.errors.find((e: { field: string }) => e.field === field);
    expect(hit, `no error for ${field} in ${JSON.stringify(r.body.errors)}`).toBeTruthy();
    if (reason !== undefined)
      if (typeof reason === 'string') expect(hit.reason).toBe(reason);
      else expect(hit.reason).toMatch(reason);
  }
}

/** Row counts of the given tables, read straight from the database. */
export async function countRows(t: TestApp, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) {
    const [r] = await query<{ n: number }>(t, `select count(*)::int as n from ${table}`);
    out[table] = Number(r!.n);
  }
  return out;
}

/** Every table of the schema. */
export const ALL_TABLES = [
  'accounts',
  'activities',
  'api_keys',
  'audit_entries',
  'contacts',
  'deals',
  'idempotency_keys',
  'lead_contacts',
  'leads',
  'memberships',
  'pipelines',
  'sessions',
  'stages',
  'users',
  'workspaces',
];

/** Runs a query and returns its rows. */
export async function query<T = Record<string, unknown>>(t: TestApp, text: string): Promise<T[]> {
  const r = (await t.handle.db.execute(sql.raw(text))) as unknown as { rows: T[] };
  return r.rows;
}
