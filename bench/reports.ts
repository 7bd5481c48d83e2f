/**
 * `npm run bench -- reports [--leads N] [--activities N] [--runs R]`
 *
 * Uses the board benchmark's demo workspace on PostgreSQL (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/leadbase_bench; loaded by `npm run bench -- board` when missing),
 * tops its activities up to N (default 5,000,000) set-based, gives every lead a value of a select custom
 * field `segment` (for the builder), and measures every standard report and builder reports in-process
 * (the real app through `app.inject`, one request at a time, R runs each after 2 warm-ups): p50, p95, max.
 * Each report runs over the reports' default range (the last 90 days) and over all time. Targets: standard
 * reports p95 < 300 ms, a builder report grouping by a custom field < 1 s. Results go to
 * bench/results/reports-<timestamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { firstOwner } from '../src/cli/commands/api-key.js';
import { createApiKey } from '../src/core/auth/api-keys.service.js';
import { type DatabaseHandle, openDatabase } from '../src/core/db/client.js';
import { systemCtx } from '../src/core/shared/context.js';
import { newId } from '../src/core/shared/ids.js';
import { buildApp } from '../src/server/app.js';
import { ensureDatabase } from './bench-db.js';
import { percentile } from './cannon.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/leadbase_bench';
const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const n = (x: number) => x.toLocaleString('en-US');

export type ReportsBenchOpts = { leads: number; activities: number; runs: number };

async function findWorkspace(h: DatabaseHandle, leads: number): Promise<string | null> {
  const rows = rowsOf<{ ws: string }>(
    await h.db.execute(sql`select a.workspace_id as ws from audit_entries a
      where a.action = 'demo.load' and (a.after -> 'counts' ->> 'leads')::int = ${leads}
      order by a.at desc limit 1`),
  );
  return rows[0]?.ws ?? null;
}

/** Adds activities (calls, emails, meetings, notes, sms by the lead's owner over its first 60 days) up to `target`. */
async function topUpActivities(h: DatabaseHandle, ws: string, target: number): Promise<void> {
  const [c] = rowsOf<{ n: string }>(
    await h.db.execute(sql`select count(*) as n from activities where workspace_id = ${ws}`),
  );
  let missing = target - Number(c!.n);
  if (missing <= 0) return;
  const [l] = rowsOf<{ n: string }>(
    await h.db.execute(
      sql`select count(*) as n from leads where workspace_id = ${ws} and deleted_at is null`,
    ),
  );
  const leads = Number(l!.n);
  console.error(`adding ${n(missing)} activities (to ${n(target)})…`);
  const t0 = performance.now();
  for (let round = 0; missing > 0; round++) {
    const per = Math.min(missing, leads);
    await h.db.execute(sql`insert into activities (workspace_id, id, type, lead_id, contact_id, user_id,
        subject, outcome, duration_minutes, occurred_at, metadata, created_at, updated_at)
      select ${ws}::uuid, gen_random_uuid(), t.type, l.id, l.contact_id, l.owner_id,
        'Bench ' || t.type, (array['connected','left voicemail','no answer',null])[1 + (abs(hashtext(l.id::text || ${round}::text)) % 4)],
        case when t.type in ('call','meeting') then 5 + abs(hashtext(l.id::text)) % 55 end,
        x.at, '{}'::jsonb, x.at, x.at
      from (select id, contact_id, owner_id, created_at from leads
            where workspace_id = ${ws} and deleted_at is null order by id limit ${per}) l
      cross join lateral (select (array['call','email','meeting','note','sms'])[1 + (abs(hashtext(l.id::text || 'r' || ${round}::text)) % 5)] as type) t
      cross join lateral (select least(now(), l.created_at + ((abs(hashtext(l.id::text || 'a' || ${round}::text)) % 86400 * 60) || ' seconds')::interval) as at) x`);
    missing -= per;
    console.error(`  ${n(target - missing)} activities (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await h.db.execute(sql`vacuum (analyze) activities`);
}

const SEGMENTS = ['enterprise', 'mid_market', 'smb', 'public_sector', 'non_profit', 'consumer'];

/** A select custom field `segment` on leads, with a value on every lead (set-based, in chunks). */
async function segmentField(h: DatabaseHandle, ws: string): Promise<void> {
  const [d] = rowsOf<{ id: string }>(
    await h.db.execute(sql`select id from custom_field_definitions
      where workspace_id = ${ws} and entity = 'lead' and key = 'segment'`),
  );
  if (!d)
    await h.db.execute(sql`insert into custom_field_definitions (workspace_id, id, entity, key, label, type, options)
      values (${ws}, ${newId()}, 'lead', 'segment', 'Segment', 'select',
        ${JSON.stringify(SEGMENTS.map((s) => ({ value: s, label: s.replace('_', ' ') })))}::jsonb)`);
  const [m] = rowsOf<{ n: string }>(
    await h.db.execute(
      sql`select count(*) as n from leads where workspace_id = ${ws} and not (custom ? 'segment')`,
    ),
  );
  if (Number(m!.n) === 0) return;
  console.error(`setting custom.segment on ${n(Number(m!.n))} leads…`);
  for (;;) {
    const r = rowsOf<{ id: string }>(
      await h.db.execute(sql`update leads set custom = custom || jsonb_build_object('segment',
          (${`{${SEGMENTS.join(',')}}`}::text[])[1 + abs(hashtext(id::text)) % ${SEGMENTS.length}])
        where workspace_id = ${ws} and id in (select id from leads where workspace_id = ${ws}
          and not (custom ? 'segment') limit 100000) returning id`),
    );
    if (r.length === 0) break;
  }
  await h.db.execute(sql`vacuum (analyze) leads`);
}

type Scenario = { name: string; target: number; method: 'GET' | 'POST'; url: string; body?: object };
type Result = {
  name: string;
  target: number;
  p50: number;
  p95: number;
  max: number;
  ok: boolean;
  bytes: number;
};

export async function benchReports(o: ReportsBenchOpts): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  await ensureDatabase(url);
  const h = await openDatabase({ url, poolSize: 4 });
  try {
    await h.migrate();
    const ws = await findWorkspace(h, o.leads);
    if (!ws)
      throw new Error(
        `no demo workspace of ${n(o.leads)} leads in ${url}: run \`npm run bench -- board --leads ${o.leads}\` first`,
      );
    await topUpActivities(h, ws, o.activities);
    await segmentField(h, ws);
    // Steady state: the report tables vacuumed (a migration that rewrote them, such as 0018's stay
    // columns, leaves dead rows and an unset visibility map until autovacuum comes by; index-only scans
    // would fetch the heap meanwhile). Quick when they are already clean.
    console.error('vacuum (analyze) of the report tables…');
    await h.db.execute(
      sql`vacuum (analyze) leads, lead_stage_history, activities, funnel_day_totals, stay_duration_totals, stage_day_totals, stage_close_totals, activity_day_totals, acquisition_day_totals, response_day_totals`,
    );
    const counts = rowsOf<{ leads: string; activities: string; history: string }>(
      await h.db.execute(sql`select (select count(*) from leads where workspace_id = ${ws}) as leads,
        (select count(*) from activities where workspace_id = ${ws}) as activities,
        (select count(*) from lead_stage_history where workspace_id = ${ws}) as history`),
    )[0]!;
    const owner = await firstOwner(h.db, ws);
    const key = await createApiKey(h.db, systemCtx(ws, owner), {
      name: `bench reports ${Date.now()}`,
      role: 'admin',
    });
    const app = await buildApp({ db: h.db });
    const headers = { authorization: `Bearer ${key.key}` };
    const today = new Date().toISOString().slice(0, 10);
    const from90 = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
    const ranges: [string, string][] = [
      ['90 days', `from=${from90}&to=${today}`],
      ['all time', ''],
    ];
    const scenarios: Scenario[] = [];
    for (const [label, q] of ranges) {
      for (const r of ['funnel', 'sources', 'campaigns', 'team', 'activity', 'health', 'forecast'])
        scenarios.push({
          name: `${r} (${label})`,
          target: 300,
          method: 'GET',
          url: `/api/v1/reports/${r}?${q}`,
        });
      const filters = q ? { from: from90, to: today } : {};
      scenarios.push({
        name: `builder: leads by custom.segment, count + sum dealValue (${label})`,
        target: 1000,
        method: 'POST',
        url: '/api/v1/reports/run',
        body: {
          entity: 'leads',
          filters,
          groupBy: [{ field: 'custom.segment' }],
          measures: [{ op: 'count' }, { op: 'sum', field: 'dealValue' }],
        },
      });
      scenarios.push({
        name: `builder: leads by custom.segment x created month, median dealValue (${label})`,
        target: 1000,
        method: 'POST',
        url: '/api/v1/reports/run',
        body: {
          entity: 'leads',
          filters,
          groupBy: [{ field: 'custom.segment' }, { field: 'createdAt', bucket: 'month' }],
          measures: [{ op: 'count' }, { op: 'median', field: 'dealValue' }],
        },
      });
    }
    const results: Result[] = [];
    for (const s of scenarios) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < o.runs + 2; i++) {
        const t = performance.now();
        const r = await app.inject({ method: s.method, url: s.url, headers, payload: s.body });
        const dt = performance.now() - t;
        if (r.statusCode !== 200) throw new Error(`${s.name}: ${r.statusCode} ${r.body.slice(0, 300)}`);
        bytes = r.body.length;
        if (i >= 2) times.push(dt);
      }
      const sorted = Float64Array.from(times).sort();
      const res = {
        name: s.name,
        target: s.target,
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        max: sorted[sorted.length - 1]!,
        ok: percentile(sorted, 95) < s.target,
        bytes,
      };
      results.push(res);
      console.log(
        `${s.name.padEnd(78)} p50 ${res.p50.toFixed(0).padStart(6)} ms  p95 ${res.p95.toFixed(0).padStart(6)} ms  max ${res.max.toFixed(0).padStart(6)} ms  target ${s.target} ms ${res.ok ? 'ok' : 'NOT MET'}`,
      );
    }
    await app.close();
    console.log(
      `\n${n(Number(counts.leads))} leads, ${n(Number(counts.activities))} activities, ${n(Number(counts.history))} stage stays; ${o.runs} runs each, one at a time, in-process (app.inject)`,
    );
    console.log(`targets met: ${results.filter((r) => r.ok).length} of ${results.length}`);
    const dir = join(HERE, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `reports-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ counts, runs: o.runs, results }, null, 2));
    console.log(`results: ${file}`);
  } finally {
    await h.close();
  }
}
