import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { accounts, contacts, duplicateCandidates, leads } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { countryOf } from '../workspaces/workspace-settings.js';
import {
  ACCOUNT_FIELDS,
  ACCOUNT_MODEL,
  accountKeys,
  accountProfile,
  compareAccounts,
} from './account-compare.js';
import { CONTACT_FIELDS, CONTACT_MODEL, compareContacts } from './contact-compare.js';
import { contactKeys, contactMatchColumns, contactMaxBlock, contactProfile } from './contact-profile.js';
import { type Rule, rulesFor } from './duplicate-rules.service.js';
import type { DuplicateEntity } from './duplicates.schemas.js';
import { estimateEmPatterns, type FieldComparison, type Model, posterior } from './fs-model.js';
import { type Comparator, candidatePairs, reasonsOf } from './matcher.js';
import { conditionSets, firstApplying, ruleFires } from './rule-eval.js';

export type ScanProgress = (phase: string, done: number, total: number) => Promise<void> | void;

export type ScanResult = {
  entity: DuplicateEntity;
  records: number;
  candidatePairs: number;
  pairs: number;
  skippedKeys: number;
  backfilled: number;
  em: { iterations: number; converged: boolean; usedDefaults: string[]; lambda: number };
  seconds: { load: number; compare: number; save: number; total: number };
};

const BATCH = 5000;

/** Computes `match_keys` for contacts that have none (bulk loads, rows written before migration 0005). */
export async function backfillMatchKeys(db: Db, ctx: Ctx, progress?: ScanProgress): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await db
      .select({
        id: contacts.id,
        firstName: contacts.firstName,
        lastName: contacts.lastName,
        emails: contacts.emails,
        phones: contacts.phones,
        addresses: contacts.addresses,
        companyName: contacts.companyName,
      })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, ctx.workspaceId), isNull(contacts.matchKeys)))
      .limit(BATCH);
    if (!rows.length) return done;
    const payload = JSON.stringify(rows.map((r) => [r.id, contactMatchColumns(r).matchKeys]));
    await db.execute(sql`update contacts c set match_keys = array(select jsonb_array_elements_text(r->1))
      from jsonb_array_elements(${payload}::jsonb) r
      where c.workspace_id = ${ctx.workspaceId} and c.id = (r->>0)::uuid`);
    done += rows.length;
    await progress?.('backfill', done, done);
  }
}

type Loaded<P> = { ids: string[]; profiles: P[] };

async function loadContacts(db: Db, ctx: Ctx, progress?: ScanProgress) {
  const out: Loaded<ReturnType<typeof contactProfile>> = { ids: [], profiles: [] };
  let after: string | null = null;
  for (;;) {
    const rows = await db
      .select({
        id: contacts.id,
        firstName: contacts.firstName,
        lastName: contacts.lastName,
        emails: contacts.emails,
        phones: contacts.phones,
        addresses: contacts.addresses,
        companyName: contacts.companyName,
      })
      .from(contacts)
      .where(
        and(
          eq(contacts.workspaceId, ctx.workspaceId),
          sql`${contacts.deletedAt} is null`,
          after ? gt(contacts.id, after) : undefined,
        ),
      )
      .orderBy(asc(contacts.id))
      .limit(BATCH * 4);
    for (const r of rows) {
      out.ids.push(r.id);
      out.profiles.push(contactProfile(r));
    }
    await progress?.('load', out.ids.length, out.ids.length);
    if (rows.length < BATCH * 4) return out;
    after = rows[rows.length - 1]!.id;
  }
}

async function loadAccounts(db: Db, ctx: Ctx) {
  const country = await countryOf(db, ctx);
  const rows = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      domain: accounts.domain,
      website: accounts.website,
      phone: accounts.phone,
      address: accounts.address,
    })
    .from(accounts)
    .where(and(eq(accounts.workspaceId, ctx.workspaceId), sql`${accounts.deletedAt} is null`))
    .orderBy(asc(accounts.id));
  return { ids: rows.map((r) => r.id), profiles: rows.map((r) => accountProfile(r, country)) };
}

const CONTACT_CMP: Comparator<ReturnType<typeof contactProfile>> = {
  fields: CONTACT_FIELDS,
  keys: (p) => contactKeys(p),
  compare: compareContacts,
  model: CONTACT_MODEL,
  maxBlock: contactMaxBlock,
};
const ACCOUNT_CMP: Comparator<ReturnType<typeof accountProfile>> = {
  fields: ACCOUNT_FIELDS,
  keys: accountKeys,
  compare: compareAccounts,
  model: ACCOUNT_MODEL,
};

type Found = {
  a: string;
  b: string;
  score: number;
  reasons: unknown[];
  ruleId: string | null;
  /** Lead scans: the rules that fired for the contact pair, tried per lead pair by their conditions. */
  fired?: Rule[];
};

/**
 * Scores every candidate pair of a loaded set: one pass stores each pair's levels and quantized
 * similarities (two bytes per field), EM estimates the model on the distinct patterns, then the rules
 * decide which pairs to keep and only those are compared again for their reasons.
 */
async function scorePairs<P>(
  ctx: Ctx,
  db: Db,
  entity: DuplicateEntity,
  cmp: Comparator<P>,
  data: Loaded<P>,
  progress?: ScanProgress,
) {
  const { pairs, skippedKeys } = candidatePairs(
    data.profiles.map((p) => cmp.keys(p)),
    undefined,
    cmp.maxBlock,
  );
  const P = pairs.length / 2;
  const F = cmp.fields.length;
  const levels = new Uint8Array(P * F);
  const sims = new Uint8Array(P * F);
  const patterns = new Map<string, number>();
  const patternOf = new Uint32Array(P);
  const patternList: { levels: Uint8Array; n: number }[] = [];
  for (let k = 0; k < P; k++) {
    const c = cmp.compare(data.profiles[pairs[2 * k]!]!, data.profiles[pairs[2 * k + 1]!]!);
    let key = '';
    for (let f = 0; f < F; f++) {
      levels[k * F + f] = c[f]!.level;
      sims[k * F + f] = Math.round(c[f]!.similarity * 255);
      key += c[f]!.level;
    }
    let idx = patterns.get(key);
    if (idx === undefined) {
      idx = patternList.length;
      patternList.push({ levels: levels.slice(k * F, k * F + F), n: 0 });
      patterns.set(key, idx);
    }
    patternList[idx]!.n++;
    patternOf[k] = idx;
    if (k % 20000 === 19999) await progress?.('compare', k + 1, P);
  }
  await progress?.('compare', P, P);
  const em = estimateEmPatterns(cmp.model, patternList);
  const model: Model = em.model;
  const scoreOf = patternList.map((p) => Math.round(posterior(model, p.levels) * 10000) / 10000);
  // Lead scans compare the leads' contacts but apply the lead rules; a rule with a condition applies
  // to a pair only when both records satisfy it (contacts and accounts here, leads in leadPairs).
  const rules = await rulesFor(db, ctx, entity);
  const sets = entity === 'lead' ? new Map<Rule, Set<string>>() : await conditionSets(db, ctx, entity, rules);
  const found: Found[] = [];
  const comparisons: FieldComparison[] = Array.from({ length: F }, () => ({
    level: 0,
    similarity: 0,
    method: 'exact' as const,
    a: null,
    b: null,
  }));
  for (let k = 0; k < P; k++) {
    const score = scoreOf[patternOf[k]!]!;
    for (let f = 0; f < F; f++) {
      comparisons[f]!.level = levels[k * F + f]!;
      comparisons[f]!.similarity = sims[k * F + f]! / 255;
    }
    const compared = { fields: cmp.fields, comparisons, score };
    const fired = rules.filter((r) => ruleFires(r, compared));
    if (!fired.length) continue;
    const i = pairs[2 * k]!;
    const j = pairs[2 * k + 1]!;
    const a = data.ids[i]!;
    const b = data.ids[j]!;
    const rule = entity === 'lead' ? fired[0]! : firstApplying(fired, sets, a, b);
    if (!rule) continue;
    const full = cmp.compare(data.profiles[i]!, data.profiles[j]!);
    found.push({
      a: a < b ? a : b,
      b: a < b ? b : a,
      score,
      reasons: reasonsOf(model, cmp.fields, a < b ? full : full.map((c) => ({ ...c, a: c.b, b: c.a }))),
      ruleId: rule.id,
      fired: entity === 'lead' ? fired : undefined,
    });
  }
  return {
    found,
    candidatePairs: P,
    skippedKeys,
    em: {
      iterations: em.iterations,
      converged: em.converged,
      usedDefaults: em.usedDefaults,
      lambda: Math.round(model.lambda * 10000) / 10000,
    },
  };
}

/** Replaces the open pairs of an entity with the scan's (dismissed and merged pairs stay as they are). */
async function savePairs(db: Db, ctx: Ctx, entity: DuplicateEntity, jobId: string | null, found: Found[]) {
  await db.transaction(async (tx) => {
    await tx
      .delete(duplicateCandidates)
      .where(
        and(
          eq(duplicateCandidates.workspaceId, ctx.workspaceId),
          eq(duplicateCandidates.entity, entity),
          eq(duplicateCandidates.status, 'open'),
        ),
      );
    for (let i = 0; i < found.length; i += BATCH) {
      const payload = JSON.stringify(
        found.slice(i, i + BATCH).map((f) => [f.a, f.b, f.score, f.reasons, f.ruleId]),
      );
      await tx.execute(sql`insert into duplicate_candidates
          (workspace_id, entity, record_a, record_b, score, reasons, rule_id, job_id)
        select ${ctx.workspaceId}::uuid, ${entity}, (r->>0)::uuid, (r->>1)::uuid, (r->>2)::real, r->3,
               (r->>4)::uuid, ${jobId}::uuid
          from jsonb_array_elements(${payload}::jsonb) r
        on conflict do nothing`);
    }
  });
}

/**
 * Scans a whole workspace for duplicates of an entity: blocking, scored comparison with per-scan EM,
 * the workspace's rules. Leads are scanned through their contacts (a lead pair is two leads whose
 * contacts are a duplicate pair).
 */
export async function scanDuplicates(
  db: Db,
  ctx: Ctx,
  entity: DuplicateEntity,
  jobId: string | null,
  progress?: ScanProgress,
): Promise<ScanResult> {
  const t0 = performance.now();
  const backfilled = entity === 'account' ? 0 : await backfillMatchKeys(db, ctx, progress);
  const data = entity === 'account' ? await loadAccounts(db, ctx) : await loadContacts(db, ctx, progress);
  const t1 = performance.now();
  const scored =
    entity === 'account'
      ? await scorePairs(
          ctx,
          db,
          entity,
          ACCOUNT_CMP,
          data as Loaded<ReturnType<typeof accountProfile>>,
          progress,
        )
      : await scorePairs(
          ctx,
          db,
          entity,
          CONTACT_CMP,
          data as Loaded<ReturnType<typeof contactProfile>>,
          progress,
        );
  const t2 = performance.now();
  let found = scored.found;
  if (entity === 'lead') found = await leadPairs(db, ctx, found);
  await savePairs(db, ctx, entity, jobId, found);
  const t3 = performance.now();
  const s = (x: number) => Math.round(x / 10) / 100;
  return {
    entity,
    records: data.ids.length,
    candidatePairs: scored.candidatePairs,
    pairs: found.length,
    skippedKeys: scored.skippedKeys,
    backfilled,
    em: scored.em,
    seconds: { load: s(t1 - t0), compare: s(t2 - t1), save: s(t3 - t2), total: s(t3 - t0) },
  };
}

/**
 * Lead pairs from contact pairs: live leads of the two contacts (each lead of one with each of the
 * other), each with the first lead rule that fired for the contacts and whose condition both leads meet.
 */
async function leadPairs(db: Db, ctx: Ctx, contactPairs: Found[]): Promise<Found[]> {
  if (!contactPairs.length) return [];
  const fired = [...new Set(contactPairs.flatMap((p) => p.fired ?? []))];
  const sets = await conditionSets(db, ctx, 'lead', fired);
  const rows = await db
    .select({ id: leads.id, contactId: leads.contactId })
    .from(leads)
    .where(and(eq(leads.workspaceId, ctx.workspaceId), sql`${leads.deletedAt} is null`));
  const byContact = new Map<string, string[]>();
  for (const r of rows) byContact.set(r.contactId, [...(byContact.get(r.contactId) ?? []), r.id]);
  const out: Found[] = [];
  for (const p of contactPairs)
    for (const x of byContact.get(p.a) ?? [])
      for (const y of byContact.get(p.b) ?? []) {
        const rule = firstApplying(p.fired ?? [], sets, x, y);
        if (rule) out.push({ ...p, a: x < y ? x : y, b: x < y ? y : x, ruleId: rule.id, fired: undefined });
      }
  return out;
}
