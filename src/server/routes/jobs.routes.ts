import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../../core/db/client.js';
import { getJob, jobOut } from '../../core/jobs/jobs.service.js';
import { idParams, problems } from './resource.js';

export function jobsRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/v1/jobs/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['Jobs'],
        summary: 'A background job: status, progress, result or error',
        params: idParams,
        response: { 200: jobOut, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => getJob(db, req.ctx, req.params.id),
  );
}
