import { neutralizeCell } from './spreadsheet-safety.js';

/** UTF-8 byte order mark: without it Excel reads a UTF-8 CSV as the system's legacy code page. */
export const BOM = '\uFEFF';

const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 field: quoted (inner quotes doubled) when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV record, CRLF-terminated; every cell is neutralized against formula injection first. */
export function csvLine(cells: readonly string[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) {
    if (i) out += ',';
    out += csvField(neutralizeCell(cells[i]!));
  }
  return `${out}\r\n`;
}
