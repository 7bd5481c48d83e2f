import { describe, expect, it } from 'vitest';
import { coverRange, type DaySpan } from './range-cover.js';

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const days = (s: DaySpan, lo: string, hi: string) => {
  const out: string[] = [];
  for (let t = Date.parse(s.from ?? lo); t < Date.parse(s.until ?? hi); t += DAY) out.push(iso(t));
  return out;
};

/** Every day from `from` to `to` once, as the cover's parts list them (open ends cut at lo/hi). */
function covered(from: string | null, to: string | null, lo = '2023-01-01', hi = '2028-01-01') {
  const c = coverRange(from, to);
  const all = [
    ...(c.months ? days(c.months, lo, hi) : []),
    ...c.weeks.flatMap((w) => days(w, lo, hi)),
    ...c.days.flatMap((d) => days(d, lo, hi)),
  ];
  return { c, all: all.sort() };
}

describe('coverRange', () => {
  it('covers every day of a range exactly once, for many ranges', () => {
    const start = Date.parse('2025-11-20');
    for (let i = 0; i < 400; i++) {
      const a = start + ((i * 37) % 200) * DAY;
      const b = a + ((i * 13) % 150) * DAY;
      const { c, all } = covered(iso(a), iso(b));
      const want = days({ from: iso(a), until: iso(b + DAY) }, '', '');
      expect(all, `${iso(a)}..${iso(b)}`).toEqual(want);
      if (c.months?.from) expect(c.months.from.endsWith('-01')).toBe(true);
      if (c.months?.until) expect(c.months.until.endsWith('-01')).toBe(true);
      for (const w of c.weeks) {
        expect(new Date(`${w.from}T00:00:00Z`).getUTCDay()).toBe(1);
        expect(new Date(`${w.until}T00:00:00Z`).getUTCDay()).toBe(1);
      }
      // Loose days only at the ends of whole weeks: at most six before and six after each run of weeks.
      expect(c.days.reduce((n, d) => n + days(d, '', '').length, 0)).toBeLessThanOrEqual(24);
    }
  });

  it('uses whole months where it can, and open ends', () => {
    expect(coverRange('2026-01-01', '2026-03-31')).toEqual({
      months: { from: '2026-01-01', until: '2026-04-01' },
      weeks: [],
      days: [],
    });
    expect(coverRange(null, null)).toEqual({ months: { from: null, until: null }, weeks: [], days: [] });
    // 2026-08-25 is a Tuesday; 2026-11-22 a Sunday.
    expect(coverRange('2026-08-25', '2026-11-22')).toEqual({
      months: { from: '2026-09-01', until: '2026-11-01' },
      weeks: [
        { from: '2026-08-31', until: '2026-08-31' },
        { from: '2026-11-02', until: '2026-11-23' },
      ].filter((w) => w.from < (w.until ?? '')),
      days: [
        { from: '2026-08-25', until: '2026-09-01' },
        { from: '2026-11-01', until: '2026-11-02' },
      ],
    });
    const { all } = covered(null, '2026-02-10', '2025-12-01');
    expect(all[0]).toBe('2025-12-01');
    expect(all.at(-1)).toBe('2026-02-10');
  });
});
