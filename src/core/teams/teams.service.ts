import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { assignmentRules, memberships, teamMembers, teams, users } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError, type FieldError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { checkVersion, iso } from '../shared/records.js';
import { loadTenantRow } from '../shared/tenant-rows.js';
import type { TeamCreate, TeamOut, TeamUpdate } from './teams.schemas.js';

type Row = typeof teams.$inferSelect;

/** Fails with 422 naming `<field>.<i>` unless every id is a distinct, active member of the workspace. */
export async function assertLiveMembers(db: Db, ctx: Ctx, userIds: string[], field: string): Promise<void> {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  userIds.forEach((id, i) => {
    if (seen.has(id)) errors.push({ field: `${field}.${i}`, reason: 'is listed twice' });
    seen.add(id);
  });
  if (userIds.length) {
    const rows = await db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(
        and(
          eq(memberships.workspaceId, ctx.workspaceId),
          inArray(memberships.userId, [...seen]),
          isNull(memberships.removedAt),
        ),
      );
    const live = new Set(rows.map((r) => r.userId));
    userIds.forEach((id, i) => {
      if (!live.has(id)) errors.push({ field: `${field}.${i}`, reason: 'is not a member of this workspace' });
    });
  }
  if (errors.length)
    throw new AppError('validation_failed', errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors);
}

async function membersOf(db: Db, ctx: Ctx, teamIds: string[]) {
  if (teamIds.length === 0) return new Map<string, TeamOut['members']>();
  const rows = await db
    .select({
      teamId: teamMembers.teamId,
      userId: users.id,
      name: users.name,
      email: users.email,
      removedAt: memberships.removedAt,
    })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .innerJoin(
      memberships,
      and(eq(memberships.workspaceId, teamMembers.workspaceId), eq(memberships.userId, teamMembers.userId)),
    )
    .where(and(eq(teamMembers.workspaceId, ctx.workspaceId), inArray(teamMembers.teamId, teamIds)))
    .orderBy(asc(users.name), asc(users.id));
  const out = new Map<string, TeamOut['members']>();
  for (const r of rows) {
    const list = out.get(r.teamId) ?? [];
    list.push({ userId: r.userId, name: r.name, email: r.email, active: r.removedAt === null });
    out.set(r.teamId, list);
  }
  return out;
}

const toTeam = (r: Row, members: TeamOut['members']): TeamOut => ({
  id: r.id,
  name: r.name,
  description: r.description,
  members,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  deletedAt: iso(r.deletedAt),
  version: r.version,
});

export async function listTeams(db: Db, ctx: Ctx): Promise<TeamOut[]> {
  const rows = await db
    .select()
    .from(teams)
    .where(and(eq(teams.workspaceId, ctx.workspaceId), isNull(teams.deletedAt)))
    .orderBy(asc(sql`lower(${teams.name})`), asc(teams.id));
  const members = await membersOf(
    db,
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toTeam(r, members.get(r.id) ?? []));
}

const loadRow = (db: Db, ctx: Ctx, id: string, opts: { lock?: boolean; withDeleted?: boolean } = {}) =>
  loadTenantRow(db, ctx, teams, 'Team', id, opts);

async function teamOut(db: Db, ctx: Ctx, row: Row): Promise<TeamOut> {
  return toTeam(row, (await membersOf(db, ctx, [row.id])).get(row.id) ?? []);
}

export async function getTeam(db: Db, ctx: Ctx, id: string): Promise<TeamOut> {
  return teamOut(db, ctx, await loadRow(db, ctx, id));
}

async function setMembers(tx: Db, ctx: Ctx, teamId: string, userIds: string[]) {
  await tx
    .delete(teamMembers)
    .where(and(eq(teamMembers.workspaceId, ctx.workspaceId), eq(teamMembers.teamId, teamId)));
  if (userIds.length)
    await tx
      .insert(teamMembers)
      .values(userIds.map((userId) => ({ workspaceId: ctx.workspaceId, teamId, userId })));
}

export async function createTeam(db: Db, ctx: Ctx, input: TeamCreate): Promise<TeamOut> {
  return db.transaction(async (tx) => {
    await assertLiveMembers(tx, ctx, input.userIds, 'userIds');
    const [row] = await tx
      .insert(teams)
      .values({
        workspaceId: ctx.workspaceId,
        id: newId(),
        name: input.name,
        description: input.description ?? null,
      })
      .returning();
    await setMembers(tx, ctx, row!.id, input.userIds);
    const out = await teamOut(tx, ctx, row!);
    await writeAudit(tx, ctx, { action: 'create', entity: 'team', entityId: out.id, after: out });
    return out;
  });
}

export async function updateTeam(
  db: Db,
  ctx: Ctx,
  id: string,
  input: TeamUpdate,
  ifMatch?: string,
): Promise<TeamOut> {
  return db.transaction(async (tx) => {
    const cur = await loadRow(tx, ctx, id, { lock: true });
    checkVersion('team', String(cur.version), ifMatch);
    const before = await teamOut(tx, ctx, cur);
    if (input.userIds) {
      // Members already on the team may stay even if they were removed from the workspace since.
      const keep = new Set(before.members.map((m) => m.userId));
      await assertLiveMembers(
        tx,
        ctx,
        input.userIds.filter((u) => !keep.has(u)),
        'userIds',
      );
      await setMembers(tx, ctx, id, input.userIds);
    }
    const set: Partial<typeof teams.$inferInsert> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.description !== undefined) set.description = input.description;
    const [row] = await tx
      .update(teams)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${teams.version} + 1` })
      .where(and(eq(teams.workspaceId, ctx.workspaceId), eq(teams.id, id)))
      .returning();
    const after = await teamOut(tx, ctx, row!);
    await writeAudit(tx, ctx, { action: 'update', entity: 'team', entityId: id, before, after });
    return after;
  });
}

/** Soft delete; refused (409) while an assignment rule that is not deleted rotates over the team. */
export async function deleteTeam(db: Db, ctx: Ctx, id: string): Promise<TeamOut> {
  return db.transaction(async (tx) => {
    const cur = await loadRow(tx, ctx, id, { lock: true });
    const using = await tx
      .select({ name: assignmentRules.name })
      .from(assignmentRules)
      .where(
        and(
          eq(assignmentRules.workspaceId, ctx.workspaceId),
          eq(assignmentRules.teamId, id),
          isNull(assignmentRules.deletedAt),
        ),
      );
    if (using.length)
      throw new AppError(
        'conflict',
        `The team is used by assignment rule(s) ${using.map((u) => `'${u.name}'`).join(', ')}; change or delete them first`,
        [{ field: 'id', reason: 'used by assignment rules' }],
      );
    const before = await teamOut(tx, ctx, cur);
    const [row] = await tx
      .update(teams)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${teams.version} + 1` })
      .where(and(eq(teams.workspaceId, ctx.workspaceId), eq(teams.id, id)))
      .returning();
    const after = await teamOut(tx, ctx, row!);
    await writeAudit(tx, ctx, { action: 'delete', entity: 'team', entityId: id, before, after });
    return after;
  });
}
