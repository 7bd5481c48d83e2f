/**
 * Spreadsheet formula injection (OWASP "CSV injection"): a cell beginning with = + - @, a tab or a
 * carriage return may be run as a formula by Excel, LibreOffice or Google Sheets. An export writes
 * every cell through `neutralizeCell`, which prefixes such a cell with a single quote `'` (shown as
 * text, never evaluated); the import engine reads every cell through `restoreCell`, which removes that
 * quote again, so export → import gives back exactly the stored value.
 *
 * Two refinements keep the pair exact and useful:
 * - A plain number (`-250.00`, `+14155552671`) is not a formula in any spreadsheet, so it is left as
 *   it is (a refund stays a number a spreadsheet can add up).
 * - A value that already begins with quotes before a trigger (`'=x`, `''-x`) gets one more quote, so
 *   `restoreCell` (which strips exactly one leading quote when quotes and then a trigger follow) gives
 *   it back unchanged: restoreCell(neutralizeCell(s)) === s for every string s.
 *
 * XLSX exports use the same function: their cells are string-typed (never formulas, so Excel would
 * not run them as written), but a user who edits such a cell and presses Enter, or saves the sheet as
 * CSV and opens it elsewhere, would turn `=HYPERLINK(…)` into a live formula. Neutralizing both formats
 * the same way also makes an XLSX export and a CSV export of the same list hold the same text.
 */

const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
/** Quotes, then a trigger character: what `restoreCell` strips one quote from. */
const QUOTED_TRIGGER = /^'+[=+\-@\t\r]/;

/** The cell as written to a spreadsheet file: prefixed with `'` when it could start a formula. */
export function neutralizeCell(s: string): string {
  if (s === '') return s;
  if (TRIGGERS.has(s[0]!)) return PLAIN_NUMBER.test(s) ? s : `'${s}`;
  if (s[0] === "'" && QUOTED_TRIGGER.test(s)) return `'${s}`;
  return s;
}

/** The inverse of `neutralizeCell`: strips exactly one leading `'` when quotes and then = + - @ tab or CR follow. */
export function restoreCell(s: string): string {
  return s.length > 1 && s[0] === "'" && QUOTED_TRIGGER.test(s) ? s.slice(1) : s;
}
