import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loginBody, sessionOut, signupBody, switchBody } from '../../core/auth/auth.schemas.js';
import * as auth from '../../core/auth/auth.service.js';
import type { Db } from '../../core/db/client.js';
import { AppError } from '../../core/shared/errors.js';
import { invalidatePrincipals, SESSION_COOKIE } from '../auth.js';
import { problems } from './resource.js';

const tags = ['Auth'];

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: req.protocol === 'https' || process.env.COOKIE_SECURE === 'true',
    maxAge: auth.SESSION_DAYS * 86_400,
  });
}

async function sessionBody(db: Db, userId: string, workspaceId: string | null) {
  const workspaces = await auth.userWorkspaces(db, userId);
  return {
    user: await auth.getUser(db, userId),
    workspace: workspaces.find((w) => w.id === workspaceId) ?? null,
    workspaces,
  };
}

export function authRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/v1/auth/signup',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Sign up: creates a user and their workspace, and signs in',
        body: signupBody,
        response: {
          201: sessionOut.extend({ user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }) }),
          ...problems(400, 409, 422),
        },
      },
    },
    async (req, reply) => {
      const { userId, workspaceId } = await auth.signup(db, req.body);
      setSessionCookie(req, reply, await auth.createSession(db, userId, workspaceId));
      return reply.code(201).send(await sessionBody(db, userId, workspaceId));
    },
  );
  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Sign in with email and password; sets the session cookie',
        body: loginBody,
        response: { 200: sessionOut, ...problems(400, 401, 404, 422) },
      },
    },
    async (req, reply) => {
      const userId = await auth.checkCredentials(db, req.body.email, req.body.password);
      const token = await auth.createSession(db, userId, req.body.workspaceId ?? null);
      setSessionCookie(req, reply, token);
      const s = await auth.lookupSession(db, token);
      return sessionBody(db, userId, s?.workspaceId ?? null);
    },
  );
  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Sign out (ends the session)', response: { 204: z.null() } },
    },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await auth.destroySession(db, token);
      invalidatePrincipals();
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/auth/me',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'The signed-in user, their workspaces and the current one',
        response: { 200: sessionOut, ...problems(401) },
      },
    },
    async (req) => sessionBody(db, req.session!.userId, req.ctx?.workspaceId ?? null),
  );
  app.post(
    '/api/v1/auth/switch-workspace',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Work in another of your workspaces',
        body: switchBody,
        response: { 200: sessionOut, ...problems(401, 404, 422) },
      },
    },
    async (req) => {
      if (!req.session) throw new AppError('unauthenticated', 'Sign in first');
      await auth.switchWorkspace(db, req.session, req.body.workspaceId);
      invalidatePrincipals();
      return sessionBody(db, req.session.userId, req.body.workspaceId);
    },
  );
}
