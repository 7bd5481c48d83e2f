/**
 * `npm run bench -- api [--leads N] [--fresh] [--duration S] [--warmup S] [--connections C] [--rounds R]`
 *
 * Loads (or reuses) demo data on PostgreSQL (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/leadbase_bench), starts the real app and a floor app in a child
 * process (bench/server.ts) on 127.0.0.1, and measures each scenario with autocannon against both:
 *   a. GET /api/v1/leads/:id                       (random ids from a sample of 1,000)
 *   b. GET /api/v1/leads?limit=50&status=…&sort=-createdAt  (status varies: new/contacted/qualified)
 *   c. POST /api/v1/leads with flat contact fields (a unique email per request)
 * Each side runs R rounds per scenario, the order alternating (app first, then floor first, …) so that
 * load from other processes falls on both; creates start every round from an empty candidate block.
 * Prints a table with req/s (pooled, and per round), p50, p95, p99 and app/floor ratios, checks the
 * targets and writes bench/results/api-<timestamp>.json, with the statements the floor replays.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type autocannon from 'autocannon';
import { Command, InvalidArgumentError } from 'commander';
import { sql } from 'drizzle-orm';
import { firstOwner } from '../src/cli/commands/api-key.js';
import { createApiKey } from '../src/core/auth/api-keys.service.js';
import { type DatabaseHandle, openDatabase } from '../src/core/db/client.js';
import { generateDemo, MAX_DEMO_LEADS } from '../src/core/demo/demo.service.js';
import { systemCtx } from '../src/core/shared/context.js';
import { ensureDatabase } from './bench-db.js';
import { type BoardBenchOpts, benchBoard } from './board.js';
import { cannon, percentile, type Sample } from './cannon.js';
import { createBody } from './create-body.js';
import { benchDuplicates, type DuplicatesBenchOpts } from './duplicates.js';
import { benchImport, type ImportBenchOpts } from './import.js';
import { benchReports, type ReportsBenchOpts } from './reports.js';
import type { ReadyMessage } from './server.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/leadbase_bench';
const POOL_SIZE = 10;

type Opts = {
  leads: number;
  fresh: boolean;
  duration: number;
  warmup: number;
  connections: number;
  rounds: number;
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
  /** Requests per second of each round (the spread between rounds shows how noisy the machine was). */
  rounds: number[];
};

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const int = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`${name} must be ${min}..${max}`);
  return n;
};

/** A workspace whose demo load made exactly `leads` leads (the benchmark's own creates are removed after each run). */
async function findDemoWorkspace(h: DatabaseHandle, leads: number): Promise<string | null> {
  const rows = rowsOf<{ ws: string; n: number }>(
    await h.db.execute(sql`select a.workspace_id as ws,
        (select count(*)::int from leads l where l.workspace_id = a.workspace_id) as n
      from audit_entries a
      where a.action = 'demo.load' and (a.after -> 'counts' ->> 'leads')::int = ${leads}
      order by a.at desc limit 5`),
  );
  return rows.find((r) => r.n >= leads)?.ws ?? null;
}

/** The rounds of one side pooled: throughput over all rounds, exact percentiles of every response. */
function measure(samples: Sample[]): Measure {
  const sorted = Float64Array.from(samples.flatMap((s) => s.times)).sort();
  const requests = samples.reduce((n, s) => n + s.requests, 0);
  return {
    requests,
    rps: requests / samples.reduce((n, s) => n + s.seconds, 0),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    non2xx: samples.reduce((n, s) => n + s.non2xx, 0),
    errors: samples.reduce((n, s) => n + s.errors, 0),
    rounds: samples.map((s) => Math.round(s.requests / s.seconds)),
  };
}

function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; ready: ReadyMessage }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'server.ts')], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the bench server did not start within 120 s'));
    }, 120_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('READY ')) return;
      clearTimeout(timer);
      resolve({ child, ready: JSON.parse(line.slice(6)) as ReadyMessage });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bench server exited (${code}) before it was ready`));
    });
  });
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');

async function benchApi(o: Opts): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  await ensureDatabase(url, { fresh: o.fresh });
  const h = await openDatabase({ url, poolSize: 4 });
  let child: ChildProcess | null = null;
  const runId = Date.now().toString(36);
  let ws = '';
  try {
    await h.migrate();
    const [ver] = rowsOf<{ v: string }>(
      await h.db.execute(sql`select current_setting('server_version') as v`),
    );
    let demoSeconds: number | null = null;
    ws = (await findDemoWorkspace(h, o.leads)) ?? '';
    if (ws) console.error(`reusing demo workspace ${ws} (${o.leads.toLocaleString('en-US')} leads)`);
    else {
      console.error(`loading demo data: ${o.leads.toLocaleString('en-US')} leads…`);
      let last = '';
      const r = await generateDemo(
        h.db,
        { leads: o.leads, email: 'bench@leadbase.local', password: 'bench password', batchSize: 10_000 },
        (phase, done, total) => {
          const line = `${phase} ${Math.floor((done / total) * 10) * 10}%`;
          if (line !== last) console.error(`  ${line}`);
          last = line;
        },
      );
      ws = r.workspaceId;
      demoSeconds = r.seconds.total;
      console.error(`demo data loaded in ${r.seconds.total.toFixed(1)} s (${JSON.stringify(r.counts)})`);
      await vacuum(h);
    }
    const owner = await firstOwner(h.db, ws);
    const key = await createApiKey(h.db, systemCtx(ws, owner), { name: `bench ${runId}`, role: 'admin' });
    const sample = rowsOf<{ id: string }>(
      await h.db.execute(
        sql`select id from leads tablesample system (1) where workspace_id = ${ws} limit 1000`,
      ),
    ).map((r) => r.id);
    if (sample.length < 100) {
      const more = rowsOf<{ id: string }>(
        await h.db.execute(sql`select id from leads where workspace_id = ${ws} limit 1000`),
      );
      sample.push(...more.map((r) => r.id));
    }
    console.error(`sampled ${sample.length} lead ids; starting the app and the floor on 127.0.0.1`);

    const started = await startServer({
      BENCH_DB_URL: url,
      BENCH_POOL: String(POOL_SIZE),
      BENCH_WS: ws,
      BENCH_KEY: key.key,
      BENCH_SAMPLE_ID: sample[0]!,
    });
    child = started.child;
    const { ready } = started;

    const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;
    const statuses = ['new', 'contacted', 'qualified'] as const;
    let seq = 0;
    const scenarios: { id: string; name: string; request: () => autocannon.Request }[] = [
      {
        id: 'a',
        name: 'GET /leads/:id',
        request: () => ({
          method: 'GET',
          setupRequest: (req) => ({ ...req, path: `/api/v1/leads/${pick(sample)}` }),
        }),
      },
      {
        id: 'b',
        name: 'GET /leads?limit=50&status&sort',
        request: () => ({
          method: 'GET',
          setupRequest: (req) => ({
            ...req,
            path: `/api/v1/leads?limit=50&status=${pick(statuses)}&sort=-createdAt`,
          }),
        }),
      },
      {
        id: 'c',
        name: 'POST /leads (flat contact)',
        request: () => ({
          method: 'POST',
          setupRequest: (req) => {
            seq += 1;
            return {
              ...req,
              path: '/api/v1/leads',
              body: JSON.stringify(createBody(`bench-${runId}-${seq}@example.com`, seq)),
            };
          },
        }),
      },
    ];
    const targets = {
      app: {
        url: `http://127.0.0.1:${ready.appPort}`,
        headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      },
      floor: { url: `http://127.0.0.1:${ready.floorPort}`, headers: { 'content-type': 'application/json' } },
    };
    const results: Record<string, { name: string; app: Measure; floor: Measure }> = {};
    for (const s of scenarios) {
      const samples: Record<'app' | 'floor', Sample[]> = { app: [], floor: [] };
      // Rounds alternate which side goes first, so load from other processes falls on both alike.
      for (let round = 0; round < o.rounds; round++) {
        for (const side of round % 2 === 0 ? (['app', 'floor'] as const) : (['floor', 'app'] as const)) {
          const t = targets[side];
          // Every create of a run shares the same candidate block: each side starts from an empty one.
          if (s.id === 'c') await cleanup(h, ws, runId);
          await cannon(t.url, o.warmup, o.connections, s.request(), t.headers);
          const one = await cannon(t.url, o.duration, o.connections, s.request(), t.headers);
          samples[side].push(one);
          const m = measure([one]);
          console.error(
            `  ${s.id}. ${s.name} on ${side} (round ${round + 1}): ${m.rps.toFixed(0)} req/s, p50 ${ms(m.p50)} p95 ${ms(m.p95)} p99 ${ms(m.p99)} ms`,
          );
        }
      }
      results[s.id] = { name: s.name, app: measure(samples.app), floor: measure(samples.floor) };
    }

    // ---- Report
    const rows: string[][] = [
      ['scenario', 'side', 'req/s', 'rounds', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors'],
    ];
    for (const [id, r] of Object.entries(results)) {
      for (const side of ['app', 'floor'] as const) {
        const m = r[side];
        rows.push([
          `${id}. ${r.name}`,
          side,
          m.rps.toFixed(0),
          m.rounds.join('/'),
          ms(m.p50),
          ms(m.p95),
          ms(m.p99),
          ms(m.max),
          String(m.non2xx),
          String(m.errors),
        ]);
      }
      rows.push([
        '',
        'app/floor',
        `${(r.floor.rps / r.app.rps).toFixed(2)}x slower`,
        '',
        `${(r.app.p50 / r.floor.p50).toFixed(2)}x`,
        `${(r.app.p95 / r.floor.p95).toFixed(2)}x`,
        `${(r.app.p99 / r.floor.p99).toFixed(2)}x`,
        '',
        '',
        '',
      ]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const fmt = (r: string[]) =>
      r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    console.log('');
    console.log(
      `Leadbase API benchmark: ${o.leads.toLocaleString('en-US')} leads, PostgreSQL ${ver?.v}, ${o.connections} connections, ${o.rounds} round(s) of ${o.duration} s per side after ${o.warmup} s warm-up each, pools of ${POOL_SIZE}`,
    );
    console.log('Latencies are exact percentiles of every response time autocannon reported (p95 included).');
    console.log(fmt(rows[0]!));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows.slice(1)) console.log(fmt(r));

    const a = results.a!;
    const b = results.b!;
    const c = results.c!;
    const checks = [
      {
        target: 'a. read within 1.5x of the floor (throughput)',
        value: a.floor.rps / a.app.rps,
        limit: 1.5,
        unit: 'x',
      },
      {
        target: 'a. read within 1.5x of the floor (p95 latency)',
        value: a.app.p95 / a.floor.p95,
        limit: 1.5,
        unit: 'x',
      },
      {
        target: 'b. list within 1.5x of the floor (throughput)',
        value: b.floor.rps / b.app.rps,
        limit: 1.5,
        unit: 'x',
      },
      {
        target: 'b. list within 1.5x of the floor (p95 latency)',
        value: b.app.p95 / b.floor.p95,
        limit: 1.5,
        unit: 'x',
      },
      { target: 'b. list p95 under 20 ms', value: b.app.p95, limit: 20, unit: ' ms' },
      { target: 'c. create p99 under 25 ms', value: c.app.p99, limit: 25, unit: ' ms' },
      {
        target: 'no errors or non-2xx responses',
        value: Object.values(results).reduce(
          (n, r) => n + r.app.non2xx + r.app.errors + r.floor.non2xx + r.floor.errors,
          0,
        ),
        limit: 0,
        unit: '',
        inclusive: true,
      },
    ].map((t) => ({ ...t, pass: 'inclusive' in t ? t.value <= t.limit : t.value < t.limit }));
    console.log('');
    for (const t of checks)
      console.log(
        `${t.pass ? 'PASS' : 'FAIL'}  ${t.target}: ${t.unit === 'x' ? t.value.toFixed(2) : t.unit === '' ? t.value : t.value.toFixed(2)}${t.unit}`,
      );

    const dir = join(HERE, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `api-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          leads: o.leads,
          postgres: ver?.v,
          options: o,
          poolSize: POOL_SIZE,
          demoSeconds,
          workspaceId: ws,
          results,
          checks,
          sql: ready.sql,
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
    if (ws)
      await cleanup(h, ws, runId)
        .then(() => vacuum(h))
        .catch((e) => console.error(`cleanup failed: ${e}`));
    await h.close();
  }
}

/**
 * VACUUM (ANALYZE) the tables the benchmark writes: after a bulk load it sets the visibility map, and
 * after the cleanup it removes the dead index entries that a backward scan of the newest leads (the
 * list scenario) would otherwise step over.
 */
async function vacuum(h: DatabaseHandle): Promise<void> {
  const t = performance.now();
  await h.db.execute(sql`vacuum (analyze) leads, contacts, activities, audit_entries`);
  console.error(`vacuum (analyze) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/** Removes what the create scenario added, so the next run finds the same data set. */
async function cleanup(h: DatabaseHandle, ws: string, runId: string): Promise<void> {
  await h.db.transaction(async (tx) => {
    // This run's creates, the server's capture creates, and those of an earlier run that was interrupted.
    const like = `bench-${runId}-%`;
    await tx.execute(sql`create temp table bench_contacts on commit drop as
      select id from contacts where workspace_id = ${ws} and (primary_email like ${like} or primary_email like 'bench-capture-%'
        or primary_email ~ '^bench-[0-9a-z]+-[0-9]+@example[.]com$')`);
    await tx.execute(sql`create temp table bench_leads on commit drop as
      select id from leads where workspace_id = ${ws} and contact_id in (select id from bench_contacts)`);
    await tx.execute(
      sql`delete from activities where workspace_id = ${ws} and (lead_id in (select id from bench_leads) or contact_id in (select id from bench_contacts))`,
    );
    await tx.execute(
      sql`delete from audit_entries where workspace_id = ${ws} and (entity_id in (select id from bench_leads) or entity_id in (select id from bench_contacts))`,
    );
    // Pairs flagged by the duplicate check, and pairs left by earlier runs whose contacts are gone.
    await tx.execute(
      sql`delete from duplicate_candidates d where d.workspace_id = ${ws} and d.entity = 'contact' and (
        d.record_a in (select id from bench_contacts) or d.record_b in (select id from bench_contacts)
        or not exists (select 1 from contacts c where c.workspace_id = d.workspace_id and c.id = d.record_a)
        or not exists (select 1 from contacts c where c.workspace_id = d.workspace_id and c.id = d.record_b))`,
    );
    // What a create writes beside the lead (issue 4): its stage history, assignment history, notifications.
    for (const table of ['lead_stage_history', 'lead_assignments'])
      await tx.execute(
        sql`delete from ${sql.identifier(table)} where workspace_id = ${ws} and lead_id in (select id from bench_leads)`,
      );
    await tx.execute(
      sql`delete from notifications where workspace_id = ${ws} and entity_id in (select id from bench_leads)`,
    );
    await tx.execute(
      sql`delete from leads where workspace_id = ${ws} and id in (select id from bench_leads)`,
    );
    await tx.execute(
      sql`delete from contacts where workspace_id = ${ws} and id in (select id from bench_contacts)`,
    );
  });
}

const program = new Command('bench').description('Leadbase benchmarks');
program
  .command('api')
  .description('API latency and throughput against the floor (same SQL, bare Fastify)')
  .option(
    '--leads <n>',
    'demo leads in the benchmark workspace',
    int('--leads', 1, MAX_DEMO_LEADS),
    1_000_000,
  )
  .option('--fresh', 'drop and rebuild the benchmark database', false)
  .option('--duration <s>', 'seconds per measured run', int('--duration', 1, 120), 10)
  .option('--warmup <s>', 'seconds of warm-up before each run', int('--warmup', 0, 60), 2)
  .option('--connections <n>', 'concurrent connections', int('--connections', 1, 100), 10)
  .option('--rounds <n>', 'rounds per side, alternating which side goes first', int('--rounds', 1, 20), 3)
  .action((o: Opts) => benchApi(o));
program
  .command('duplicates')
  .description(
    'Duplicate detection: FEBRL precision/recall/F1, candidate lookup p95 and a full scan on PostgreSQL',
  )
  .option(
    '--contacts <n>',
    'contacts in the lookup workspace',
    int('--contacts', 1, MAX_DEMO_LEADS),
    1_000_000,
  )
  .option(
    '--scan-contacts <n>',
    'contacts in the scanned workspace',
    int('--scan-contacts', 1, MAX_DEMO_LEADS),
    100_000,
  )
  .option('--samples <n>', 'new records looked up', int('--samples', 10, 100_000), 1000)
  .option('--skip-speed', 'only the FEBRL quality part', false)
  .action((o: DuplicatesBenchOpts) => benchDuplicates(o));
program
  .command('board')
  .description('Board on PostgreSQL: board (with and without filters), moving a card, a long timeline')
  .option(
    '--leads <n>',
    'demo leads in the benchmark workspace',
    int('--leads', 1, MAX_DEMO_LEADS),
    1_000_000,
  )
  .option('--duration <s>', 'seconds per measured run', int('--duration', 1, 120), 10)
  .option('--warmup <s>', 'seconds of warm-up before each run', int('--warmup', 0, 60), 2)
  .option('--connections <n>', 'concurrent connections', int('--connections', 1, 100), 1)
  .option('--activities <n>', 'activities on the timeline lead', int('--activities', 1, 1_000_000), 10_000)
  .action((o: BoardBenchOpts) => benchBoard(o));
program
  .command('import')
  .description(
    'Import a big leads CSV (a share of existing people) on PostgreSQL or PGlite: rows/s, peak RSS, ratio to COPY',
  )
  .option('--rows <n>', 'rows in the file', int('--rows', 100, 10_000_000), 1_000_000)
  .option('--contacts <n>', 'existing contacts in the workspace', int('--contacts', 0, 10_000_000), 1_000_000)
  .option('--dup-rate <r>', 'share of rows that are existing people', (v: string) => Number(v), 0.3)
  .option('--pglite', 'on PGlite (in a temporary directory) instead of PostgreSQL', false)
  .option('--keep', 'keep the imported rows (no rollback at the end)', false)
  .action((o: ImportBenchOpts) => benchImport(o));
program
  .command('reports')
  .description(
    'Reports on PostgreSQL: every standard report and builder reports on 1M leads and 5M activities',
  )
  .option(
    '--leads <n>',
    'demo leads in the benchmark workspace',
    int('--leads', 1, MAX_DEMO_LEADS),
    1_000_000,
  )
  .option(
    '--activities <n>',
    'activities in the workspace (topped up)',
    int('--activities', 0, 50_000_000),
    5_000_000,
  )
  .option('--runs <n>', 'measured runs per report', int('--runs', 1, 1000), 20)
  .action((o: ReportsBenchOpts) => benchReports(o));
try {
  await program.parseAsync(process.argv);
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}
