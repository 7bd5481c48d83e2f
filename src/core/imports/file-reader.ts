import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { AppError } from '../shared/errors.js';

/**
 * Reading an uploaded table (CSV or .xlsx) as a stream: the header, then data rows in batches, pulled
 * by the consumer (nothing is read ahead of what it asks for, beyond one input chunk). Cells are text
 * or null; every row has exactly one cell per header. Problems with the file are AppErrors on `file`
 * naming the row (1-based, after the header) and column.
 */
export type Cell = string | null;
export type TableSource = {
  format: 'csv' | 'xlsx';
  /** e.g. {delimiter: ';', encoding: 'utf-8' | 'latin1', bom: true} or {sheet: 'Leads'} */
  info: Record<string, unknown>;
  /** Trimmed, in file order (blank header cells with no data below them are left out). */
  headers: string[];
  /** Data rows in order, in batches of `batchSize`; single use. */
  batches: AsyncIterable<Cell[][]>;
};
export type ReadTableOptions = { fileName: string; batchSize?: number; maxCellBytes?: number };

type RawRow = Cell[];
type Newline = '\n' | '\r\n' | '\r';
const SAMPLE = 64 * 1024;
const MB = 1024 * 1024;

const problem = (reason: string) =>
  new AppError('validation_failed', `file: ${reason}`, [{ field: 'file', reason }]);
const unsupported = (reason: string) =>
  new AppError('unsupported_media_type', `file: ${reason}`, [{ field: 'file', reason }]);
const size = (n: number) =>
  n % MB === 0 ? `${n / MB} MB` : n % 1024 === 0 ? `${n / 1024} KB` : `${n} bytes`;

const MAGIC: [string, number[], string][] = [
  ['zip', [0x50, 0x4b, 0x03, 0x04], 'ZIP'],
  ['ole', [0xd0, 0xcf, 0x11, 0xe0], 'old Excel (.xls)'],
  ['pdf', [0x25, 0x50, 0x44, 0x46], 'PDF'],
  ['png', [0x89, 0x50, 0x4e, 0x47], 'PNG image'],
  ['jpeg', [0xff, 0xd8, 0xff], 'JPEG image'],
  ['gif', [0x47, 0x49, 0x46, 0x38], 'GIF image'],
  ['gzip', [0x1f, 0x8b], 'gzip'],
];
const CSV_EXT = ['csv', 'tsv', 'txt', ''];
const XLSX_EXT = ['xlsx', 'xlsm'];

export async function readTable(
  input: NodeJS.ReadableStream | Readable,
  opts: ReadTableOptions,
): Promise<TableSource> {
  const name = opts.fileName.trim();
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase() ?? '';
  const limit = opts.maxCellBytes ?? MB;
  const batchSize = Math.max(1, opts.batchSize ?? 2000);
  if (ext === 'xls') throw unsupported('is an old Excel (.xls) file: save it as .xlsx or CSV');
  if (!CSV_EXT.includes(ext) && !XLSX_EXT.includes(ext))
    throw unsupported(`is a .${ext} file: upload a CSV (.csv, .tsv, .txt) or Excel (.xlsx) file`);
  const src = await peek(input);
  if (src.sample.length === 0) throw problem('is empty');
  const kind = MAGIC.find(([, bytes]) => bytes.every((b, i) => src.sample[i] === b));
  if (kind && kind[0] === 'ole') throw unsupported('is an old Excel (.xls) file: save it as .xlsx or CSV');
  if (kind && kind[0] !== 'zip') throw unsupported(`is a ${kind[2]} file, not CSV or Excel (.xlsx)`);
  const shaper = new Shaper(limit);
  if (kind) {
    const info: Record<string, unknown> = {};
    const stream = Readable.from(src.bytes(), { objectMode: false });
    return assemble('xlsx', info, xlsxRows(stream, info), shaper, batchSize);
  }
  if (XLSX_EXT.includes(ext)) throw unsupported('is not an Excel workbook (.xlsx): it is not a ZIP archive');
  return readCsv(src, shaper, batchSize, ext);
}

/** Reads the first 64 KB (to sniff the format) and gives the bytes back, sample first, as a stream. */
async function peek(input: NodeJS.ReadableStream | Readable) {
  const it = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let got = 0;
  let ended = false;
  const buf = (c: Buffer | string) => (typeof c === 'string' ? Buffer.from(c) : c);
  while (got < SAMPLE) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(buf(r.value));
    got += head[head.length - 1]!.length;
  }
  const all = head.length === 1 ? head[0]! : Buffer.concat(head);
  async function* bytes(): AsyncGenerator<Buffer> {
    let finished = ended;
    try {
      yield* head.splice(0);
      while (!finished) {
        const r = await it.next();
        if (r.done) finished = true;
        else yield buf(r.value);
      }
    } finally {
      if (!finished) await it.return?.();
    }
  }
  return { sample: all.subarray(0, SAMPLE), complete: ended && all.length <= SAMPLE, bytes };
}

// ---------------------------------------------------------------------------------------------- rows

/** Header checks, and each raw row cut to the header: blank rows skipped, short rows padded. */
class Shaper {
  headers: string[] = [];
  rows = 0;
  private keep: number[] = [];
  /** Columns whose header cell is blank (their cells must be empty); empty when there are none. */
  private blank: boolean[] = [];
  private named = 0;
  private rawLen = 0;
  private started = false;
  constructor(readonly limit: number) {}

  where(): string {
    return this.started ? `row ${this.rows + 1}` : 'the header row';
  }
  column(i: number): string {
    const k = this.keep.indexOf(i);
    return k >= 0 ? this.headers[k]! : `${i + 1}`;
  }
  rowLimit(): number {
    return this.limit * Math.max(2, this.rawLen + 1);
  }
  /** A cell of the row being read (`raw`, maybe incomplete) over the limit. */
  checkCells(raw: RawRow, hint?: (cell: string) => boolean): void {
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i];
      if (v && v.length * 3 > this.limit && Buffer.byteLength(v) > this.limit)
        throw problem(
          `${this.where()}, column ${this.column(i)}: a cell is larger than ${size(this.limit)}${hint?.(v) ? ' (is a quote left open?)' : ''}`,
        );
    }
  }

  header(raw: RawRow): void {
    this.checkCells(raw);
    const cells = raw.map((c) => (c ?? '').trim());
    this.rawLen = cells.length;
    this.named = cells.length;
    while (this.named > 0 && cells[this.named - 1] === '') this.named--;
    const seen = new Map<string, number[]>();
    for (let i = 0; i < this.rawLen; i++) {
      if (cells[i] === '') {
        this.blank[i] = true;
        continue;
      }
      this.keep.push(i);
      const k = cells[i]!.toLowerCase();
      seen.set(k, [...(seen.get(k) ?? []), i + 1]);
    }
    const dups = [...seen.values()].filter((cols) => cols.length > 1);
    if (dups.length)
      throw problem(
        `duplicate column headers: ${dups.map((c) => `${cells[c[0]! - 1]} (columns ${c.slice(0, -1).join(', ')} and ${c.at(-1)})`).join('; ')}`,
      );
    this.headers = this.keep.map((i) => cells[i]!);
    this.started = true;
  }

  /** The row cut to the header, or null for a blank row. */
  row(raw: RawRow): Cell[] | null {
    let last = raw.length;
    while (last > 0 && (raw[last - 1] == null || raw[last - 1] === '')) last--;
    if (last === 0) return null;
    if (this.blank.length || last > this.named) {
      for (let i = 0; i < last; i++) {
        const v = raw[i];
        if (v == null || v === '' || (i < this.named && !this.blank[i])) continue;
        if (i < this.rawLen)
          throw problem(`column ${i + 1} has no header (row ${this.rows + 1} has a value in it)`);
        throw problem(`row ${this.rows + 1} has ${last} cells; the header has ${this.named}`);
      }
    }
    this.checkCells(raw);
    this.rows++;
    const out: Cell[] = new Array(this.keep.length);
    for (let k = 0; k < this.keep.length; k++) {
      const v = raw[this.keep[k]!];
      out[k] = v == null || v === '' ? null : v;
    }
    return out;
  }
}

/** Header (first non-blank row), a look at the first data row, then the batches. */
async function assemble(
  format: TableSource['format'],
  info: Record<string, unknown>,
  raw: AsyncGenerator<RawRow[]>,
  shaper: Shaper,
  batchSize: number,
): Promise<TableSource> {
  let buf: RawRow[] = [];
  let pos = 0;
  const next = async (): Promise<RawRow | undefined> => {
    while (pos >= buf.length) {
      const r = await raw.next();
      if (r.done) return undefined;
      buf = r.value;
      pos = 0;
    }
    return buf[pos++];
  };
  let header = await next();
  while (header?.every((c) => c == null || c.trim() === '')) header = await next();
  if (!header) throw problem('is empty');
  shaper.header(header);
  let first: Cell[] | null = null;
  while (!first) {
    const r = await next();
    if (!r) break;
    first = shaper.row(r);
  }
  if (!first) throw problem('has a header but no data rows');
  async function* batches(): AsyncGenerator<Cell[][]> {
    let batch: Cell[][] = [first!];
    try {
      for (;;) {
        while (pos < buf.length) {
          const row = shaper.row(buf[pos++]!);
          if (!row) continue;
          batch.push(row);
          if (batch.length >= batchSize) {
            yield batch;
            batch = [];
          }
        }
        const r = await raw.next();
        if (r.done) break;
        buf = r.value;
        pos = 0;
      }
      if (batch.length) yield batch;
    } finally {
      await raw.return(undefined);
    }
  }
  return { format, info, headers: shaper.headers, batches: batches() };
}

// ----------------------------------------------------------------------------------------------- CSV

type Peeked = Awaited<ReturnType<typeof peek>>;

async function readCsv(src: Peeked, shaper: Shaper, batchSize: number, ext: string): Promise<TableSource> {
  const s = src.sample;
  let encoding = 'utf-8';
  let bom = false;
  if (s[0] === 0xef && s[1] === 0xbb && s[2] === 0xbf) bom = true;
  else if ((s[0] === 0xff && s[1] === 0xfe) || (s[0] === 0xfe && s[1] === 0xff)) {
    bom = true;
    encoding = s[0] === 0xff ? 'utf-16le' : 'utf-16be';
  }
  if (!encoding.startsWith('utf-16')) {
    if (looksBinary(s.subarray(bom ? 3 : 0))) throw problem('is not a text (CSV) file');
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(s, { stream: !src.complete });
    } catch {
      encoding = 'latin1';
    }
  }
  const label = encoding === 'latin1' ? 'windows-1252' : encoding;
  const text = new TextDecoder(label).decode(s);
  const newline = guessNewline(text);
  // Excel's "sep=;" first line names the delimiter.
  const sep = /^sep=([^\r\n])(\r\n|\n|\r)/i.exec(text);
  const delimiter = sep ? sep[1]! : guessDelimiter(text, newline, src.complete, ext);
  const lineBreak = newline === '\r\n' ? 'crlf' : newline === '\r' ? 'cr' : 'lf';
  const info = { delimiter, encoding, bom, lineBreak };
  const decoded = decode(src.bytes(), label, encoding === 'utf-8', shaper);
  const rows = csvRows(sep ? dropFirstLine(decoded) : decoded, delimiter, newline, shaper);
  return assemble('csv', info, rows, shaper, batchSize);
}

/** NUL bytes, or more than 10% control characters, in the sample. */
function looksBinary(b: Buffer): boolean {
  let control = 0;
  for (const c of b) {
    if (c === 0) return true;
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f) control++;
  }
  return control > b.length * 0.1;
}

async function* decode(bytes: AsyncIterable<Buffer>, label: string, fatal: boolean, shaper: Shaper) {
  const decoder = new TextDecoder(label, { fatal });
  let at = 0;
  const run = (b?: Buffer) => {
    try {
      return b ? decoder.decode(b, { stream: true }) : decoder.decode();
    } catch {
      throw problem(
        `the text is not valid UTF-8 near byte ${at} (after row ${shaper.rows}) though the start of the file is: save the file as UTF-8`,
      );
    }
  };
  for await (const b of bytes) {
    const t = run(b);
    at += b.length;
    if (t) yield t;
  }
  const t = run();
  if (t) yield t;
}

async function* dropFirstLine(text: AsyncIterable<string>) {
  let head: string | null = '';
  for await (const t of text) {
    if (head === null) {
      yield t;
      continue;
    }
    head += t;
    if (/[\r\n]/.test(head)) {
      yield head.replace(/^[^\r\n]*(\r\n|\n|\r)/, '');
      head = null;
    }
  }
}

/** papaparse's own guess: the line break that most lines (quoted text aside) end with. */
function guessNewline(text: string): Newline {
  const t = text.replace(/"[^"]*"/g, '');
  const r = t.split('\r');
  const n = t.split('\n');
  if (r.length === 1 || (n.length > 1 && n[0]!.length < r[0]!.length)) return '\n';
  const withN = r.filter((x) => x[0] === '\n').length;
  return withN >= r.length / 2 ? '\r\n' : '\r';
}

/** Among , ; tab |: the one the header has, that most following lines have as many of. */
function guessDelimiter(text: string, newline: string, complete: boolean, ext: string): string {
  const lines = text.replace(/"(?:[^"]|"")*"/g, 'x').split(newline);
  if (!complete) lines.pop();
  const sample = lines.filter((l) => l.trim() !== '').slice(0, 50);
  let best = ext === 'tsv' ? '\t' : ',';
  let bestScore = 0;
  for (const d of [',', ';', '\t', '|']) {
    const count = (l: string) => l.split(d).length - 1;
    const head = sample.length ? count(sample[0]!) : 0;
    if (!head) continue;
    const rest = sample.slice(1);
    const same = rest.length ? rest.filter((l) => count(l) === head).length / rest.length : 1;
    const score = same * 1000 + Math.min(head, 999) + (ext === 'tsv' && d === '\t' ? 0.5 : 0);
    if (score > bestScore) [best, bestScore] = [d, score];
  }
  return best;
}

/**
 * Rows parsed as text arrives; the unfinished last row waits for more text. A long unfinished row is
 * parsed again only once it has doubled (linear time), and fails once a cell passes the limit.
 */
async function* csvRows(text: AsyncIterable<string>, delimiter: string, newline: Newline, shaper: Shaper) {
  const parser = new Papa.Parser({ delimiter, newline });
  const parse = (s: string, last: boolean) => parser.parse(s, 0, !last) as Papa.ParseResult<string[]>;
  let pending = '';
  let waitFor = 0;
  for await (const t of text) {
    pending = pending ? pending + t : t;
    if (pending.length < waitFor) continue;
    const r = parse(pending, false);
    if (r.meta.cursor > 0) pending = pending.slice(r.meta.cursor);
    waitFor = pending.length > SAMPLE ? pending.length * 2 : 0;
    if (r.data.length) yield r.data as RawRow[];
    if (pending.length * 3 > shaper.limit) {
      const partial = (parse(pending, true).data[0] ?? []) as RawRow;
      // A cell running over lines and delimiters is more likely an unclosed quote than a huge note.
      shaper.checkCells(partial, (v) => v.includes(newline) && v.includes(delimiter));
      if (Buffer.byteLength(pending) > shaper.rowLimit())
        throw problem(`${shaper.where()} is larger than ${size(shaper.rowLimit())}`);
    }
  }
  if (!pending) return;
  const r = parse(pending, true);
  const open = r.errors.find((e) => e.code === 'MissingQuotes');
  if (!open) {
    yield r.data as RawRow[];
    return;
  }
  const before = (r.data as RawRow[]).slice(0, open.row ?? 0);
  if (before.length) yield before;
  throw problem(`${shaper.where()}: a quoted cell is not closed (a " is missing before the end of the file)`);
}

// ---------------------------------------------------------------------------------------------- xlsx

/** The first worksheet's rows, one at a time; the other sheets are skipped (not parsed). */
async function* xlsxRows(stream: Readable, info: Record<string, unknown>): AsyncGenerator<RawRow[]> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let found = false;
  try {
    for await (const sheet of workbook) {
      if (found) continue;
      found = true;
      info.sheet = (sheet as unknown as { name?: string }).name ?? 'Sheet1';
      const date1904 = Boolean(
        (workbook as unknown as { properties?: { model?: { date1904?: boolean } } }).properties?.model
          ?.date1904,
      );
      for await (const row of sheet) {
        const values = row.values as unknown[];
        const out: RawRow = new Array(Math.max(0, values.length - 1)).fill(null);
        for (let c = 1; c < values.length; c++)
          out[c - 1] = cellText(values[c], date1904, () => row.getCell(c) as unknown as CellInfo);
        yield [out];
      }
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw problem(`cannot be read as an Excel workbook (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    stream.destroy();
  }
  if (!found) throw unsupported('is a ZIP archive but not an Excel workbook (.xlsx)');
}

type CellInfo = { numFmt?: string; model?: { result?: unknown } };

/** An Excel value as text: dates ISO, numbers plain decimal, formulas their cached result. */
function cellText(v: unknown, date1904: boolean, cell?: () => CellInfo): Cell {
  if (v == null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return numberText(v);
  if (v instanceof Date) return dateText(v);
  if (typeof v !== 'object') return String(v);
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
  if ('formula' in o || 'sharedFormula' in o) {
    // exceljs's value drops a falsy result (0, false, ''); its model keeps it.
    const result = o.result ?? cell?.().model?.result;
    if (typeof result === 'number' && isDateFormat(cell?.().numFmt))
      return dateText(new Date(Math.round((result - 25569 + (date1904 ? 1462 : 0)) * 864e5)));
    return cellText(result, date1904);
  }
  if ('error' in o) return String(o.error);
  if ('text' in o) return cellText(o.text, date1904);
  return null;
}

function numberText(n: number): Cell {
  if (!Number.isFinite(n)) return null;
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  const r = Number(n.toPrecision(15));
  const s = String(r);
  return s.includes('e') ? r.toFixed(20).replace(/0+$/, '').replace(/\.$/, '') : s;
}

function dateText(d: Date): Cell {
  let t = d.getTime();
  if (Number.isNaN(t)) return null;
  const s = Math.round(t / 1000) * 1000;
  if (Math.abs(t - s) <= 1) t = s;
  const iso = new Date(t).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

const isDateFormat = (f?: string) =>
  !!f && /[dmyhs]/i.test(f.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '')) && !/^general$/i.test(f);
