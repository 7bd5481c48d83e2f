import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.js';
import { exportColumnOut, exportJobBody, exportQuerySchema } from '../../core/exports/export.schemas.js';
import { openExport } from '../../core/exports/export.service.js';
import { exportJobFile, startExportJob } from '../../core/exports/export-jobs.service.js';
import {
  availableColumns,
  EXPORT_DEFS,
  EXPORT_RESOURCES,
  type ExportResource,
} from '../../core/exports/export-resources.js';
import type { ListQuery } from '../../core/shared/list-query.js';
import { idParams, problems } from './resource.js';

const fileOut = z.unknown().describe('The file (CSV or XLSX), as an attachment');
const attachment = (fileName: string) => `attachment; filename="${fileName.replace(/["\\\r\n]/g, '_')}"`;

/**
 * Export of any filtered list (leads, contacts, accounts, deals, activities, tasks) to CSV or Excel:
 * streamed (`GET /<resource>/export`), or as a background job for large ones
 * (`POST /<resource>/export-jobs`, then `GET /export-jobs/:id/file`).
 */
export function exportsRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  for (const resource of EXPORT_RESOURCES) {
    const spec = EXPORT_DEFS[resource].spec;
    const base = `/api/v1/${resource}`;
    const tags = ['Exports'];
    app.get(
      `${base}/export`,
      {
        config: { access: 'viewer' },
        schema: {
          tags,
          summary: `Export ${resource} (CSV or Excel) with the list's filters`,
          description: `Streams the whole filtered list (the list's own filters, \`q\` and \`sort\`) as a download named \`${resource}-<date>.<csv|xlsx>\`. Headers are the import field labels, so the file re-imports to the same records. Cells beginning with = + - @, tab or CR are prefixed with \`'\` against formula injection. For very large lists, \`POST ${base}/export-jobs\`.`,
          querystring: exportQuerySchema(spec),
          produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
          response: { 200: fileOut, ...problems(400, 401, 403, 422) },
        },
      },
      async (req, reply) => {
        const { format, columns, ...query } = req.query as ListQuery & {
          format: 'csv' | 'xlsx';
          columns?: string[];
        };
        const ex = await openExport(db, req.ctx, { resource, format, columns, query });
        return reply
          .header('content-type', ex.contentType)
          .header('content-disposition', attachment(ex.fileName))
          .header('cache-control', 'no-store')
          .send(ex.stream);
      },
    );
    app.get(
      `${base}/export/columns`,
      {
        config: { access: 'viewer' },
        schema: {
          tags,
          summary: `Columns an export of ${resource} offers (custom fields included), in default order`,
          response: { 200: z.object({ data: z.array(exportColumnOut) }), ...problems(401, 403) },
        },
      },
      async (req) => ({
        data: (await availableColumns(db, req.ctx, resource)).map(({ key, label, default: d }) => ({
          key,
          label,
          default: d,
        })),
      }),
    );
    app.post(
      `${base}/export-jobs`,
      {
        config: { access: 'viewer' },
        schema: {
          tags,
          summary: `Export ${resource} in the background (large lists)`,
          description:
            'Starts a job that writes the file on the server; watch `GET /api/v1/jobs/:id` (progress counts rows written), then download `GET /api/v1/export-jobs/:id/file`. The server keeps the file for LEADBASE_EXPORT_RETENTION_DAYS (default 7 days); after that the download answers 404.',
          body: exportJobBody,
          response: {
            202: z.object({ jobId: z.uuid(), fileUrl: z.string() }),
            ...problems(400, 401, 403, 422),
          },
        },
      },
      async (req, reply) => {
        const jobId = await startExportJob(db, req.ctx, resource as ExportResource, req.body);
        return reply
          .code(202)
          .header('location', `/api/v1/jobs/${jobId}`)
          .send({ jobId, fileUrl: `/api/v1/export-jobs/${jobId}/file` });
      },
    );
  }
  app.get(
    '/api/v1/export-jobs/:id/file',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['Exports'],
        summary: 'Download the file of a finished export job',
        params: idParams,
        response: { 200: fileOut, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const f = await exportJobFile(db, req.ctx, req.params.id);
      return reply
        .header('content-type', f.contentType)
        .header('content-disposition', attachment(f.fileName))
        .header('content-length', f.bytes)
        .send(f.stream);
    },
  );
}
