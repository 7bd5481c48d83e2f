import type { ContactAddress, ContactEmail, ContactPhone } from '../db/schema/index.js';
import { AppError, type FieldError } from '../shared/errors.js';
import { normalizeEmail, normalizePhone } from '../shared/normalize.js';
import type { ContactCreate, ContactUpdate } from './contacts.schemas.js';

type EmailIn = { email: string; label?: string | null; primary?: boolean };
type PhoneIn = { phone: string; label?: string | null; primary?: boolean };

/** Normalizes emails: trimmed, de-duplicated, exactly one primary, primary first. */
export function normalizeEmails(list: EmailIn[]): ContactEmail[] {
  const seen = new Set<string>();
  const out: ContactEmail[] = [];
  for (const e of list) {
    const normalized = normalizeEmail(e.email);
    if (seen.has(normalized)) continue;
    seen.add(normalized);
    out.push({ email: e.email.trim(), normalized, label: e.label ?? null, primary: !!e.primary });
  }
  return primaryFirst(out);
}

/** Normalizes phones to E.164 (the workspace's country for local numbers); refuses numbers that are not valid. */
export function normalizePhones(list: PhoneIn[], country: string, field = 'phones'): ContactPhone[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const out: ContactPhone[] = [];
  list.forEach((p, i) => {
    const e164 = normalizePhone(p.phone, country);
    if (!e164) {
      errors.push({
        field: field === 'phone' ? 'phone' : `${field}[${i}].phone`,
        reason: `is not a valid phone number${p.phone.trim().startsWith('+') ? '' : ` for ${country} (add +country code)`}`,
      });
      return;
    }
    if (seen.has(e164)) return;
    seen.add(e164);
    out.push({ phone: p.phone.trim(), e164, label: p.label ?? null, primary: !!p.primary });
  });
  if (errors.length)
    throw new AppError('validation_failed', errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors);
  return primaryFirst(out);
}

function primaryFirst<T extends { primary: boolean }>(list: T[]): T[] {
  if (list.length === 0) return list;
  let idx = list.findIndex((x) => x.primary);
  if (idx < 0) idx = 0;
  const primary = { ...list[idx]!, primary: true };
  return [primary, ...list.filter((_, i) => i !== idx).map((x) => ({ ...x, primary: false }))];
}

/** Replaces the primary email (keeping the others) — what `email` on a contact or lead means. */
export function withPrimaryEmail(current: ContactEmail[], email: string | null): ContactEmail[] {
  const rest = current.slice(1);
  if (email === null) return rest.length ? primaryFirst(rest) : [];
  const normalized = normalizeEmail(email);
  return normalizeEmails([
    { email, label: current[0]?.label ?? null, primary: true },
    ...rest.filter((e) => e.normalized !== normalized),
  ]);
}

export function withPrimaryPhone(
  current: ContactPhone[],
  phone: string | null,
  country: string,
): ContactPhone[] {
  const rest = current.slice(1);
  if (phone === null) return rest.length ? primaryFirst(rest) : [];
  const [p] = normalizePhones([{ phone, label: current[0]?.label ?? null, primary: true }], country, 'phone');
  return [p!, ...rest.filter((x) => x.e164 !== p!.e164)];
}

export function normalizeAddresses(list: NonNullable<ContactCreate['addresses']>): ContactAddress[] {
  return list.map((a) => ({
    type: a.type ?? 'personal',
    street1: a.street1 ?? null,
    street2: a.street2 ?? null,
    city: a.city ?? null,
    state: a.state ?? null,
    postcode: a.postcode ?? null,
    country: a.country ?? null,
  }));
}

/** Column values for a contact write, from create/update input and the stored contact (for updates). */
export function contactColumns(
  input: ContactCreate | ContactUpdate,
  country: string,
  current?: { emails: ContactEmail[]; phones: ContactPhone[] },
) {
  const { email, phone, emails, phones, addresses, optInAt, ...rest } = input;
  const v: Record<string, unknown> = { ...rest };
  if (emails !== undefined) v.emails = normalizeEmails(emails);
  else if (email !== undefined) v.emails = withPrimaryEmail(current?.emails ?? [], email);
  if (phones !== undefined) v.phones = normalizePhones(phones, country);
  else if (phone !== undefined) v.phones = withPrimaryPhone(current?.phones ?? [], phone, country);
  if (addresses !== undefined) v.addresses = normalizeAddresses(addresses);
  if (optInAt !== undefined) v.optInAt = optInAt === null ? null : new Date(optInAt);
  return v;
}
