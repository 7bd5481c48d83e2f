/** Exact sum of decimal strings (amounts with at most 2 decimals), as a string with 2 decimals. */
export function sumDecimal(xs: readonly (string | null | undefined)[]): string {
  let cents = 0n;
  for (const x of xs) {
    if (!x) continue;
    const [i = '0', f = ''] = x.replace('-', '').split('.');
    const c = BigInt(i || '0') * 100n + BigInt(`${f}00`.slice(0, 2));
    cents += x.startsWith('-') ? -c : c;
  }
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  return `${neg ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
