import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { lookupApiKey, touchApiKey } from '../core/auth/api-keys.service.js';
import { lookupSession, type SessionInfo, workspaceSettings } from '../core/auth/auth.service.js';
import type { Db } from '../core/db/client.js';
import { type Ctx, type Role, roleAtLeast } from '../core/shared/context.js';
import { AppError } from '../core/shared/errors.js';

export const SESSION_COOKIE = 'lb_session';

/** Who may call a route: anyone, any signed-in person, or members of at least a role. */
export type Access = 'public' | 'signed-in' | Role;

declare module 'fastify' {
  interface FastifyRequest {
    ctx: Ctx;
    session: SessionInfo | null;
  }
  interface FastifyContextConfig {
    access?: Access;
    /** The route takes multipart/form-data (file uploads); every other route refuses it with 415. */
    multipart?: boolean;
  }
}

type Principal =
  | { kind: 'key'; apiKeyId: string; userId: string; workspaceId: string; role: Role; country: string }
  | { kind: 'session'; session: SessionInfo; country: string | null };

/**
 * A short-lived in-process cache of resolved credentials, so a request costs one query, not two.
 * Anything that revokes access (key revoked, member removed, sign-out) clears it.
 */
const cache = new Map<string, { p: Principal | null; until: number }>();
const TTL_MS = 5_000;
export const invalidatePrincipals = (): void => cache.clear();

const keyOf = (s: string) => createHash('sha256').update(s).digest('base64url');

async function resolve(db: Db, kind: 'key' | 'session', secret: string): Promise<Principal | null> {
  const k = `${kind}:${keyOf(secret)}`;
  const hit = cache.get(k);
  if (hit && hit.until > Date.now()) return hit.p;
  let p: Principal | null = null;
  if (kind === 'key') {
    const key = await lookupApiKey(db, secret);
    if (key) {
      const ws = await workspaceSettings(db, key.workspaceId);
      p = {
        kind: 'key',
        apiKeyId: key.apiKeyId,
        userId: key.createdBy,
        workspaceId: key.workspaceId,
        role: key.role,
        country: ws.defaultCountry,
      };
      touchApiKey(db, key).catch(() => {});
    }
  } else {
    const s = await lookupSession(db, secret);
    if (s)
      p = {
        kind: 'session',
        session: s,
        country: s.workspaceId ? (await workspaceSettings(db, s.workspaceId)).defaultCountry : null,
      };
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(k, { p, until: Date.now() + TTL_MS });
  return p;
}

export function registerAuth(app: FastifyInstance, db: Db): void {
  app.decorateRequest('ctx', null as unknown as Ctx);
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
    const access = req.routeOptions.config?.access;
    if (!access || access === 'public') return;
    const auth = req.headers.authorization;
    let principal: Principal | null = null;
    if (auth) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      if (!m) throw new AppError('unauthenticated', 'Authorization must be "Bearer <api key>"');
      principal = await resolve(db, 'key', m[1]!);
      if (!principal) throw new AppError('unauthenticated', 'The API key is unknown or revoked');
    } else {
      const token = req.cookies[SESSION_COOKIE];
      if (token) principal = await resolve(db, 'session', token);
      if (!principal)
        throw new AppError('unauthenticated', 'Sign in, or send an API key as "Authorization: Bearer <key>"');
    }
    if (principal.kind === 'session') req.session = principal.session;
    if (access === 'signed-in') {
      if (principal.kind === 'key')
        throw AppError.forbidden('This endpoint is for signed-in people, not API keys');
      if (principal.session.workspaceId && principal.session.role)
        req.ctx = ctxOf(
          req,
          principal.session.workspaceId,
          principal.session.userId,
          null,
          principal.session.role,
          principal.country,
        );
      return;
    }
    const ctx =
      principal.kind === 'key'
        ? ctxOf(
            req,
            principal.workspaceId,
            principal.userId,
            principal.apiKeyId,
            principal.role,
            principal.country,
          )
        : principal.session.workspaceId && principal.session.role
          ? ctxOf(
              req,
              principal.session.workspaceId,
              principal.session.userId,
              null,
              principal.session.role,
              principal.country,
            )
          : null;
    if (!ctx) throw AppError.forbidden('You are not a member of a workspace; create one first');
    if (!roleAtLeast(ctx.role, access))
      throw AppError.forbidden(
        access === 'rep' ? 'Viewers cannot change records' : `This needs the ${access} role or higher`,
      );
    req.ctx = ctx;
  });
}

function ctxOf(
  req: FastifyRequest,
  workspaceId: string,
  userId: string,
  apiKeyId: string | null,
  role: Role,
  country: string | null,
): Ctx {
  return { workspaceId, userId, apiKeyId, role, requestId: req.id, defaultCountry: country ?? undefined };
}
