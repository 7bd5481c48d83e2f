/**
 * The duplicate checks the contact and lead services call on every write (kept here so their edits
 * stay one line each): compute the stored match keys, check the rules, record flagged pairs.
 */
import type { ContactUpdate } from '../contacts/contacts.schemas.js';
import type { Db } from '../db/client.js';
import type { ContactAddress, ContactEmail, ContactPhone } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import type { AccountLike } from './account-compare.js';
import { type ContactLike, contactMatchColumns } from './contact-profile.js';
import { checkAccountWrite, checkContactWrite, recordPairs, type WriteCheck } from './duplicates.service.js';
import { normalizeEmail, normalizePhone } from './match-normalize.js';
import { accountRecordOf, contactRecordOf, newLeadRecordOf } from './rule-eval.js';

type Values = Record<string, unknown>;
type StoredContact = {
  firstName: string | null;
  lastName: string | null;
  emails: ContactEmail[];
  phones: ContactPhone[];
  addresses: ContactAddress[];
  companyName: string | null;
  jobTitle?: string | null;
};

/** Columns whose change can change a contact's matches. */
const MATCH_COLUMNS = ['firstName', 'lastName', 'emails', 'phones', 'addresses', 'companyName'];

function likeOf(values: Values, before?: StoredContact): ContactLike {
  const pick = <K extends keyof StoredContact>(k: K) =>
    (k in values ? values[k] : before?.[k]) as StoredContact[K] | undefined;
  return {
    firstName: pick('firstName'),
    lastName: pick('lastName'),
    emails: pick('emails'),
    phones: pick('phones'),
    addresses: pick('addresses'),
    companyName: pick('companyName'),
  };
}

const NONE: WriteCheck = { action: 'none', matches: [], linkTo: null };

/**
 * Before a contact insert: sets `values.matchKeys` and runs the duplicate check (unless `check` is
 * false: the caller already checked, e.g. a lead's flat fields). `link` → the caller returns that
 * contact instead; `flag` → call `afterContactWrite` with the new row.
 */
export async function beforeContactInsert(
  tx: Db,
  ctx: Ctx,
  values: Values,
  check = true,
): Promise<WriteCheck> {
  const like = likeOf(values);
  values.matchKeys = contactMatchColumns(like).matchKeys;
  return check
    ? checkContactWrite(tx, ctx, 'contact', like, { record: contactRecordOf(tx, ctx, values) })
    : NONE;
}

/** Before a contact update: recomputes match keys and checks, when a matching field changes. */
export async function beforeContactUpdate(
  tx: Db,
  ctx: Ctx,
  before: StoredContact & { id: string },
  values: Values,
  check = true,
): Promise<WriteCheck> {
  if (!MATCH_COLUMNS.some((k) => k in values)) return NONE;
  const like = likeOf(values, before);
  values.matchKeys = contactMatchColumns(like).matchKeys;
  return check
    ? checkContactWrite(tx, ctx, 'contact', like, {
        selfId: before.id,
        record: contactRecordOf(tx, ctx, values, before.id),
      })
    : NONE;
}

/** After the write: flagged candidates become open pairs. */
export async function afterContactWrite(tx: Db, ctx: Ctx, id: string, check: WriteCheck): Promise<void> {
  if (check.action === 'none') return;
  await recordPairs(tx, ctx, 'contact', id, check.matches);
}

/**
 * What a create that links to an existing contact adds to it: only what it lacks (empty names,
 * company, job title; emails and phones it does not have; an address when it has none).
 */
export function linkFill(found: StoredContact, values: Values): ContactUpdate {
  const fill: ContactUpdate = {};
  const v = values as Partial<StoredContact>;
  if (!found.firstName && v.firstName) fill.firstName = v.firstName;
  if (!found.lastName && v.lastName) fill.lastName = v.lastName;
  if (!found.companyName && v.companyName) fill.companyName = v.companyName;
  if (!found.jobTitle && v.jobTitle) fill.jobTitle = v.jobTitle;
  const newEmails = (v.emails ?? []).filter((e) => !found.emails.some((x) => x.normalized === e.normalized));
  if (newEmails.length)
    fill.emails = [...found.emails, ...newEmails].map((e, i) => ({
      email: e.email,
      label: e.label,
      primary: i === 0,
    }));
  const newPhones = (v.phones ?? []).filter((p) => !found.phones.some((x) => x.e164 === p.e164));
  if (newPhones.length)
    fill.phones = [...found.phones, ...newPhones].map((p, i) => ({
      phone: p.e164,
      label: p.label,
      primary: i === 0,
    }));
  if (!found.addresses.length && v.addresses?.length) fill.addresses = v.addresses;
  return fill;
}

/** The duplicate check of a new lead's flat contact fields against contacts (rules of entity `lead`). */
export async function checkLeadContact(
  tx: Db,
  ctx: Ctx,
  input: {
    firstName?: string | null;
    lastName?: string | null;
    email?: string | null;
    phone?: string | null;
    company?: string | null;
    address?: Partial<ContactAddress> | null;
  },
  country: string,
): Promise<WriteCheck> {
  const e164 = input.phone ? normalizePhone(input.phone, country) : null;
  const emails = input.email ? [{ normalized: normalizeEmail(input.email) }] : [];
  const phones = e164 ? [{ e164 }] : [];
  return checkContactWrite(
    tx,
    ctx,
    'lead',
    {
      firstName: input.firstName,
      lastName: input.lastName,
      emails,
      phones,
      addresses: input.address ? [input.address] : [],
      companyName: input.company,
    },
    { record: newLeadRecordOf(input, { emails, phones }) },
  );
}

/**
 * The duplicate check of an account create or update (skipped on updates that change neither name,
 * domain, website, phone nor address). Returns the check and a function recording flagged pairs.
 */
export async function accountWriteCheck(
  tx: Db,
  ctx: Ctx,
  like: AccountLike,
  changed: Record<string, unknown>,
  selfId?: string,
): Promise<WriteCheck & { record: (id: string) => Promise<void> }> {
  const relevant = ['name', 'domain', 'website', 'phone', 'address'].some((k) => changed[k] !== undefined);
  const record = accountRecordOf(tx, ctx, like as Record<string, unknown>, selfId);
  const check = relevant ? await checkAccountWrite(tx, ctx, like, { selfId, record }) : NONE;
  return {
    ...check,
    record: async (id) => {
      if (check.action !== 'none') await recordPairs(tx, ctx, 'account', id, check.matches);
    },
  };
}
