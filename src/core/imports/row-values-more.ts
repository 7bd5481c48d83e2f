import type { z } from 'zod';
import { accountUpdate } from '../accounts/accounts.schemas.js';
import { activityUpdate } from '../activities/activities.schemas.js';
import { zEmailAddress } from '../contacts/contacts.schemas.js';
import { dealUpdate } from '../deals/deals.schemas.js';
import { AppError } from '../shared/errors.js';
import { normalizeDomain, normalizeEmail } from '../shared/normalize.js';
import { fold } from './cell-values.js';
import { type ImportRefs, memberOf, type PipelineRef, pipelineOf, type StageRef } from './import-refs.js';
import type { ImportEntity } from './imports.schemas.js';

/**
 * Row readers of accounts, deals and activities (see rowReader in row-values.ts, which types the
 * cells and resolves `owner` first). Each returns the row's values for the SQL steps:
 * - accounts: `a` (accounts columns, snake_case), `k` {x, id, name, domain};
 * - deals: `d` (deals columns), `k` {x, id, account, email};
 * - activities: `v` (activities columns), `k` {lead, email}.
 * References to records (a deal's account and contact, an activity's lead and contact) are resolved
 * by the preview, in SQL; references to members, pipelines and stages here.
 */
type Fail = (key: string, reason: string) => void;
type T = Record<string, unknown>;

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Runs a zod contract over the typed values; issues become row errors on their field. */
function contract<S extends z.ZodType>(schema: S, input: T, fail: Fail): z.infer<S> | null {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  for (const i of r.error.issues) fail(String(i.path[0] ?? ''), i.message);
  return null;
}

/** What identifies an existing account or deal: never an email or phone (they have none). */
export function checkMatchOn(entity: ImportEntity, matchOn: string): void {
  if (entity === 'activities' || entity === 'leads' || entity === 'contacts') return;
  if (matchOn === 'email' || matchOn === 'phone')
    throw AppError.invalid(
      'matchOn',
      `${entity} are matched on id, externalId or custom.<key> (not ${matchOn})${entity === 'accounts' ? '; accounts whose key finds nothing are matched by domain, then name' : ''}`,
    );
}

/** The values of a row of the other entities (accounts, deals, activities). */
export function moreValues(
  entity: ImportEntity,
  matchOn: string,
  t: T,
  custom: T,
  refs: ImportRefs,
  fail: Fail,
): T | null {
  checkMatchOn(entity, matchOn);
  if (entity === 'accounts') return accountValues(t, custom, fail);
  if (entity === 'deals') return dealValues(t, custom, refs, fail);
  if (entity === 'activities') return activityValues(t, refs, fail);
  return null;
}

const ACCOUNT_COLS = [
  'externalId',
  'name',
  'domain',
  'website',
  'phone',
  'accountType',
  'industry',
  'companySize',
  'annualRevenue',
  'taxId',
  'health',
  'lifecycleStage',
  'description',
  'ownerId',
] as const;
const ADDRESS_PARTS = ['street1', 'street2', 'city', 'state', 'postcode', 'country'] as const;

function accountValues(t: T, custom: T, fail: Fail) {
  const input: T = {};
  for (const k of ACCOUNT_COLS) if (t[k] !== undefined) input[k] = t[k];
  if (typeof input.domain === 'string') input.domain = normalizeDomain(input.domain);
  // "acme.com" in a website column is a web address too.
  if (typeof input.website === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(input.website))
    input.website = `https://${input.website}`;
  const address = Object.fromEntries(
    ADDRESS_PARTS.filter((p) => t[`address.${p}`] !== undefined).map((p) => [p, String(t[`address.${p}`])]),
  );
  if (Object.keys(address).length) input.address = address;
  const parsed = contract(accountUpdate, input, (f, reason) =>
    fail(f === 'address' ? 'address.street1' : f, reason),
  );
  const a: T = {};
  for (const k of [...ACCOUNT_COLS, 'address'] as const)
    if (parsed?.[k] !== undefined && parsed[k] !== null) a[snake(k)] = parsed[k];
  if (Object.keys(custom).length) a.custom = custom;
  if (t.createdAt !== undefined) a.created_at = t.createdAt;
  const k: Record<string, string> = {};
  if (a.external_id !== undefined) k.x = String(a.external_id);
  if (t.id !== undefined) k.id = String(t.id);
  if (a.name !== undefined) k.name = String(a.name);
  if (a.domain !== undefined) k.domain = String(a.domain);
  return { a, k };
}

const DEAL_COLS = [
  'externalId',
  'name',
  'amount',
  'currency',
  'forecastCategory',
  'closeDate',
  'ownerId',
  'description',
] as const;

/**
 * A deal's stage by name: in the named pipeline (the default one when none is named); a stage named
 * without a pipeline is looked for in the default pipeline, then in the only other pipeline that has it.
 */
function dealStage(refs: ImportRefs, t: T, fail: Fail): StageRef | null {
  const pipeline = t.pipeline as string | undefined;
  const stage = t.stage as string | undefined;
  const p = pipelineOf(refs, pipeline);
  if (!p) {
    fail('pipeline', pipeline ? `no pipeline is called "${pipeline}"` : 'the workspace has no pipeline');
    return null;
  }
  if (!stage) {
    const first = p.stages.find((s) => s.type === 'open');
    if (!first) fail('pipeline', `pipeline ${p.name} has no open stage`);
    return first ?? null;
  }
  const named = (x: PipelineRef) => x.stages.filter((s) => fold(s.name) === fold(stage) || s.id === stage);
  let hits = named(p);
  if (!hits.length && !pipeline) {
    const others = refs.pipelines.filter((x) => x.id !== p.id).flatMap(named);
    if (others.length === 1) hits = others;
    else if (others.length > 1) {
      fail('stage', `"${stage}" is a stage of several pipelines; name the pipeline`);
      return null;
    }
  }
  if (!hits.length) fail('stage', `no stage "${stage}" in pipeline ${p.name}`);
  return hits[0] ?? null;
}

function dealValues(t: T, custom: T, refs: ImportRefs, fail: Fail) {
  const input: T = {};
  for (const k of DEAL_COLS) if (t[k] !== undefined) input[k] = t[k];
  if (typeof input.currency === 'string') input.currency = input.currency.toUpperCase();
  const parsed = contract(dealUpdate, input, fail);
  const d: T = {};
  for (const k of DEAL_COLS) if (parsed?.[k] !== undefined && parsed[k] !== null) d[snake(k)] = parsed[k];
  if (Object.keys(custom).length) d.custom = custom;
  if (t.createdAt !== undefined) d.created_at = t.createdAt;
  if (t.pipeline !== undefined || t.stage !== undefined) {
    const s = dealStage(refs, t, fail);
    if (s) Object.assign(d, { pipeline_id: s.pipelineId, stage_id: s.id });
  }
  const k: Record<string, string> = {};
  if (d.external_id !== undefined) k.x = String(d.external_id);
  if (t.id !== undefined) k.id = String(t.id);
  if (t.account !== undefined) k.account = String(t.account);
  if (t.contactEmail !== undefined) {
    const e = zEmailAddress.safeParse(t.contactEmail);
    if (e.success) k.email = normalizeEmail(e.data);
    else fail('contactEmail', 'must be an email address');
  }
  return { d, k };
}

const ACTIVITY_COLS = ['subject', 'body', 'outcome', 'durationMinutes', 'occurredAt'] as const;

function activityValues(t: T, refs: ImportRefs, fail: Fail) {
  const input: T = {};
  for (const k of ACTIVITY_COLS) if (t[k] !== undefined) input[k] = t[k];
  const parsed = contract(activityUpdate, input, fail);
  const v: T = { type: t.type };
  if (t.type === undefined) fail('type', 'is required (call, email, meeting, note or sms)');
  for (const k of ACTIVITY_COLS) if (parsed?.[k] !== undefined && parsed[k] !== null) v[snake(k)] = parsed[k];
  if (t.type === 'note' && v.body === undefined && v.subject === undefined)
    fail('body', 'a note needs a body');
  if (t.user !== undefined) {
    const id = memberOf(refs, String(t.user));
    if (id) v.user_id = id;
    else fail('user', `"${t.user}" is not a member of this workspace (by email or name)`);
  }
  const k: Record<string, string> = {};
  if (t.id !== undefined) k.id = String(t.id);
  if (t.lead !== undefined) k.lead = String(t.lead);
  if (t.contactEmail !== undefined) {
    const e = zEmailAddress.safeParse(t.contactEmail);
    if (e.success) k.email = normalizeEmail(e.data);
    else fail('contactEmail', 'must be an email address');
  }
  if (t.lead === undefined && t.contactEmail === undefined)
    fail('lead', 'an activity needs a lead (external id or Leadbase id) or a contact email');
  return { v, k };
}
