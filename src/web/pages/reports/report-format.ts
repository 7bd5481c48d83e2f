import { formatMoney } from '../../lib/format';

/** A rate (a fraction 0..1, null when nothing to divide by) as a percentage. */
export const pct = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;

/** Days or hours with one decimal. */
export const dec1 = (v: number | null | undefined): string =>
  v === null || v === undefined
    ? '—'
    : (Math.round(v * 10) / 10).toLocaleString(undefined, { maximumFractionDigits: 1 });

/** Money (a decimal string) in the workspace currency; `—` when there is none. */
export const money = (v: string | number | null | undefined, currency: string): string =>
  formatMoney(v, currency);

/** Whole money for chart axes (no cents). */
export const moneyShort = (currency: string) => {
  let f: Intl.NumberFormat;
  try {
    f = new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumFractionDigits: 1,
    });
  } catch {
    f = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
  }
  return (n: number) => f.format(n);
};

/** A money decimal string as a number for charts (exact figures stay in the table). */
export const num = (v: string | number | null | undefined): number =>
  v === null || v === undefined ? 0 : Number(v);

export const count = (n: number) => n.toLocaleString();
