import { AppError } from '../shared/errors.js';

/** Is `tz` an IANA time zone name this runtime knows (e.g. Europe/Berlin)? */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Offset of `tz` from UTC at instant `at`, in ms (Berlin in winter: +3,600,000). */
function offsetMs(tz: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - (at - (at % 1000));
}

/** The UTC instant of local midnight of the given local date in `tz` (DST-safe to the hour). */
function localMidnight(tz: string, y: number, m: number, d: number): Date {
  const guess = Date.UTC(y, m - 1, d);
  let t = guess - offsetMs(tz, guess);
  t = guess - offsetMs(tz, t);
  return new Date(t);
}

/** [start, end) of the day containing `now` in `tz` (an IANA name; 400 naming `tz` when unknown). */
export function dayBounds(tz: string, now = new Date()): { start: Date; end: Date } {
  if (!isTimeZone(tz))
    throw new AppError('bad_request', `tz ${tz} is not a known IANA time zone`, [
      { field: 'tz', reason: 'is not a known IANA time zone (e.g. Europe/Berlin)' },
    ]);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const y = get('year');
  const m = get('month');
  const d = get('day');
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return {
    start: localMidnight(tz, y, m, d),
    end: localMidnight(tz, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()),
  };
}
