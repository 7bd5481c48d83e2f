import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../core/db/client.js';
import { wasLinked } from '../../core/duplicates/duplicates.service.js';
import type { Ctx } from '../../core/shared/context.js';
import { AppError } from '../../core/shared/errors.js';
import { withIdempotency } from '../../core/shared/idempotency.js';
import { type ListQuery, type ListSpec, listQuerySchema } from '../../core/shared/list-query.js';
import { issuesToFieldErrors, toAppError } from '../problem.js';

export const idParams = z.strictObject({ id: z.uuid('must be a UUID') });
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ field: z.string(), reason: z.string() })),
    instance: z.string(),
    requestId: z.string(),
  })
  .describe('RFC 9457 problem details (application/problem+json)');

export const problems = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, problemSchema]));

const createHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'Same key and body within the workspace replays the first response; another body is refused (422)',
    ),
});
const updateHeaders = z.looseObject({
  'if-match': z.string().max(200).optional().describe('The ETag you read; a stale one fails with 412'),
});

/** `If-Match: W/"3"` → `3`. */
export const parseIfMatch = (h: string | undefined): string | undefined =>
  h === undefined
    ? undefined
    : h
        .trim()
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1');

export const etagOf = (r: { version: number; contactVersion?: number }): string =>
  r.contactVersion === undefined ? `"${r.version}"` : `"${r.version}.${r.contactVersion}"`;

export type ResourceDef<C, U, O extends { id: string; version: number }> = {
  /** plural path segment, e.g. `leads` */
  path: string;
  tag: string;
  noun: string;
  spec: ListSpec;
  create: z.ZodType<C>;
  update: z.ZodType<U>;
  out: z.ZodType<O>;
  list: (db: Db, ctx: Ctx, q: ListQuery) => Promise<{ data: O[]; nextCursor: string | null }>;
  /** How many records `list` pages through with the same query: `GET /<path>/count`. */
  count?: (db: Db, ctx: Ctx, q: ListQuery) => Promise<number>;
  get: (db: Db, ctx: Ctx, id: string) => Promise<O>;
  /** Creates inside the given transaction (single create, idempotent create and batch share it). */
  insert: (tx: Db, ctx: Ctx, input: C) => Promise<O>;
  patch: (db: Db, ctx: Ctx, id: string, input: U, ifMatch?: string) => Promise<O>;
  setDeleted: (db: Db, ctx: Ctx, id: string, deleted: boolean) => Promise<O>;
  deleteNote?: string;
  /** Role needed to create, change, delete and restore (default rep; e.g. admin for settings). */
  writeAccess?: 'rep' | 'manager' | 'admin' | 'owner';
};

export const BATCH_MAX = 1000;

/**
 * The conventions every resource shares, registered once per resource: list (cursor, sort, filters,
 * q), its count, create (Idempotency-Key), batch create, get, PATCH (If-Match), soft DELETE and restore.
 */
export function registerResource<C, U, O extends { id: string; version: number }>(
  fastify: FastifyInstance,
  db: Db,
  def: ResourceDef<C, U, O>,
): void {
  // Generic over the resource, so routes are typed by the service signatures, not the type provider.
  const app = fastify;
  const base = `/api/v1/${def.path}`;
  const tags = [def.tag];
  const sendOne = (reply: FastifyReply, o: O, status = 200) =>
    reply.code(status).header('etag', etagOf(o)).send(o);

  app.get(
    base,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: `List ${def.path}`,
        description: `Cursor-paginated. Pass \`nextCursor\` back as \`cursor\` with the same sort and filters.`,
        querystring: listQuerySchema(def.spec),
        response: {
          200: z.object({ data: z.array(def.out), nextCursor: z.string().nullable() }),
          ...problems(400, 401, 403, 422),
        },
      },
    },
    async (req) => def.list(db, req.ctx, req.query as ListQuery),
  );

  // A static path: `/count` is never taken for `/:id`.
  if (def.count) {
    const count = def.count;
    app.get(
      `${base}/count`,
      {
        config: { access: 'viewer' },
        schema: {
          tags,
          summary: `Count ${def.path}`,
          description: `The exact number of ${def.path} the list pages through with the same parameters (filters, \`q\`, \`deleted\`${def.spec.custom ? ', custom field filters' : ''}${def.spec.condition ? ', `condition`' : ''}); \`limit\`, \`cursor\` and \`sort\` are accepted and ignored. Reports link each figure to a list query whose count is that figure.`,
          querystring: listQuerySchema(def.spec),
          response: {
            200: z.object({ count: z.number().int().describe(`How many ${def.path} the list shows`) }),
            ...problems(400, 401, 403, 422),
          },
        },
      },
      async (req) => {
        const { limit: _limit, cursor: _cursor, ...query } = req.query as ListQuery;
        return { count: await count(db, req.ctx, { ...query, limit: 1 } as ListQuery) };
      },
    );
  }

  app.post(
    base,
    {
      config: { access: def.writeAccess ?? 'rep' },
      schema: {
        tags,
        summary: `Create a ${def.noun}`,
        headers: createHeaders,
        body: def.create,
        response: {
          201: def.out,
          200: def.out.describe(
            'A duplicate rule linked the create to this existing record (header `Leadbase-Duplicate: linked`)',
          ),
          ...problems(400, 401, 403, 404, 409, 413, 415, 422),
        },
      },
    },
    async (req, reply) => {
      const r = await withIdempotency(
        db,
        req.ctx,
        { key: req.headers['idempotency-key'] as string | undefined, route: `POST ${base}`, body: req.body },
        async (tx) => {
          const body = await def.insert(tx, req.ctx, req.body as C);
          return { status: wasLinked(req.ctx, body.id) ? 200 : 201, body } as { status: number; body: O };
        },
      );
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      if (r.status === 200) reply.header('leadbase-duplicate', 'linked');
      return reply
        .code(r.status === 200 ? 200 : 201)
        .header('location', `${base}/${r.body.id}`)
        .header('etag', etagOf(r.body))
        .send(r.body);
    },
  );

  const batchBody = z.strictObject({
    mode: z
      .enum(['atomic', 'partial'])
      .default('atomic')
      .describe(
        'atomic: all records or none (422 naming each bad record). partial: each record on its own, results per record.',
      ),
    records: z.array(def.create).min(1).max(BATCH_MAX),
  });
  const batchResult = z.object({
    created: z.number().int(),
    failed: z.number().int(),
    results: z.array(
      z.object({
        index: z.number().int(),
        status: z.number().int().describe('201 when created, else the error status'),
        data: def.out.optional(),
        error: z
          .object({
            code: z.string(),
            detail: z.string(),
            errors: z.array(z.object({ field: z.string(), reason: z.string() })),
          })
          .optional(),
      }),
    ),
  });
  app.post(
    `${base}/batch`,
    {
      config: { access: def.writeAccess ?? 'rep' },
      bodyLimit: 8 * 1024 * 1024,
      attachValidation: true,
      schema: {
        tags,
        summary: `Create up to ${BATCH_MAX} ${def.path}`,
        description:
          'mode=atomic (default): every record is validated and created in one transaction; any failure creates nothing and answers 422 with `records[i].field` errors. mode=partial: each record is created on its own (a savepoint each); the answer lists a result per record, 201 or the error.',
        headers: createHeaders,
        body: batchBody,
        response: { 201: batchResult, 200: batchResult, ...problems(400, 401, 403, 413, 422) },
      },
    },
    async (req, reply) => {
      const raw = req.body as { mode?: string; records?: unknown[] } | undefined;
      const partial = raw?.mode === 'partial';
      type Item = z.infer<typeof batchResult>['results'][number];
      if (req.validationError) {
        if (
          !partial ||
          !Array.isArray(raw?.records) ||
          raw.records.length > BATCH_MAX ||
          raw.records.length === 0
        )
          throw toAppError(req.validationError);
      }
      const records = (raw?.records ?? []) as unknown[];
      const parsed = records.map((r) => def.create.safeParse(r));
      if (!partial) {
        const errors = parsed.flatMap((p, i) =>
          p.success ? [] : issuesToFieldErrors(p.error.issues as never, `records[${i}]`),
        );
        if (errors.length)
          throw new AppError(
            'validation_failed',
            `${errors.length} problem(s) in the records; nothing was created`,
            errors,
          );
        const created = await withIdempotency(
          db,
          req.ctx,
          {
            key: req.headers['idempotency-key'] as string | undefined,
            route: `POST ${base}/batch`,
            body: req.body,
          },
          async (tx) => {
            const out: Item[] = [];
            for (const [i, p] of parsed.entries()) {
              try {
                out.push({ index: i, status: 201, data: await def.insert(tx, req.ctx, p.data as C) });
              } catch (e) {
                const ae = toAppError(e);
                throw new AppError(
                  ae.code,
                  `records[${i}]: ${ae.message}; nothing was created`,
                  ae.errors.map((fe) => ({ field: `records[${i}].${fe.field}`, reason: fe.reason })),
                );
              }
            }
            return { status: 201, body: { created: out.length, failed: 0, results: out } };
          },
        );
        if (created.replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(201).send(created.body);
      }
      // Partial: one transaction with a savepoint per record, so the Idempotency-Key covers the whole batch.
      const done = await withIdempotency(
        db,
        req.ctx,
        {
          key: req.headers['idempotency-key'] as string | undefined,
          route: `POST ${base}/batch`,
          body: req.body,
        },
        async (tx) => {
          const results: Item[] = [];
          for (const [i, p] of parsed.entries()) {
            if (!p.success) {
              const errors = issuesToFieldErrors(p.error.issues as never);
              results.push({
                index: i,
                status: 422,
                error: { code: 'validation_failed', detail: 'The record is invalid', errors },
              });
              continue;
            }
            try {
              const data = await tx.transaction((sp) => def.insert(sp, req.ctx, p.data as C));
              results.push({ index: i, status: 201, data });
            } catch (e) {
              const ae = toAppError(e);
              if (ae.status >= 500) throw e;
              results.push({
                index: i,
                status: ae.status,
                error: { code: ae.code, detail: ae.message, errors: ae.errors },
              });
            }
          }
          const created = results.filter((r) => r.status === 201).length;
          return { status: 200, body: { created, failed: results.length - created, results } };
        },
      );
      if (done.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(200).send(done.body);
    },
  );

  app.get(
    `${base}/:id`,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: `Get a ${def.noun}`,
        params: idParams,
        response: { 200: def.out, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => sendOne(reply, await def.get(db, req.ctx, (req.params as { id: string }).id)),
  );

  app.patch(
    `${base}/:id`,
    {
      config: { access: def.writeAccess ?? 'rep' },
      schema: {
        tags,
        summary: `Update a ${def.noun}`,
        params: idParams,
        headers: updateHeaders,
        body: def.update,
        response: { 200: def.out, ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422) },
      },
    },
    async (req, reply) =>
      sendOne(
        reply,
        await def.patch(
          db,
          req.ctx,
          (req.params as { id: string }).id,
          req.body as U,
          parseIfMatch(req.headers['if-match'] as string | undefined),
        ),
      ),
  );

  app.delete(
    `${base}/:id`,
    {
      config: { access: def.writeAccess ?? 'rep' },
      schema: {
        tags,
        summary: `Delete a ${def.noun} (soft)`,
        description:
          def.deleteNote ?? `Soft delete: the ${def.noun} is hidden from lists and can be restored.`,
        params: idParams,
        response: { 200: def.out, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      sendOne(reply, await def.setDeleted(db, req.ctx, (req.params as { id: string }).id, true)),
  );

  app.post(
    `${base}/:id/restore`,
    {
      config: { access: def.writeAccess ?? 'rep' },
      schema: {
        tags,
        summary: `Restore a deleted ${def.noun}`,
        params: idParams,
        response: { 200: def.out, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      sendOne(reply, await def.setDeleted(db, req.ctx, (req.params as { id: string }).id, false)),
  );
}

export type { FastifyRequest };
