import { randomBytes } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { apiKeys, memberships, workspaces } from '../db/schema/index.js';
import { type Ctx, type Role, roleAtLeast } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { ApiKeyOut } from './api-keys.schemas.js';
import { sha256 } from './auth.service.js';

type Row = typeof apiKeys.$inferSelect;
const toOut = (r: Row): ApiKeyOut => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  role: r.role,
  createdAt: r.createdAt.toISOString(),
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  revokedAt: r.revokedAt?.toISOString() ?? null,
});

/** Creates an API key. The secret is returned once; only its SHA-256 is stored. */
export async function createApiKey(
  db: Db,
  ctx: Ctx,
  input: { name: string; role: Exclude<Role, 'owner'> },
): Promise<ApiKeyOut & { key: string }> {
  if (!ctx.userId) throw AppError.forbidden('API keys are created by a signed-in member');
  const prefix = `lb_${randomBytes(4).toString('hex')}`;
  const key = `${prefix}_${randomBytes(24).toString('base64url')}`;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({
        workspaceId: ctx.workspaceId,
        id: newId(),
        name: input.name,
        prefix,
        keyHash: sha256(key),
        role: input.role,
        createdBy: ctx.userId!,
      })
      .returning();
    const out = toOut(row!);
    await writeAudit(tx, ctx, { action: 'create', entity: 'api_key', entityId: out.id, after: out });
    return { ...out, key };
  });
}

export async function listApiKeys(db: Db, ctx: Ctx): Promise<ApiKeyOut[]> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.workspaceId, ctx.workspaceId))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(toOut);
}

export async function revokeApiKey(db: Db, ctx: Ctx, id: string): Promise<ApiKeyOut> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.workspaceId, ctx.workspaceId), eq(apiKeys.id, id)))
      .for('update');
    if (!before) throw AppError.notFound('API key', id);
    if (before.revokedAt) return toOut(before);
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiKeys.workspaceId, ctx.workspaceId), eq(apiKeys.id, id)))
      .returning();
    const out = toOut(row!);
    await writeAudit(tx, ctx, {
      action: 'revoke',
      entity: 'api_key',
      entityId: id,
      before: toOut(before),
      after: out,
    });
    return out;
  });
}

export type ApiKeyPrincipal = { apiKeyId: string; workspaceId: string; role: Role; createdBy: string };

/**
 * Resolves a bearer key; null when unknown or revoked, or when its creator has left the workspace.
 * A key acts with its own role, but never more than its creator's current role (a demoted admin's
 * keys lose admin powers with them).
 */
export async function lookupApiKey(db: Db, key: string): Promise<ApiKeyPrincipal | null> {
  const [row] = await db
    .select({
      k: apiKeys,
      removedAt: memberships.removedAt,
      creatorRole: memberships.role,
      ws: workspaces.id,
    })
    .from(apiKeys)
    .innerJoin(
      memberships,
      and(eq(memberships.workspaceId, apiKeys.workspaceId), eq(memberships.userId, apiKeys.createdBy)),
    )
    .innerJoin(workspaces, eq(workspaces.id, apiKeys.workspaceId))
    .where(eq(apiKeys.keyHash, sha256(key)));
  if (!row || row.k.revokedAt || row.removedAt) return null;
  const role = roleAtLeast(row.creatorRole, row.k.role) ? row.k.role : row.creatorRole;
  return { apiKeyId: row.k.id, workspaceId: row.k.workspaceId, role, createdBy: row.k.createdBy };
}

export async function touchApiKey(db: Db, p: ApiKeyPrincipal): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.workspaceId, p.workspaceId), eq(apiKeys.id, p.apiKeyId)));
}
