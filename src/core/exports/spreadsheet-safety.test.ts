import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvLine } from './csv-writer.js';
import { neutralizeCell, restoreCell } from './spreadsheet-safety.js';

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];
/** Strings made of the characters that matter here, so the edge cases come up often. */
const tricky = fc
  .array(fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', '1', '.', 'a', ' ', '"', ','), {
    maxLength: 8,
  })
  .map((a) => a.join(''));

describe('spreadsheet safety', () => {
  it('prefixes a cell that could start a formula with a quote (OWASP)', () => {
    expect(neutralizeCell('=HYPERLINK("http://x","y")')).toBe(`'=HYPERLINK("http://x","y")`);
    expect(neutralizeCell('+cmd|calc')).toBe("'+cmd|calc");
    expect(neutralizeCell('-2+3')).toBe("'-2+3");
    expect(neutralizeCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutralizeCell('\t=1')).toBe("'\t=1");
    expect(neutralizeCell('\r=1')).toBe("'\r=1");
    expect(neutralizeCell('Maya')).toBe('Maya');
    expect(neutralizeCell('')).toBe('');
    expect(neutralizeCell('a=b')).toBe('a=b');
  });

  it('leaves plain numbers alone (no spreadsheet runs them) and protects quoted triggers', () => {
    expect(neutralizeCell('-250.50')).toBe('-250.50');
    expect(neutralizeCell('+14155552671')).toBe('+14155552671');
    expect(neutralizeCell('-')).toBe("'-");
    expect(neutralizeCell("'=x")).toBe("''=x");
    expect(neutralizeCell("'plain")).toBe("'plain");
  });

  it('restoreCell strips exactly one quote before a trigger, and only then', () => {
    expect(restoreCell("'=1+1")).toBe('=1+1');
    expect(restoreCell("''=1")).toBe("'=1");
    expect(restoreCell("'hello")).toBe("'hello");
    expect(restoreCell("'")).toBe("'");
    expect(restoreCell('=1')).toBe('=1');
  });

  it('round-trips every string exactly, and no neutralized cell starts a formula', () => {
    fc.assert(
      fc.property(fc.oneof(tricky, fc.string()), (s) => {
        const n = neutralizeCell(s);
        expect(restoreCell(n)).toBe(s);
        if (n && TRIGGERS.includes(n[0]!)) expect(n).toMatch(/^[+-]?\d+(\.\d+)?$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes RFC 4180 lines: quoted when needed, quotes doubled, CRLF', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines', ''])).toBe(
      'a,"b,c","say ""hi""","two\nlines",\r\n',
    );
    expect(csvLine(['=1+1', '-5'])).toBe("'=1+1,-5\r\n");
  });
});
