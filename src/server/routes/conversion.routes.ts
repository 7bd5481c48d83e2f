import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { leadConvertIn, leadConvertOut } from '../../core/conversion/conversion.schemas.js';
import { convertLead } from '../../core/conversion/conversion.service.js';
import type { Db } from '../../core/db/client.js';
import { idParams, problems } from './resource.js';

export function conversionRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/v1/leads/:id/convert',
    {
      config: { access: 'rep' },
      schema: {
        tags: ['Leads'],
        summary: 'Convert a lead into an account, a contact link and a deal (preview first)',
        description:
          "With `preview: true` nothing is written: the answer says which account is created or linked (the contact's, else matched by email domain, else by a similar name), which deal is created or joined, and which custom values carry over. Without it the conversion runs in one transaction: all or nothing.",
        params: idParams,
        body: leadConvertIn,
        response: { 200: leadConvertOut, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => convertLead(db, req.ctx, req.params.id, req.body),
  );
}
