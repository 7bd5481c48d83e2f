/**
 * `npm run bench -- board [--leads N] [--duration S] [--warmup S] [--connections C] [--activities A]`
 *
 * The board on PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/leadbase_bench):
 * a demo workspace of N leads (default 1,000,000) in a pipeline of 8 stages (the demo with two extra
 * open stages, loaded on the first run and reused after), the real app in a child process on
 * 127.0.0.1, and autocannon over HTTP for:
 *   a. GET /api/v1/pipelines/:id/board                         (every column: counts, values, 50 cards)
 *   b. GET /api/v1/pipelines/:id/board?ownerId=…&scoreMin=40   (the same, filtered)
 *   c. POST /api/v1/leads/:id/move                             (a sampled lead to a random stage, above a
 *                                                               card of that column, or on top)
 *   d. GET /api/v1/leads/:id/timeline                          (first page; the lead has A activities,
 *                                                               default 10,000)
 * Prints p50/p95/p99, PASS/FAIL against the targets (board p95 < 100 ms with and without a filter, move
 * p95 < 10 ms, timeline p95 < 10 ms) and writes bench/results/board-<timestamp>.json.
 *
 * Run directly (`node --import tsx bench/board.ts`) this file is the benchmark's server process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { firstOwner } from '../src/cli/commands/api-key.js';
import { createApiKey } from '../src/core/auth/api-keys.service.js';
import { type DatabaseHandle, openDatabase } from '../src/core/db/client.js';
import { generateDemo } from '../src/core/demo/demo.service.js';
import { DEMO_SCORING_RULES } from '../src/core/demo/demo-work.js';
import { recomputeWorkspace } from '../src/core/scoring/recompute.service.js';
import { invalidateRuleSet } from '../src/core/scoring/scoring-rule-set.js';
import { systemCtx } from '../src/core/shared/context.js';
import { newId } from '../src/core/shared/ids.js';
import { ensureDatabase } from './bench-db.js';
import { cannon, percentile } from './cannon.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/leadbase_bench';
const POOL_SIZE = 10;
const STAGES = 8;
const TIMELINE_TAG = 'bench-timeline';

export type BoardBenchOpts = {
  leads: number;
  duration: number;
  warmup: number;
  connections: number;
  activities: number;
};
type Measure = {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
};

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');

function checkLocal(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host))
    throw new Error(`BENCH_DATABASE_URL must point at 127.0.0.1 (got ${host})`);
}

/** A demo workspace of `leads` leads whose default pipeline has 8 stages (demo with extraStages 2). */
async function findBoardWorkspace(h: DatabaseHandle, leads: number): Promise<string | null> {
  const rows = rowsOf<{ ws: string; n: number }>(
    await h.db.execute(sql`select a.workspace_id as ws,
        (select count(*)::int from stages s join pipelines p on p.workspace_id = s.workspace_id and p.id = s.pipeline_id
          where p.workspace_id = a.workspace_id and p.is_default) as n
      from audit_entries a
      where a.action = 'demo.load' and (a.after -> 'counts' ->> 'leads')::int = ${leads}
        and (a.after ->> 'extraStages')::int = ${STAGES - 6}
      order by a.at desc limit 5`),
  );
  return rows.find((r) => Number(r.n) === STAGES)?.ws ?? null;
}

/** One scenario's run, as the board benchmark reports it. */
async function run(
  url: string,
  seconds: number,
  connections: number,
  request: autocannon.Request,
  headers: Record<string, string>,
): Promise<Measure> {
  const r = await cannon(url, seconds, connections, request, headers);
  const sorted = Float64Array.from(r.times).sort();
  return {
    requests: r.requests,
    rps: r.requests / r.seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the bench server did not start within 60 s'));
    }, 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('READY ')) return;
      clearTimeout(timer);
      resolve({ child, port: Number(line.slice(6)) });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bench server exited (${code}) before it was ready`));
    });
  });
}

/** The lead whose timeline is measured: tagged by external id, topped up to `n` activities set-based. */
async function timelineLead(h: DatabaseHandle, ws: string, n: number): Promise<string> {
  let [lead] = rowsOf<{ id: string; contact_id: string; owner_id: string | null }>(
    await h.db.execute(sql`select id, contact_id, owner_id from leads
      where workspace_id = ${ws} and external_id = ${TIMELINE_TAG}`),
  );
  if (!lead) {
    [lead] = rowsOf<{ id: string; contact_id: string; owner_id: string | null }>(
      await h.db.execute(sql`update leads set external_id = ${TIMELINE_TAG}
        where workspace_id = ${ws} and id = (select id from leads where workspace_id = ${ws}
          and deleted_at is null and external_id is null and owner_id is not null order by created_at desc limit 1)
        returning id, contact_id, owner_id`),
    );
  }
  const [c] = rowsOf<{ n: number }>(
    await h.db.execute(
      sql`select count(*)::int as n from activities where workspace_id = ${ws} and lead_id = ${lead!.id}`,
    ),
  );
  const missing = n - Number(c!.n);
  if (missing > 0) {
    console.error(`adding ${missing.toLocaleString('en-US')} activities to the timeline lead ${lead!.id}`);
    await h.db.execute(sql`insert into activities (workspace_id, id, type, lead_id, contact_id, user_id,
        subject, body, outcome, duration_minutes, occurred_at, metadata, created_at, updated_at)
      select ${ws}::uuid, gen_random_uuid(), (array['call','email','note','meeting','sms'])[1 + g % 5],
        ${lead!.id}::uuid, ${lead!.contact_id}::uuid, ${lead!.owner_id}::uuid,
        'Bench touch ' || g, 'Talked about the quote (' || g || ')', null, null,
        now() - (g || ' minutes')::interval, '{}'::jsonb, now() - (g || ' minutes')::interval,
        now() - (g || ' minutes')::interval
      from generate_series(1, ${missing}) g`);
    await h.db.execute(sql`vacuum (analyze) activities`);
  }
  return lead!.id;
}

export async function benchBoard(o: BoardBenchOpts): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  checkLocal(url);
  await ensureDatabase(url);
  const h = await openDatabase({ url, poolSize: 4 });
  let child: ChildProcess | null = null;
  try {
    await h.migrate();
    const [ver] = rowsOf<{ v: string }>(
      await h.db.execute(sql`select current_setting('server_version') as v`),
    );
    let demoSeconds: number | null = null;
    let ws = (await findBoardWorkspace(h, o.leads)) ?? '';
    if (ws)
      console.error(
        `reusing demo workspace ${ws} (${o.leads.toLocaleString('en-US')} leads, ${STAGES} stages)`,
      );
    else {
      console.error(`loading demo data: ${o.leads.toLocaleString('en-US')} leads in ${STAGES} stages…`);
      let last = '';
      const r = await generateDemo(
        h.db,
        {
          leads: o.leads,
          email: 'bench@leadbase.local',
          password: 'bench password',
          batchSize: 10_000,
          extraStages: STAGES - 6,
        },
        (phase, done, total) => {
          const line = `${phase} ${Math.floor((done / total) * 10) * 10}%`;
          if (line !== last) console.error(`  ${line}`);
          last = line;
        },
      );
      ws = r.workspaceId;
      demoSeconds = r.seconds.total;
      console.error(`demo data loaded in ${r.seconds.total.toFixed(1)} s (${JSON.stringify(r.counts)})`);
      await h.db.execute(
        sql`vacuum (analyze) leads, contacts, activities, lead_stage_history, audit_entries`,
      );
    }
    const owner = await firstOwner(h.db, ws);
    const key = await createApiKey(h.db, systemCtx(ws, owner), {
      name: `bench board ${Date.now()}`,
      role: 'admin',
    });
    const [pipeline] = rowsOf<{ id: string }>(
      await h.db.execute(sql`select id from pipelines where workspace_id = ${ws} and is_default`),
    );
    const stages = rowsOf<{ id: string; name: string; type: string; n: number }>(
      await h.db.execute(sql`select s.id, s.name, s.type,
          (select count(*)::int from leads l where l.workspace_id = s.workspace_id and l.stage_id = s.id
            and l.deleted_at is null) as n
        from stages s where s.workspace_id = ${ws} and s.pipeline_id = ${pipeline!.id} order by s.position`),
    );
    console.error(
      `pipeline ${pipeline!.id}: ${stages.map((s) => `${s.name} ${Number(s.n).toLocaleString('en-US')}`).join(', ')}`,
    );
    // The busiest rep (filtered board).
    const [rep] = rowsOf<{ id: string; n: number }>(
      await h.db.execute(sql`select owner_id as id, count(*)::int as n from leads
        where workspace_id = ${ws} and owner_id is not null group by owner_id order by 2 desc limit 1`),
    );
    // A workspace loaded by a demo older than its scoring rules has none, and scores no rule gave: it gets
    // the demo's rules and every lead is scored by them (the rule-change recompute), so that filters on
    // score see a real distribution and moves are measured in the steady state (no stale score to fix).
    const [rules] = rowsOf<{ n: number }>(
      await h.db.execute(sql`select count(*)::int as n from scoring_rules where workspace_id = ${ws}`),
    );
    if (rules!.n === 0) {
      console.error("adding the demo's scoring rules and scoring every lead…");
      for (const r of DEMO_SCORING_RULES)
        await h.db.execute(sql`insert into scoring_rules (workspace_id, id, name, category, conditions, points)
          values (${ws}, ${newId()}, ${r.name}, ${r.category}, ${JSON.stringify(r.conditions)}::jsonb, ${r.points})`);
      invalidateRuleSet(ws);
      const r = await recomputeWorkspace(h.db, systemCtx(ws, owner));
      console.error(`  ${JSON.stringify(r)}`);
      await h.db.execute(sql`vacuum (analyze) leads`);
    }
    const tl = await timelineLead(h, ws, o.activities);
    // Cards that stay where they are (the top of each column) and leads that the move scenario moves.
    const anchors = new Map<string, string[]>();
    for (const s of stages)
      anchors.set(
        s.id,
        rowsOf<{ id: string }>(
          await h.db.execute(sql`select id from leads where workspace_id = ${ws} and stage_id = ${s.id}
            and deleted_at is null order by board_rank, id limit 50`),
        ).map((r) => r.id),
      );
    const fixed = new Set([...anchors.values()].flat());
    const movers = rowsOf<{ id: string }>(
      await h.db.execute(sql`select id from leads tablesample system (1) where workspace_id = ${ws}
        and deleted_at is null and external_id is distinct from ${TIMELINE_TAG} limit 3000`),
    )
      .map((r) => r.id)
      .filter((id) => !fixed.has(id));
    console.error(`${movers.length} leads to move; starting the app on 127.0.0.1`);

    const started = await startServer({ BOARD_BENCH_DB_URL: url, BOARD_BENCH_POOL: String(POOL_SIZE) });
    child = started.child;
    const base = `http://127.0.0.1:${started.port}`;
    const headers = { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' };
    const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;
    let m = 0;
    const scenarios: { id: string; name: string; target: number; request: autocannon.Request }[] = [
      {
        id: 'a',
        name: 'GET board',
        target: 100,
        request: { method: 'GET', path: `/api/v1/pipelines/${pipeline!.id}/board` },
      },
      {
        id: 'b',
        name: 'GET board, filtered (owner, score ≥ 40)',
        target: 100,
        request: {
          method: 'GET',
          path: `/api/v1/pipelines/${pipeline!.id}/board?ownerId=${rep!.id}&scoreMin=40`,
        },
      },
      {
        id: 'c',
        name: 'POST move',
        target: 10,
        request: {
          method: 'POST',
          setupRequest: (req) => {
            m += 1;
            const lead = movers[m % movers.length]!;
            const s = pick(stages);
            const roll = Math.random();
            const body: Record<string, string> = { stageId: s.id };
            if (roll < 0.45) body.beforeId = pick(anchors.get(s.id)!);
            else if (roll < 0.9) body.afterId = pick(anchors.get(s.id)!);
            if (s.type === 'lost') body.lostReason = 'Price';
            return { ...req, path: `/api/v1/leads/${lead}/move`, body: JSON.stringify(body) };
          },
        },
      },
      {
        id: 'd',
        name: `GET timeline (${o.activities.toLocaleString('en-US')} activities)`,
        target: 10,
        request: { method: 'GET', path: `/api/v1/leads/${tl}/timeline` },
      },
    ];
    // A first request of each kind answers 2xx (else the figures would be of errors).
    for (const s of scenarios) {
      const setup = s.request.setupRequest as
        | ((r: autocannon.Request) => autocannon.Request | undefined)
        | undefined;
      const req = setup ? (setup({ ...s.request }) ?? s.request) : s.request;
      const r = await fetch(`${base}${(req as { path: string }).path}`, {
        method: s.request.method,
        headers,
        body: (req as { body?: string }).body,
      });
      if (!r.ok) throw new Error(`${s.name}: ${r.status} ${await r.text()}`);
      const text = await r.text();
      if (s.id === 'a')
        console.error(
          `board: ${(JSON.parse(text) as { columns: { count: number }[] }).columns.map((c) => c.count).join(' + ')} leads, ${text.length.toLocaleString('en-US')} bytes`,
        );
    }
    const results: Record<string, { name: string; target: number; m: Measure }> = {};
    for (const s of scenarios) {
      if (o.warmup > 0) await run(base, o.warmup, o.connections, s.request, headers);
      const r = await run(base, o.duration, o.connections, s.request, headers);
      results[s.id] = { name: s.name, target: s.target, m: r };
      console.error(
        `  ${s.id}. ${s.name}: ${r.rps.toFixed(0)} req/s, p50 ${ms(r.p50)} p95 ${ms(r.p95)} p99 ${ms(r.p99)} ms`,
      );
    }

    const rows = [['scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors']];
    for (const [id, r] of Object.entries(results))
      rows.push([
        `${id}. ${r.name}`,
        r.m.rps.toFixed(0),
        ms(r.m.p50),
        ms(r.m.p95),
        ms(r.m.p99),
        ms(r.m.max),
        String(r.m.non2xx),
        String(r.m.errors),
      ]);
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const fmt = (r: string[]) =>
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    const total = stages.reduce((n, s) => n + Number(s.n), 0);
    console.log('');
    console.log(
      `Leadbase board benchmark: ${total.toLocaleString('en-US')} leads in ${stages.length} stages, PostgreSQL ${ver?.v}, ${o.connections} connection(s), ${o.duration} s per scenario after ${o.warmup} s warm-up, pool of ${POOL_SIZE}`,
    );
    console.log(fmt(rows[0]!));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows.slice(1)) console.log(fmt(r));
    const checks = Object.entries(results).map(([id, r]) => ({
      target: `${id}. ${r.name}: p95 under ${r.target} ms`,
      value: r.m.p95,
      limit: r.target,
      pass: r.m.p95 < r.target && r.m.non2xx === 0 && r.m.errors === 0,
    }));
    console.log('');
    for (const t of checks) console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${t.target}: ${ms(t.value)} ms`);
    const dir = join(HERE, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `board-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          leads: total,
          stages: stages.map((s) => ({ name: s.name, type: s.type, leads: Number(s.n) })),
          postgres: ver?.v,
          options: o,
          poolSize: POOL_SIZE,
          demoSeconds,
          workspaceId: ws,
          timelineLeadId: tl,
          results,
          checks,
        },
        null,
        2,
      ),
    );
    console.log(`\nresults: ${file}`);
    if (checks.some((t) => !t.pass)) process.exitCode = 1;
  } finally {
    if (child) {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
    }
    await h.close();
  }
}

/** The server process: the real app over a pg pool on 127.0.0.1 (a free port, printed as READY <port>). */
async function serve(): Promise<void> {
  const { buildApp } = await import('../src/server/app.js');
  const handle = await openDatabase({
    url: process.env.BOARD_BENCH_DB_URL!,
    poolSize: Number(process.env.BOARD_BENCH_POOL ?? POOL_SIZE),
  });
  const app = await buildApp({ db: handle.db, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
  process.on('SIGTERM', () => {
    void app
      .close()
      .then(() => handle.close())
      .finally(() => process.exit(0));
  });
  console.log(`READY ${port}`);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await serve();
