/**
 * `npm run bench -- import [--rows N] [--contacts N] [--dup-rate R] [--pglite] [--keep]`
 *
 * A leads CSV of N rows (default 1,000,000; a share R, default 0.3, are people who already exist)
 * imported into a workspace of `--contacts` existing contacts (default 1,000,000) on PostgreSQL
 * (BENCH_IMPORT_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/leadbase_bench_import), or on
 * PGlite in a temporary directory with --pglite. The import runs in a child process (its peak RSS is
 * the import's own): read + stage, preview, run — then, in the same run, a plain COPY of the same file
 * into a bare table of text columns, the floor. Prints rows/s per phase and overall, the peak RSS, the
 * ratio to the COPY, PASS/FAIL against the targets (≥ 50,000 rows/s on PostgreSQL, ≥ 10,000 on PGlite,
 * peak RSS < 300 MB), rolls the import back (timed; the workspace is reused by the next run), measures
 * the write floor (bench/import-floor.ts: the same CRM rows inserted by plain SQL, rolled back) and writes
 * bench/results/import-<timestamp>.json.
 *
 * Run directly (`node --import tsx bench/import.ts child …`) this file is the importing process.
 */
import { spawn } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { signup } from '../src/core/auth/auth.service.js';
import { type DatabaseHandle, openDatabase } from '../src/core/db/client.js';
import { readTable } from '../src/core/imports/file-reader.js';
import { rollbackImport } from '../src/core/imports/import-rollback.js';
import { runImport } from '../src/core/imports/import-run.js';
import { stageImport } from '../src/core/imports/import-stage.js';
import { getImport, markPreviewed } from '../src/core/imports/imports.service.js';
import { systemCtx } from '../src/core/shared/context.js';
import { ensureDatabase } from './bench-db.js';
import { type WriteFloor, writeFloor } from './import-floor.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/leadbase_bench_import';
const BENCH_EMAIL = 'import-bench@example.com';

export type ImportBenchOpts = {
  rows: number;
  contacts: number;
  dupRate: number;
  pglite: boolean;
  keep: boolean;
};
const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;

/** The bench workspace with `contacts` existing people (person<i>@bench.example, +1 650 5xx xxxx). */
async function ensureWorkspace(h: DatabaseHandle, contacts: number): Promise<{ ws: string; user: string }> {
  const found = rowsOf<{ ws: string; user: string }>(
    await h.db.execute(sql`select m.workspace_id as ws, u.id as user from users u
      join memberships m on m.user_id = u.id where u.email = ${BENCH_EMAIL} limit 1`),
  )[0];
  const ids: { ws: string; user: string } =
    found ??
    (await signup(h.db, {
      email: BENCH_EMAIL,
      password: 'bench bench bench',
      name: 'Bench',
      workspaceName: 'Import bench',
    }).then((r) => ({ ws: r.workspaceId, user: r.userId })));
  if (!found) await h.db.execute(sql`delete from contacts where workspace_id = ${ids.ws}`);
  const have = Number(
    rowsOf<{ n: number }>(
      await h.db.execute(sql`select count(*)::int as n from contacts where workspace_id = ${ids.ws}`),
    )[0]!.n,
  );
  if (have < contacts) {
    console.error(`loading ${(contacts - have).toLocaleString('en-US')} existing contacts…`);
    const t0 = performance.now();
    for (let from = have; from < contacts; from += 100_000) {
      const to = Math.min(contacts, from + 100_000);
      await h.db.execute(sql`insert into contacts (workspace_id, id, first_name, last_name, emails, phones, status, match_keys, created_at)
        select ${ids.ws}, leadbase_uuid_v7(), 'Person', 'Number ' || i,
          jsonb_build_array(jsonb_build_object('email', 'person' || i || '@bench.example', 'normalized', 'person' || i || '@bench.example', 'label', null, 'primary', true)),
          jsonb_build_array(jsonb_build_object('phone', p.e164, 'e164', p.e164, 'label', null, 'primary', true)),
          'prospect', array['e:person' || i || '@bench.example', 'p:' || p.e164], now() - interval '1 day'
        from generate_series(${from + 1}::int, ${to}::int) i
          cross join lateral (select '+1' || (array[415, 650, 408, 510, 212, 646, 312, 617])[i % 8 + 1]
            || (200 + (i / 8) % 800) || lpad(((i / 6400) % 10000)::text, 4, '0') as e164) p`);
    }
    await h.db.execute(sql`analyze contacts`);
    console.error(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return ids;
}

/** A valid US number per person (8 area codes × 800 exchanges × 10,000 lines), as the SQL above makes it. */
const benchPhone = (n: number) =>
  `+1 ${[415, 650, 408, 510, 212, 646, 312, 617][n % 8]} ${200 + (Math.floor(n / 8) % 800)} ${String(Math.floor(n / 6400) % 10000).padStart(4, '0')}`;

/** The CSV: existing people (by email) for a `dupRate` share of the rows, new people for the rest. */
async function ensureFile(rows: number, contacts: number, dupRate: number): Promise<string> {
  const dir = join(tmpdir(), 'leadbase-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `leads-v2-${rows}-${contacts}-${dupRate}.csv`);
  if (existsSync(file)) return file;
  console.error(`writing ${file}…`);
  const out = createWriteStream(file);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  await write(
    'First Name,Last Name,Email,Phone,Company,Lead Source,Product Interest,Deal Value,City,Country\n',
  );
  const sources = ['website', 'referral', 'ads', 'partner', 'trade show'];
  const products = ['Solar', 'Roof', 'Kitchen', 'Windows', 'HVAC'];
  // mulberry32: a small PRNG with a full 2^32 period (a float LCG cycles after a few thousand draws).
  let seed = 42;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let buf = '';
  for (let i = 1; i <= rows; i++) {
    const existing = rand() < dupRate;
    const n = existing ? 1 + Math.floor(rand() * contacts) : contacts + i;
    const email = existing ? `person${n}@bench.example` : `new${i}@bench.example`;
    buf += `Lead,Number ${n},${email},${benchPhone(n)},Company ${n % 5000},${sources[i % 5]},${products[n % 5]},${(i % 50) * 500},City ${i % 300},US\n`;
    if (i % 5000 === 0) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((r) => out.end(() => r()));
  return file;
}

type ChildResult = {
  importId: string;
  stageMs: number;
  previewMs: number;
  runMs: number;
  totalMs: number;
  maxRssMb: number;
  rssMb: Record<string, number>;
  counts: Record<string, number>;
  result: Record<string, unknown>;
};

/** The importing process: read, stage, preview, run; reports timings and its peak RSS. */
async function child(url: string, ws: string, user: string, file: string): Promise<void> {
  // Peak RSS per phase, sampled (the process's own peak is reported too): where the memory goes.
  const rss = { start: process.memoryUsage().rss, stage: 0, preview: 0, run: 0 };
  let phase: 'stage' | 'preview' | 'run' = 'stage';
  const sampler = setInterval(() => {
    rss[phase] = Math.max(rss[phase], process.memoryUsage().rss);
  }, 100);
  const h = await openDatabase(url.startsWith('postgres') ? { url, poolSize: 4 } : { dataDir: url });
  const ctx = systemCtx(ws, user);
  const t0 = performance.now();
  const table = await readTable(createReadStream(file), { fileName: 'bench-leads.csv' });
  const staged = await stageImport(h.db, ctx, {
    entity: 'leads',
    origin: 'bench',
    fileName: 'bench-leads.csv',
    fileFormat: table.format,
    fileBytes: statSync(file).size,
    headers: table.headers,
    batches: table.batches,
    settings: { duplicatePolicy: 'skip' },
  });
  const tStaged = performance.now();
  phase = 'preview';
  await markPreviewed(h.db, ctx, staged);
  const imp = await getImport(h.db, ctx, staged.id);
  const t1 = performance.now();
  phase = 'run';
  const done = await runImport(h.db, ctx, imp.id);
  const t2 = performance.now();
  clearInterval(sampler);
  const out: ChildResult = {
    importId: imp.id,
    stageMs: tStaged - t0,
    previewMs: t1 - tStaged,
    runMs: t2 - t1,
    totalMs: t2 - t0,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    rssMb: Object.fromEntries(Object.entries(rss).map(([k, v]) => [k, Math.round(v / 1024 / 1024)])),
    counts: imp.preview.counts ?? {},
    result: (done.result ?? {}) as Record<string, unknown>,
  };
  await h.close();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function copyFloor(url: string, file: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('drop table if exists bench_copy_floor');
    await c.query(
      `create table bench_copy_floor (${Array.from({ length: 10 }, (_, i) => `c${i} text`).join(', ')})`,
    );
    const t0 = performance.now();
    await pipeline(
      createReadStream(file),
      c.query(copyFrom('copy bench_copy_floor from stdin with (format csv, header true)')),
    );
    const ms = performance.now() - t0;
    await c.query('drop table bench_copy_floor');
    return ms;
  } finally {
    await c.end();
  }
}

export async function benchImport(o: ImportBenchOpts): Promise<void> {
  let url: string;
  let dir: string | null = null;
  if (o.pglite) {
    dir = mkdtempSync(join(tmpdir(), 'leadbase-bench-pglite-'));
    url = dir;
  } else {
    url = process.env.BENCH_IMPORT_DATABASE_URL ?? DEFAULT_URL;
    await ensureDatabase(url);
  }
  const h = await openDatabase(o.pglite ? { dataDir: url } : { url, poolSize: 4 });
  await h.migrate();
  const { ws, user } = await ensureWorkspace(h, o.contacts);
  // A previous run stopped before its rollback: undo what it left, so every run starts alike.
  for (const left of rowsOf<{ id: string; status: string }>(
    await h.db.execute(sql`select id, status from imports where workspace_id = ${ws} and origin = 'bench'
      and status not in ('rolled_back', 'cancelled')`),
  )) {
    console.error(`rolling back the import ${left.id} a previous run left (${left.status})…`);
    if (['queued', 'running'].includes(left.status))
      await h.db.execute(
        sql`update imports set status = 'failed' where workspace_id = ${ws} and id = ${left.id}`,
      );
    await rollbackImport(h.db, systemCtx(ws, user), left.id, { force: true });
  }
  await h.db.execute(sql`delete from imports where workspace_id = ${ws} and origin = 'bench'`);
  // PGlite allows one process: the child opens it after this one lets go.
  if (o.pglite) await h.close();
  const file = await ensureFile(o.rows, o.contacts, o.dupRate);
  const mb = statSync(file).size / 1024 / 1024;
  console.log(
    `Importing ${o.rows.toLocaleString('en-US')} rows (${mb.toFixed(0)} MB, ${Math.round(o.dupRate * 100)}% existing people) into ${o.contacts.toLocaleString('en-US')} contacts on ${o.pglite ? 'PGlite' : 'PostgreSQL'}…`,
  );
  const res = await new Promise<ChildResult>((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', SELF, 'child', url, ws, user, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (b) => {
      out += b;
    });
    p.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!))
        : reject(new Error(`import child exited ${code}`)),
    );
  });
  const floorMs = o.pglite ? null : await copyFloor(url, file);
  const rps = Math.round(o.rows / (res.totalMs / 1000));
  const target = o.pglite ? 10_000 : 50_000;
  const lines = [
    `read + stage            ${(res.stageMs / 1000).toFixed(1)} s  (${Math.round(o.rows / (res.stageMs / 1000)).toLocaleString('en-US')} rows/s)`,
    `preview                 ${(res.previewMs / 1000).toFixed(1)} s  ${JSON.stringify(res.counts)}`,
    `run (write)             ${(res.runMs / 1000).toFixed(1)} s  (${Math.round(o.rows / (res.runMs / 1000)).toLocaleString('en-US')} rows/s)  ${JSON.stringify(res.result)}`,
    `total                   ${(res.totalMs / 1000).toFixed(1)} s  ${rps.toLocaleString('en-US')} rows/s  ${rps >= target ? 'PASS' : 'FAIL'} (target ≥ ${target.toLocaleString('en-US')})`,
    `peak RSS (importer)     ${res.maxRssMb.toFixed(0)} MB  ${res.maxRssMb < 300 ? 'PASS' : 'FAIL'} (target < 300 MB; sampled: at start ${res.rssMb.start} MB, stage ${res.rssMb.stage || '–'}, preview ${res.rssMb.preview || '–'}, run ${res.rssMb.run || '–'})`,
    floorMs === null
      ? 'plain COPY floor        (PostgreSQL only)'
      : `plain COPY floor        ${(floorMs / 1000).toFixed(1)} s  (${Math.round(o.rows / (floorMs / 1000)).toLocaleString('en-US')} rows/s); import/COPY = ${(res.totalMs / floorMs).toFixed(1)}x`,
  ];
  for (const l of lines) console.log(l);
  let rollbackMs: number | null = null;
  let floor: WriteFloor | null = null;
  if (!o.keep) {
    const h2 = await openDatabase(o.pglite ? { dataDir: url } : { url, poolSize: 4 });
    const t0 = performance.now();
    const rb = await rollbackImport(h2.db, systemCtx(ws, user), res.importId);
    rollbackMs = performance.now() - t0;
    console.log(`rollback                ${(rollbackMs / 1000).toFixed(1)} s  ${JSON.stringify(rb)}`);
    await h2.db.execute(sql`delete from imports where workspace_id = ${ws} and id = ${res.importId}`);
    const made = res.result as { created?: number; contactsCreated?: number };
    floor = await writeFloor(h2.db, ws, user, made.created ?? 0, made.contactsCreated ?? 0);
    const floorRps = Math.round(o.rows / (floor.ms / 1000));
    const line = `write floor             ${(floor.ms / 1000).toFixed(1)} s  (${floorRps.toLocaleString('en-US')} rows/s; ${Object.entries(
      floor.steps,
    )
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
      .join(', ')}); import/write floor = ${(res.totalMs / floor.ms).toFixed(1)}x`;
    console.log(line);
    lines.push(line);
    await h2.close();
  }
  if (!o.pglite) await h.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(HERE, 'results'), { recursive: true });
  const outFile = join(HERE, 'results', `import-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    outFile,
    JSON.stringify(
      { opts: o, ...res, floorMs, writeFloor: floor, rowsPerSecond: rps, rollbackMs, lines },
      null,
      2,
    ),
  );
  console.log(`results: ${outFile}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === 'child') {
  const [url, ws, user, file] = process.argv.slice(3) as [string, string, string, string];
  await child(url, ws, user, file);
}
