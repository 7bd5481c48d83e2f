import type { ContactAddress, ContactEmail, ContactPhone } from '../db/schema/index.js';
import {
  foldText,
  normalizeCompany,
  normalizeGivenName,
  normalizePersonName,
  normalizePostcode,
  phoneticKey,
  splitStreet,
} from './match-normalize.js';

/** What matching needs of a contact (or of a lead's flat contact fields). */
export type ContactLike = {
  firstName?: string | null;
  lastName?: string | null;
  emails?: Pick<ContactEmail, 'normalized'>[] | null;
  phones?: Pick<ContactPhone, 'e164'>[] | null;
  addresses?: Partial<ContactAddress>[] | null;
  companyName?: string | null;
};

/** A contact's normalized matching fields. */
export type ContactProfile = {
  /** as written (folded), for reasons */
  givenRaw: string;
  /** canonical given name (nicknames resolved) */
  given: string;
  surname: string;
  givenCode: string;
  surnameCode: string;
  emails: string[];
  phones: string[];
  company: string;
  streetNumber: string;
  street: string;
  street2: string;
  city: string;
  cityCode: string;
  postcode: string;
  state: string;
};

export function contactProfile(c: ContactLike): ContactProfile {
  const a = c.addresses?.[0] ?? {};
  const { number, name } = splitStreet(a.street1);
  const givenRaw = normalizePersonName(c.firstName);
  const given = normalizeGivenName(c.firstName);
  const surname = normalizePersonName(c.lastName);
  const city = foldText(a.city);
  return {
    givenRaw,
    given,
    surname,
    givenCode: phoneticKey(given),
    surnameCode: phoneticKey(surname),
    emails: (c.emails ?? []).map((e) => e.normalized).filter(Boolean),
    phones: (c.phones ?? []).map((p) => p.e164).filter(Boolean),
    company: normalizeCompany(c.companyName),
    streetNumber: number,
    street: name,
    street2: foldText(a.street2),
    city,
    cityCode: phoneticKey(city),
    postcode: normalizePostcode(a.postcode),
    state: foldText(a.state),
  };
}

/**
 * Blocking keys: two contacts become candidates when they share one. Each family survives a different
 * kind of damage, so a pair is missed only when several fields are wrong at once:
 * - `e:` any email, `p:` any phone (exact, normalized);
 * - `n:` both name codes, sorted (phonetic typos, nicknames, first/last swapped, no address);
 * - `xp:` one name code + postcode (a typo in the other name, or a missing given name);
 * - `xn:` one name code + house number, `xt:` one name code + street code (a wrong postcode as well);
 * - `np:` house number + postcode, `ns:` house number + street code (both names damaged);
 * - `xo:` one name code + company.
 * Name codes are Double Metaphone of the canonical given name and of the surname. A scan uses these
 * families in memory; the stored keys (`use = 'lookup'`, checks on write) narrow `xp` and `xt` with
 * the initial of the other name part.
 */
export function contactKeys(p: ContactProfile, use: 'scan' | 'lookup' = 'scan'): string[] {
  const keys = new Set<string>();
  for (const e of p.emails) keys.add(`e:${e}`);
  for (const ph of p.phones) keys.add(`p:${ph}`);
  const codes = [...new Set([p.givenCode, p.surnameCode].filter(Boolean))];
  if (p.givenCode && p.surnameCode) keys.add(`n:${[p.givenCode, p.surnameCode].sort().join('|')}`);
  const streetCode = phoneticKey(p.street.split(' ')[0] ?? '');
  // The postcode and street families come twice: wide (a name code and the place) and narrowed by the
  // initial of the other name part (symmetric under a swap). Stored keys serve single-record lookups,
  // which read every row of every shared key from the heap, so they hold only the narrow ones; a scan
  // (in memory) uses a wide block while it is small (`REFINE_AT`), the narrow ones when it is not — a
  // big wide block is everyone with that first name in a big city, not a useful candidate set.
  const parts: [string, string][] = [];
  if (p.givenCode) parts.push([p.givenCode, p.surname[0] ?? '']);
  if (p.surnameCode) parts.push([p.surnameCode, p.given[0] ?? '']);
  for (const [c, initial] of parts) {
    if (p.postcode) keys.add(`xpi:${c}|${p.postcode}|${initial}`);
    if (p.streetNumber) keys.add(`xn:${c}|${p.streetNumber}`);
    if (p.company) keys.add(`xo:${c}|${p.company}`);
    if (streetCode) keys.add(`xti:${c}|${streetCode}|${initial}`);
  }
  if (use === 'scan')
    for (const c of codes) {
      if (p.postcode) keys.add(`xp:${c}|${p.postcode}`);
      if (streetCode) keys.add(`xt:${c}|${streetCode}`);
    }
  if (p.streetNumber && p.postcode) keys.add(`np:${p.streetNumber}|${p.postcode}`);
  if (p.streetNumber && streetCode) keys.add(`ns:${p.streetNumber}|${streetCode}`);
  return [...keys];
}

/** Scans: the largest block of a wide key (`xp:`, `xt:`) that is still used; its narrow keys cover the rest. */
export const REFINE_AT = 8;
export const contactMaxBlock = (key: string): number | undefined =>
  key.startsWith('xp:') || key.startsWith('xt:') ? REFINE_AT : undefined;

/** The stored match columns of a contact: blocking keys (GIN) and its normalized full name (trigram). */
export function contactMatchColumns(c: ContactLike): { matchKeys: string[]; matchName: string } {
  const p = contactProfile(c);
  return { matchKeys: contactKeys(p, 'lookup'), matchName: [p.given, p.surname].filter(Boolean).join(' ') };
}
