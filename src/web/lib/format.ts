import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';

dayjs.extend(relativeTime);

export const formatDate = (v: string | null | undefined): string =>
  v ? dayjs(v).format('MMM D, YYYY') : '—';

export const formatDateTime = (v: string | null | undefined): string =>
  v ? dayjs(v).format('MMM D, YYYY h:mm A') : '—';

export const fromNow = (v: string): string => dayjs(v).fromNow();

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** An exact decimal string as money in the workspace currency. */
export function formatMoney(v: string | number | null | undefined, currency = 'USD'): string {
  if (v === null || v === undefined || v === '') return '—';
  let f = moneyFormats.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 2 });
    } catch {
      f = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
    }
    moneyFormats.set(currency, f);
  }
  return f.format(Number(v));
}

/** `decision_maker` → `Decision maker`. */
export const labelize = (v: string | null | undefined): string =>
  v ? v.charAt(0).toUpperCase() + v.slice(1).replace(/_/g, ' ') : '—';

/** Options for a Select from enum values. */
export const options = (values: readonly string[]) => values.map((v) => ({ value: v, label: labelize(v) }));

export const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('') || '?';

/** Text shown for an audit value: short, readable, never a raw object dump when avoidable. */
export function auditValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '∅';
  if (typeof v === 'string') return v.length > 80 ? `${v.slice(0, 77)}…` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    const parts = v.map((x) =>
      x && typeof x === 'object'
        ? String(Object.values(x as object).find((y) => typeof y === 'string') ?? '…')
        : String(x),
    );
    return parts.length ? parts.join(', ') : '∅';
  }
  const entries = Object.entries(v as object).filter(([, x]) => x !== null && x !== undefined && x !== '');
  return entries.length ? entries.map(([k, x]) => `${k}: ${String(x)}`).join(', ') : '∅';
}
