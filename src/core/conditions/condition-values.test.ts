import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeLike } from '../shared/like.js';
import {
  compareDecimal,
  compareText,
  foldAscii,
  isStorableText,
  isValidDate,
  microsToDate,
  microsToIso,
  toDecimal,
  toMicros,
} from './condition-values.js';

const sign = (n: number) => Math.sign(n);

describe('decimals', () => {
  it('canonicalizes numbers and decimal strings, refuses anything else', () => {
    expect(toDecimal('1234.50')).toBe('1234.5');
    expect(toDecimal('-0.00')).toBe('0');
    expect(toDecimal('007')).toBe('7');
    expect(toDecimal(-0)).toBe('0');
    expect(toDecimal(1e21)).toBe('1000000000000000000000');
    expect(toDecimal(1e-7)).toBe('0.0000001');
    expect(toDecimal(-1.5e-10)).toBe('-0.00000000015');
    expect(toDecimal(0.1 + 0.2)).toBe('0.30000000000000004');
    for (const bad of [
      '',
      '1e3',
      '.5',
      '5.',
      '+1',
      ' 1',
      'NaN',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      null,
      [1],
    ])
      expect(toDecimal(bad)).toBeNull();
  });

  it('compares exactly, beyond double precision (property, against scaled BigInts)', () => {
    const dec = fc
      .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 8 }))
      .map(([n, scale]) => {
        const abs = (n < 0n ? -n : n).toString().padStart(scale + 1, '0');
        const s = scale === 0 ? abs : `${abs.slice(0, -scale)}.${abs.slice(-scale)}`;
        return { text: `${n < 0n ? '-' : ''}${s}`, scaled: n * 10n ** BigInt(8 - scale) };
      });
    fc.assert(
      fc.property(dec, dec, (a, b) => {
        const expected = a.scaled === b.scaled ? 0 : a.scaled < b.scaled ? -1 : 1;
        expect(sign(compareDecimal(toDecimal(a.text)!, toDecimal(b.text)!))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('instants and dates', () => {
  it('parses ISO strings with offsets and microseconds; agrees with Date where Date can tell', () => {
    expect(toMicros('2025-06-10T12:00:00.0005+02:00')).toBe(toMicros('2025-06-10T10:00:00.000500Z'));
    expect(toMicros('2025-06-10')).toBe(BigInt(Date.parse('2025-06-10T00:00:00Z')) * 1000n);
    expect(toMicros('0050-01-01T00:00:00Z')).toBe(BigInt(Date.parse('0050-01-01T00:00:00Z')) * 1000n);
    expect(toMicros('2025-02-29T00:00:00Z')).toBeNull();
    expect(toMicros('2025-06-10T24:00:00Z')).toBeNull();
    expect(toMicros('yesterday')).toBeNull();
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (d) => {
          const us = BigInt(d.getTime()) * 1000n;
          expect(toMicros(d.toISOString())).toBe(us);
          expect(toMicros(microsToIso(us))).toBe(us);
          expect(microsToDate(us)).toBe(d.toISOString().slice(0, 10));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('knows real calendar dates', () => {
    expect(isValidDate('2024-02-29')).toBe(true);
    expect(isValidDate('2100-02-29')).toBe(false);
    expect(isValidDate('0000-01-01')).toBe(false);
    expect(isValidDate('2024-13-01')).toBe(false);
    expect(isValidDate('2024-1-01')).toBe(false);
  });
});

describe('text', () => {
  it('orders by code point, i.e. by UTF-8 bytes as COLLATE "C" does (property)', () => {
    const s = fc.string({ unit: 'binary', maxLength: 6 }).filter(isStorableText);
    fc.assert(
      fc.property(s, s, (a, b) => {
        expect(sign(compareText(a, b))).toBe(sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 5000 },
    );
    expect(compareText('😀', '\uFFFD')).toBeGreaterThan(0); // '😀' < '\uFFFD' in UTF-16 code units
  });

  it('folds ASCII letters only and escapes LIKE metacharacters', () => {
    expect(foldAscii('ÄBC İx Straße')).toBe('Äbc İx straße');
    expect(escapeLike('100%_\\x')).toBe('100\\%\\_\\\\x');
    expect(isStorableText('ok 😀')).toBe(true);
    expect(isStorableText('\uDE00')).toBe(false);
    expect(isStorableText('a\u0000')).toBe(false);
  });
});
