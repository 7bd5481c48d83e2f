/**
 * Reading a cell as a typed value. Cells are text (CSV, or Excel cells the reader turned into text);
 * each reader here returns the value as the API would take it, or a reason it cannot be read.
 */
export type Read<T> = { value: T } | { reason: string };
export type DateOrder = 'auto' | 'ymd' | 'dmy' | 'mdy';

const TRUE = new Set(['true', 'yes', 'y', '1', 'x', 'on', 'ja', 'oui', 'si', 'sí', 'checked']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off', 'nein', 'non', 'unchecked', '-']);

export function readBoolean(s: string): Read<boolean> {
  const v = s.trim().toLowerCase();
  if (TRUE.has(v)) return { value: true };
  if (FALSE.has(v)) return { value: false };
  return { reason: `must be yes or no (true/false), not "${s}"` };
}

/** A plain number: "1,234.5", "1 234,5" (decimal comma when unambiguous), "12%", "(5)" is not. */
export function readNumber(s: string): Read<number> {
  const d = decimalText(s);
  if (d === null) return { reason: `must be a number, not "${s}"` };
  const n = Number(d);
  return Number.isFinite(n) ? { value: n } : { reason: `must be a number, not "${s}"` };
}

/** An amount as an exact decimal string: currency signs and thousands separators dropped. */
export function readMoney(s: string): Read<string> {
  const d = decimalText(s.replace(/^[\s$€£¥₹]+|[\s$€£¥₹]+$/g, '').replace(/^(USD|EUR|GBP|INR)\s*/i, ''));
  if (d === null || !/^-?\d{1,14}(\.\d{1,2})?$/.test(d))
    return { reason: `must be an amount with at most 2 decimals, not "${s}"` };
  return { value: d.replace(/^(-?)0+(?=\d)/, '$1') };
}

function decimalText(raw: string): string | null {
  let s = raw.trim().replace(/[\s\u00a0']/g, '');
  if (s === '') return null;
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    // The later separator is the decimal one: 1.234,56 or 1,234.56.
    s = lastComma > lastDot ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, '');
  } else if (lastComma >= 0) {
    // One comma followed by exactly 3 digits is a thousands separator (1,234); else a decimal comma.
    const parts = s.split(',');
    s = parts.length === 2 && parts[1]!.length !== 3 ? `${parts[0]}.${parts[1]}` : s.replace(/,/g, '');
  }
  return /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? s : null;
}

const pad = (n: number) => String(n).padStart(2, '0');
function ymd(y: number, m: number, d: number): string | null {
  if (y < 1 || m < 1 || m > 12 || d < 1) return null;
  const days = new Date(Date.UTC(2000, m, 0)).getUTCDate();
  if (d > days || (m === 2 && d === 29 && !((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0))) return null;
  return `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}`;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A calendar date: ISO (2025-03-04, 2025/03/04), or day/month/year forms read by `order` (auto: the
 * order that makes it a date — 25/03/2025 is day first; 03/04/2025 is ambiguous and refused unless
 * an order is given), "4 Mar 2025", "March 4, 2025"; a timestamp's date part.
 */
export function readDate(raw: string, order: DateOrder = 'auto'): Read<string> {
  const s = raw.trim();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/.exec(s);
  if (m) return orFail(ymd(+m[1]!, +m[2]!, +m[3]!), raw);
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$/.exec(s);
  if (m) {
    const a = +m[1]!;
    const b = +m[2]!;
    let y = +m[3]!;
    if (m[3]!.length === 2) y += y < 70 ? 2000 : 1900;
    if (order === 'dmy') return orFail(ymd(y, b, a), raw);
    if (order === 'mdy') return orFail(ymd(y, a, b), raw);
    if (order === 'ymd') return { reason: `must be a date as YYYY-MM-DD, not "${raw}"` };
    const dmy = ymd(y, b, a);
    const mdy = ymd(y, a, b);
    if (dmy && mdy && dmy !== mdy)
      return { reason: `is ambiguous ("${raw}": day or month first?); choose the date format` };
    return orFail(dmy ?? mdy, raw);
  }
  m = /^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -,]*(\d{4})$/.exec(s);
  if (m) return orFail(ymd(+m[3]!, MONTHS.indexOf(m[2]!.slice(0, 3).toLowerCase()) + 1, +m[1]!), raw);
  m = /^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$/.exec(s);
  if (m) return orFail(ymd(+m[3]!, MONTHS.indexOf(m[1]!.slice(0, 3).toLowerCase()) + 1, +m[2]!), raw);
  return { reason: `must be a date (YYYY-MM-DD), not "${raw}"` };
}

const orFail = (v: string | null, raw: string): Read<string> =>
  v ? { value: v } : { reason: `is not a calendar date: "${raw}"` };

/**
 * A point in time as ISO 8601 with offset: ISO with offset kept; a date-time without offset, or a
 * date alone, read as UTC; a Unix time in seconds or milliseconds.
 */
export function readTimestamp(raw: string, order: DateOrder = 'auto'): Read<string> {
  const s = raw.trim();
  if (/^\d{10}(\d{3})?$/.test(s)) {
    const ms = s.length === 13 ? Number(s) : Number(s) * 1000;
    return { value: new Date(ms).toISOString() };
  }
  const m = /^(.+?)[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  const datePart = m ? m[1]! : s;
  const d = readDate(datePart, order);
  if ('reason' in d) return { reason: `must be a date and time (ISO 8601), not "${raw}"` };
  if (!m) return { value: `${d.value}T00:00:00.000Z` };
  const [h, mi, sec] = [+m[2]!, +m[3]!, +(m[4] ?? 0)];
  if (h > 23 || mi > 59 || sec > 59) return { reason: `is not a time of day: "${raw}"` };
  let off = m[6] ?? 'Z';
  if (off !== 'Z' && off !== 'z' && !off.includes(':')) off = `${off.slice(0, 3)}:${off.slice(3)}`;
  const iso = `${d.value}T${pad(h)}:${pad(mi)}:${pad(sec)}${m[5] ?? ''}${off.toUpperCase()}`;
  const t = Date.parse(iso);
  return Number.isNaN(t)
    ? { reason: `is not a valid date and time: "${raw}"` }
    : { value: new Date(t).toISOString() };
}

/** One of `options`, matched without case, spaces or _ - (so "Closed Won" reads closed_won). */
export function readEnum(
  s: string,
  options: readonly string[],
  labels?: Record<string, string>,
): Read<string> {
  const key = fold(s);
  for (const o of options) if (fold(o) === key) return { value: o };
  if (labels) for (const [o, l] of Object.entries(labels)) if (fold(l) === key) return { value: o };
  return { reason: `must be one of: ${options.join(', ')} (not "${s}")` };
}

/** Options separated by ; or , or |. */
export function readList(s: string): string[] {
  return s
    .split(/[;|,]/)
    .map((x) => x.trim())
    .filter(Boolean);
}

export const fold = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s_\-.]+/g, '');

/** "Dr. Jane Q. Public Jr." → first "Jane Q.", last "Public" (titles and suffixes dropped). */
export function splitFullName(s: string): { firstName: string | null; lastName: string | null } {
  const t = s.trim().replace(/\s+/g, ' ');
  if (!t) return { firstName: null, lastName: null };
  if (t.includes(',')) {
    const [last, first] = t.split(',', 2).map((x) => x.trim());
    return { firstName: first || null, lastName: last || null };
  }
  const words = t
    .split(' ')
    .filter((w, i, a) => !(i === 0 && a.length > 1 && /^(mr|mrs|ms|miss|dr|prof)\.?$/i.test(w)))
    .filter((w, i, a) => !(i === a.length - 1 && a.length > 2 && /^(jr|sr|ii|iii|iv|phd|md)\.?$/i.test(w)));
  if (words.length === 1) return { firstName: words[0]!, lastName: null };
  return { firstName: words.slice(0, -1).join(' '), lastName: words[words.length - 1]! };
}
