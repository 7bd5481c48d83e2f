import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import { compileCondition } from '../conditions/compile-sql.js';
import { validateCondition } from '../conditions/validate.js';
import type { Db } from '../db/client.js';
import { assignmentRules, leads, teams } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { checkVersion, iso } from '../shared/records.js';
import { loadTenantRow } from '../shared/tenant-rows.js';
import { assertLiveMembers } from '../teams/teams.service.js';
import type {
  AssignmentRuleCreate,
  AssignmentRuleOut,
  AssignmentRuleUpdate,
  AssignmentType,
} from './assignment.schemas.js';
import { invalidateAssignment } from './assignment-cache.js';

type Row = typeof assignmentRules.$inferSelect;

export const toRule = (r: Row): AssignmentRuleOut => ({
  id: r.id,
  name: r.name,
  type: r.type,
  userIds: r.userIds,
  teamId: r.teamId,
  conditions: r.conditions ?? null,
  priority: r.priority,
  active: r.active,
  assignedCount: r.rrCounter,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  deletedAt: iso(r.deletedAt),
  version: r.version,
});

const loadRow = (db: Db, ctx: Ctx, id: string, opts: { lock?: boolean; withDeleted?: boolean } = {}) =>
  loadTenantRow(db, ctx, assignmentRules, 'Assignment rule', id, opts);

/** The rules by priority (deleted ones with `deleted=true`). */
export async function listAssignmentRules(
  db: Db,
  ctx: Ctx,
  opts: { deleted?: boolean } = {},
): Promise<AssignmentRuleOut[]> {
  const rows = await db
    .select()
    .from(assignmentRules)
    .where(
      and(
        eq(assignmentRules.workspaceId, ctx.workspaceId),
        opts.deleted ? undefined : isNull(assignmentRules.deletedAt),
      ),
    )
    .orderBy(asc(assignmentRules.priority), asc(assignmentRules.id));
  return rows.map(toRule);
}

export async function getAssignmentRule(db: Db, ctx: Ctx, id: string): Promise<AssignmentRuleOut> {
  return toRule(await loadRow(db, ctx, id, { withDeleted: true }));
}

type Shape = {
  type: AssignmentType;
  userIds: string[];
  teamId: string | null;
  conditions: Record<string, unknown> | null;
};

/** Checks a rule as it will be stored: who it picks from, and its conditions on the new lead. */
async function checkRule(tx: Db, ctx: Ctx, r: Shape): Promise<void> {
  if (r.type === 'specific_user') {
    if (r.teamId)
      throw AppError.invalid('teamId', 'a specific_user rule names one user in userIds, not a team');
    if (r.userIds.length !== 1)
      throw AppError.invalid('userIds', 'a specific_user rule needs exactly one user');
  } else {
    if (r.teamId && r.userIds.length) throw AppError.invalid('teamId', 'give userIds or teamId, not both');
    if (!r.teamId && r.userIds.length === 0)
      throw AppError.invalid('userIds', `a ${r.type} rule needs at least one user or a team`);
  }
  await assertLiveMembers(tx, ctx, r.userIds, 'userIds');
  if (r.teamId) {
    const [team] = await tx
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.workspaceId, ctx.workspaceId), eq(teams.id, r.teamId), isNull(teams.deletedAt)));
    if (!team) throw AppError.invalid('teamId', 'is not a team of this workspace');
  }
  if (r.conditions)
    await validateCondition(tx, ctx, 'lead', r.conditions, { path: 'conditions', allowChangedTo: false });
}

export async function createAssignmentRule(
  db: Db,
  ctx: Ctx,
  input: AssignmentRuleCreate,
): Promise<AssignmentRuleOut> {
  const out = await db.transaction(async (tx) => {
    const shape: Shape = {
      type: input.type,
      userIds: input.userIds,
      teamId: input.teamId ?? null,
      conditions: input.conditions ?? null,
    };
    await checkRule(tx, ctx, shape);
    const [row] = await tx
      .insert(assignmentRules)
      .values({
        workspaceId: ctx.workspaceId,
        id: newId(),
        name: input.name,
        ...shape,
        priority: input.priority,
        active: input.active,
        createdBy: ctx.userId,
      })
      .returning();
    const o = toRule(row!);
    await writeAudit(tx, ctx, { action: 'create', entity: 'assignment_rule', entityId: o.id, after: o });
    invalidateAssignment(ctx.workspaceId);
    return o;
  });
  invalidateAssignment(ctx.workspaceId);
  return out;
}

export async function updateAssignmentRule(
  db: Db,
  ctx: Ctx,
  id: string,
  input: AssignmentRuleUpdate,
  ifMatch?: string,
): Promise<AssignmentRuleOut> {
  const out = await db.transaction(async (tx) => {
    const cur = await loadRow(tx, ctx, id, { lock: true });
    checkVersion('assignment rule', String(cur.version), ifMatch);
    const type = input.type ?? cur.type;
    // Switching between users and a team: giving one clears the other.
    const teamId = input.teamId !== undefined ? input.teamId : input.userIds?.length ? null : cur.teamId;
    const userIds = input.userIds ?? (input.teamId ? [] : cur.userIds);
    const shape: Shape = {
      type,
      userIds,
      teamId,
      conditions: input.conditions !== undefined ? input.conditions : cur.conditions,
    };
    if (
      input.type !== undefined ||
      input.userIds !== undefined ||
      input.teamId !== undefined ||
      input.conditions !== undefined
    )
      await checkRule(tx, ctx, shape);
    const set: Partial<typeof assignmentRules.$inferInsert> = { ...shape };
    if (input.name !== undefined) set.name = input.name;
    if (input.priority !== undefined) set.priority = input.priority;
    if (input.active !== undefined) set.active = input.active;
    // A new rotation starts at the first user.
    if (input.userIds !== undefined || input.teamId !== undefined) set.rrCounter = 0;
    const [row] = await tx
      .update(assignmentRules)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${assignmentRules.version} + 1` })
      .where(and(eq(assignmentRules.workspaceId, ctx.workspaceId), eq(assignmentRules.id, id)))
      .returning();
    const o = toRule(row!);
    await writeAudit(tx, ctx, {
      action: 'update',
      entity: 'assignment_rule',
      entityId: id,
      before: toRule(cur),
      after: o,
    });
    invalidateAssignment(ctx.workspaceId);
    return o;
  });
  invalidateAssignment(ctx.workspaceId);
  return out;
}

export async function setAssignmentRuleDeleted(
  db: Db,
  ctx: Ctx,
  id: string,
  deleted: boolean,
): Promise<AssignmentRuleOut> {
  const out = await db.transaction(async (tx) => {
    const cur = await loadRow(tx, ctx, id, { lock: true, withDeleted: true });
    if (deleted === (cur.deletedAt !== null)) return toRule(cur);
    const [row] = await tx
      .update(assignmentRules)
      .set({
        deletedAt: deleted ? sql`now()` : null,
        updatedAt: sql`now()`,
        version: sql`${assignmentRules.version} + 1`,
      })
      .where(and(eq(assignmentRules.workspaceId, ctx.workspaceId), eq(assignmentRules.id, id)))
      .returning();
    const o = toRule(row!);
    await writeAudit(tx, ctx, {
      action: deleted ? 'delete' : 'restore',
      entity: 'assignment_rule',
      entityId: id,
      before: toRule(cur),
      after: o,
    });
    invalidateAssignment(ctx.workspaceId);
    return o;
  });
  invalidateAssignment(ctx.workspaceId);
  return out;
}

/**
 * How many open leads the rule's conditions select right now, by the compiled SQL (the same
 * condition the engine evaluates in memory on each new lead), with a few of them.
 */
export async function previewAssignmentRule(db: Db, ctx: Ctx, id: string) {
  const rule = await loadRow(db, ctx, id, { withDeleted: true });
  const where = rule.conditions
    ? compileCondition(
        await validateCondition(db, ctx, 'lead', rule.conditions, {
          path: 'conditions',
          allowChangedTo: false,
        }),
      )
    : sql`true`;
  const base = and(
    eq(leads.workspaceId, ctx.workspaceId),
    isNull(leads.deletedAt),
    sql`${leads.status} not in ('won', 'lost')`,
    where,
  );
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(leads).where(base);
  const sample = await db
    .select({ id: leads.id, title: leads.title })
    .from(leads)
    .where(base)
    .orderBy(sql`${leads.createdAt} desc`)
    .limit(5);
  return { matching: Number(count?.n ?? 0), sample };
}
