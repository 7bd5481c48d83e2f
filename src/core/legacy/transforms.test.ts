import { describe, expect, it } from 'vitest';
import { columnSpec } from './mapping.schemas.js';
import { applyTransform, compileColumns, parseDate, splitFullName, TransformError } from './transforms.js';

const col = (v: unknown) => columnSpec.parse(v);

describe('legacy transforms', () => {
  it('splits full names: last word is the last name, "Last, First" too, titles dropped', () => {
    expect(splitFullName('Maya Patel', 'first')).toBe('Maya');
    expect(splitFullName('Maya Patel', 'last')).toBe('Patel');
    expect(splitFullName('  Mary  Ann   Smith ', 'first')).toBe('Mary Ann');
    expect(splitFullName('Smith, Mary Ann', 'last')).toBe('Smith');
    expect(splitFullName('Smith, Mary Ann', 'first')).toBe('Mary Ann');
    expect(splitFullName('Dr. José Núñez', 'first')).toBe('José');
    expect(splitFullName('Cher', 'first')).toBe('Cher');
    expect(splitFullName('Cher', 'last')).toBeNull();
    expect(splitFullName('   ', 'first')).toBeNull();
    expect(splitFullName(null, 'last')).toBeNull();
  });

  it('normalizes phones to E.164 in the given country; an invalid one is reported (kept) or dropped', () => {
    const us = col({ from: 'p', transform: { normalize_phone: 'US' } }).transform[0]!;
    for (const p of ['(415) 555-2671', '415.555.2671', '4155552671', '+1 415 555 2671', '1-415-555-2671'])
      expect(applyTransform(us, p)).toBe('+14155552671');
    const gb = col({ from: 'p', transform: { normalize_phone: 'GB' } }).transform[0]!;
    expect(applyTransform(gb, '020 7946 0123')).toBe('+442079460123');
    expect(applyTransform(us, '')).toBeNull();
    expect(() => applyTransform(us, '12')).toThrow(TransformError);
    const drop = col({ from: 'p', transform: { normalize_phone: { country: 'US', invalid: 'empty' } } })
      .transform[0]!;
    expect(applyTransform(drop, 'n/a')).toBeNull();
  });

  it('maps values without case by default, with a default for the rest; absent default keeps the value', () => {
    const t = col({
      from: 's',
      transform: { map_values: { map: { 'Quote Sent': 'proposal', sold: 'won' }, default: 'new' } },
    }).transform[0]!;
    expect(applyTransform(t, 'quote sent')).toBe('proposal');
    expect(applyTransform(t, ' SOLD ')).toBe('won');
    expect(applyTransform(t, 'Something else')).toBe('new');
    expect(applyTransform(t, null)).toBeNull();
    const keep = col({ from: 's', transform: { map_values: { fb: 'facebook' } } }).transform[0]!;
    expect(applyTransform(keep, 'FB')).toBe('facebook');
    expect(applyTransform(keep, 'Yelp')).toBe('Yelp');
    const exact = col({ from: 's', transform: { map_values: { map: { A: 'x' }, ignoreCase: false } } })
      .transform[0]!;
    expect(applyTransform(exact, 'a')).toBe('a');
    const toNull = col({ from: 's', transform: { map_values: { map: { 'n/a': null } } } }).transform[0]!;
    expect(applyTransform(toNull, 'N/A')).toBeNull();
  });

  it('parses dates in the given format to ISO dates or UTC timestamps', () => {
    expect(parseDate('04/03/2021', 'DD/MM/YYYY')).toBe('2021-03-04');
    expect(parseDate('3/4/2021', 'M/D/YYYY')).toBe('2021-03-04');
    expect(parseDate('2021-03-04 15:07:09', 'YYYY-MM-DD HH:mm:ss')).toBe('2021-03-04T15:07:09.000Z');
    expect(parseDate('2021-03-04 15:07:09', 'YYYY-MM-DD HH:mm:ss', undefined, '+02:00')).toBe(
      '2021-03-04T13:07:09.000Z',
    );
    expect(parseDate('2021-03-04 15:07:09', 'YYYY-MM-DD HH:mm:ss', 'date')).toBe('2021-03-04');
    expect(parseDate('04.03.99', 'DD.MM.YY')).toBe('1999-03-04');
    expect(parseDate('1614870429', 'unix')).toBe('2021-03-04T15:07:09.000Z');
    expect(parseDate('1614870429000', 'unix_ms')).toBe('2021-03-04T15:07:09.000Z');
    expect(parseDate('2021-03-04T15:07:09+01:00', 'iso')).toBe('2021-03-04T14:07:09.000Z');
    expect(parseDate('0000-00-00 00:00:00', 'YYYY-MM-DD HH:mm:ss')).toBeNull();
    expect(parseDate('', 'DD/MM/YYYY')).toBeNull();
    expect(() => parseDate('31/02/2021', 'DD/MM/YYYY')).toThrow(/not a real date/);
    expect(() => parseDate('2021-03-04', 'DD/MM/YYYY')).toThrow(/does not match/);
    expect(() => parseDate('yesterday', 'unix')).toThrow(TransformError);
  });

  it('joins several columns (blanks skipped), trims, changes case, constants and defaults', () => {
    const c = compileColumns({
      street: col({ from: ['s1', 's2'], transform: { join: ', ' } }),
      name: col({ from: ['first', 'last'] }),
      email: col({ from: 'email', transform: ['trim', 'lowercase'] }),
      state: col({ from: 'state', transform: 'uppercase' }),
      country: col({ transform: { constant: 'United States' } }),
      source: col({ from: 'src', transform: ['trim', { default: 'unknown' }] }),
    });
    expect(c.targets).toEqual(['street', 'name', 'email', 'state', 'country', 'source']);
    expect(c.sourceColumns).toEqual(['s1', 's2', 'first', 'last', 'email', 'state', 'src']);
    const r = c.apply({
      s1: '1 Main St',
      s2: '',
      first: 'Zoë',
      last: 'Müller',
      email: '  Zoe.Muller@Example.COM ',
      state: 'ca',
      src: '  ',
    });
    expect(r).toEqual({
      cells: ['1 Main St', 'Zoë Müller', 'zoe.muller@example.com', 'CA', 'United States', 'unknown'],
      problems: [],
    });
    expect(
      c.apply({ s1: null, s2: null, first: null, last: null, email: null, state: null, src: 'web' }).cells,
    ).toEqual([null, null, null, null, 'United States', 'web']);
  });

  it('keeps the source value of a cell a transform cannot read and reports the row problem', () => {
    const c = compileColumns({
      createdAt: col({ from: 'd', transform: { parse_date: 'DD/MM/YYYY' } }),
      phone: col({ from: 'p', transform: { normalize_phone: 'US' } }),
    });
    const r = c.apply({ d: '2021-13-45', p: 'call me' });
    expect(r.cells).toEqual(['2021-13-45', 'call me']);
    expect(r.problems.map((p) => p.field)).toEqual(['createdAt', 'phone']);
    expect(r.problems[0]!.reason).toMatch(/^parse_date: "2021-13-45" does not match DD\/MM\/YYYY/);
  });
});
