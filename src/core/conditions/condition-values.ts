/**
 * Scalar semantics shared by the in-memory evaluator and the SQL compiler: exact decimals, instants
 * with microseconds, calendar dates, ASCII case folding and code-point text order. Each function here
 * mirrors what PostgreSQL does for the SQL the compiler emits (see docs/decisions/007-condition-language.md).
 */

/** A plain decimal as PostgreSQL's numeric input accepts it and the compiler guards jsonb strings with. */
export const DECIMAL_RE = /^-?[0-9]+(\.[0-9]+)?$/;
/** The same test in PostgreSQL regex syntax (no backslashes, so no escaping questions). */
export const DECIMAL_SQL_RE = '^-?[0-9]+([.][0-9]+)?$';
export const DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
export const DATE_SQL_RE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

/** Expands a finite JS number to a plain decimal string ("1e-7" → "0.0000001"). */
function numberToPlain(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, int, frac = '', expText] = m;
  const digits = int! + frac;
  const point = int!.length + Number(expText);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * A number as a canonical decimal string (no leading zeros, no trailing fraction zeros, no "-0"), or
 * null. Accepts finite JS numbers (integer columns, jsonb numbers) and decimal strings (numeric columns,
 * money stored as text). Anything else is not a number.
 */
export function toDecimal(v: unknown): string | null {
  let s: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    s = numberToPlain(v);
  } else if (typeof v === 'string' && DECIMAL_RE.test(v)) s = v;
  else return null;
  const neg = s.startsWith('-');
  const [intRaw = '', fracRaw = ''] = (neg ? s.slice(1) : s).split('.');
  const int = intRaw.replace(/^0+/, '') || '0';
  const frac = fracRaw.replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return neg && body !== '0' ? `-${body}` : body;
}

/** Compares two canonical decimal strings exactly. */
export function compareDecimal(a: string, b: string): number {
  const na = a.startsWith('-');
  const nb = b.startsWith('-');
  if (na !== nb) return na ? -1 : 1;
  const abs = compareAbs(na ? a.slice(1) : a, nb ? b.slice(1) : b);
  return na && abs !== 0 ? -abs : abs;
}

function compareAbs(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const len = Math.max(af.length, bf.length);
  const x = af.padEnd(len, '0');
  const y = bf.padEnd(len, '0');
  return x === y ? 0 : x < y ? -1 : 1;
}

// ---- calendar ----

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm; no Date quirks). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** True for a real calendar date YYYY-MM-DD in years 0001–9999. */
export function isValidDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const [, , back] = civilFromDays(daysFromCivil(y, m, d));
  return back === d;
}

// ---- instants (microseconds since the epoch, as PostgreSQL's timestamptz keeps them) ----

const US_PER_DAY = 86_400_000_000n;
const INSTANT_RE =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?)?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?$/i;

/**
 * Microseconds since 1970 of a Date or an ISO 8601 string. Strings may carry up to 6 fraction digits
 * (more are truncated, as record values only); without an offset they are UTC; a date alone is its
 * midnight UTC. Returns null for anything unparseable.
 */
export function toMicros(v: unknown): bigint | null {
  if (v instanceof Date) {
    const t = v.getTime();
    return Number.isNaN(t) ? null : BigInt(t) * 1000n;
  }
  if (typeof v !== 'string') return null;
  const m = INSTANT_RE.exec(v);
  if (!m) return null;
  const [, ys, ms, ds, hs = '0', mis = '0', ss = '0', fs = '', off] = m;
  const date = `${ys}-${ms}-${ds}`;
  if (!isValidDate(date)) return null;
  const h = Number(hs);
  const mi = Number(mis);
  const s = Number(ss);
  if (h > 23 || mi > 59 || s > 59) return null;
  let offsetMin = 0;
  if (off && off.toUpperCase() !== 'Z') {
    const digits = off.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || '0');
    if (om > 59) return null;
    offsetMin = (off[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const days = BigInt(daysFromCivil(Number(ys), Number(ms), Number(ds)));
  const secs = BigInt(h * 3600 + mi * 60 + s - offsetMin * 60);
  return days * US_PER_DAY + secs * 1_000_000n + BigInt(fs.slice(0, 6).padEnd(6, '0'));
}

/** An instant as an ISO string with microseconds, UTC (what the compiler binds for timestamptz). */
export function microsToIso(us: bigint): string {
  let days = us / US_PER_DAY;
  let rem = us % US_PER_DAY;
  if (rem < 0n) {
    rem += US_PER_DAY;
    days -= 1n;
  }
  const [y, m, d] = civilFromDays(Number(days));
  const secs = Number(rem / 1_000_000n);
  const frac = Number(rem % 1_000_000n);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(Math.floor(secs / 3600), 2)}:${pad(
    Math.floor(secs / 60) % 60,
    2,
  )}:${pad(secs % 60, 2)}.${pad(frac, 6)}Z`;
}

/** The UTC calendar date of an instant. */
export function microsToDate(us: bigint): string {
  let days = us / US_PER_DAY;
  if (us % US_PER_DAY < 0n) days -= 1n;
  const [y, m, d] = civilFromDays(Number(days));
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

export const addDays = (us: bigint, days: number): bigint => us + BigInt(days) * US_PER_DAY;

// ---- text ----

/** ASCII-only lower-casing: what PostgreSQL's lower() does under COLLATE "C", whatever the locale. */
export const foldAscii = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** LIKE pattern text with its metacharacters (and the escape character) escaped. */

/**
 * Code-point order, which is UTF-8 byte order, which is PostgreSQL's COLLATE "C". (JS's `<` on strings
 * compares UTF-16 code units, which puts astral characters before U+E000–U+FFFF; this fixes that.)
 */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}
const rank = (u: number) => (u >= 0xd800 && u <= 0xdfff ? u + 0x2000 : u >= 0xe000 ? u - 0x800 : u);

/** A string PostgreSQL can store as text: well-formed UTF-16 (no lone surrogates) and no NUL. */
export const isStorableText = (s: string): boolean => !LONE_SURROGATE.test(s) && !s.includes('\u0000');
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
