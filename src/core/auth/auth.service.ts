import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { memberships, sessions, users, workspaces } from '../db/schema/index.js';
import { createDefaultPipeline } from '../pipelines/pipelines.service.js';
import { type Ctx, type Role, systemCtx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { WorkspaceOut } from '../workspaces/workspaces.schemas.js';
import type { SignupBody } from './auth.schemas.js';
import { hashPassword, verifyPassword } from './passwords.js';

export const SESSION_DAYS = 30;
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Creates a workspace (with its default pipeline) owned by the user. */
export async function createWorkspace(
  tx: Db,
  userId: string,
  input: { name: string; defaultCountry?: string; currency?: string },
): Promise<string> {
  const id = newId();
  await tx
    .insert(workspaces)
    .values({ id, name: input.name, defaultCountry: input.defaultCountry, currency: input.currency });
  await tx.insert(memberships).values({ workspaceId: id, userId, role: 'owner' });
  await createDefaultPipeline(tx, id);
  await writeAudit(tx, systemCtx(id, userId), {
    action: 'create',
    entity: 'workspace',
    entityId: id,
    after: input,
  });
  return id;
}

export async function signup(db: Db, input: SignupBody): Promise<{ userId: string; workspaceId: string }> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${input.email}`);
    if (taken)
      throw new AppError('conflict', 'An account with this email already exists; sign in instead', [
        { field: 'email', reason: 'already registered' },
      ]);
    const userId = newId();
    await tx.insert(users).values({ id: userId, email: input.email, name: input.name, passwordHash });
    const workspaceId = await createWorkspace(tx, userId, { name: input.workspaceName });
    return { userId, workspaceId };
  });
}

export async function checkCredentials(db: Db, email: string, password: string): Promise<string> {
  const [u] = await db.select().from(users).where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`);
  // Verify against a dummy hash when the user is unknown so timing does not reveal which emails exist.
  const ok = await verifyPassword(password, u?.passwordHash ?? DUMMY_HASH);
  if (!u || !ok) throw new AppError('unauthenticated', 'Email or password is wrong');
  return u.id;
}
const DUMMY_HASH = await hashPassword(randomBytes(16).toString('hex'));

export async function userWorkspaces(db: Db, userId: string): Promise<WorkspaceOut[]> {
  const rows = await db
    .select({ w: workspaces, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.userId, userId), isNull(memberships.removedAt)))
    .orderBy(asc(workspaces.name));
  return rows.map(({ w, role }) => ({
    id: w.id,
    name: w.name,
    role,
    defaultCountry: w.defaultCountry,
    currency: w.currency,
  }));
}

const notYourWorkspace = (id: string) =>
  new AppError('not_found', `Workspace ${id} was not found`, [
    { field: 'workspaceId', reason: 'is not one of your workspaces' },
  ]);

/** Opens a session; returns the raw token for the cookie (only its hash is stored). */
export async function createSession(db: Db, userId: string, workspaceId: string | null): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  let ws = workspaceId;
  if (ws) {
    const list = await userWorkspaces(db, userId);
    if (!list.some((w) => w.id === ws)) throw notYourWorkspace(ws);
  } else {
    ws = (await userWorkspaces(db, userId))[0]?.id ?? null;
  }
  await db.insert(sessions).values({
    id: newId(),
    tokenHash: sha256(token),
    userId,
    currentWorkspaceId: ws,
    expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000),
  });
  return token;
}

export async function destroySession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, sha256(token)));
}

export type SessionInfo = {
  sessionId: string;
  userId: string;
  workspaceId: string | null;
  role: Role | null;
};

/** Resolves a session cookie to the user and the role in the session's workspace (null when not a member). */
export async function lookupSession(db: Db, token: string): Promise<SessionInfo | null> {
  const [row] = await db
    .select({ s: sessions, role: memberships.role })
    .from(sessions)
    .leftJoin(
      memberships,
      and(
        eq(memberships.workspaceId, sessions.currentWorkspaceId),
        eq(memberships.userId, sessions.userId),
        isNull(memberships.removedAt),
      ),
    )
    .where(and(eq(sessions.tokenHash, sha256(token)), gt(sessions.expiresAt, sql`now()`)));
  if (!row) return null;
  return { sessionId: row.s.id, userId: row.s.userId, workspaceId: row.s.currentWorkspaceId, role: row.role };
}

export async function switchWorkspace(db: Db, session: SessionInfo, workspaceId: string): Promise<void> {
  const list = await userWorkspaces(db, session.userId);
  if (!list.some((w) => w.id === workspaceId)) throw notYourWorkspace(workspaceId);
  await db
    .update(sessions)
    .set({ currentWorkspaceId: workspaceId })
    .where(eq(sessions.id, session.sessionId));
}

export async function getUser(db: Db, userId: string) {
  const [u] = await db.select().from(users).where(eq(users.id, userId));
  if (!u) throw AppError.notFound('User', userId);
  return { id: u.id, email: u.email, name: u.name };
}

export async function addWorkspace(
  db: Db,
  ctxUserId: string,
  input: { name: string; defaultCountry?: string; currency?: string },
): Promise<string> {
  return db.transaction((tx) => createWorkspace(tx, ctxUserId, input));
}

export async function updateWorkspace(
  db: Db,
  ctx: Ctx,
  input: { name?: string; defaultCountry?: string; currency?: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(workspaces)
      .where(eq(workspaces.id, ctx.workspaceId))
      .for('update');
    await tx
      .update(workspaces)
      .set({ ...input, updatedAt: sql`now()` })
      .where(eq(workspaces.id, ctx.workspaceId));
    await writeAudit(tx, ctx, {
      action: 'update',
      entity: 'workspace',
      entityId: ctx.workspaceId,
      before: before
        ? { name: before.name, defaultCountry: before.defaultCountry, currency: before.currency }
        : null,
      after: input,
    });
  });
}

export async function workspaceSettings(db: Db, workspaceId: string) {
  const [w] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!w) throw AppError.notFound('Workspace', workspaceId);
  return w;
}
