import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOut } from '../../core/accounts/accounts.schemas.js';
import { contactOut } from '../../core/contacts/contacts.schemas.js';
import type { Db } from '../../core/db/client.js';
import { leadOut } from '../../core/leads/leads.schemas.js';
import { undoMerge } from '../../core/merges/merge-undo.service.js';
import {
  type MergeEntity,
  mergeIn,
  mergeListQuery,
  mergeOut,
  mergeResultOf,
} from '../../core/merges/merges.schemas.js';
import { getMerge, listMerges, mergeRecords } from '../../core/merges/merges.service.js';
import { idParams, problems } from './resource.js';

const ENTITIES: { entity: MergeEntity; path: string; tag: string; out: z.ZodType }[] = [
  { entity: 'contact', path: 'contacts', tag: 'Contacts', out: contactOut },
  { entity: 'lead', path: 'leads', tag: 'Leads', out: leadOut },
  { entity: 'account', path: 'accounts', tag: 'Accounts', out: accountOut },
];

export function mergesRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  for (const e of ENTITIES) {
    const result = mergeResultOf(e.out);
    app.post(
      `/api/v1/${e.path}/merge`,
      {
        config: { access: 'rep' },
        schema: {
          tags: [e.tag, 'Merges'],
          summary: `Merge ${e.path} into a survivor (or preview the merge)`,
          description: `Moves every link of the merged ${e.path} to the survivor, takes each field from the record picked in \`fields\` (default: the survivor's value when not empty, else the first merged record's), soft-deletes the merged ${e.path} and records the merge so that \`POST /api/v1/merges/:id/undo\` restores everything exactly. With \`preview: true\` nothing changes: the answer shows the survivor as it would be and how many rows of each table would move.`,
          body: mergeIn,
          response: { 200: result, 201: result, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
        },
      },
      async (req, reply) => {
        const r = await mergeRecords(db, req.ctx, e.entity, req.body);
        if (r.preview) return reply.code(200).send(r);
        return reply.code(201).header('location', `/api/v1/merges/${r.mergeId}`).send(r);
      },
    );
  }
  app.get(
    '/api/v1/merges',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['Merges'],
        summary: 'List merges, newest first',
        querystring: mergeListQuery,
        response: {
          200: z.object({ data: z.array(mergeOut), nextCursor: z.string().nullable() }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (req) => listMerges(db, req.ctx, req.query),
  );
  app.get(
    '/api/v1/merges/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['Merges'],
        summary: 'Get a merge: survivor, merged records, field picks, what moved, undone or not',
        params: idParams,
        response: { 200: mergeOut, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => getMerge(db, req.ctx, req.params.id),
  );
  app.post(
    '/api/v1/merges/:id/undo',
    {
      config: { access: 'rep' },
      schema: {
        tags: ['Merges'],
        summary: 'Undo a merge: every record and link exactly as before',
        description:
          'Refused with 409 (nothing restored) when the merge was already undone, or when something the merge changed was changed again since; the problem names each record and the later change (who, when, which fields).',
        params: idParams,
        response: { 200: mergeOut, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => undoMerge(db, req.ctx, req.params.id),
  );
}
