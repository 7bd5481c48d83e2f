import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  boardOut,
  boardParams,
  boardQuery,
  columnPageOut,
  columnParams,
  columnQuery,
  moveIn,
  moveOut,
} from '../../core/board/board.schemas.js';
import { getBoard, getColumn } from '../../core/board/board.service.js';
import { moveLead } from '../../core/board/board-move.service.js';
import type { Db } from '../../core/db/client.js';
import { etagOf, idParams, parseIfMatch, problems } from './resource.js';

const FILTERS =
  'Filters: `ownerId` (a user id, `me` or `none`), `source`, `scoreMin`/`scoreMax` (inclusive), `createdFrom`/`createdTo` (dates are whole UTC days, inclusive), `q` (contact name, company, email or lead title). Deleted leads are not shown.';

/** The pipeline board: columns with counts and values, cards paged per column, moving cards. */
export function boardRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Board'];

  app.get(
    '/api/v1/pipelines/:id/board',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'The board of a pipeline: every stage with its count, values and first cards',
        description: `Each column has the count, total value and weighted value (deal value × the stage's probability / 100) of the leads matching the filters, money as decimal strings, and its first \`limit\` cards (default 50, at most 200) in board order; \`nextCursor\` pages the column with GET …/board/columns/:stageId. ${FILTERS}`,
        params: boardParams,
        querystring: boardQuery,
        response: { 200: boardOut, ...problems(400, 401, 404) },
      },
    },
    async (req) => getBoard(db, req.ctx, req.params.id, req.query),
  );

  app.get(
    '/api/v1/pipelines/:id/board/columns/:stageId',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: "The next cards of one board column (the column's own cursor)",
        description: `Same filters as the board. ${FILTERS}`,
        params: columnParams,
        querystring: columnQuery,
        response: { 200: columnPageOut, ...problems(400, 401, 404) },
      },
    },
    async (req) => getColumn(db, req.ctx, req.params.id, req.params.stageId, req.query),
  );

  app.post(
    '/api/v1/leads/:id/move',
    {
      config: { access: 'rep' },
      schema: {
        tags,
        summary: 'Move a card: to a stage, at a place in its column',
        description:
          '`beforeId`: directly above that card of the target column; `afterId`: directly below it (both: they must be adjacent); neither: on top. A stage change writes the stage history and a `stage_change` activity and applies the lifecycle rules (won converts the contact); a lost stage needs `lostReason`. Honours `If-Match` (412 when stale).',
        params: idParams,
        headers: z.looseObject({
          'if-match': z
            .string()
            .max(200)
            .optional()
            .describe('The ETag you read; a stale one fails with 412'),
        }),
        body: moveIn,
        response: { 200: moveOut, ...problems(400, 401, 403, 404, 412, 415, 422) },
      },
    },
    async (req, reply) => {
      const out = await moveLead(
        db,
        req.ctx,
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match'] as string | undefined),
      );
      return reply.header('etag', etagOf(out.lead)).send(out);
    },
  );
}
