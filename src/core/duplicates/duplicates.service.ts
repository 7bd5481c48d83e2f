import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { accounts, contacts, duplicateCandidates } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { countryOf } from '../workspaces/workspace-settings.js';
import {
  ACCOUNT_FIELDS,
  ACCOUNT_MODEL,
  type AccountLike,
  accountProfile,
  compareAccounts,
} from './account-compare.js';
import { CONTACT_FIELDS, CONTACT_MODEL, compareContacts } from './contact-compare.js';
import { type ContactLike, contactKeys, contactProfile } from './contact-profile.js';
import { rulesFor } from './duplicate-rules.service.js';
import type { DuplicateEntity } from './duplicates.schemas.js';
import { posterior } from './fs-model.js';
import { levelsOf, reasonsOf } from './matcher.js';
import { applicableRules, type Compared, type Decision, decide, type RecordOf } from './rule-eval.js';

export type Candidate = Compared & { id: string; reasons: ReturnType<typeof reasonsOf> };

/**
 * Most candidates a single check compares: the ones sharing the most blocking keys (a true duplicate
 * shares several families at once; a namesake in the same postcode one or two), exact email or phone
 * matches first. Bounds the work when blocks are large (a common name in a big city).
 */
const MAX_CANDIDATES = 40;
/** Accounts: the best few by name similarity (many names share trigrams with a short query). */
const MAX_ACCOUNT_CANDIDATES = 25;

const textArray = (xs: string[]) =>
  sql`ARRAY[${sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  )}]::text[]`;

/**
 * Serializes writes that could create the same record: a transaction-scoped advisory lock per
 * normalized email, phone or domain (sorted, so two writers never wait on each other in a cycle).
 * A concurrent create with the same key waits, then finds the committed record.
 */
export async function lockMatchKeys(tx: Db, ctx: Ctx, keys: string[]): Promise<void> {
  for (const k of [...new Set(keys)].sort())
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${ctx.workspaceId}:${k}`}, 0))`);
}

/** Live contacts sharing a blocking key (or an email or phone) with `like`, scored and explained. */
export async function findContactCandidates(
  tx: Db,
  ctx: Ctx,
  like: ContactLike,
  excludeId?: string,
): Promise<Candidate[]> {
  const p = contactProfile(like);
  // A record with an address finds its namesakes through the place families (xpi, xti, xn): the
  // name-only family `n:` (everyone called that, anywhere) is queried only for records without one.
  const keys = contactKeys(p, 'lookup').filter((k) => !(k.startsWith('n:') && (p.postcode || p.street)));
  if (!keys.length) return [];
  // Emails and phones also through their own indexes: found even before match keys are computed.
  const exact = [
    ...p.emails.map((e) => sql`${contacts.emails} @> ${JSON.stringify([{ normalized: e }])}::jsonb`),
    ...p.phones.map((x) => sql`${contacts.phones} @> ${JSON.stringify([{ e164: x }])}::jsonb`),
  ];
  const rows = await tx
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
        sql`(${sql.join([sql`${contacts.matchKeys} && ${textArray(keys)}`, ...exact], sql` or `)})`,
        sql`${contacts.deletedAt} is null`,
        excludeId ? sql`${contacts.id} <> ${excludeId}` : undefined,
      ),
    )
    .orderBy(
      ...(exact.length ? [sql`(${sql.join(exact, sql` or `)}) desc`] : []),
      sql`cardinality(array(select unnest(${contacts.matchKeys}) intersect select unnest(${textArray(keys)}))) desc`,
    )
    .limit(MAX_CANDIDATES);
  return rows.map((r) => {
    const comparisons = compareContacts(p, contactProfile(r));
    return {
      id: r.id,
      fields: CONTACT_FIELDS,
      comparisons,
      score: Math.round(posterior(CONTACT_MODEL, levelsOf(comparisons)) * 10000) / 10000,
      reasons: reasonsOf(CONTACT_MODEL, CONTACT_FIELDS, comparisons),
    };
  });
}

export type WriteCheck = Decision<Candidate>;

/**
 * The duplicate check of a contact write (a contact create or update, or a lead's flat contact
 * fields): locks the normalized emails and phones, finds and scores candidates, applies the rules.
 * `block` throws 409 listing the candidates. On an update, `link` acts as `flag` (merging is a
 * separate, explicit step).
 */
export async function checkContactWrite(
  tx: Db,
  ctx: Ctx,
  entity: 'contact' | 'lead',
  like: ContactLike,
  opts: { selfId?: string; record?: RecordOf } = {},
): Promise<WriteCheck> {
  const p = contactProfile(like);
  await lockMatchKeys(tx, ctx, [...p.emails.map((e) => `e:${e}`), ...p.phones.map((x) => `p:${x}`)]);
  const candidates = await findContactCandidates(tx, ctx, like, opts.selfId);
  if (!candidates.length) return { action: 'none', matches: [], linkTo: null };
  // A rule with a condition applies only when the record being written satisfies it.
  const d = decide(await applicableRules(await rulesFor(tx, ctx, entity), opts.record), candidates);
  if (d.action === 'block') throw blocked(entity, d);
  if (opts.selfId && d.action === 'link') return { ...d, action: 'flag', linkTo: null };
  return d;
}

function blocked(entity: string, d: WriteCheck): AppError {
  const list = d.matches.filter((m) => m.rule.action === 'block');
  return new AppError(
    'conflict',
    `This ${entity} duplicates ${list.length === 1 ? 'an existing record' : `${list.length} existing records`} (rule "${list[0]!.rule.name}")`,
    list.map((m) => ({ field: '(record)', reason: `duplicates ${m.id} (score ${m.score})` })),
    {
      candidateEntity: entity === 'account' ? 'account' : 'contact',
      candidates: list.map((m) => ({
        id: m.id,
        score: m.score,
        reasons: m.reasons,
        ruleId: m.rule.id,
        rule: m.rule.name,
      })),
    },
  );
}

/**
 * Records flagged pairs as open candidates (a dismissed pair stays dismissed, a merged one merged;
 * an open one gets the new score and reasons).
 */
export async function recordPairs(
  tx: Db,
  ctx: Ctx,
  entity: DuplicateEntity,
  selfId: string,
  matches: { id: string; score: number; reasons: unknown[]; rule: { id: string | null } }[],
): Promise<void> {
  if (!matches.length) return;
  await tx
    .insert(duplicateCandidates)
    .values(
      matches.map((m) => ({
        workspaceId: ctx.workspaceId,
        entity,
        recordA: selfId < m.id ? selfId : m.id,
        recordB: selfId < m.id ? m.id : selfId,
        score: m.score,
        reasons: m.reasons as Record<string, unknown>[],
        ruleId: m.rule.id,
      })),
    )
    .onConflictDoUpdate({
      target: [
        duplicateCandidates.workspaceId,
        duplicateCandidates.entity,
        duplicateCandidates.recordA,
        duplicateCandidates.recordB,
      ],
      set: { score: sql`excluded.score`, reasons: sql`excluded.reasons`, detectedAt: sql`now()` },
      setWhere: sql`${duplicateCandidates.status} = 'open'`,
    });
}

/** Live accounts with the same domain or a similar name (pg_trgm), scored. */
export async function findAccountCandidates(
  tx: Db,
  ctx: Ctx,
  like: AccountLike,
  excludeId?: string,
): Promise<Candidate[]> {
  const country = await countryOf(tx, ctx);
  const p = accountProfile(like, country);
  if (!p.domain && !p.name) return [];
  const byDomain = p.domain ? sql`lower(${accounts.domain}) = ${p.domain}` : sql`false`;
  // The trigram index on accounts.name serves `%` (similarity above pg_trgm's threshold, 0.3).
  const byName = p.name ? sql`${accounts.name} % ${p.name}` : sql`false`;
  const rows = await tx
    .select({
      id: accounts.id,
      name: accounts.name,
      domain: accounts.domain,
      website: accounts.website,
      phone: accounts.phone,
      address: accounts.address,
    })
    .from(accounts)
    .where(
      and(
        eq(accounts.workspaceId, ctx.workspaceId),
        sql`(${byDomain} or ${byName})`,
        sql`${accounts.deletedAt} is null`,
        excludeId ? sql`${accounts.id} <> ${excludeId}` : undefined,
      ),
    )
    // The same domain first, then the most similar names.
    .orderBy(
      ...(p.domain ? [sql`(${byDomain}) desc`] : []),
      sql`similarity(${accounts.name}, ${p.name || ''}::text) desc`,
    )
    .limit(MAX_ACCOUNT_CANDIDATES);
  return rows.map((r) => {
    const comparisons = compareAccounts(p, accountProfile(r, country));
    return {
      id: r.id,
      fields: ACCOUNT_FIELDS,
      comparisons,
      score: Math.round(posterior(ACCOUNT_MODEL, levelsOf(comparisons)) * 10000) / 10000,
      reasons: reasonsOf(ACCOUNT_MODEL, ACCOUNT_FIELDS, comparisons),
    };
  });
}

/** The duplicate check of an account write (domain exact, name fuzzy after legal suffixes are removed). */
export async function checkAccountWrite(
  tx: Db,
  ctx: Ctx,
  like: AccountLike,
  opts: { selfId?: string; record?: RecordOf } = {},
): Promise<WriteCheck> {
  const country = await countryOf(tx, ctx);
  const p = accountProfile(like, country);
  await lockMatchKeys(tx, ctx, [p.domain && `d:${p.domain}`, p.name && `a:${p.name}`].filter(Boolean));
  const candidates = await findAccountCandidates(tx, ctx, like, opts.selfId);
  if (!candidates.length) return { action: 'none', matches: [], linkTo: null };
  const d = decide(await applicableRules(await rulesFor(tx, ctx, 'account'), opts.record), candidates);
  if (d.action === 'block') throw blocked('account', d);
  if (opts.selfId && d.action === 'link') return { ...d, action: 'flag', linkTo: null };
  return d;
}

/**
 * Records which records a request's create linked to instead of creating (per request context), so
 * the route can answer 200 with the existing record instead of 201.
 */
const linked = new WeakMap<Ctx, Set<string>>();
export function markLinked(ctx: Ctx, id: string): void {
  const s = linked.get(ctx) ?? new Set<string>();
  s.add(id);
  linked.set(ctx, s);
}
export const wasLinked = (ctx: Ctx, id: string): boolean => linked.get(ctx)?.has(id) ?? false;
