import type { z } from 'zod';
import { normalizeAddresses, normalizeEmails, normalizePhones } from '../contacts/contact-values.js';
import { contactUpdate } from '../contacts/contacts.schemas.js';
import { checkValue, type FieldDef } from '../custom-fields/custom-values.js';
import { contactMatchColumns } from '../duplicates/contact-profile.js';
import { restoreCell } from '../exports/spreadsheet-safety.js';
import { leadUpdate } from '../leads/leads.schemas.js';
import { isAppError } from '../shared/errors.js';
import {
  type DateOrder,
  type Read,
  readBoolean,
  readDate,
  readEnum,
  readList,
  readMoney,
  readNumber,
  readTimestamp,
  splitFullName,
} from './cell-values.js';
import { staticFields } from './import-fields.js';
import { type ImportRefs, memberOf, pipelineOf, stageOf } from './import-refs.js';
import type { ImportEntity } from './imports.schemas.js';
import { moreValues } from './row-values-more.js';

export type RowError = { field: string; reason: string };
/** A row read: the values to write (see LeadValues / ContactValues) or the reasons it cannot be. */
export type RowRead = { values: Record<string, unknown> | null; errors: RowError[] };

/** What the SQL steps read of a row: snake_case columns (`jsonb_populate_record`) and match keys. */
export type RowKeys = {
  email?: string;
  phone?: string;
  /** the contact's external id (lead rows) */
  cx?: string;
  /** the record's external id */
  x?: string;
  id?: string;
  /** the unique custom field's value (matchOn custom.<key>) */
  cf?: string;
  /** account name or domain (contacts) */
  account?: string;
};

export type ReaderSettings = {
  entity: ImportEntity;
  headers: string[];
  mapping: Record<string, string | null>;
  defaults?: Record<string, string | number | boolean | null>;
  dateFormat?: DateOrder;
  matchOn: string;
};

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Builds the reader of one import's rows: each row's cells (file order) → its values, or its errors.
 * Values are what the API would store for the same input (the same zod contracts validate them);
 * reference fields are resolved by name; custom fields are checked by their definitions.
 */
export function rowReader(s: ReaderSettings, refs: ImportRefs): (cells: (string | null)[]) => RowRead {
  const fields = new Map(staticFields(s.entity).map((f) => [f.key, f]));
  const cols: [number, string][] = [];
  s.headers.forEach((h, i) => {
    const key = s.mapping[h];
    if (key) cols.push([i, key]);
  });
  const headerOf = new Map(cols.map(([i, k]) => [k, s.headers[i]!]));
  const order = s.dateFormat ?? 'auto';
  const customDefs = (prefix: 'custom.' | 'contact.custom.') => {
    const entity =
      prefix === 'contact.custom.' || s.entity === 'contacts' ? 'contact' : s.entity.slice(0, -1);
    const list = (refs.custom as Record<string, FieldDef[]>)[entity] ?? [];
    return new Map(list.filter((d) => !d.archived).map((d) => [d.key, d]));
  };
  const ownCustom = customDefs('custom.');
  const contactCustom = customDefs('contact.custom.');

  return (cells) => {
    const errors: RowError[] = [];
    const at = (key: string) => headerOf.get(key) ?? key;
    const fail = (key: string, reason: string) => errors.push({ field: at(key), reason });
    const raw = new Map<string, string>();
    for (const [i, key] of cols) {
      const c = cells[i];
      if (c === null || c === undefined) continue;
      const v = restoreCell(c).trim();
      if (v !== '') raw.set(key, v);
    }
    for (const [k, v] of Object.entries(s.defaults ?? {}))
      if (!raw.has(k) && v !== null && v !== '') raw.set(k, String(v));

    const typed: Record<string, unknown> = {};
    const custom: Record<string, unknown> = {};
    const cCustom: Record<string, unknown> = {};
    const take = <T>(key: string, r: Read<T>, to = key) => {
      if ('reason' in r) fail(key, r.reason);
      else typed[to] = r.value;
    };
    for (const [key, v] of raw) {
      if (key.startsWith('custom.') || key.startsWith('contact.custom.')) {
        const isContact = key.startsWith('contact.');
        const k = key.slice(isContact ? 15 : 7);
        const def = (isContact ? contactCustom : ownCustom).get(k);
        if (!def) {
          fail(key, 'is not a custom field here');
          continue;
        }
        const r = customValue(def, v, refs.country, order);
        if ('reason' in r) fail(key, r.reason);
        else if (r.value !== null) (isContact ? cCustom : custom)[k] = r.value;
        continue;
      }
      const f = fields.get(key);
      if (!f) {
        fail(key, 'is not a field of this import');
        continue;
      }
      if (f.type === 'enum') take(key, readEnum(v, f.options ?? []));
      else if (f.type === 'number') take(key, readNumber(v));
      else if (f.type === 'money') take(key, readMoney(v));
      else if (f.type === 'date') take(key, readDate(v, order));
      else if (f.type === 'timestamp') take(key, readTimestamp(v, order));
      else if (f.type === 'boolean') take(key, readBoolean(v));
      else if (f.type === 'uuid') {
        if (UUID_RE.test(v)) typed[key] = v.toLowerCase();
        else fail(key, `must be a Leadbase id (UUID), not "${v}"`);
      } else typed[key] = v;
    }
    if (typed.fullName !== undefined) {
      const n = splitFullName(String(typed.fullName));
      typed.firstName ??= n.firstName ?? undefined;
      typed.lastName ??= n.lastName ?? undefined;
      delete typed.fullName;
    }
    if (typed.owner !== undefined) {
      const id = memberOf(refs, String(typed.owner));
      if (id) typed.ownerId = id;
      else fail('owner', `"${typed.owner}" is not a member of this workspace (by email or name)`);
      delete typed.owner;
    }
    const out =
      s.entity === 'leads'
        ? leadValues(typed, custom, cCustom, refs, fail)
        : s.entity === 'contacts'
          ? contactValues(typed, custom, refs, fail)
          : moreValues(s.entity, s.matchOn, typed, custom, refs, fail);
    if (out && errors.length === 0) {
      const k = out.k as RowKeys;
      if (s.matchOn.startsWith('custom.')) {
        const v = custom[s.matchOn.slice(7)];
        if (v !== undefined && v !== null) k.cf = String(v);
      }
    }
    return errors.length ? { values: null, errors } : { values: out, errors };
  };
}

function customValue(def: FieldDef, v: string, country: string, order: DateOrder): Read<unknown> {
  let raw: unknown = v;
  if (def.type === 'number') {
    const r = readNumber(v);
    if ('reason' in r) return r;
    raw = r.value;
  } else if (def.type === 'money') {
    const r = readMoney(v);
    if ('reason' in r) return r;
    raw = r.value;
  } else if (def.type === 'boolean') {
    const r = readBoolean(v);
    if ('reason' in r) return r;
    raw = r.value;
  } else if (def.type === 'date') {
    const r = readDate(v, order);
    if ('reason' in r) return r;
    raw = r.value;
  } else if (def.type === 'select' || def.type === 'multiselect') {
    const values = def.options.map((o) => o.value);
    const labels = Object.fromEntries(def.options.map((o) => [o.value, o.label]));
    const pick = (x: string) => readEnum(x, values, labels);
    if (def.type === 'select') {
      const r = pick(v);
      if ('reason' in r) return r;
      raw = r.value;
    } else {
      const list: string[] = [];
      for (const x of readList(v)) {
        const r = pick(x);
        if ('reason' in r) return r;
        list.push(r.value);
      }
      raw = list;
    }
  }
  const r = checkValue(def, raw, country);
  return 'reason' in r ? r : { value: r.value };
}

type Fail = (key: string, reason: string) => void;

/** Runs a zod contract over the typed values; issues become row errors on their field. */
function contract<T>(
  schema: z.ZodType<T>,
  input: Record<string, unknown>,
  fail: Fail,
  keyOf = (p: string) => p,
) {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  for (const i of r.error.issues) fail(keyOf(String(i.path[0] ?? '')), i.message);
  return null;
}

/** The contact part both imports share: normalized emails/phones/address, match keys. */
function contactColumns(t: Record<string, unknown>, country: string, fail: Fail) {
  const c: Record<string, unknown> = {};
  const emails = [t.email, t.email2].filter((x): x is string => typeof x === 'string');
  const phones = [t.phone, t.phone2].filter((x): x is string => typeof x === 'string');
  if (emails.length) c.emails = normalizeEmails(emails.map((email, i) => ({ email, primary: i === 0 })));
  try {
    if (phones.length)
      c.phones = normalizePhones(
        phones.map((phone, i) => ({ phone, primary: i === 0 })),
        country,
      );
  } catch (e) {
    if (!isAppError(e)) throw e;
    fail(
      phones.length > 1 && !String(e.message).includes('phones[0]') ? 'phone2' : 'phone',
      e.errors[0]?.reason ?? e.message,
    );
  }
  const addr = Object.fromEntries(
    ['street1', 'street2', 'city', 'state', 'postcode', 'country']
      .filter((p) => t[`address.${p}`] !== undefined)
      .map((p) => [p, String(t[`address.${p}`])]),
  );
  if (Object.keys(addr).length) c.addresses = normalizeAddresses([{ type: 'personal', ...addr }]);
  return c;
}

/** A person's match keys: the primary email and phone (for SQL), and the stored blocking keys. */
function personKeys(c: Record<string, unknown>): RowKeys {
  const k: RowKeys = {};
  const emails = c.emails as { normalized: string }[] | undefined;
  const phones = c.phones as { e164: string }[] | undefined;
  if (emails?.[0]) k.email = emails[0].normalized;
  if (phones?.[0]) k.phone = phones[0].e164;
  c.match_keys = contactMatchColumns({
    firstName: c.first_name as string,
    lastName: c.last_name as string,
    emails: emails ?? [],
    phones: phones ?? [],
    addresses: (c.addresses as never) ?? [],
    companyName: c.company_name as string,
  }).matchKeys;
  return k;
}

const LEAD_COLS = [
  'externalId',
  'title',
  'productInterest',
  'source',
  'campaign',
  'medium',
  'term',
  'referrer',
  'landingPage',
  'formName',
  'priority',
  'temperature',
  'ownerId',
  'budgetRange',
  'authorityLevel',
  'timeline',
  'dealValue',
  'expectedCloseDate',
  'lostReason',
  'marketingStage',
  'spamScore',
  'validationStatus',
] as const;
const PERSON_COLS = ['firstName', 'lastName', 'email', 'phone', 'jobTitle'] as const;

function leadValues(
  t: Record<string, unknown>,
  custom: Record<string, unknown>,
  cCustom: Record<string, unknown>,
  refs: ImportRefs,
  fail: Fail,
) {
  const input: Record<string, unknown> = {};
  for (const k of [...LEAD_COLS, ...PERSON_COLS]) if (t[k] !== undefined) input[k] = t[k];
  if (t.company !== undefined) input.company = t.company;
  const parsed = contract(leadUpdate, input, fail) as Record<string, unknown> | null;
  const l: Record<string, unknown> = {};
  for (const k of LEAD_COLS) if (parsed?.[k] !== undefined) l[snake(k)] = parsed[k];
  if (Object.keys(custom).length) l.custom = custom;
  if (t.createdAt !== undefined) l.created_at = t.createdAt;
  // Pipeline and stage by name; status picks the pipeline's stage with that status.
  let st: string | undefined;
  if (t.pipeline !== undefined || t.stage !== undefined || t.status !== undefined) {
    const p = pipelineOf(refs, t.pipeline as string | undefined);
    if (!p) fail('pipeline', `no pipeline is called "${t.pipeline}"`);
    else {
      const stage = stageOf(p, t.stage as string | undefined, t.status as string | undefined);
      if (!stage)
        fail(
          t.stage !== undefined ? 'stage' : 'status',
          `no stage "${t.stage ?? t.status}" in pipeline ${p.name}`,
        );
      else if (t.status !== undefined && t.stage !== undefined && stage.leadStatus !== t.status)
        fail('status', `does not match stage ${stage.name} (whose status is ${stage.leadStatus})`);
      else {
        Object.assign(l, { pipeline_id: p.id, stage_id: stage.id, status: stage.leadStatus });
        st = stage.type;
        if (stage.type === 'lost' && !l.lost_reason)
          fail('lostReason', `is required for a lead in a lost stage (${stage.name})`);
      }
    }
  }
  const c = contactColumns(t, refs.country, fail);
  for (const k of ['firstName', 'lastName', 'jobTitle'] as const)
    if (parsed?.[k] != null) c[snake(k)] = parsed[k];
  if (parsed?.company != null) c.company_name = parsed.company;
  if (Object.keys(cCustom).length) c.custom = cCustom;
  if (t.contactExternalId !== undefined) c.external_id = t.contactExternalId;
  const k = personKeys(c);
  if (t.contactExternalId !== undefined) k.cx = String(t.contactExternalId);
  if (l.external_id !== undefined) k.x = String(l.external_id);
  if (t.id !== undefined) k.id = String(t.id);
  return { l, c, k, st };
}

const CONTACT_COLS = [
  'externalId',
  'firstName',
  'lastName',
  'jobTitle',
  'department',
  'role',
  'preferredChannel',
  'influence',
  'status',
  'source',
  'gdprConsent',
  'doNotContact',
  'optInAt',
  'ownerId',
] as const;

function contactValues(
  t: Record<string, unknown>,
  custom: Record<string, unknown>,
  refs: ImportRefs,
  fail: Fail,
) {
  const input: Record<string, unknown> = {};
  for (const k of [...CONTACT_COLS, 'email', 'phone'] as const) if (t[k] !== undefined) input[k] = t[k];
  if (t.company !== undefined) input.companyName = t.company;
  const parsed = contract(contactUpdate, input, fail, (p) => (p === 'companyName' ? 'company' : p)) as Record<
    string,
    unknown
  > | null;
  const c = contactColumns(t, refs.country, fail);
  for (const k of CONTACT_COLS) if (parsed?.[k] !== undefined) c[snake(k)] = parsed[k];
  if (parsed?.companyName != null) c.company_name = parsed.companyName;
  if (Object.keys(custom).length) c.custom = custom;
  if (t.createdAt !== undefined) c.created_at = t.createdAt;
  const k = personKeys(c);
  if (c.external_id !== undefined) k.x = String(c.external_id);
  if (t.id !== undefined) k.id = String(t.id);
  if (t.account !== undefined) k.account = String(t.account);
  return { c, k };
}
