import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiKeyCreate, apiKeyCreated, apiKeyOut } from '../../core/auth/api-keys.schemas.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../core/auth/api-keys.service.js';
import {
  addWorkspace,
  switchWorkspace,
  updateWorkspace,
  userWorkspaces,
} from '../../core/auth/auth.service.js';
import type { Db } from '../../core/db/client.js';
import { addMember, changeRole, listMembers, removeMember } from '../../core/workspaces/members.service.js';
import {
  memberCreate,
  memberOut,
  memberUpdate,
  workspaceCreate,
  workspaceOut,
  workspaceUpdate,
} from '../../core/workspaces/workspaces.schemas.js';
import { invalidatePrincipals } from '../auth.js';
import { idParams, problems } from './resource.js';

export function workspacesRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/v1/workspaces',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['Workspaces'],
        summary: 'Your workspaces',
        response: { 200: z.object({ data: z.array(workspaceOut) }), ...problems(401) },
      },
    },
    async (req) => ({ data: await userWorkspaces(db, req.session!.userId) }),
  );
  app.post(
    '/api/v1/workspaces',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['Workspaces'],
        summary: 'Create another workspace (you become its owner and work in it)',
        body: workspaceCreate,
        response: { 201: workspaceOut, ...problems(401, 422) },
      },
    },
    async (req, reply) => {
      const id = await addWorkspace(db, req.session!.userId, req.body);
      await switchWorkspace(db, req.session!, id);
      invalidatePrincipals();
      const ws = (await userWorkspaces(db, req.session!.userId)).find((w) => w.id === id)!;
      return reply.code(201).send(ws);
    },
  );
  app.patch(
    '/api/v1/workspace',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['Workspaces'],
        summary: 'Change the current workspace settings',
        body: workspaceUpdate,
        response: { 200: workspaceOut, ...problems(401, 403, 422) },
      },
    },
    async (req) => {
      await updateWorkspace(db, req.ctx, req.body);
      invalidatePrincipals();
      return (await userWorkspaces(db, req.ctx.userId!)).find((w) => w.id === req.ctx.workspaceId)!;
    },
  );

  const mtags = ['Members'];
  app.get(
    '/api/v1/members',
    {
      config: { access: 'viewer' },
      schema: {
        tags: mtags,
        summary: 'Members of the workspace',
        response: { 200: z.object({ data: z.array(memberOut) }), ...problems(401) },
      },
    },
    async (req) => ({ data: await listMembers(db, req.ctx) }),
  );
  app.post(
    '/api/v1/members',
    {
      config: { access: 'admin' },
      schema: {
        tags: mtags,
        summary: 'Add a person to the workspace (an existing user by email, or a new one)',
        body: memberCreate,
        response: { 201: memberOut, ...problems(401, 403, 409, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await addMember(db, req.ctx, req.body)),
  );
  app.patch(
    '/api/v1/members/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: mtags,
        summary: "Change a member's role",
        params: idParams,
        body: memberUpdate,
        response: { 200: memberOut, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (req) => {
      const m = await changeRole(db, req.ctx, req.params.id, req.body.role);
      invalidatePrincipals();
      return m;
    },
  );
  app.delete(
    '/api/v1/members/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: mtags,
        summary: 'Remove a member (their records keep them as owner)',
        params: idParams,
        response: { 204: z.null(), ...problems(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await removeMember(db, req.ctx, req.params.id);
      invalidatePrincipals();
      return reply.code(204).send(null);
    },
  );

  const ktags = ['API keys'];
  app.get(
    '/api/v1/api-keys',
    {
      config: { access: 'admin' },
      schema: {
        tags: ktags,
        summary: 'API keys of the workspace (never the secrets)',
        response: { 200: z.object({ data: z.array(apiKeyOut) }), ...problems(401, 403) },
      },
    },
    async (req) => ({ data: await listApiKeys(db, req.ctx) }),
  );
  app.post(
    '/api/v1/api-keys',
    {
      config: { access: 'admin' },
      schema: {
        tags: ktags,
        summary: 'Create an API key; the secret is in this response only',
        body: apiKeyCreate,
        response: { 201: apiKeyCreated, ...problems(401, 403, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await createApiKey(db, req.ctx, req.body)),
  );
  app.delete(
    '/api/v1/api-keys/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ktags,
        summary: 'Revoke an API key (at once)',
        params: idParams,
        response: { 200: apiKeyOut, ...problems(401, 403, 404) },
      },
    },
    async (req) => {
      const k = await revokeApiKey(db, req.ctx, req.params.id);
      invalidatePrincipals();
      return k;
    },
  );
}
