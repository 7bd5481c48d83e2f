import type { ContactProfile } from './contact-profile.js';
import type { FieldComparison, Model } from './fs-model.js';
import { isNickname } from './nicknames.js';
import { codeCloseness, nameSimilarity } from './similarity.js';

/** The compared fields of contacts, in the order of comparison vectors. */
export const CONTACT_FIELDS = [
  'email',
  'phone',
  'firstName',
  'lastName',
  'streetNumber',
  'street',
  'street2',
  'postcode',
  'city',
  'state',
  'company',
] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

const MISSING: FieldComparison = { level: 0, similarity: 0, method: 'exact', a: null, b: null };
const n = (s: string) => s || null;

/** Any shared value of two lists (emails, phones): 2 agree, 1 both present and none shared. */
function setCompare(a: string[], b: string[]): FieldComparison {
  if (!a.length || !b.length) return MISSING;
  const hit = a.find((x) => b.includes(x));
  return hit
    ? { level: 2, similarity: 1, method: 'exact', a: hit, b: hit }
    : { level: 1, similarity: 0, method: 'exact', a: a[0]!, b: b[0]! };
}

/**
 * Name parts: 4 same (after nicknames), 3 close (Jaro-Winkler ≥ 0.92 or same phonetic code),
 * 2 similar (≥ 0.80, or an initial that fits), 1 different.
 */
function nameCompare(
  a: string,
  b: string,
  codeA: string,
  codeB: string,
  rawA: string,
  rawB: string,
): FieldComparison {
  if (!a || !b) return MISSING;
  if (a === b)
    return {
      level: 4,
      similarity: 1,
      method: rawA !== rawB && isNickname(rawA, rawB) ? 'nickname' : 'exact',
      a: rawA,
      b: rawB,
    };
  const sim = nameSimilarity(a, b);
  if (sim >= 0.92) return { level: 3, similarity: round(sim), method: 'fuzzy', a: rawA, b: rawB };
  if (codeA && codeA === codeB)
    return { level: 3, similarity: round(sim), method: 'phonetic', a: rawA, b: rawB };
  const initial = (a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b));
  if (sim >= 0.8 || initial) return { level: 2, similarity: round(sim), method: 'fuzzy', a: rawA, b: rawB };
  return { level: 1, similarity: round(sim), method: 'fuzzy', a: rawA, b: rawB };
}

/** Free text (street, city, company): 4 same, 3 ≥ 0.92, 2 ≥ 0.80, 1 different (Jaro-Winkler, word order free). */
function textCompare(a: string, b: string, top = 4): FieldComparison {
  if (!a || !b) return MISSING;
  if (a === b) return { level: top, similarity: 1, method: 'exact', a, b };
  const sim = nameSimilarity(a, b);
  const level = sim >= 0.92 ? top - 1 : sim >= 0.8 ? top - 2 : 1;
  return { level: Math.max(1, level), similarity: round(sim), method: 'fuzzy', a, b };
}

/** Codes (postcode, house number): 3 same, 2 one digit off, 1 different. */
function codeCompare(a: string, b: string): FieldComparison {
  if (!a || !b) return MISSING;
  const c = codeCloseness(a, b);
  return { level: c === 1 ? 3 : c > 0 ? 2 : 1, similarity: c, method: c === 1 ? 'exact' : 'fuzzy', a, b };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Compares two contact profiles field by field; catches first and last names written the other way round. */
export function compareContacts(a: ContactProfile, b: ContactProfile): FieldComparison[] {
  let given = nameCompare(a.given, b.given, a.givenCode, b.givenCode, a.givenRaw, b.givenRaw);
  let surname = nameCompare(a.surname, b.surname, a.surnameCode, b.surnameCode, a.surname, b.surname);
  if (a.given && a.surname && b.given && b.surname && given.level + surname.level < 8) {
    const g2 = nameCompare(a.given, b.surname, a.givenCode, b.surnameCode, a.givenRaw, b.surname);
    const s2 = nameCompare(a.surname, b.given, a.surnameCode, b.givenCode, a.surname, b.givenRaw);
    if (g2.level + s2.level > given.level + surname.level) {
      given = g2;
      surname = s2;
    }
  }
  return [
    setCompare(a.emails, b.emails),
    setCompare(a.phones, b.phones),
    given,
    surname,
    codeCompare(a.streetNumber, b.streetNumber),
    textCompare(a.street, b.street),
    textCompare(a.street2, b.street2),
    codeCompare(a.postcode, b.postcode),
    textCompare(a.city, b.city),
    a.state && b.state
      ? {
          level: a.state === b.state ? 2 : 1,
          similarity: a.state === b.state ? 1 : 0,
          method: 'exact',
          a: n(a.state),
          b: n(b.state),
        }
      : MISSING,
    textCompare(a.company, b.company, 3),
  ];
}

/**
 * Default m/u probabilities for contacts, for pairs that share a blocking key (so names agree more
 * often among non-matches than among random pairs). Used for checks on write and whenever a scan has
 * too few pairs to estimate its own with EM. λ: the share of candidate pairs that are true matches.
 */
export const CONTACT_MODEL: Model = {
  lambda: 0.05,
  identity: ['firstName', 'lastName'],
  fields: [
    { field: 'email', m: [1, 0.1, 0.9], u: [1, 0.995, 0.005] },
    { field: 'phone', m: [1, 0.15, 0.85], u: [1, 0.99, 0.01] },
    { field: 'firstName', m: [1, 0.05, 0.05, 0.1, 0.8], u: [1, 0.7, 0.08, 0.07, 0.15] },
    { field: 'lastName', m: [1, 0.05, 0.05, 0.1, 0.8], u: [1, 0.7, 0.08, 0.07, 0.15] },
    { field: 'streetNumber', m: [1, 0.1, 0.05, 0.85], u: [1, 0.9, 0.04, 0.06] },
    { field: 'street', m: [1, 0.08, 0.04, 0.08, 0.8], u: [1, 0.88, 0.04, 0.02, 0.06] },
    { field: 'street2', m: [1, 0.08, 0.04, 0.08, 0.8], u: [1, 0.9, 0.03, 0.02, 0.05] },
    { field: 'postcode', m: [1, 0.08, 0.07, 0.85], u: [1, 0.8, 0.05, 0.15] },
    { field: 'city', m: [1, 0.08, 0.04, 0.08, 0.8], u: [1, 0.8, 0.03, 0.02, 0.15] },
    { field: 'state', m: [1, 0.1, 0.9], u: [1, 0.5, 0.5] },
    { field: 'company', m: [1, 0.15, 0.1, 0.75], u: [1, 0.9, 0.03, 0.07] },
  ],
};
