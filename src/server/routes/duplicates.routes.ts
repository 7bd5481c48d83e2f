import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.js';
import {
  duplicateRuleListSpec,
  getDuplicateRule,
  insertDuplicateRule,
  listDuplicateRules,
  setDuplicateRuleDeleted,
  updateDuplicateRule,
} from '../../core/duplicates/duplicate-rules.service.js';
import {
  dismissBody,
  duplicatePairOut,
  duplicateRuleCreate,
  duplicateRuleOut,
  duplicateRuleUpdate,
  duplicatesQuery,
  scanBody,
} from '../../core/duplicates/duplicates.schemas.js';
import { dismissPair, listDuplicates, startScan } from '../../core/duplicates/pairs.service.js';
import { problems, registerResource } from './resource.js';

export function duplicatesRoutes(fastify: FastifyInstance, db: Db): void {
  registerResource(fastify, db, {
    path: 'duplicate-rules',
    tag: 'Duplicates',
    noun: 'duplicate rule',
    spec: duplicateRuleListSpec,
    create: duplicateRuleCreate,
    update: duplicateRuleUpdate,
    out: duplicateRuleOut,
    list: listDuplicateRules,
    get: getDuplicateRule,
    insert: insertDuplicateRule,
    patch: updateDuplicateRule,
    setDeleted: setDuplicateRuleDeleted,
    writeAccess: 'admin',
    deleteNote:
      'Soft delete: the rule stops applying and can be restored. With no active rule for an entity, the built-in rules apply. Reading rules is open to every member; changing them needs the admin or owner role.',
  });
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Duplicates'];
  app.get(
    '/api/v1/duplicates',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Duplicate candidate pairs, best first',
        description:
          'Pairs found on writes and by scans, with their score (0..1) and reasons (which fields matched and how closely). Cursor-paginated: pass `nextCursor` back as `cursor`.',
        querystring: duplicatesQuery,
        response: {
          200: z.object({ data: z.array(duplicatePairOut), nextCursor: z.string().nullable() }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (req) => listDuplicates(db, req.ctx, req.query),
  );
  app.post(
    '/api/v1/duplicates/scan',
    {
      config: { access: 'rep' },
      schema: {
        tags,
        summary: 'Scan the workspace for duplicates in the background',
        description:
          'Answers 202 with the job id at once; watch it with GET /api/v1/jobs/:id. The scan replaces the open pairs of the entity; dismissed and merged pairs stay.',
        body: scanBody,
        response: { 202: z.object({ jobId: z.uuid() }), ...problems(400, 401, 403, 415, 422) },
      },
    },
    async (req, reply) => reply.code(202).send({ jobId: await startScan(db, req.ctx, req.body.entity) }),
  );
  app.post(
    '/api/v1/duplicates/dismiss',
    {
      config: { access: 'rep' },
      schema: {
        tags,
        summary: 'Mark a pair as not duplicates (scans will not bring it back)',
        body: dismissBody,
        response: { 200: duplicatePairOut, ...problems(400, 401, 403, 404, 409, 415, 422) },
      },
    },
    async (req) => dismissPair(db, req.ctx, req.body.entity, req.body.recordIds as [string, string]),
  );
}
