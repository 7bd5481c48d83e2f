import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.js';
import { teamCreate, teamOut, teamUpdate } from '../../core/teams/teams.schemas.js';
import { createTeam, deleteTeam, getTeam, listTeams, updateTeam } from '../../core/teams/teams.service.js';
import { etagOf, idParams, parseIfMatch, problems } from './resource.js';

/** Teams of members (assignment rules can rotate over a team). Every member reads; managers and up change them. */
export function teamsRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Teams'];
  const base = '/api/v1/teams';
  app.get(
    base,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Teams with their members, by name',
        response: { 200: z.object({ data: z.array(teamOut) }), ...problems(401) },
      },
    },
    async (req) => ({ data: await listTeams(db, req.ctx) }),
  );
  app.post(
    base,
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Create a team',
        body: teamCreate,
        response: { 201: teamOut, ...problems(400, 401, 403, 415, 422) },
      },
    },
    async (req, reply) => {
      const t = await createTeam(db, req.ctx, req.body);
      return reply.code(201).header('location', `${base}/${t.id}`).header('etag', etagOf(t)).send(t);
    },
  );
  app.get(
    `${base}/:id`,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Get a team',
        params: idParams,
        response: { 200: teamOut, ...problems(400, 401, 404) },
      },
    },
    async (req, reply) => {
      const t = await getTeam(db, req.ctx, req.params.id);
      return reply.header('etag', etagOf(t)).send(t);
    },
  );
  app.patch(
    `${base}/:id`,
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Rename a team or replace its members',
        params: idParams,
        body: teamUpdate,
        response: { 200: teamOut, ...problems(400, 401, 403, 404, 412, 415, 422) },
      },
    },
    async (req, reply) => {
      const t = await updateTeam(
        db,
        req.ctx,
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match'] as string | undefined),
      );
      return reply.header('etag', etagOf(t)).send(t);
    },
  );
  app.delete(
    `${base}/:id`,
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Delete a team (refused while an assignment rule uses it)',
        params: idParams,
        response: { 200: teamOut, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => deleteTeam(db, req.ctx, req.params.id),
  );
}
