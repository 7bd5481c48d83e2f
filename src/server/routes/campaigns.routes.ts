import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { campaignCreate, campaignOut, campaignUpdate } from '../../core/campaigns/campaigns.schemas.js';
import {
  createCampaign,
  deleteCampaign,
  getCampaign,
  listCampaigns,
  updateCampaign,
} from '../../core/campaigns/campaigns.service.js';
import type { Db } from '../../core/db/client.js';
import { etagOf, idParams, parseIfMatch, problems } from './resource.js';

/** Campaigns and their spend per period (for cost per lead). Every member reads; managers and up change them. */
export function campaignsRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Campaigns'];
  const base = '/api/v1/campaigns';
  app.get(
    base,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Campaigns with their costs, by name',
        response: { 200: z.object({ data: z.array(campaignOut) }), ...problems(401) },
      },
    },
    async (req) => ({ data: await listCampaigns(db, req.ctx) }),
  );
  app.post(
    base,
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Create a campaign (name as leads carry it in `campaign`) with its costs',
        body: campaignCreate,
        response: { 201: campaignOut, ...problems(400, 401, 403, 409, 415, 422) },
      },
    },
    async (req, reply) => {
      const c = await createCampaign(db, req.ctx, req.body);
      return reply.code(201).header('location', `${base}/${c.id}`).header('etag', etagOf(c)).send(c);
    },
  );
  app.get(
    `${base}/:id`,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Get a campaign',
        params: idParams,
        response: { 200: campaignOut, ...problems(400, 401, 404) },
      },
    },
    async (req, reply) => {
      const c = await getCampaign(db, req.ctx, req.params.id);
      return reply.header('etag', etagOf(c)).send(c);
    },
  );
  app.patch(
    `${base}/:id`,
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Change a campaign; `costs` replaces the whole list of cost periods',
        params: idParams,
        body: campaignUpdate,
        response: { 200: campaignOut, ...problems(400, 401, 403, 404, 409, 412, 415, 422) },
      },
    },
    async (req, reply) => {
      const c = await updateCampaign(
        db,
        req.ctx,
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match'] as string | undefined),
      );
      return reply.header('etag', etagOf(c)).send(c);
    },
  );
  app.delete(
    `${base}/:id`,
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Delete a campaign (its spend leaves the reports; leads keep their campaign name)',
        params: idParams,
        response: { 200: campaignOut, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => deleteCampaign(db, req.ctx, req.params.id),
  );
}
