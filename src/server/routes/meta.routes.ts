import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAudit } from '../../core/audit/audit.service.js';
import type { Db } from '../../core/db/client.js';
import { problems } from './resource.js';

export function metaRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/v1/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Health'],
        summary: 'Liveness and database check',
        response: { 200: z.object({ status: z.literal('ok') }), ...problems(500) },
      },
    },
    async () => {
      await db.execute(sql`select 1`);
      return { status: 'ok' as const };
    },
  );
  const auditEntry = z.object({
    id: z.uuid(),
    at: z.string(),
    actorUserId: z.string().nullable(),
    actorApiKeyId: z.string().nullable().describe('Set when the change was made with an API key'),
    action: z.string().describe('create, update, delete, restore, link, unlink, revoke, …'),
    entity: z.string().describe('lead, contact, account, deal, activity, member, api_key, workspace, …'),
    entityId: z.string().nullable(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    requestId: z.string().nullable(),
  });
  app.get(
    '/api/v1/audit',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['Audit'],
        summary: 'Audit entries, newest first (immutable)',
        querystring: z.strictObject({
          entity: z.string().max(50).optional().describe('e.g. lead'),
          id: z.uuid().optional().describe('The record id'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.uuid().optional().describe('`nextCursor` of the previous page'),
        }),
        response: {
          200: z.object({ data: z.array(auditEntry), nextCursor: z.string().nullable() }),
          ...problems(400, 401),
        },
      },
    },
    async (req) => listAudit(db, req.ctx, req.query),
  );
}
