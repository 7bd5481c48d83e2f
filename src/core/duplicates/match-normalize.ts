import { doubleMetaphone } from 'double-metaphone';
import { normalizeDomain, normalizeEmail, normalizePhone } from '../shared/normalize.js';
import { canonicalGiven } from './nicknames.js';

export { normalizeDomain, normalizeEmail, normalizePhone };

/**
 * A pure string function remembered for the last few thousand inputs: a bulk import or a duplicate
 * scan reads the same first names, surnames, companies and cities again and again.
 */
function memo<T>(fn: (s: string) => T, max = 20_000): (s: string) => T {
  const cache = new Map<string, T>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined) {
      v = fn(s);
      if (cache.size >= max) cache.clear();
      cache.set(s, v);
    }
    return v;
  };
}

/**
 * Text for matching: lower case, accents removed (NFKD without combining marks, plus the letters NFKD
 * leaves alone: ß, æ, ø, ł, …), anything but letters and digits turned into single spaces.
 */
export function foldText(s: string | null | undefined): string {
  return s ? foldMemo(s) : '';
}
const foldMemo = memo((s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđþ]/g, (c) => FOLD[c] ?? c)
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim(),
);
const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', þ: 'th' };

const HONORIFICS = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'sir',
  'dame',
  'jr',
  'sr',
  'ii',
  'iii',
  'iv',
  'phd',
  'md',
  'esq',
]);

/** A person-name part: folded, honorifics and generational suffixes dropped ("Dr. José-María" → "jose maria"). */
export function normalizePersonName(s: string | null | undefined): string {
  return foldText(s)
    .split(' ')
    .filter((w) => w && !HONORIFICS.has(w))
    .join(' ');
}

/** A given name, folded and mapped to its canonical form when it is a common nickname ("Bob" → "robert"). */
export function normalizeGivenName(s: string | null | undefined): string {
  const n = normalizePersonName(s);
  if (!n) return '';
  const [first, ...rest] = n.split(' ');
  return [canonicalGiven(first!), ...rest].join(' ');
}

/** Legal-form words and abbreviations removed from company names (after folding; multi-word forms first). */
const LEGAL_PHRASES = [
  'private limited',
  'pvt ltd',
  'pvt limited',
  'pte ltd',
  'pty ltd',
  'sdn bhd',
  'limited liability company',
  'limited partnership',
  'public limited company',
  's a r l',
  's a s',
  's a',
  's l',
  's p a',
  's r l',
  'b v',
  'n v',
  'a g',
  'l l c',
  'l l p',
  'l p',
  'co kg',
  'gmbh co kg',
];
const LEGAL_WORDS = new Set([
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'llc',
  'llp',
  'lp',
  'ltd',
  'limited',
  'plc',
  'gmbh',
  'ag',
  'kg',
  'ug',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'oy',
  'ab',
  'as',
  'aps',
  'pvt',
  'pty',
  'pte',
  'kk',
  'the',
]);

/** A company name without case, punctuation, accents or legal form ("The Acme Co., Inc." → "acme"). */
export function normalizeCompany(s: string | null | undefined): string {
  return s ? companyMemo(s) : '';
}
const companyMemo = memo((s: string): string => {
  let t = ` ${foldText(s).replace(/&/g, ' and ')} `;
  for (const p of LEGAL_PHRASES) t = t.replaceAll(` ${p} `, ' ');
  const words = t.split(' ').filter(Boolean);
  // Legal words only at the end (and "the" at the start), so "Company Store Co" keeps its "company".
  while (words.length > 1 && LEGAL_WORDS.has(words[words.length - 1]!)) words.pop();
  if (words.length > 1 && words[0] === 'the') words.shift();
  return words.join(' ');
});

/** Double Metaphone primary code of each word, joined ("smyth jones" → "SM0 JNS"); '' for no letters. */
export function phoneticKey(s: string): string {
  return s ? phoneticMemo(s) : '';
}
const phoneticMemo = memo((s: string) =>
  s
    .split(' ')
    .filter((w) => /\p{L}/u.test(w))
    .map((w) => doubleMetaphone(w)[0])
    .filter(Boolean)
    .join(' '),
);

/** Both Double Metaphone codes of a single word (primary, alternate), de-duplicated. */
export function phoneticCodes(word: string): string[] {
  if (!/\p{L}/u.test(word)) return [];
  const [p, a] = doubleMetaphone(word);
  return p === a || !a ? [p] : [p, a];
}

/** Postcodes compare without spaces and case ("sw1a 1aa" = "SW1A1AA"). */
export const normalizePostcode = (s: string | null | undefined): string =>
  (s ?? '').replace(/[\s-]+/g, '').toUpperCase();

/** Street line split into its house number and its folded street name ("6 Tullaroop St." → 6, "tullaroop st"). */
export function splitStreet(s: string | null | undefined): { number: string; name: string } {
  const t = foldText(s);
  const m = /^(\d+[a-z]?)\s+(.*)$/.exec(t) ?? /^(.*?)\s+(\d+[a-z]?)$/.exec(t);
  if (!m) return { number: '', name: t };
  return /^\d/.test(m[1]!) ? { number: m[1]!, name: m[2]! } : { number: m[2]!, name: m[1]! };
}
