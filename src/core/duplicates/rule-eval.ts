import { and, eq, getTableColumns, isNull, type SQL, type Table } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { compileCondition } from '../conditions/compile-sql.js';
import type { ConditionRecord } from '../conditions/condition-fields.js';
import { loadConditionRecord } from '../conditions/condition-record.service.js';
import { evaluateCondition } from '../conditions/evaluate.js';
import type { Db } from '../db/client.js';
import { accounts, contacts, leads } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { normalizeDomain } from '../shared/normalize.js';
import type { Rule } from './duplicate-rules.service.js';
import type { DuplicateAction, DuplicateEntity } from './duplicates.schemas.js';
import type { FieldComparison } from './fs-model.js';

/** A compared candidate: its comparisons (in the comparator's field order) and its probabilistic score. */
export type Compared = { fields: readonly string[]; comparisons: FieldComparison[]; score: number };

const top = (c: FieldComparison, topLevel: number) =>
  c.level === topLevel ? 1 : c.level > 0 ? c.similarity : 0;

/** A rule field's similarity (0..1; 1 = equal after normalization) for one candidate. */
export function fieldSimilarity(c: Compared, field: string): number {
  if (field === 'person') return c.score;
  const at = (name: string) => c.fields.indexOf(name);
  const get = (name: string) => c.comparisons[at(name)];
  // Top level of each comparison: lists 2, names and free text 4 (company 3), codes 3, state 2.
  const levelTop: Record<string, number> = {
    email: 2,
    phone: 2,
    firstName: 4,
    lastName: 4,
    streetNumber: 3,
    street: 4,
    street2: 4,
    postcode: 3,
    city: 4,
    state: 2,
    company: 3,
    domain: 2,
    name: 4,
  };
  if (field === 'name' && at('name') < 0) {
    const f = get('firstName');
    const l = get('lastName');
    return f && l ? (top(f, 4) + top(l, 4)) / 2 : 0;
  }
  if (field === 'street' && at('streetNumber') >= 0) {
    const n = get('streetNumber')!;
    const s = get('street')!;
    return (top(n, 3) + top(s, 4)) / 2;
  }
  const cmp = get(field);
  return cmp ? top(cmp, levelTop[field] ?? 2) : 0;
}

/** Whether a rule fires for a candidate: every exact field equal, and the weighted mean ≥ threshold. */
export function ruleFires(rule: Rule, c: Compared): boolean {
  let sum = 0;
  let weights = 0;
  for (const f of rule.fields) {
    const s = fieldSimilarity(c, f.field);
    if (f.match === 'exact' && s < 1) return false;
    const w = f.weight ?? 1;
    sum += s * w;
    weights += w;
  }
  return weights > 0 && sum / weights >= rule.threshold - 1e-9;
}

const STRENGTH: Record<DuplicateAction, number> = { flag: 1, link: 2, block: 3 };

export type Decision<T> = {
  action: DuplicateAction | 'none';
  /** Candidates some rule fired for, best first, with the first rule (by position) that fired. */
  matches: (T & { rule: Rule })[];
  /** For `link`: the best candidate a link rule fired for. */
  linkTo: (T & { rule: Rule }) | null;
};

/**
 * Applies the rules to scored candidates: each candidate gets the first rule (by position) that fires
 * for it; the decision is the strongest action among them (block > link > flag).
 */
export function decide<T extends Compared>(rules: Rule[], candidates: T[]): Decision<T> {
  const matches: (T & { rule: Rule })[] = [];
  for (const c of candidates) {
    const rule = rules.find((r) => ruleFires(r, c));
    if (rule) matches.push({ ...c, rule });
  }
  matches.sort((a, b) => STRENGTH[b.rule.action] - STRENGTH[a.rule.action] || b.score - a.score);
  const action = matches[0]?.rule.action ?? 'none';
  return { action, matches, linkTo: action === 'link' ? matches[0]! : null };
}

// ---- conditions: which rules apply to a record ----

/** Builds, on demand, the record being written as the condition language reads it. */
export type RecordOf = () => Promise<ConditionRecord>;

/**
 * The rules that apply to the record being written: unconditional ones, and those whose condition the
 * record (as it will be after the write) satisfies. The record is built only when some rule has a
 * condition. A rule whose stored condition no longer binds (see `rulesFor`) applies to nothing.
 */
export async function applicableRules(rules: Rule[], recordOf?: RecordOf, now = new Date()): Promise<Rule[]> {
  if (!rules.some((r) => r.condition || r.conditionError)) return rules;
  const rec = recordOf ? await recordOf() : null;
  return rules.filter(
    (r) =>
      !r.conditionError && (!r.condition || (rec !== null && evaluateCondition(r.condition, rec, { now }))),
  );
}

const TABLES: Record<DuplicateEntity, Table & { workspaceId: PgColumn; id: PgColumn; deletedAt: PgColumn }> =
  {
    contact: contacts,
    lead: leads,
    account: accounts,
  };

/**
 * Scans: for each rule with a condition, the ids of the live records satisfying it (the condition
 * compiled to SQL, one query per conditional rule). A rule applies to a pair when both records are in
 * its set; rules without a condition apply to every pair.
 */
export async function conditionSets(
  db: Db,
  ctx: Ctx,
  entity: DuplicateEntity,
  rules: Rule[],
  now = new Date(),
): Promise<Map<Rule, Set<string>>> {
  const out = new Map<Rule, Set<string>>();
  const t = TABLES[entity];
  for (const r of rules) {
    if (r.conditionError) out.set(r, new Set());
    if (!r.condition) continue;
    const rows = await db
      .select({ id: t.id })
      .from(t)
      .where(
        and(eq(t.workspaceId, ctx.workspaceId), isNull(t.deletedAt), compileCondition(r.condition, { now })),
      );
    out.set(r, new Set(rows.map((x) => x.id as string)));
  }
  return out;
}

/** The first of the rules that fired for a pair (in position order) that applies to both records. */
export function firstApplying(
  fired: Rule[],
  sets: Map<Rule, Set<string>>,
  a: string,
  b: string,
): Rule | undefined {
  return fired.find((r) => {
    const s = sets.get(r);
    return !s || (s.has(a) && s.has(b));
  });
}

/** Column defaults of a table as a new row would get them (`now()` → the current instant). */
function defaultsOf(table: Table): ConditionRecord {
  const out: ConditionRecord = {};
  const now = new Date().toISOString();
  for (const [key, col] of Object.entries(getTableColumns(table) as Record<string, PgColumn>)) {
    if (
      col.default !== undefined &&
      !(col.default && typeof col.default === 'object' && 'queryChunks' in col.default)
    )
      out[key] = col.default;
    else if (col.columnType === 'PgTimestamp' && col.hasDefault) out[key] = now;
    else out[key] = null;
  }
  return out;
}

/** Values as the caller will write them, without SQL expressions (`now()`, `version + 1`). */
const plain = (values: Record<string, unknown>): ConditionRecord =>
  Object.fromEntries(
    Object.entries(values).filter(([, v]) => !(v && typeof v === 'object' && 'queryChunks' in (v as SQL))),
  );

const accountRecord = async (tx: Db, ctx: Ctx, id: unknown) =>
  typeof id === 'string' ? loadConditionRecord(tx, ctx, 'account', id, { withDeleted: true }) : null;

/**
 * A contact as it will be after a create (`selfId` absent: the table's defaults, then `values`) or an
 * update (the stored record with its account and activities, then `values`).
 */
export function contactRecordOf(
  tx: Db,
  ctx: Ctx,
  values: Record<string, unknown>,
  selfId?: string,
): RecordOf {
  return async () => {
    const base = selfId
      ? await loadConditionRecord(tx, ctx, 'contact', selfId)
      : { ...defaultsOf(contacts), activities: [] };
    const rec: ConditionRecord = { ...base, ...plain(values) };
    if (!selfId || 'accountId' in values) rec.account = await accountRecord(tx, ctx, rec.accountId);
    return rec;
  };
}

/** Keys of a lead create that are its contact's (flat fields), not lead columns. */
const LEAD_CONTACT_KEYS = new Set([
  'firstName',
  'lastName',
  'email',
  'phone',
  'company',
  'jobTitle',
  'address',
  'contactId',
  'contactCustomFields',
  'customFields',
]);

/**
 * A new lead as it will be written: its own fields from the input over the table's defaults (status:
 * the one asked for, else `new`), `contact` its flat contact fields as a new contact (emails and
 * phones normalized, the lead's source), no account and no activities yet.
 */
export function newLeadRecordOf(
  input: Record<string, unknown>,
  contact: { emails: { normalized: string }[]; phones: { e164: string }[] },
): RecordOf {
  return async () => {
    const own = Object.fromEntries(Object.entries(input).filter(([k]) => !LEAD_CONTACT_KEYS.has(k)));
    const address = input.address as Record<string, unknown> | null | undefined;
    return {
      ...defaultsOf(leads),
      status: 'new',
      ...own,
      custom: input.customFields ?? {},
      contact: {
        ...defaultsOf(contacts),
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        companyName: input.company ?? null,
        jobTitle: input.jobTitle ?? null,
        emails: contact.emails.map((e, i) => ({ ...e, email: e.normalized, primary: i === 0 })),
        phones: contact.phones.map((p, i) => ({ ...p, primary: i === 0 })),
        addresses: address ? [{ type: 'personal', ...address }] : [],
        source: input.source ?? null,
        status: 'lead',
        custom: input.contactCustomFields ?? {},
      },
      account: null,
      activities: [],
    };
  };
}

/** An account as it will be after a create (defaults, then the input) or an update (stored, then `like`). */
export function accountRecordOf(tx: Db, ctx: Ctx, like: Record<string, unknown>, selfId?: string): RecordOf {
  return async () => {
    if (selfId) return { ...(await loadConditionRecord(tx, ctx, 'account', selfId)), ...plain(like) };
    const { customFields, ...rest } = like;
    return {
      ...defaultsOf(accounts),
      ...plain(rest),
      domain:
        typeof rest.domain === 'string' && rest.domain ? normalizeDomain(rest.domain) : (rest.domain ?? null),
      custom: customFields ?? {},
      activities: [],
    };
  };
}
