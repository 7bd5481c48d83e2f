import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.js';
import {
  scoringRuleChangeOut,
  scoringRuleCreate,
  scoringRuleOut,
  scoringRuleUpdate,
} from '../../core/scoring/scoring.schemas.js';
import {
  createScoringRule,
  getScoringRule,
  listScoringRules,
  recomputeScores,
  scoringRuleListSpec,
  setScoringRuleDeleted,
  updateScoringRule,
} from '../../core/scoring/scoring-rules.service.js';
import { type ListQuery, listQuerySchema } from '../../core/shared/list-query.js';
import { etagOf, idParams, parseIfMatch, problems } from './resource.js';

/**
 * Scoring rules: points for leads whose conditions hold. Reading is open to every member; changes
 * need the manager role or higher. Every change that can move scores answers with the `jobId` of the
 * background recompute of every lead (GET /api/v1/jobs/:id for its progress).
 */
export function scoringRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Scoring'];
  const base = '/api/v1/scoring-rules';
  const recomputeNote =
    ' Answers with `jobId`: the background job recomputing every lead of the workspace (GET /api/v1/jobs/:id).';

  app.get(
    base,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'List scoring rules',
        description: 'Cursor-paginated. Pass `nextCursor` back as `cursor` with the same sort and filters.',
        querystring: listQuerySchema(scoringRuleListSpec),
        response: {
          200: z.object({ data: z.array(scoringRuleOut), nextCursor: z.string().nullable() }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (req) => listScoringRules(db, req.ctx, req.query as ListQuery),
  );

  app.post(
    base,
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Create a scoring rule',
        description: `A lead scores the clamped (0–100) sum of the points of the active rules whose conditions hold; the rules that fired are its \`scoreReasons\`.${recomputeNote}`,
        headers: z.looseObject({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: scoringRuleCreate,
        response: { 201: scoringRuleChangeOut, ...problems(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const out = await createScoringRule(
        db,
        req.ctx,
        req.body,
        req.headers['idempotency-key'] as string | undefined,
      );
      return reply.code(201).header('location', `${base}/${out.id}`).header('etag', etagOf(out)).send(out);
    },
  );

  app.post(
    `${base}/recompute`,
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Recompute every lead’s score in the background',
        description:
          'Scores follow every lead, contact and activity change at once; a window such as `activities.call.last_7d` also ages as time passes, which this rerun catches up with. Answers 202 with the job id.',
        response: { 202: z.object({ jobId: z.uuid() }), ...problems(401, 403) },
      },
    },
    async (req, reply) => reply.code(202).send({ jobId: await recomputeScores(db, req.ctx) }),
  );

  app.get(
    `${base}/:id`,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Get a scoring rule',
        params: idParams,
        response: { 200: scoringRuleOut, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const out = await getScoringRule(db, req.ctx, req.params.id);
      return reply.header('etag', etagOf(out)).send(out);
    },
  );

  app.patch(
    `${base}/:id`,
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Update a scoring rule',
        description: `If-Match with the ETag; a stale one fails with 412.${recomputeNote}`,
        params: idParams,
        headers: z.looseObject({ 'if-match': z.string().max(200).optional() }),
        body: scoringRuleUpdate,
        response: { 200: scoringRuleChangeOut, ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const out = await updateScoringRule(
        db,
        req.ctx,
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match'] as string | undefined),
      );
      return reply.header('etag', etagOf(out)).send(out);
    },
  );

  for (const [method, path, deleted] of [
    ['delete', `${base}/:id`, true],
    ['post', `${base}/:id/restore`, false],
  ] as const)
    app[method](
      path,
      {
        config: { access: 'manager' },
        schema: {
          tags,
          summary: deleted ? 'Delete a scoring rule (soft)' : 'Restore a deleted scoring rule',
          description: `${deleted ? 'The rule stops scoring and can be restored.' : 'The rule scores again (when active).'}${recomputeNote}`,
          params: idParams,
          response: { 200: scoringRuleChangeOut, ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req, reply) => {
        const out = await setScoringRuleDeleted(db, req.ctx, (req.params as { id: string }).id, deleted);
        return reply.header('etag', etagOf(out)).send(out);
      },
    );
}
