import { Readable } from 'node:stream';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import type { ListQuery } from '../shared/list-query.js';
import { cellText } from './columns.js';
import { BOM, csvLine } from './csv-writer.js';
import type { ExportFormat } from './export.schemas.js';
import {
  EXPORT_DEFS,
  type ExportResource,
  loadWorkspaceRefs,
  pageRefs,
  resolveColumns,
} from './export-resources.js';
import { xlsxStream } from './xlsx-writer.js';

/** Rows read per list page while exporting: memory holds one page, whatever the list's size. */
export const EXPORT_PAGE_SIZE = 1000;

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export type ExportRequest = {
  resource: ExportResource;
  format: ExportFormat;
  /** Column keys in order; the default set when absent. */
  columns?: string[];
  /** The list query (filters, q, sort, deleted) as the list's querystring schema parsed it. */
  query: Omit<ListQuery, 'limit' | 'cursor'>;
  /** Called after each page with the number of rows written so far. */
  onRows?: (rows: number) => void | Promise<void>;
};

export type OpenedExport = {
  fileName: string;
  contentType: string;
  stream: Readable;
  /** Rows written so far (all of them once the stream has ended). */
  rows: () => number;
};

/** `leads-2026-11-22.csv` (today, UTC). */
export const exportFileName = (resource: ExportResource, format: ExportFormat, now = new Date()) =>
  `${resource}-${now.toISOString().slice(0, 10)}.${format}`;

/**
 * Opens an export of a filtered list: resolves the columns and reads the first page before returning
 * (so a bad column or filter is an error answer, not a broken download), then streams the rest page
 * by page along the list's cursor, written as the consumer reads.
 */
export async function openExport(db: Db, ctx: Ctx, req: ExportRequest): Promise<OpenedExport> {
  const def = EXPORT_DEFS[req.resource];
  if (!def) throw AppError.invalid('resource', `cannot export ${req.resource}`);
  const columns = await resolveColumns(db, ctx, req.resource, req.columns);
  const base = await loadWorkspaceRefs(db, ctx);
  const query = { ...req.query, limit: EXPORT_PAGE_SIZE } as ListQuery;
  const first = await def.list(db, ctx, { ...query, cursor: undefined });
  let written = 0;

  async function* pages(): AsyncGenerator<string[][]> {
    let page = first;
    for (;;) {
      const refs = await pageRefs(db, ctx, def, page.data, base);
      yield page.data.map((row) => columns.map((c) => cellText(c.get(row, refs))));
      written += page.data.length;
      await req.onRows?.(written);
      if (!page.nextCursor) return;
      page = await def.list(db, ctx, { ...query, cursor: page.nextCursor });
    }
  }

  const headers = columns.map((c) => c.label);
  const stream =
    req.format === 'xlsx'
      ? xlsxStream(req.resource[0]!.toUpperCase() + req.resource.slice(1), headers, pages())
      : Readable.from(
          (async function* () {
            yield Buffer.from(BOM + csvLine(headers), 'utf8');
            for await (const rows of pages()) {
              let chunk = '';
              for (const r of rows) chunk += csvLine(r);
              if (chunk) yield Buffer.from(chunk, 'utf8');
            }
          })(),
          { objectMode: false },
        );
  return {
    fileName: exportFileName(req.resource, req.format),
    contentType: CONTENT_TYPES[req.format],
    stream,
    rows: () => written,
  };
}
