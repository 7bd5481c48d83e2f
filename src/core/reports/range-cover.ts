/**
 * A range of UTC days covered by whole months, then whole weeks (Monday to Sunday) inside what the
 * months leave at either end, then single days: the grains of `response_day_totals` (ADR 018). Every
 * day of the range is in exactly one part. Days are `YYYY-MM-DD`; parts are half-open, `[from, until)`,
 * and `null` is unbounded (only the months can be).
 */
export type DaySpan = { from: string | null; until: string | null };
export type RangeCover = { months: DaySpan | null; weeks: DaySpan[]; days: DaySpan[] };

const DAY = 86_400_000;
const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const addDays = (d: string, n: number) => iso(ms(d) + n * DAY);
/** 1 Monday … 7 Sunday. */
const isoDow = (d: string) => ((new Date(ms(d)).getUTCDay() + 6) % 7) + 1;
const monthStart = (d: string) => `${d.slice(0, 7)}-01`;
const nextMonthStart = (d: string) => {
  const t = new Date(ms(d));
  return iso(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1));
};

/** `[a, b)` (both bounded) as whole weeks inside it and the days around them. */
function weeksAndDays(a: string, b: string, out: RangeCover): void {
  const w1 = isoDow(a) === 1 ? a : addDays(a, 8 - isoDow(a));
  const w2 = addDays(b, 1 - isoDow(b));
  if (w1 < w2) {
    out.weeks.push({ from: w1, until: w2 });
    if (a < w1) out.days.push({ from: a, until: w1 });
    if (w2 < b) out.days.push({ from: w2, until: b });
  } else out.days.push({ from: a, until: b });
}

/** The cover of the days `from` to `to`, both inclusive (null: unbounded). */
export function coverRange(from: string | null, to: string | null): RangeCover {
  const out: RangeCover = { months: null, weeks: [], days: [] };
  const until = to === null ? null : addDays(to, 1);
  const m1 = from === null ? null : from === monthStart(from) ? from : nextMonthStart(from);
  const m2 = until === null ? null : monthStart(until);
  if (m1 === null || m2 === null || m1 < m2) {
    out.months = { from: m1, until: m2 };
    if (from !== null && m1 !== null && from < m1) weeksAndDays(from, m1, out);
    if (until !== null && m2 !== null && m2 < until) weeksAndDays(m2, until, out);
  } else if (from !== null && until !== null) weeksAndDays(from, until, out);
  return out;
}
