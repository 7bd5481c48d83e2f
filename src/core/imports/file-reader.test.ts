import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { type ReadTableOptions, readTable } from './file-reader.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/imports');
const MB = 1024 * 1024;

/** A stream of the bytes in chunks of `size` (as a file or an upload arrives). */
function streamOf(data: Buffer | string, size = 64 * 1024): Readable {
  const buf = Buffer.from(data);
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
    })(),
  );
}

async function readAll(input: Readable, fileName: string, opts: Partial<ReadTableOptions> = {}) {
  const t = await readTable(input, { fileName, ...opts });
  const batches: (string | null)[][][] = [];
  for await (const b of t.batches) batches.push(b);
  return { ...t, batches, rows: batches.flat() };
}

/** The AppError the promise rejects with. */
async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected the file to be refused');
}
const reasonOf = async (
  data: Buffer | string,
  fileName = 'leads.csv',
  opts: Partial<ReadTableOptions> = {},
) => {
  const e = await failure(readAll(streamOf(data), fileName, opts));
  expect(e.errors[0]?.field).toBe('file');
  return { code: e.code, reason: e.errors[0]!.reason };
};

describe('readTable: CSV', () => {
  it('reads a semicolon CSV with a BOM, CRLF, quoted newlines, escaped quotes and quoted delimiters', async () => {
    const t = await readAll(createReadStream(join(FIXTURES, 'semicolon-bom.csv')), 'kontakte.csv');
    expect(t.format).toBe('csv');
    expect(t.info).toEqual({ delimiter: ';', encoding: 'utf-8', bom: true, lineBreak: 'crlf' });
    expect(t.headers).toEqual(['Vorname', 'Nachname', 'E-Mail', 'Telefon', 'Notizen', 'Budget']);
    expect(t.rows).toEqual([
      [
        'Jürgen',
        'Groß',
        'juergen@example.de',
        '+49 30 1234567',
        'Wants a callback; prefers mornings',
        '12.500,00',
      ],
      [
        'Anna',
        'Müller-Lüdenscheidt',
        'anna@example.de',
        null,
        'Said: "call me after 5"\r\nSecond line of the note',
        null,
      ],
      ['Zoë', 'Ørsted', 'zoe@example.dk', '+45 32 12 34 56', null, '800'],
    ]);
  });

  it('reads a Latin-1 (Windows-1252) file and says so', async () => {
    const t = await readAll(createReadStream(join(FIXTURES, 'latin1.csv')), 'export.csv');
    expect(t.info).toMatchObject({ delimiter: ',', encoding: 'latin1', bom: false, lineBreak: 'lf' });
    expect(t.headers).toEqual(['first_name', 'last_name', 'city', 'email']);
    expect(t.rows.map((r) => r.slice(0, 3))).toEqual([
      ['René', 'Müller', 'Zürich'],
      ['Françoise', 'Lefèvre', 'Besançon'],
      ['Jürgen', 'Weiß', 'Köln'],
    ]);
  });

  it('reads a tab-separated file; a short row is padded with nulls', async () => {
    const t = await readAll(createReadStream(join(FIXTURES, 'tab.tsv')), 'people.tsv');
    expect(t.info.delimiter).toBe('\t');
    expect(t.headers).toEqual(['Name', 'Email', 'Phone', 'Company']);
    expect(t.rows).toEqual([
      ['Maya Patel', 'maya@example.com', '415 555 2671', 'Patel Homes'],
      ['Omar Haddad', null, '(415) 555-0100', 'Haddad, Sons & Co'],
      ['Lena Fischer', 'lena@example.com', null, null],
    ]);
  });

  it('sniffs a pipe delimiter, skips blank lines, trims headers and gives rows in order in batches', async () => {
    const lines = [' id | name ', ...Array.from({ length: 4500 }, (_, i) => `${i + 1}|n${i + 1}`)];
    lines.splice(100, 0, '', '|');
    const t = await readAll(streamOf(`${lines.join('\n')}\n`, 1000), 'x.txt', { batchSize: 2000 });
    expect(t.info.delimiter).toBe('|');
    expect(t.headers).toEqual(['id', 'name']);
    expect(t.batches.map((b) => b.length)).toEqual([2000, 2000, 500]);
    expect(t.rows.map((r) => Number(r[0]))).toEqual(Array.from({ length: 4500 }, (_, i) => i + 1));
  });

  it('takes the delimiter from Excel\'s "sep=" first line and skips that line', async () => {
    const t = await readAll(streamOf('sep=;\r\nName;Notes\r\nAnn;"a, b"\r\n', 3), 'x.csv');
    expect([t.info.delimiter, t.headers, t.rows]).toEqual([';', ['Name', 'Notes'], [['Ann', 'a, b']]]);
  });

  it('decodes across chunk boundaries (a multi-byte character split between chunks)', async () => {
    const text = `name,city\n${'Zoë,Zürich\n'.repeat(5000)}`;
    const t = await readAll(streamOf(text, 7), 'x.csv');
    expect(t.rows).toHaveLength(5000);
    expect(new Set(t.rows.map((r) => r.join('|')))).toEqual(new Set(['Zoë|Zürich']));
  });
});

describe('readTable: Excel', () => {
  it('reads the first worksheet: dates, numbers, booleans, a formula, rich text, a link, a phone stored as a number', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Leads');
    ws.addRow([
      'Name',
      'Phone',
      'Signed up',
      'Last call',
      'Budget',
      'Score x2',
      'VIP',
      'Website',
      'Notes',
      'Ratio',
      'Next',
    ]);
    ws.addRow([
      'Maya Patel',
      4155552671,
      new Date(Date.UTC(2025, 2, 14)),
      new Date(Date.UTC(2025, 2, 14, 9, 30)),
      12500.5,
      { formula: 'E2*2', result: 25001 },
      true,
      { text: 'patelhomes.example', hyperlink: 'https://patelhomes.example' },
      { richText: [{ text: 'Call ' }, { font: { bold: true }, text: 'after 5' }] },
      0.1 + 0.2,
      { formula: 'C2+7', result: new Date(Date.UTC(2025, 2, 21)) },
    ]);
    ws.getCell('K2').numFmt = 'yyyy-mm-dd';
    ws.addRow(['Omar Haddad', null, null, null, 0, { formula: 'E3*2', result: 0 }, false]);
    ws.getRow(6).getCell(1).font = { bold: true }; // a formatted but empty row at the end
    wb.addWorksheet('Other').addRow(['Ignored']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const t = await readAll(streamOf(buf), 'leads.xlsx');
    expect(t.format).toBe('xlsx');
    expect(t.info).toEqual({ sheet: 'Leads' });
    expect(t.headers).toEqual([
      'Name',
      'Phone',
      'Signed up',
      'Last call',
      'Budget',
      'Score x2',
      'VIP',
      'Website',
      'Notes',
      'Ratio',
      'Next',
    ]);
    expect(t.rows).toEqual([
      [
        'Maya Patel',
        '4155552671',
        '2025-03-14',
        '2025-03-14T09:30:00.000Z',
        '12500.5',
        '25001',
        'true',
        'patelhomes.example',
        'Call after 5',
        '0.3',
        '2025-03-21',
      ],
      ['Omar Haddad', null, null, null, '0', '0', 'false', null, null, null, null],
    ]);
  });

  it('refuses a workbook whose first sheet is empty, and a ZIP that is not a workbook', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Empty');
    const empty = Buffer.from(await wb.xlsx.writeBuffer());
    expect(await reasonOf(empty, 'empty.xlsx')).toEqual({ code: 'validation_failed', reason: 'is empty' });
    expect(await reasonOf(zipOf('notes.txt', 'hello'), 'leads.xlsx')).toEqual({
      code: 'unsupported_media_type',
      reason: 'is a ZIP archive but not an Excel workbook (.xlsx)',
    });
  });
});

/** A ZIP archive with one stored (uncompressed) file. */
function zipOf(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const file = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(file.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + file.length, 12);
  end.writeUInt32LE(local.length + file.length + data.length, 16);
  return Buffer.concat([local, file, data, central, file, end]);
}

describe('readTable: files it refuses, with a reason naming the row and column', () => {
  it('refuses other formats by extension and by content (415)', async () => {
    const unsupported = (reason: string) => ({ code: 'unsupported_media_type', reason });
    expect(await reasonOf('%PDF-1.4', 'leads.pdf')).toEqual(
      unsupported('is a .pdf file: upload a CSV (.csv, .tsv, .txt) or Excel (.xlsx) file'),
    );
    expect(await reasonOf('a,b', 'leads.xls')).toEqual(
      unsupported('is an old Excel (.xls) file: save it as .xlsx or CSV'),
    );
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(await reasonOf(png, 'leads.csv')).toEqual(
      unsupported('is a PNG image file, not CSV or Excel (.xlsx)'),
    );
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect(await reasonOf(ole, 'leads.xlsx')).toEqual(
      unsupported('is an old Excel (.xls) file: save it as .xlsx or CSV'),
    );
    expect(await reasonOf('name,email\nA,a@x.io\n', 'leads.xlsx')).toEqual(
      unsupported('is not an Excel workbook (.xlsx): it is not a ZIP archive'),
    );
    expect(await reasonOf(zipOf('a.txt', 'x'), 'archive.zip')).toEqual(
      unsupported('is a .zip file: upload a CSV (.csv, .tsv, .txt) or Excel (.xlsx) file'),
    );
  });

  it('refuses empty files, blank files and a header without rows (422)', async () => {
    const invalid = (reason: string) => ({ code: 'validation_failed', reason });
    expect(await reasonOf('')).toEqual(invalid('is empty'));
    expect(await reasonOf('\ufeff\r\n\r\n  \r\n')).toEqual(invalid('is empty'));
    expect(await reasonOf('name,email\n')).toEqual(invalid('has a header but no data rows'));
    expect(await reasonOf('name,email\n\n,\n')).toEqual(invalid('has a header but no data rows'));
  });

  it('refuses duplicate headers (case and spaces ignored) and a blank header over data', async () => {
    expect((await reasonOf('Email,Name, email ,Phone,NAME\n1,2,3,4,5\n')).reason).toBe(
      'duplicate column headers: Email (columns 1 and 3); Name (columns 2 and 5)',
    );
    expect((await reasonOf('a,b,c,,e\n1,2,3,4,5\n')).reason).toBe(
      'column 4 has no header (row 1 has a value in it)',
    );
    // A blank header over an empty column (a spacer) is left out.
    const t = await readAll(streamOf('a,b,,d,\n1,2,,4,\n'), 'x.csv');
    expect([t.headers, t.rows]).toEqual([['a', 'b', 'd'], [['1', '2', '4']]]);
  });

  it('refuses a row with more cells than the header, naming the row (1-based after the header)', async () => {
    const header = 'a,b,c,d,e,f,g,h';
    const rows = Array.from({ length: 20 }, (_, i) => (i === 16 ? '1,2,3,4,5,6,7,8,9' : '1,2,3,4,5,6,7,8'));
    expect((await reasonOf([header, ...rows].join('\n'))).reason).toBe(
      'row 17 has 9 cells; the header has 8',
    );
    // Empty extra cells (a trailing delimiter) are no problem.
    const t = await readAll(streamOf('a,b\n1,2,\n3,4,,\n'), 'x.csv');
    expect(t.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('refuses a cell larger than the limit, naming the row and column', async () => {
    const big = 'x'.repeat(1.5 * MB);
    const text = `Name,Notes\nA,short\nB,"quoted, short"\nC,"${big}"\nD,x\n`;
    expect((await reasonOf(text)).reason).toBe('row 3, column Notes: a cell is larger than 1 MB');
    expect((await reasonOf('Name,Notes\nA,12345678901\n', 'x.csv', { maxCellBytes: 10 })).reason).toBe(
      'row 1, column Notes: a cell is larger than 10 bytes',
    );
  });

  it('stops at the limit on a 50 MB cell instead of reading it all', async () => {
    let pulled = 0;
    const chunk = Buffer.alloc(64 * 1024, 'y');
    const source = Readable.from(
      (function* () {
        yield Buffer.from('Name,Notes\nA,short\nB,"');
        for (let i = 0; i < 800; i++) {
          pulled += chunk.length;
          yield chunk;
        }
        yield Buffer.from('"\n');
      })(),
    );
    const e = await failure(readAll(source, 'big.csv'));
    expect(e.errors[0]!.reason).toBe('row 2, column Notes: a cell is larger than 1 MB');
    expect(pulled).toBeLessThan(4 * MB);
  });

  it('says a quote may be left open when a cell swallows the lines after it', async () => {
    const rows = Array.from({ length: 150_000 }, (_, i) => `C${i},note ${i}`).join('\n');
    const { reason } = await reasonOf(`Name,Notes\nA,fine\nB,"never closed\n${rows}\n`);
    expect(reason).toBe('row 2, column Notes: a cell is larger than 1 MB (is a quote left open?)');
  });

  it('reads UTF-16 (Excel\'s "Unicode text": tab-separated, with a BOM)', async () => {
    const t = await readAll(streamOf(Buffer.from('\ufeffName\tCity\r\nZoë\tZürich\r\n', 'utf16le')), 'x.txt');
    expect(t.info).toEqual({ delimiter: '\t', encoding: 'utf-16le', bom: true, lineBreak: 'crlf' });
    expect([t.headers, t.rows]).toEqual([['Name', 'City'], [['Zoë', 'Zürich']]]);
  });

  it('refuses binary junk: NUL bytes, or mostly control characters', async () => {
    const junk = Buffer.alloc(100 * 1024);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 251;
    expect(await reasonOf(junk)).toEqual({ code: 'validation_failed', reason: 'is not a text (CSV) file' });
    const control = Buffer.from('a,b\n'.repeat(100) + '\x01\x02\x03\x04\x05\x06\x07\x08'.repeat(30));
    expect((await reasonOf(control)).reason).toBe('is not a text (CSV) file');
  });

  it('refuses an unterminated quote at the end of the file, naming its row', async () => {
    expect((await reasonOf('name,notes\nA,fine\nB,"never closed\nC,more\n')).reason).toBe(
      'row 2: a quoted cell is not closed (a " is missing before the end of the file)',
    );
  });

  it('refuses invalid UTF-8 found after a UTF-8 start, saying where', async () => {
    const start = Buffer.from(`name,city\n${'Zoë,Zürich\n'.repeat(10_000)}`);
    const bad = Buffer.concat([start, Buffer.from([0x42, 0x2c, 0xe9, 0x0a])]);
    const { reason } = await reasonOf(bad);
    expect(reason).toMatch(/^the text is not valid UTF-8 near byte \d+ \(after row \d+\)/);
  });
});

describe('readTable: streaming', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'leadbase-reader-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads no further than the batches asked for (backpressure)', async () => {
    let pulled = 0;
    const line = 'Maya,Patel,maya@example.com,+1 415 555 2671,Patel Homes,"Notes, with a comma"\n';
    const source = Readable.from(
      (function* () {
        yield Buffer.from('first,last,email,phone,company,notes\n');
        const block = Buffer.from(line.repeat(500));
        for (let i = 0; i < 500; i++) {
          pulled += block.length;
          yield block;
        }
      })(),
    );
    const t = await readTable(source, { fileName: 'x.csv', batchSize: 1000 });
    const it = t.batches[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value).toHaveLength(1000);
    expect(pulled).toBeLessThan(1 * MB); // of 20 MB
    await it.return?.(); // a consumer that stops early closes the source
    expect(source.destroyed).toBe(true);
  });

  it('streams a 200,000-row file (60 MB) with bounded memory', async () => {
    const path = join(dir, 'big.csv');
    const out = createWriteStream(path);
    out.write('id,first_name,last_name,email,phone,company,city,notes\n');
    const notes = 'Interested in a roof inspection; asked for a quote by email, prefers mornings. '.repeat(3);
    for (let i = 0; i < 200_000; i++) {
      const ok = out.write(
        `${i},Maya${i},Patel${i},maya.${i}@example.com,+1 415 555 ${String(i % 10000).padStart(4, '0')},Patel Homes ${i},San Francisco,"${notes}"\n`,
      );
      if (!ok) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    out.end();
    await finished(out);
    // What the reader keeps, not what the collector has yet to sweep: the heap after a full collection,
    // every 10 batches (heapUsed alone rises and falls with the collector's timing, loaded machine or not).
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    let rows = 0;
    let batches = 0;
    let last = '';
    const t = await readTable(createReadStream(path), { fileName: 'big.csv' });
    for await (const batch of t.batches) {
      rows += batch.length;
      last = batch[batch.length - 1]![0]!;
      if (++batches % 10 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    }
    expect(rows).toBe(200_000);
    expect(last).toBe('199999');
    console.log(`200,000 rows: the heap kept ${((peak - base) / MB).toFixed(1)} MB more at most`);
    expect(peak - base).toBeLessThan(30 * MB); // the file as strings would take well over 100 MB
  });
});
