import { PassThrough, type Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { neutralizeCell } from './spreadsheet-safety.js';

/** Excel's limit is 1,048,576 rows a sheet; a longer export continues on "<name> (2)", … */
export const ROWS_PER_SHEET = 1_000_000;

/** Resolves when the stream wants more data, or is closed (then the writer stops). */
const drained = (s: Writable) =>
  new Promise<void>((resolve) => {
    const done = () => {
      s.off('drain', done);
      s.off('close', done);
      resolve();
    };
    s.on('drain', done);
    s.on('close', done);
  });

/**
 * Streams an .xlsx workbook: a bold, frozen header row, then the rows as they come, each committed
 * (written out) at once, so memory stays bounded whatever the size. Every value is a string cell
 * (never a formula, and neutralized like CSV cells: see spreadsheet-safety.ts), so the workbook holds
 * exactly the CSV's text: no float rounding of amounts, no time-zone shift of dates, no lost leading
 * zeros or plus signs of phone numbers and postcodes. An empty value is an empty cell.
 */
export function xlsxStream(sheetName: string, headers: string[], pages: AsyncIterable<string[][]>): Readable {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  let sheets = 0;
  const addSheet = () => {
    sheets += 1;
    const name = (sheets === 1 ? sheetName : `${sheetName} (${sheets})`).slice(0, 31);
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = headers.map((h) => ({ width: Math.min(40, Math.max(10, h.length + 2)) }));
    const head = ws.addRow(headers.map(neutralizeCell));
    head.font = { bold: true };
    head.commit();
    return ws;
  };
  void (async () => {
    let ws = addSheet();
    let inSheet = 0;
    for await (const rows of pages) {
      if (out.destroyed) return;
      for (const cells of rows) {
        if (inSheet === ROWS_PER_SHEET) {
          ws.commit();
          ws = addSheet();
          inSheet = 0;
        }
        ws.addRow(cells.map((c) => (c === '' ? null : neutralizeCell(c)))).commit();
        inSheet += 1;
      }
      if (out.writableNeedDrain) await drained(out);
    }
    ws.commit();
    await wb.commit();
  })().catch((e) => out.destroy(e instanceof Error ? e : new Error(String(e))));
  return out;
}
