import type { FieldComparison, Model } from './fs-model.js';
import {
  foldText,
  normalizeCompany,
  normalizeDomain,
  normalizePhone,
  phoneticKey,
} from './match-normalize.js';
import { nameSimilarity, trigramSimilarity } from './similarity.js';

export type AccountLike = {
  name?: string | null;
  domain?: string | null;
  website?: string | null;
  phone?: string | null;
  address?: Record<string, string | null> | null;
};

export type AccountProfile = { name: string; nameCode: string; domain: string; phone: string; city: string };

export const ACCOUNT_FIELDS = ['domain', 'name', 'phone', 'city'] as const;

export function accountProfile(a: AccountLike, country: string): AccountProfile {
  const name = normalizeCompany(a.name);
  const domain = a.domain ? normalizeDomain(a.domain) : a.website ? normalizeDomain(a.website) : '';
  return {
    name,
    nameCode: phoneticKey(name),
    domain,
    phone: (a.phone && normalizePhone(a.phone, country)) || '',
    city: foldText(a.address?.city),
  };
}

/** Blocking keys of accounts (scans): domain, phone, the name's phonetic code, its first word. */
export function accountKeys(p: AccountProfile): string[] {
  const keys: string[] = [];
  if (p.domain) keys.push(`d:${p.domain}`);
  if (p.phone) keys.push(`p:${p.phone}`);
  if (p.nameCode) keys.push(`n:${p.nameCode}`);
  const first = p.name.split(' ')[0];
  if (first && first.length >= 3) keys.push(`w:${first}`);
  return keys;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const numbersOf = (s: string) => (s.match(/\d+/g) ?? []).join(' ');

const MISSING: FieldComparison = { level: 0, similarity: 0, method: 'exact', a: null, b: null };

/** Domain and phone: 2 equal, 1 different; name: 4 equal, 3 ≥ 0.92 or same code, 2 ≥ 0.8, 1 different. */
export function compareAccounts(a: AccountProfile, b: AccountProfile): FieldComparison[] {
  const eq = (x: string, y: string): FieldComparison =>
    !x || !y ? MISSING : { level: x === y ? 2 : 1, similarity: x === y ? 1 : 0, method: 'exact', a: x, b: y };
  let name: FieldComparison = MISSING;
  if (a.name && b.name) {
    if (a.name === b.name) name = { level: 4, similarity: 1, method: 'exact', a: a.name, b: b.name };
    else if (numbersOf(a.name) !== numbersOf(b.name)) {
      // "Company 1" and "Company 2", "Acme 2020" and "Acme 2021": other numbers, other companies.
      name = {
        level: 1,
        similarity: round(nameSimilarity(a.name, b.name)),
        method: 'fuzzy',
        a: a.name,
        b: b.name,
      };
    } else {
      const sim =
        Math.round(Math.max(nameSimilarity(a.name, b.name), trigramSimilarity(a.name, b.name)) * 1000) / 1000;
      name =
        sim >= 0.92
          ? { level: 3, similarity: sim, method: 'fuzzy', a: a.name, b: b.name }
          : a.nameCode && a.nameCode === b.nameCode
            ? { level: 3, similarity: sim, method: 'phonetic', a: a.name, b: b.name }
            : { level: sim >= 0.8 ? 2 : 1, similarity: sim, method: 'fuzzy', a: a.name, b: b.name };
    }
  }
  let city: FieldComparison = MISSING;
  if (a.city && b.city) {
    const sim = nameSimilarity(a.city, b.city);
    city = {
      level: a.city === b.city ? 2 : 1,
      similarity: Math.round(sim * 1000) / 1000,
      method: a.city === b.city ? 'exact' : 'fuzzy',
      a: a.city,
      b: b.city,
    };
  }
  return [eq(a.domain, b.domain), name, eq(a.phone, b.phone), city];
}

export const ACCOUNT_MODEL: Model = {
  lambda: 0.1,
  fields: [
    { field: 'domain', m: [1, 0.1, 0.9], u: [1, 0.99, 0.01] },
    { field: 'name', m: [1, 0.05, 0.05, 0.15, 0.75], u: [1, 0.75, 0.12, 0.05, 0.08] },
    { field: 'phone', m: [1, 0.2, 0.8], u: [1, 0.99, 0.01] },
    { field: 'city', m: [1, 0.2, 0.8], u: [1, 0.7, 0.3] },
  ],
};
