import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  customFieldCreate,
  customFieldOut,
  customFieldReorder,
  customFieldUpdate,
} from '../../core/custom-fields/custom-fields.schemas.js';
import * as svc from '../../core/custom-fields/custom-fields.service.js';
import type { Db } from '../../core/db/client.js';
import { type ListQuery, listQuerySchema } from '../../core/shared/list-query.js';
import { etagOf, idParams, parseIfMatch, problems } from './resource.js';

/** Custom field definitions: everyone reads them (forms, lists); admins and owners manage them. */
export function customFieldsRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Custom fields'];
  const base = '/api/v1/custom-fields';
  const list = z.object({ data: z.array(customFieldOut) });

  app.get(
    base,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'List custom field definitions',
        description:
          'Cursor-paginated; `?entity=lead&sort=position` gives the form order. Values are read and written as `customFields: {key: value}` on contacts, leads, accounts and deals (a lead also shows its contact’s as `contactCustomFields`).',
        querystring: listQuerySchema(svc.customFieldListSpec),
        response: {
          200: z.object({ data: z.array(customFieldOut), nextCursor: z.string().nullable() }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (req) => svc.listCustomFields(db, req.ctx, req.query as ListQuery),
  );

  app.post(
    base,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Define a custom field',
        description:
          'Key: lower snake case, unique per entity, not a built-in field; lead- and contact-level keys are unique across both levels. select/multiselect need options.',
        body: customFieldCreate,
        response: { 201: customFieldOut, ...problems(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const out = await svc.createCustomField(db, req.ctx, req.body);
      return reply.code(201).header('location', `${base}/${out.id}`).header('etag', etagOf(out)).send(out);
    },
  );

  app.post(
    `${base}/reorder`,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "Reorder an entity's custom fields",
        body: customFieldReorder,
        response: { 200: list, ...problems(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (req) => svc.reorderCustomFields(db, req.ctx, req.body),
  );

  app.get(
    `${base}/:id`,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Get a custom field definition',
        params: idParams,
        response: { 200: customFieldOut, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const out = await svc.getCustomField(db, req.ctx, req.params.id);
      return reply.header('etag', etagOf(out)).send(out);
    },
  );

  app.patch(
    `${base}/:id`,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change a custom field (label, options, required, description, position)',
        description:
          '`entity`, `key` and `type` are fixed. Removing an option that stored values use is refused (409). `If-Match` with the ETag; stale gives 412.',
        params: idParams,
        headers: z.looseObject({
          'if-match': z
            .string()
            .max(200)
            .optional()
            .describe('The ETag you read; a stale one fails with 412'),
        }),
        body: customFieldUpdate,
        response: { 200: customFieldOut, ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const out = await svc.updateCustomField(
        db,
        req.ctx,
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match']),
      );
      return reply.header('etag', etagOf(out)).send(out);
    },
  );

  for (const [method, deleted] of [
    ['delete', true],
    ['post', false],
  ] as const) {
    app.route({
      method: method.toUpperCase() as 'DELETE' | 'POST',
      url: deleted ? `${base}/:id` : `${base}/:id/restore`,
      config: { access: 'admin' },
      schema: {
        tags,
        summary: deleted ? 'Archive a custom field' : 'Restore an archived custom field',
        description: deleted
          ? 'The field leaves forms and validation; stored values are kept and come back on restore.'
          : 'The field is back on forms, with the values stored before it was archived.',
        params: idParams,
        response: { 200: customFieldOut, ...problems(400, 401, 403, 404) },
      },
      handler: async (req, reply) => {
        const out = await svc.setCustomFieldDeleted(db, req.ctx, req.params.id, deleted);
        return reply.header('etag', etagOf(out)).send(out);
      },
    });
  }
}
