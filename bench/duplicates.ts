/**
 * `npm run bench -- duplicates [--contacts N] [--scan-contacts N] [--samples N] [--skip-speed]`
 *
 * (a) Quality on FEBRL (../shared/data/febrl/dataset1.csv, dataset2.csv): each set is loaded as
 *     contacts through the contact service (duplicate checks on) into a fresh workspace, scanned, and
 *     the scan's pairs are compared with the true pairs (records sharing the rec number): precision,
 *     recall, F1. Targets: F1 ≥ 0.95 (dataset1), ≥ 0.90 (dataset2).
 * (b) Speed on PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/leadbase_bench):
 *     a demo workspace of N contacts (default 1,000,000; reused between runs): candidate lookup for one
 *     new record (a sampled contact with a typo in its surname), p50/p95/p99 over `--samples`, target
 *     p95 < 5 ms; and a full scan of a demo workspace of 100,000 contacts, target < 30 s.
 * Writes bench/results/duplicates-<timestamp>.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { signup } from '../src/core/auth/auth.service.js';
import { insertContact } from '../src/core/contacts/contacts.service.js';
import { type DatabaseHandle, openDatabase } from '../src/core/db/client.js';
import { generateDemo } from '../src/core/demo/demo.service.js';
import { findContactCandidates } from '../src/core/duplicates/duplicates.service.js';
import { backfillMatchKeys, scanDuplicates } from '../src/core/duplicates/scan.service.js';
import { type Ctx, systemCtx } from '../src/core/shared/context.js';
import { newId } from '../src/core/shared/ids.js';
import { ensureDatabase } from './bench-db.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FEBRL_DIR = join(HERE, '..', '..', 'shared', 'data', 'febrl');
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/leadbase_bench';
const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;

export type DuplicatesBenchOpts = {
  contacts: number;
  scanContacts: number;
  samples: number;
  skipSpeed: boolean;
};

type FebrlRecord = { rec: string; input: Parameters<typeof insertContact>[2] };

/** FEBRL CSV rows as contact inputs (values have a leading space; empty means missing). */
export function readFebrl(file: string): FebrlRecord[] {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const head = lines[0]!.split(',').map((h) => h.trim());
  return lines.slice(1).map((line) => {
    const cells = line.split(',').map((c) => c.trim());
    const v = (name: string) => cells[head.indexOf(name)] || null;
    const street1 = [v('street_number'), v('address_1')].filter(Boolean).join(' ') || null;
    return {
      rec: v('rec_id')!,
      input: {
        firstName: v('given_name'),
        lastName: v('surname'),
        addresses: [
          {
            type: 'personal' as const,
            street1,
            street2: v('address_2'),
            city: v('suburb'),
            postcode: v('postcode'),
            state: v('state'),
            country: 'AU',
          },
        ],
      },
    };
  });
}

export type Quality = {
  records: number;
  truePairs: number;
  found: number;
  tp: number;
  precision: number;
  recall: number;
  f1: number;
};

/** Precision, recall and F1 over pairs: a true pair is two records with the same rec number. */
export function pairQuality(recOf: Map<string, string>, found: [string, string][]): Quality {
  const num = (rec: string) => rec.split('-')[1]!;
  const byNum = new Map<string, number>();
  for (const rec of recOf.values()) byNum.set(num(rec), (byNum.get(num(rec)) ?? 0) + 1);
  let truePairs = 0;
  for (const n of byNum.values()) truePairs += (n * (n - 1)) / 2;
  const tp = found.filter(([a, b]) => num(recOf.get(a)!) === num(recOf.get(b)!)).length;
  const precision = found.length ? tp / found.length : 0;
  const recall = truePairs ? tp / truePairs : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { records: recOf.size, truePairs, found: found.length, tp, precision, recall, f1 };
}

/** Loads a FEBRL set into a fresh workspace through the contact service, scans, and measures. */
export async function febrlQuality(h: DatabaseHandle, file: string) {
  const records = readFebrl(file);
  const { userId, workspaceId } = await signup(h.db, {
    email: `febrl.${newId()}@bench.local`,
    password: 'bench password',
    name: 'FEBRL',
    workspaceName: `FEBRL ${file.split('/').pop()}`,
  } as Parameters<typeof signup>[1]);
  await h.db.execute(sql`update workspaces set default_country = 'AU' where id = ${workspaceId}`);
  const ctx: Ctx = { ...systemCtx(workspaceId, userId), defaultCountry: 'AU' };
  const recOf = new Map<string, string>();
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += 200) {
    await h.db.transaction(async (tx) => {
      for (const r of records.slice(i, i + 200)) {
        const row = await insertContact(tx, ctx, r.input);
        recOf.set(row.id, r.rec);
      }
    });
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  const scan = await scanDuplicates(h.db, ctx, 'contact', null);
  const pairs = rowsOf<{ a: string; b: string }>(
    await h.db.execute(sql`select record_a as a, record_b as b from duplicate_candidates
      where workspace_id = ${workspaceId} and entity = 'contact' and status = 'open'`),
  ).map((p) => [p.a, p.b] as [string, string]);
  return { quality: pairQuality(recOf, pairs), loadSeconds, scan };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** A demo workspace with exactly `contacts` contacts (made with `--leads = --contacts = N` when missing). */
async function demoWorkspace(h: DatabaseHandle, contacts: number): Promise<string> {
  const [hit] = rowsOf<{ ws: string }>(
    await h.db.execute(sql`select a.workspace_id as ws from audit_entries a
      where a.action = 'demo.load' and (a.after -> 'counts' ->> 'contacts')::int = ${contacts}
      order by a.at desc limit 1`),
  );
  if (hit) {
    console.error(`reusing demo workspace ${hit.ws} (${contacts.toLocaleString('en-US')} contacts)`);
    return hit.ws;
  }
  console.error(`loading a demo workspace with ${contacts.toLocaleString('en-US')} contacts…`);
  let last = '';
  const r = await generateDemo(
    h.db,
    {
      leads: contacts,
      contacts,
      email: `bench-dups-${contacts}@leadbase.local`,
      password: 'bench password',
      batchSize: 10_000,
    },
    (phase, done, total) => {
      const line = `${phase} ${Math.floor((done / total) * 10) * 10}%`;
      if (line !== last) console.error(`  ${line}`);
      last = line;
    },
  );
  await h.db.execute(sql`vacuum (analyze) contacts`);
  console.error(`  loaded in ${r.seconds.total.toFixed(1)} s`);
  return r.workspaceId;
}

/** Candidate lookup for one new record: sampled contacts with their surname changed by one letter. */
async function lookupSpeed(h: DatabaseHandle, ws: string, samples: number) {
  const ctx: Ctx = { ...systemCtx(ws), defaultCountry: 'US' };
  const filled = await backfillMatchKeys(h.db, ctx);
  if (filled) {
    console.error(`  computed match keys of ${filled.toLocaleString('en-US')} contacts`);
    // The updates leave GIN pending lists and dead tuples that every lookup would scan.
    await h.db.execute(sql`vacuum (analyze) contacts`);
  }
  const rows = rowsOf<{
    first_name: string | null;
    last_name: string | null;
    emails: { normalized: string }[];
    phones: { e164: string }[];
    addresses: Record<string, string | null>[];
    company_name: string | null;
  }>(
    await h.db.execute(sql`select first_name, last_name, emails, phones, addresses, company_name
      from contacts tablesample system (1) where workspace_id = ${ws} limit ${samples * 2}`),
  );
  // The first half warms the caches (a server's steady state); the second half is measured.
  const times: number[] = [];
  let candidates = 0;
  for (const [i, r] of rows.entries()) {
    const measured = i >= rows.length / 2;
    const last = r.last_name ?? '';
    const typo = last.length > 3 ? `${last.slice(0, 2)}${last[3]}${last[2]}${last.slice(4)}` : last;
    // Half the new records keep an email (found by it), half come with only name and address.
    const like = {
      firstName: r.first_name,
      lastName: typo,
      emails: i % 2 ? r.emails.slice(0, 1) : [],
      phones: [],
      addresses: r.addresses,
      companyName: r.company_name,
    };
    const t = performance.now();
    const found = await findContactCandidates(h.db, ctx, like);
    if (!measured) continue;
    times.push(performance.now() - t);
    candidates += found.length;
  }
  const warm = times.sort((a, b) => a - b);
  return {
    samples: warm.length,
    p50: pct(warm, 50),
    p95: pct(warm, 95),
    p99: pct(warm, 99),
    meanCandidates: candidates / warm.length,
  };
}

export async function benchDuplicates(o: DuplicatesBenchOpts): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  await ensureDatabase(url);
  const h = await openDatabase({ url, poolSize: 4 });
  const results: Record<string, unknown> = { at: new Date().toISOString() };
  let ok = true;
  try {
    await h.migrate();
    console.log('FEBRL quality (loaded through the contact service, then a scan):');
    for (const [name, target] of [
      ['dataset1.csv', 0.95],
      ['dataset2.csv', 0.9],
    ] as const) {
      const file = join(FEBRL_DIR, name);
      if (!existsSync(file)) throw new Error(`${file} is missing`);
      const r = await febrlQuality(h, file);
      const q = r.quality;
      const pass = q.f1 >= target;
      ok &&= pass;
      console.log(
        `  ${name}: ${q.records} records, ${q.truePairs} true pairs, ${q.found} found, precision ${q.precision.toFixed(4)}, recall ${q.recall.toFixed(4)}, F1 ${q.f1.toFixed(4)} (target ≥ ${target}: ${pass ? 'ok' : 'MISSED'}); load ${r.loadSeconds.toFixed(1)} s, scan ${r.scan.seconds.total.toFixed(2)} s, ${r.scan.candidatePairs} candidate pairs, EM ${r.scan.em.iterations} iterations`,
      );
      results[name] = { ...r, target, pass };
    }
    if (!o.skipSpeed) {
      console.log(`Speed on PostgreSQL (${url.replace(/\/\/[^@]*@/, '//')}):`);
      const big = await demoWorkspace(h, o.contacts);
      const lookup = await lookupSpeed(h, big, o.samples);
      const lookupOk = lookup.p95 < 5;
      ok &&= lookupOk;
      console.log(
        `  candidate lookup, ${o.contacts.toLocaleString('en-US')} contacts: p50 ${lookup.p50.toFixed(2)} ms, p95 ${lookup.p95.toFixed(2)} ms, p99 ${lookup.p99.toFixed(2)} ms over ${lookup.samples} records, ${lookup.meanCandidates.toFixed(1)} candidates each (target p95 < 5 ms: ${lookupOk ? 'ok' : 'MISSED'})`,
      );
      const small = await demoWorkspace(h, o.scanContacts);
      const ctx: Ctx = { ...systemCtx(small), defaultCountry: 'US' };
      await backfillMatchKeys(h.db, ctx);
      const scan = await scanDuplicates(h.db, ctx, 'contact', null);
      const scanOk = scan.seconds.total < 30;
      ok &&= scanOk;
      console.log(
        `  full scan, ${scan.records.toLocaleString('en-US')} contacts: ${scan.seconds.total.toFixed(1)} s (load ${scan.seconds.load} s, compare+EM ${scan.seconds.compare} s, save ${scan.seconds.save} s), ${scan.candidatePairs.toLocaleString('en-US')} candidate pairs, ${scan.pairs.toLocaleString('en-US')} pairs kept (target < 30 s: ${scanOk ? 'ok' : 'MISSED'})`,
      );
      results.lookup = { ...lookup, contacts: o.contacts, pass: lookupOk };
      results.scan = { ...scan, pass: scanOk };
    }
  } finally {
    await h.close();
  }
  const dir = join(HERE, 'results');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `duplicates-${Date.now()}.json`);
  writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`${ok ? 'all targets met' : 'SOME TARGETS MISSED'}; results in ${out}`);
  if (!ok) process.exitCode = 1;
}
