import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairQuality, readFebrl } from '../../../bench/duplicates.js';
import { CONTACT_FIELDS, CONTACT_MODEL, compareContacts } from './contact-compare.js';
import { contactKeys, contactMaxBlock, contactProfile } from './contact-profile.js';
import { estimateEm, posterior } from './fs-model.js';
import {
  foldText,
  normalizeCompany,
  normalizeEmail,
  normalizeGivenName,
  normalizePersonName,
  normalizePhone,
  normalizePostcode,
  phoneticKey,
  splitStreet,
} from './match-normalize.js';
import { candidatePairs, levelsOf, scoreCandidates } from './matcher.js';
import { canonicalGiven, isNickname } from './nicknames.js';
import {
  codeCloseness,
  dice,
  editDistance,
  jaroWinkler,
  numericCloseness,
  trigramSimilarity,
} from './similarity.js';

describe('normalization', () => {
  it('emails: trimmed, lower-cased', () => {
    expect(normalizeEmail('  Maya.Patel@Example.COM ')).toBe('maya.patel@example.com');
  });
  it('phones: E.164 with the workspace country', () => {
    expect(normalizePhone('+1 (415) 555-0100', 'US')).toBe('+14155550100');
    expect(normalizePhone('4155550100', 'US')).toBe('+14155550100');
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizePhone('12', 'US')).toBeNull();
  });
  it('names: case, accents, punctuation, whitespace, honorifics', () => {
    expect(foldText('  José-María  ÑÚÑEZ ')).toBe('jose maria nunez');
    expect(foldText("O'Brien")).toBe('obrien');
    expect(foldText('Müller Straße')).toBe('muller strasse');
    expect(normalizePersonName('Dr. Jane  Doe, Jr.')).toBe('jane doe');
  });
  it('given names: common nicknames map to one canonical name', () => {
    for (const [nick, name] of [
      ['Bob', 'robert'],
      ['rob', 'robert'],
      ['Bill', 'william'],
      ['will', 'william'],
      ['Liz', 'elizabeth'],
      ['Beth', 'elizabeth'],
      ['Peggy', 'margaret'],
      ['Chuck', 'charles'],
    ])
      expect(normalizeGivenName(nick)).toBe(name);
    expect(canonicalGiven('zebulon')).toBe('zebulon');
    expect(isNickname('chris', 'christine')).toBe(true);
    expect(isNickname('chris', 'christopher')).toBe(true);
    expect(isNickname('christopher', 'christine')).toBe(false);
  });
  it('companies: legal forms removed', () => {
    expect(normalizeCompany('Acme Widgets, Inc.')).toBe('acme widgets');
    expect(normalizeCompany('ACME WIDGETS LLC')).toBe('acme widgets');
    expect(normalizeCompany('Tata Consultancy Services Pvt. Ltd.')).toBe('tata consultancy services');
    expect(normalizeCompany('Siemens AG')).toBe('siemens');
    expect(normalizeCompany('Müller GmbH & Co. KG')).toBe('muller');
    expect(normalizeCompany('Telefónica S.A.')).toBe('telefonica');
    expect(normalizeCompany('The Company Store Co')).toBe('company store');
  });
  it('phonetic keys (Double Metaphone) agree on spelling variants', () => {
    expect(phoneticKey('smith')).toBe(phoneticKey('smyth'));
    expect(phoneticKey('catherine')).toBe(phoneticKey('kathryn'));
    expect(phoneticKey('waller')).not.toBe(phoneticKey('miller'));
  });
  it('postcodes and streets', () => {
    expect(normalizePostcode('sw1a 1aa')).toBe('SW1A1AA');
    expect(splitStreet('6 Tullaroop Street')).toEqual({ number: '6', name: 'tullaroop street' });
    expect(splitStreet('Hauptstraße 12')).toEqual({ number: '12', name: 'hauptstrasse' });
    expect(splitStreet('PO Box')).toEqual({ number: '', name: 'po box' });
  });
});

describe('similarity', () => {
  it('Jaro-Winkler matches the reference values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 3);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
  it('trigram similarity like pg_trgm, Dice, edit distance', () => {
    expect(trigramSimilarity('word', 'word')).toBe(1);
    expect(trigramSimilarity('word', 'two words')).toBeCloseTo(0.3636, 3); // pg_trgm: similarity('word','two words')
    expect(dice('night', 'nacht')).toBeCloseTo(0.25, 5);
    expect(editDistance('ca', 'ac')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('codes and numbers by closeness', () => {
    expect(codeCloseness('4011', '4011')).toBe(1);
    expect(codeCloseness('4011', '4101')).toBe(0.8);
    expect(codeCloseness('4011', '401')).toBe(0.6);
    expect(codeCloseness('4011', '5099')).toBe(0);
    expect(numericCloseness(100, 90)).toBeCloseTo(0.9, 5);
  });
});

describe('matching', () => {
  const p = (first: string, last: string, street = '', pc = '', city = '') =>
    contactProfile({
      firstName: first,
      lastName: last,
      addresses: [{ street1: street, postcode: pc, city }],
    });

  it('shares a blocking key despite a swap of first and last name, a nickname or a surname typo', () => {
    const a = contactKeys(p('Robert', 'Waller', '6 Tullaroop St', '4011'));
    const share = (b: string[]) => b.some((k) => a.includes(k));
    expect(share(contactKeys(p('Waller', 'Robert')))).toBe(true);
    expect(share(contactKeys(p('Bob', 'Waller')))).toBe(true);
    expect(share(contactKeys(p('Robert', 'Wqller', '', '4011')))).toBe(true);
    expect(share(contactKeys(p('', 'Xaller', '6 Tullaroop St', '4011')))).toBe(true);
    expect(share(contactKeys(p('Maria', 'Gomez', '5 Pine Lane', '9000')))).toBe(false);
  });

  it('scores the same person high and explains why; different people low', () => {
    const a = p('Robert', 'Waller', '6 Tullaroop Street', '4011', 'St James');
    const same = compareContacts(a, p('Bob', 'Waler', '6 Tullaroop St', '4011', 'St. James'));
    expect(posterior(CONTACT_MODEL, levelsOf(same))).toBeGreaterThan(0.95);
    expect(same[CONTACT_FIELDS.indexOf('firstName')]).toMatchObject({ method: 'nickname', level: 4 });
    expect(same[CONTACT_FIELDS.indexOf('lastName')]!.method).toBe('fuzzy');
    const swapped = compareContacts(a, p('Waller', 'Robert', '6 Tullaroop Street', '4011'));
    expect(swapped[CONTACT_FIELDS.indexOf('firstName')]!.level).toBe(4);
    const other = compareContacts(a, p('Maria', 'Waller', '77 Pine Lane', '9000', 'Perth'));
    expect(posterior(CONTACT_MODEL, levelsOf(other))).toBeLessThan(0.1);
  });

  it('EM keeps the default model when there are too few pairs', () => {
    expect(estimateEm(CONTACT_MODEL, []).usedDefaults).toHaveLength(CONTACT_FIELDS.length);
  });

  it('finds the FEBRL dataset1 duplicates with F1 ≥ 0.95 (blocking, comparison, EM)', () => {
    const records = readFebrl(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'febrl', 'dataset1.csv'));
    const profiles = records.map((r) => contactProfile(r.input as never));
    const { pairs } = candidatePairs(
      profiles.map((p) => contactKeys(p)),
      undefined,
      contactMaxBlock,
    );
    const cmp = { fields: CONTACT_FIELDS, keys: contactKeys, compare: compareContacts, model: CONTACT_MODEL };
    const scored = scoreCandidates(cmp, profiles, pairs, 0.9);
    const ids = records.map((_, i) => `id${i}`);
    const q = pairQuality(
      new Map(records.map((r, i) => [ids[i]!, r.rec])),
      scored.pairs.map((x) => [ids[x.a]!, ids[x.b]!] as [string, string]),
    );
    expect(q.truePairs).toBe(500);
    expect(q.f1).toBeGreaterThanOrEqual(0.95);
    const m = scored.model.fields[CONTACT_FIELDS.indexOf('lastName')]!;
    expect(m.m[4]! / m.u[4]!).toBeGreaterThan(1);
  });
});
