import ExcelJS from 'exceljs';
import { BOM, csvLine } from '../exports/csv-writer.js';
import { neutralizeCell } from '../exports/spreadsheet-safety.js';

/**
 * A report as a table, the same one the web app shows under the chart: what `format=csv|xlsx` exports.
 * Numbers stay numbers in the workbook (a manager sums them); money and rates are written as computed
 * (rates as fractions formatted as percentages in Excel, as decimals in CSV).
 */
export type ColumnKind = 'text' | 'int' | 'number' | 'money' | 'percent' | 'days' | 'hours';
export type ReportTable = {
  /** Sheet name and file name stem, e.g. "Funnel". */
  title: string;
  columns: { label: string; kind: ColumnKind }[];
  rows: (string | number | null)[][];
};

const FORMATS: Record<ColumnKind, string | undefined> = {
  text: undefined,
  int: '#,##0',
  number: '#,##0.##',
  money: '#,##0.00',
  percent: '0.0%',
  days: '0.0',
  hours: '0.0',
};

/** The CSV text of a table (BOM first, CRLF lines, formula-like text neutralized). */
export function reportCsv(t: ReportTable): string {
  let out = BOM + csvLine(t.columns.map((c) => c.label));
  for (const r of t.rows) out += csvLine(r.map((v) => (v === null || v === undefined ? '' : String(v))));
  return out;
}

/** The .xlsx bytes of a table: a bold frozen header, numbers as numbers with the column's format. */
export async function reportXlsx(t: ReportTable): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(t.title.replace(/[[\]*?/\\:]/g, ' ').slice(0, 31) || 'Report', {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  ws.columns = t.columns.map((c) => ({
    width: Math.min(40, Math.max(12, c.label.length + 2)),
    style: FORMATS[c.kind] ? { numFmt: FORMATS[c.kind] } : {},
  }));
  ws.addRow(t.columns.map((c) => neutralizeCell(c.label))).font = { bold: true };
  for (const r of t.rows)
    ws.addRow(
      r.map((v, i) => {
        if (v === null || v === undefined || v === '') return null;
        if (t.columns[i]!.kind !== 'text' && typeof v === 'number') return v;
        if (t.columns[i]!.kind !== 'text' && typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v))
          return Number(v);
        return neutralizeCell(String(v));
      }),
    );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function reportFileName(t: ReportTable, ext: 'csv' | 'xlsx'): string {
  const stem =
    t.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'report';
  return `${stem}-${new Date().toISOString().slice(0, 10)}.${ext}`;
}
