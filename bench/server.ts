/**
 * The benchmark's server process: the real app (buildApp over a pg pool) and the floor (a bare
 * Fastify app, no auth, no zod, running the app's own SQL through a node-postgres pool of the same
 * size), both on 127.0.0.1. It captures the SQL the app runs for each scenario once, with a Drizzle
 * logger on a second Drizzle instance, and prints `READY {json}` with the ports and that SQL.
 *
 * Env: BENCH_DB_URL, BENCH_POOL, BENCH_WS, BENCH_USER, BENCH_KEY_ID, BENCH_SAMPLE_ID.
 */
import { randomUUID } from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import Fastify from 'fastify';
import pg from 'pg';
import type { Db } from '../src/core/db/client.js';
import { openDatabase } from '../src/core/db/client.js';
import * as schema from '../src/core/db/schema/index.js';
import { getLead } from '../src/core/leads/lead-reads.service.js';
import { createLead } from '../src/core/leads/leads.service.js';
import { leadListSpec, listLeads } from '../src/core/leads/leads-list.service.js';
import type { Ctx } from '../src/core/shared/context.js';
import { newId } from '../src/core/shared/ids.js';
import { type ListQuery, listQuerySchema } from '../src/core/shared/list-query.js';
import { buildApp } from '../src/server/app.js';

export type Captured = { text: string; params: unknown[] };
export type ReadyMessage = {
  appPort: number;
  floorPort: number;
  sql: { get: Captured; list: Captured; create: Captured[] };
};

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const url = env('BENCH_DB_URL');
const poolSize = Number(env('BENCH_POOL'));
const ws = env('BENCH_WS');
const userId = env('BENCH_USER');
const apiKeyId = env('BENCH_KEY_ID');
const sampleId = env('BENCH_SAMPLE_ID');

// Parent gone (stdin closed) → stop: the benchmark never leaves a server behind.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

// ---- Capture the app's SQL once.
const capturePool = new pg.Pool({ connectionString: url, max: 2 });
let log: Captured[] = [];
const logged = drizzle({
  client: capturePool,
  schema,
  casing: 'snake_case',
  logger: { logQuery: (text, params) => log.push({ text, params: [...params] }) },
}) as unknown as Db;
const ctx: Ctx = {
  workspaceId: ws,
  userId,
  apiKeyId,
  role: 'admin',
  requestId: newId(),
  defaultCountry: 'US',
};

log = [];
await getLead(logged, { ...ctx }, sampleId);
const get = log.find((q) => /^select/i.test(q.text))!;

log = [];
const listQuery = listQuerySchema(leadListSpec).parse({
  limit: '50',
  status: 'new',
  sort: '-createdAt',
}) as ListQuery;
await listLeads(logged, { ...ctx }, listQuery);
const list = log.find((q) => /^select/i.test(q.text))!;

log = [];
const probeEmail = `bench-capture-${randomUUID()}@example.com`;
const created = await createLead(
  logged,
  { ...ctx },
  {
    firstName: 'Bench',
    lastName: 'Capture',
    email: probeEmail,
    company: 'Bench Co',
    source: 'bench-api',
    title: 'Benchmark lead',
  },
);
// The floor of a create: the same statements the app ran (its look-ups, then the contact, lead, audit
// and activity inserts), in one transaction.
const inserts = log.filter((q) => !/^(begin|commit|rollback|savepoint|release)/i.test(q.text.trim()));
await capturePool.end();

/** Values that are generated per create (ids, the email, the request id), to be replaced per request. */
const known = new Set([ws, userId, apiKeyId]);
const generated = new Set<string>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
for (const q of inserts)
  for (const p of q.params) if (typeof p === 'string' && UUID.test(p) && !known.has(p)) generated.add(p);
// Stage and pipeline ids are references, not generated: keep every id the lead row points at.
const [leadInsert] = inserts.filter((q) => /insert into "leads"/i.test(q.text));
for (const p of leadInsert?.params ?? [])
  if (typeof p === 'string' && p !== created.id && p !== created.contactId) generated.delete(p);
generated.delete(ctx.requestId!);
generated.add(created.id);
generated.add(created.contactId);

function freshParams(email: string): unknown[][] {
  const map = new Map<string, string>([...generated].map((g) => [g, newId()]));
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
    name: 'floor_lead_get',
    text: get.text,
    values: withId(get.params, (req.params as { id: string }).id),
    rowMode: 'array',
  });
  if (r.rows.length === 0) return reply.code(404).send({ error: 'not found' });
  return reply.send(r.rows[0]);
});
floor.get('/api/v1/leads', async (req, reply) => {
  const status = (req.query as { status?: string }).status ?? 'new';
  const values = list.params.map((p) => (p === 'new' ? status : p));
  const r = await pool.query({ text: list.text, values, rowMode: 'array' });
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
  sql: { get, list, create: inserts },
};
process.stdout.write(`READY ${JSON.stringify(ready)}\n`);

const stop = async () => {
  await Promise.allSettled([app.close(), floor.close()]);
  await Promise.allSettled([handle.close(), pool.end()]);
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
