import { Readable } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import Papa from 'papaparse';
import { z } from 'zod';
import type { Db } from '../../core/db/client.js';
import { readTable } from '../../core/imports/file-reader.js';
import { targetFields } from '../../core/imports/import-fields.js';
import * as tpl from '../../core/imports/import-templates.service.js';
import {
  IMPORT_ENTITIES,
  importCreateFields,
  importOut,
  importRowOut,
  importRowsQuery,
  importSettings,
  importTemplateIn,
  importTemplateOut,
  rollbackInput,
  targetFieldOut,
} from '../../core/imports/imports.schemas.js';
import * as svc from '../../core/imports/imports.service.js';
import { templateFile } from '../../core/imports/template-file.js';
import { AppError } from '../../core/shared/errors.js';
import { idParams, problems } from './resource.js';

/** The largest file an upload may carry (a million-row CSV is ~150 MB). */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;

const fileOut = z.unknown().describe('The file, as an attachment');
const entityQuery = z.strictObject({ entity: z.enum(IMPORT_ENTITIES).default('leads') });
const JSON_FIELDS = new Set(['mapping', 'options']);

/** Multipart text fields → the create contract (JSON-valued ones parsed), with field-named errors. */
function parseFields(raw: Record<string, string>) {
  const obj: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!JSON_FIELDS.has(k)) {
      obj[k] = v;
      continue;
    }
    try {
      obj[k] = JSON.parse(v);
    } catch {
      throw AppError.invalid(k, 'must be JSON (an object)');
    }
  }
  const r = importCreateFields.safeParse(obj);
  if (!r.success) {
    const errors = r.error.issues.map((i) => ({ field: i.path.join('.') || '(fields)', reason: i.message }));
    throw new AppError('validation_failed', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), errors);
  }
  return r.data;
}

export function importsRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Imports'];

  app.get(
    '/api/v1/imports/fields',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'What a column can be mapped to, for an entity (custom fields included)',
        querystring: entityQuery,
        response: { 200: z.object({ data: z.array(targetFieldOut) }), ...problems(400, 401) },
      },
    },
    async (req) => ({ data: await targetFields(db, req.ctx, req.query.entity) }),
  );

  app.get(
    '/api/v1/imports/template',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'A template file to fill in: the headers the automatic mapping knows, and an example row',
        querystring: entityQuery.extend({ format: z.enum(['csv', 'xlsx']).default('csv') }),
        response: { 200: fileOut, ...problems(400, 401) },
      },
    },
    async (req, reply) => {
      const buf = await templateFile(await targetFields(db, req.ctx, req.query.entity), req.query.format);
      return reply
        .type(
          req.query.format === 'csv'
            ? 'text/csv; charset=utf-8'
            : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        )
        .header(
          'content-disposition',
          `attachment; filename="leadbase-${req.query.entity}-template.${req.query.format}"`,
        )
        .send(buf);
    },
  );

  app.post(
    '/api/v1/imports',
    {
      config: { access: 'rep', multipart: true },
      schema: {
        tags,
        summary:
          'Upload a CSV or Excel file (multipart: the text fields entity, mapping (JSON), mode, matchOn, duplicatePolicy, options (JSON), templateId, then the `file` part). Every row is read and previewed; nothing is written to your records until you run it.',
        consumes: ['multipart/form-data'],
        response: { 201: importOut, ...problems(400, 401, 403, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart())
        throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data', [
          { field: 'file', reason: 'is missing (multipart/form-data with a file part)' },
        ]);
      const fields: Record<string, string> = {};
      let out: unknown = null;
      for await (const part of req.parts()) {
        if (part.type === 'field') {
          if (out) throw AppError.invalid(part.fieldname, 'must come before the file part');
          fields[part.fieldname] = String(part.value);
          continue;
        }
        if (part.fieldname !== 'file' || out) {
          part.file.resume();
          throw AppError.invalid(part.fieldname, 'only one file part, named "file", is accepted');
        }
        out = await stageUpload(db, req.ctx, part, parseFields(fields));
      }
      if (!out) throw AppError.invalid('file', 'is missing (a multipart part named "file")');
      return reply.code(201).send(out as z.infer<typeof importOut>);
    },
  );

  app.get(
    '/api/v1/imports',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Imports of the workspace, newest first',
        querystring: z.strictObject({
          cursor: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(25),
          origin: z.string().max(200).optional(),
        }),
        response: {
          200: z.object({ data: z.array(importOut), nextCursor: z.string().nullable() }),
          ...problems(400, 401),
        },
      },
    },
    async (req) => svc.listImports(db, req.ctx, req.query),
  );

  app.get(
    '/api/v1/imports/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'An import: mapping, preview counts and first rows, progress, result',
        params: idParams,
        response: { 200: importOut, ...problems(400, 401, 404) },
      },
    },
    async (req) => svc.getImport(db, req.ctx, req.params.id),
  );

  app.patch(
    '/api/v1/imports/:id',
    {
      config: { access: 'rep' },
      schema: {
        tags,
        summary: 'Change the mapping or settings before running; every row is read and previewed again',
        params: idParams,
        body: importSettings,
        response: { 200: importOut, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => svc.updateImportSettings(db, req.ctx, req.params.id, req.body),
  );

  app.get(
    '/api/v1/imports/:id/rows',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'The preview row by row: decision, reason, match, cells (cursor = the last row number)',
        params: idParams,
        querystring: importRowsQuery,
        response: {
          200: z.object({ data: z.array(importRowOut), nextCursor: z.number().int().nullable() }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (req) => svc.listImportRows(db, req.ctx, req.params.id, req.query),
  );

  for (const [action, summary, run] of [
    [
      'run',
      'Run the import in the background (poll GET /imports/:id for progress); resumes one that was interrupted',
      svc.startImport,
    ],
    [
      'cancel',
      'Stop a running import after its current chunk (what was written stays and can be rolled back)',
      svc.cancelImport,
    ],
  ] as const)
    app.post(
      `/api/v1/imports/:id/${action}`,
      {
        config: { access: 'rep' },
        schema: {
          tags,
          summary,
          params: idParams,
          response: { [action === 'run' ? 202 : 200]: importOut, ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req, reply) => {
        await run(db, req.ctx, req.params.id);
        return reply.code(action === 'run' ? 202 : 200).send(await svc.getImport(db, req.ctx, req.params.id));
      },
    );

  app.post(
    '/api/v1/imports/:id/rollback',
    {
      config: { access: 'rep' },
      schema: {
        tags,
        summary:
          'Undo the import: delete what it created, restore what it updated. Records changed since are reported as conflicts and left alone unless force.',
        params: idParams,
        body: rollbackInput.nullish(),
        response: { 200: importOut, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => svc.undoImport(db, req.ctx, req.params.id, req.body?.force ?? false),
  );

  app.get(
    '/api/v1/imports/:id/errors',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary:
          'The error file (CSV): the rejected rows as read, with the reason and row number, to fix and import again',
        params: idParams,
        response: { 200: fileOut, ...problems(400, 401, 404) },
      },
    },
    async (req, reply) => {
      const imp = await svc.getImport(db, req.ctx, req.params.id);
      const rows = svc.errorRows(db, req.ctx, req.params.id);
      async function* csv() {
        yield '\ufeff';
        let batch: (string | null)[][] = [];
        for await (const r of rows) {
          batch.push(r);
          if (batch.length >= 500) {
            yield `${Papa.unparse(batch, { newline: '\r\n' })}\r\n`;
            batch = [];
          }
        }
        if (batch.length) yield `${Papa.unparse(batch, { newline: '\r\n' })}\r\n`;
      }
      const base = (imp.fileName ?? 'import').replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${base}-errors.csv"`)
        .send(Readable.from(csv()));
    },
  );

  app.get(
    '/api/v1/import-templates',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Saved column mappings',
        querystring: z.strictObject({ entity: z.enum(IMPORT_ENTITIES).optional() }),
        response: { 200: z.object({ data: z.array(importTemplateOut) }), ...problems(400, 401) },
      },
    },
    async (req) => ({ data: await tpl.listTemplates(db, req.ctx, req.query.entity) }),
  );
  app.post(
    '/api/v1/import-templates',
    {
      config: { access: 'rep' },
      schema: {
        tags,
        summary: 'Save a column mapping (and settings) for the next file of the same shape',
        body: importTemplateIn,
        response: { 201: importTemplateOut, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await tpl.createTemplate(db, req.ctx, req.body)),
  );
  app.delete(
    '/api/v1/import-templates/:id',
    {
      config: { access: 'rep' },
      schema: {
        tags,
        summary: 'Delete a saved mapping',
        params: idParams,
        response: { 204: z.null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await tpl.deleteTemplate(db, req.ctx, req.params.id);
      return reply.code(204).send(null);
    },
  );
}

async function stageUpload(
  db: Db,
  ctx: Parameters<typeof svc.createImport>[1],
  part: MultipartFile,
  fields: z.infer<typeof importCreateFields>,
) {
  let bytes = 0;
  part.file.on('data', (b: Buffer) => {
    bytes += b.length;
  });
  const tooLarge = () =>
    new AppError('payload_too_large', `The file is larger than ${MAX_IMPORT_BYTES / 1024 ** 3} GB`, [
      { field: 'file', reason: 'is too large' },
    ]);
  const table = await readTable(part.file, { fileName: part.filename || 'upload.csv' });
  const { entity, templateId, ...settings } = fields;
  return svc.createImport(db, ctx, {
    entity,
    origin: 'upload',
    fileName: part.filename || null,
    fileFormat: table.format,
    fileInfo: table.info,
    headers: table.headers,
    batches: table.batches,
    settings: { ...settings, templateId },
    fileBytes: () => bytes,
    check: () => {
      if (part.file.truncated) throw tooLarge();
    },
  });
}
