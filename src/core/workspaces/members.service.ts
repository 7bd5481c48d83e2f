import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import { hashPassword, UNUSABLE_PASSWORD } from '../auth/passwords.js';
import type { Db } from '../db/client.js';
import { memberships, users } from '../db/schema/index.js';
import type { Ctx, Role } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { MemberCreate, MemberOut } from './workspaces.schemas.js';

/** Fails unless the user is an active member of the workspace (used for owner and assignee fields). */
export async function assertMember(db: Db, ctx: Ctx, userId: string, field: string): Promise<void> {
  const [m] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      and(
        eq(memberships.workspaceId, ctx.workspaceId),
        eq(memberships.userId, userId),
        isNull(memberships.removedAt),
      ),
    );
  if (!m) throw AppError.invalid(field, 'is not a member of this workspace');
}

export async function listMembers(db: Db, ctx: Ctx): Promise<MemberOut[]> {
  const rows = await db
    .select({ m: memberships, u: users })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, ctx.workspaceId))
    .orderBy(asc(users.name));
  return rows.map(({ m, u }) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: m.role,
    active: m.removedAt === null,
    joinedAt: m.createdAt.toISOString(),
  }));
}

/** Adds a person to the workspace: an existing user by email, or a new user. */
export async function addMember(db: Db, ctx: Ctx, input: MemberCreate): Promise<MemberOut> {
  const passwordHash = input.password ? await hashPassword(input.password) : UNUSABLE_PASSWORD;
  return db.transaction(async (tx) => {
    let [user] = await tx.select().from(users).where(sql`lower(${users.email}) = ${input.email}`);
    if (!user) {
      [user] = await tx
        .insert(users)
        .values({ id: newId(), email: input.email, name: input.name, passwordHash })
        .returning();
    }
    const [existing] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.workspaceId, ctx.workspaceId), eq(memberships.userId, user!.id)));
    if (existing && existing.removedAt === null)
      throw new AppError('conflict', `${input.email} is already a member`, [
        { field: 'email', reason: 'already a member of this workspace' },
      ]);
    if (existing) {
      await tx
        .update(memberships)
        .set({ role: input.role, removedAt: null, updatedAt: sql`now()` })
        .where(and(eq(memberships.workspaceId, ctx.workspaceId), eq(memberships.userId, user!.id)));
    } else {
      await tx
        .insert(memberships)
        .values({ workspaceId: ctx.workspaceId, userId: user!.id, role: input.role });
    }
    const out: MemberOut = {
      id: user!.id,
      email: user!.email,
      name: user!.name,
      role: input.role,
      active: true,
      joinedAt: new Date().toISOString(),
    };
    await writeAudit(tx, ctx, { action: 'create', entity: 'member', entityId: user!.id, after: out });
    return out;
  });
}

async function ownerCount(db: Db, ctx: Ctx): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(
      and(
        eq(memberships.workspaceId, ctx.workspaceId),
        eq(memberships.role, 'owner'),
        isNull(memberships.removedAt),
      ),
    );
  return r?.n ?? 0;
}

async function loadMembership(db: Db, ctx: Ctx, userId: string) {
  const [m] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, ctx.workspaceId), eq(memberships.userId, userId)))
    .for('update');
  if (!m) throw AppError.notFound('Member', userId);
  return m;
}

export async function changeRole(db: Db, ctx: Ctx, userId: string, role: Role): Promise<MemberOut> {
  return db.transaction(async (tx) => {
    const m = await loadMembership(tx, ctx, userId);
    if ((role === 'owner' || m.role === 'owner') && ctx.role !== 'owner')
      throw AppError.forbidden('Only an owner can make or unmake owners');
    if (m.role === 'owner' && role !== 'owner' && (await ownerCount(tx, ctx)) <= 1)
      throw new AppError('conflict', 'A workspace keeps at least one owner', [
        { field: 'role', reason: 'this is the last owner' },
      ]);
    await tx
      .update(memberships)
      .set({ role, updatedAt: sql`now()` })
      .where(and(eq(memberships.workspaceId, ctx.workspaceId), eq(memberships.userId, userId)));
    await writeAudit(tx, ctx, {
      action: 'update',
      entity: 'member',
      entityId: userId,
      before: { role: m.role },
      after: { role },
    });
    return (await listMembers(tx, ctx)).find((x) => x.id === userId)!;
  });
}

/** Deactivates a membership; records owned by the member keep their owner. */
export async function removeMember(db: Db, ctx: Ctx, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const m = await loadMembership(tx, ctx, userId);
    if (m.removedAt) return;
    if (m.role === 'owner' && (await ownerCount(tx, ctx)) <= 1)
      throw new AppError('conflict', 'The last owner cannot be removed');
    if (m.role === 'owner' && ctx.role !== 'owner')
      throw AppError.forbidden('Only an owner can remove an owner');
    await tx
      .update(memberships)
      .set({ removedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(memberships.workspaceId, ctx.workspaceId), eq(memberships.userId, userId)));
    await writeAudit(tx, ctx, {
      action: 'delete',
      entity: 'member',
      entityId: userId,
      before: { role: m.role },
    });
  });
}
