/**
 * The benchmark's server process: the real app (buildApp over a pg pool) and the floor (a bare
 * Fastify app, no auth, no zod, running the app's own SQL through a node-postgres pool of the same
 * size), both on 127.0.0.1. It captures the SQL the app runs for each scenario at the wire (every
 * `query` of the pool's clients, see wire-log.ts) while a second instance of the real app serves one
 * request of each scenario, and prints `READY {json}` with the ports and those statements.
 *
 * Env: BENCH_DB_URL, BENCH_POOL, BENCH_WS, BENCH_KEY (an API key of the workspace), BENCH_SAMPLE_ID.
 */
import { randomUUID } from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import Fastify from 'fastify';
import pg from 'pg';
import type { Db } from '../src/core/db/client.js';
import { openDatabase } from '../src/core/db/client.js';
import * as schema from '../src/core/db/schema/index.js';
import { newId } from '../src/core/shared/ids.js';
import { buildApp } from '../src/server/app.js';
import { createBody } from './create-body.js';
import { logWire, type WireStatement } from './wire-log.js';

export type Captured = WireStatement;
export type ReadyMessage = {
  appPort: number;
  floorPort: number;
  sql: { get: Captured[]; list: Captured[]; create: Captured[] };
};

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const url = env('BENCH_DB_URL');
const poolSize = Number(env('BENCH_POOL'));
const ws = env('BENCH_WS');
const apiKey = env('BENCH_KEY');
const sampleId = env('BENCH_SAMPLE_ID');

// Parent gone (stdin closed) → stop: the benchmark never leaves a server behind.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

// ---- Capture the app's SQL at the wire, one request of each scenario through a second real app.
const capturePool = new pg.Pool({ connectionString: url, max: 2 });
const wire = logWire(capturePool);
const captureApp = await buildApp({
  db: drizzle({ client: capturePool, schema, casing: 'snake_case' }) as unknown as Db,
  logger: false,
});
const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
const settle = () => new Promise((r) => setTimeout(r, 100)); // fire-and-forget writes (key last-used) land
async function capture(method: 'GET' | 'POST', path: string, payload?: object): Promise<Captured[]> {
  await settle();
  wire.reset();
  const r = await captureApp.inject({ method, url: path, headers, payload });
  if (r.statusCode >= 300) throw new Error(`capture ${method} ${path}: ${r.statusCode} ${r.body}`);
  return wire.reset();
}
// Warm-up: credentials resolved and cached (as in steady state, where they are looked up every 5 s),
// prepared statements created, a first bench contact so the next create scores candidates.
const email = (tag: string) => `bench-capture-${randomUUID()}-${tag}@example.com`;
await capture('GET', `/api/v1/leads/${sampleId}`);
// Creates until the candidate block is full (40 candidates, as after the first seconds of a run: each is
// then flagged as a pair of the new contact), which also caches the duplicate rules for 5 s as in steady
// state, so the captured create does not read them.
for (let i = 0; i < 41; i++) await capture('POST', '/api/v1/leads', createBody(email(`warm${i}`), 0));
// Credentials and rules are re-read every 5 s: a capture that caught such a refresh is taken again.
const refresh = (log: Captured[]) => log.some((q) => /"(api_keys|duplicate_rules)"/.test(q.text));
async function steady(take: () => Promise<Captured[]>): Promise<Captured[]> {
  for (let i = 0; ; i++) {
    const log = await take();
    if (!refresh(log) || i === 4) return log;
  }
}
const get = await steady(() => capture('GET', `/api/v1/leads/${sampleId}`));
const list = await steady(() => capture('GET', '/api/v1/leads?limit=50&status=new&sort=-createdAt'));
let probeEmail = '';
const createdLog = await steady(() => {
  probeEmail = email(`probe-${randomUUID()}`);
  return capture('POST', '/api/v1/leads', createBody(probeEmail, 0));
});
await captureApp.close();
await capturePool.end();

const isTxControl = (q: Captured) => /^(begin|commit|rollback|savepoint|release)\b/i.test(q.text.trim());
const one = (what: string, log: Captured[]): Captured => {
  const qs = log.filter((q) => !isTxControl(q));
  if (qs.length !== 1)
    throw new Error(
      `expected ${what} to run one statement, it ran ${qs.length}: ${qs.map((q) => q.text.slice(0, 60)).join(' | ')}`,
    );
  return qs[0]!;
};
const getStmt = one('GET /leads/:id', get);
const listStmt = one('GET /leads', list);
// The floor of a create: every statement the app sent (look-ups, advisory locks, inserts), in one
// transaction of its own, like the app's.
if (!isTxControl(createdLog[0]!) || !/^commit/i.test(createdLog.at(-1)!.text.trim()))
  throw new Error('expected the create to run in one transaction');
const inserts = createdLog.filter((q) => !isTxControl(q));
if (inserts.some((q) => q.name)) throw new Error('the create ran a named statement: replay it by name');

/** Values that are generated per create (ids), to be replaced per request; references are kept. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const existing = new Set<string>();
const everyUuid = new Set<string>();
for (const q of inserts)
  for (const p of q.params) if (typeof p === 'string' && UUID.test(p)) everyUuid.add(p);
{
  // Ids already in the database before the create (workspace, user, key, stage, pipeline) are kept.
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const r = await c.query<{ id: string }>(
    `select id::text from workspaces where id = any($1::uuid[])
     union select user_id::text from memberships where workspace_id = $2 and user_id = any($1::uuid[])
     union select id::text from api_keys where workspace_id = $2 and id = any($1::uuid[])
     union select id::text from stages where workspace_id = $2 and id = any($1::uuid[])
     union select id::text from pipelines where workspace_id = $2 and id = any($1::uuid[])`,
    [[...everyUuid], ws],
  );
  for (const x of r.rows) existing.add(x.id);
  await c.end();
}
const generated = [...everyUuid].filter((u) => !existing.has(u));

function freshParams(email: string): unknown[][] {
  const map = new Map<string, string>(generated.map((g) => [g, newId()]));
  const swap = (s: string): string => {
    let out = s;
    if (out.includes(probeEmail)) out = out.split(probeEmail).join(email);
    for (const [from, to] of map) if (out.includes(from)) out = out.split(from).join(to);
    return out;
  };
  return inserts.map((q) => q.params.map((p) => (typeof p === 'string' ? swap(p) : p)));
}

// ---- The real app.
const handle = await openDatabase({ url, poolSize });
const app = await buildApp({ db: handle.db, logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });

// ---- The floor: same SQL, same driver, same pool size; no auth, no validation, no mapping.
const pool = new pg.Pool({ connectionString: url, max: poolSize });
const floor = Fastify({ logger: false });
const withId = (params: unknown[], id: string) => params.map((p) => (p === sampleId ? id : p));
floor.get('/api/v1/leads/:id', async (req, reply) => {
  // The app runs this read as a named prepared statement; so does the floor.
  const r = await pool.query({
    ...(getStmt.name ? { name: getStmt.name } : {}),
    text: getStmt.text,
    values: withId(getStmt.params, (req.params as { id: string }).id),
    rowMode: 'array',
  });
  if (r.rows.length === 0) return reply.code(404).send({ error: 'not found' });
  return reply.send(r.rows[0]);
});
floor.get('/api/v1/leads', async (req, reply) => {
  const status = (req.query as { status?: string }).status ?? 'new';
  const values = listStmt.params.map((p) => (p === 'new' ? status : p));
  const r = await pool.query({ text: listStmt.text, values, rowMode: 'array' });
  return reply.send({ data: r.rows });
});
floor.post('/api/v1/leads', async (req, reply) => {
  const email = (req.body as { email: string }).email;
  const params = freshParams(email);
  const client = await pool.connect();
  try {
    await client.query('begin');
    for (const [i, q] of inserts.entries()) await client.query(q.text, params[i]);
    await client.query('commit');
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
  return reply.code(201).send({ ok: true });
});
await floor.listen({ host: '127.0.0.1', port: 0 });

const port = (s: typeof app) => {
  const a = s.server.address();
  return typeof a === 'object' && a ? a.port : 0;
};
const ready: ReadyMessage = {
  appPort: port(app),
  floorPort: port(floor),
  sql: { get: [getStmt], list: [listStmt], create: createdLog },
};
process.stdout.write(`READY ${JSON.stringify(ready)}\n`);

const stop = async () => {
  await Promise.allSettled([app.close(), floor.close()]);
  await Promise.allSettled([handle.close(), pool.end()]);
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
