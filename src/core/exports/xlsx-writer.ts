import { PassThrough, type Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { neutralizeCell } from './spreadsheet-safety.js';

/** Excel's limit is 1,048,576 rows a sheet; a longer export continues on "<name> (2)", … */
export const ROWS_PER_SHEET = 1_000_000;

type Emitter = Pick<Writable, 'on' | 'off'>;

/** Resolves when `s` wants more data, or when the output is closed (the writer then stops). */
const drained = (s: Emitter, out: Writable) =>
  new Promise<void>((resolve) => {
    const done = () => {
      s.off('drain', done);
      out.off('close', done);
      resolve();
    };
    s.on('drain', done);
    out.on('close', done);
  });

/**
 * The stream the zip reads a worksheet from: exceljs pipes the sheet's buffer into a PassThrough
 * (readable-stream 2, inside archiver) without heeding its "full" answers. Internal to exceljs 4,
 * hence the guard: when the shape is not found, the writer does not wait on it.
 */
function sheetSink(ws: ExcelJS.Worksheet): (Emitter & { _writableState: { needDrain: boolean } }) | null {
  const pipes = (ws as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes;
  const p = pipes?.[0] as (Emitter & { _writableState?: { needDrain?: unknown } }) | undefined;
  return p && typeof p.on === 'function' && typeof p._writableState?.needDrain === 'boolean'
    ? (p as Emitter & { _writableState: { needDrain: boolean } })
    : null;
}

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
      for (const cells of rows) {
        if (inSheet === ROWS_PER_SHEET) {
          ws.commit();
          ws = addSheet();
          inSheet = 0;
        }
        ws.addRow(cells.map((c) => (c === '' ? null : neutralizeCell(c)))).commit();
        inSheet += 1;
      }
      // Backpressure: exceljs writes a sheet into the zip without waiting, so the writer waits here
      // until the zip has taken the page and the consumer has read the output: memory holds about
      // one page whatever the export's size.
      const sink = sheetSink(ws);
      if (sink?._writableState.needDrain) await drained(sink, out);
      if (out.writableNeedDrain) await drained(out, out);
      if (out.destroyed) return; // the reader went away: read no more pages
    }
    ws.commit();
    await wb.commit();
  })().catch((e) => out.destroy(e instanceof Error ? e : new Error(String(e))));
  return out;
}
