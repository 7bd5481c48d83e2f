import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { writeAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import {
  leadAssignments,
  leads,
  memberCapacity,
  memberships,
  teamMembers,
  teams,
  users,
  workspaces,
} from '../db/schema/index.js';
import { patchLead } from '../leads/leads.service.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { assertMember } from '../workspaces/members.service.js';
import type { CapacityIn, LeadAssignmentOut, WorkloadOut } from './assignment.schemas.js';
import { invalidateAssignment } from './assignment-cache.js';

/** A lead's owner changes, newest first, with the reason (rule and position, candidates' loads). */
export async function leadAssignmentHistory(db: Db, ctx: Ctx, leadId: string): Promise<LeadAssignmentOut[]> {
  const [lead] = await db
    .select({ id: leads.id })
    .from(leads)
    .where(and(eq(leads.workspaceId, ctx.workspaceId), eq(leads.id, leadId)));
  if (!lead) throw AppError.notFound('Lead', leadId);
  const from = alias(users, 'from_user');
  const to = alias(users, 'to_user');
  const rows = await db
    .select({ a: leadAssignments, fromName: from.name, toName: to.name })
    .from(leadAssignments)
    .leftJoin(from, eq(from.id, leadAssignments.fromUserId))
    .leftJoin(to, eq(to.id, leadAssignments.toUserId))
    .where(and(eq(leadAssignments.workspaceId, ctx.workspaceId), eq(leadAssignments.leadId, leadId)))
    .orderBy(desc(leadAssignments.createdAt), desc(leadAssignments.id));
  return rows.map(({ a, fromName, toName }) => ({
    id: a.id,
    leadId: a.leadId,
    fromUserId: a.fromUserId,
    fromName,
    toUserId: a.toUserId,
    toName,
    reason: a.reason,
    ruleId: a.ruleId,
    details: a.details,
    assignedBy: a.assignedBy,
    createdAt: a.createdAt.toISOString(),
  }));
}

/**
 * Gives many leads one owner in one transaction (all or nothing): each through patchLead, so each
 * gets its history row (reason bulk), timeline entry, audit entry and score.
 */
export async function bulkAssign(
  db: Db,
  ctx: Ctx,
  input: { leadIds: string[]; ownerId: string | null },
): Promise<{ updated: number; unchanged: number }> {
  return db.transaction(async (tx) => {
    if (input.ownerId) await assertMember(tx, ctx, input.ownerId, 'ownerId');
    const ids = [...new Set(input.leadIds)];
    const current = await tx
      .select({ id: leads.id, ownerId: leads.ownerId })
      .from(leads)
      .where(and(eq(leads.workspaceId, ctx.workspaceId), inArray(leads.id, ids), isNull(leads.deletedAt)));
    const owners = new Map(current.map((r) => [r.id, r.ownerId]));
    const missing = input.leadIds.flatMap((id, i) =>
      owners.has(id) ? [] : [{ field: `leadIds.${i}`, reason: 'is not a lead of this workspace' }],
    );
    if (missing.length)
      throw new AppError('not_found', `${missing.length} lead(s) not found; nothing was reassigned`, missing);
    let updated = 0;
    for (const id of ids) {
      if (owners.get(id) === input.ownerId) continue;
      await patchLead(tx, ctx, id, { ownerId: input.ownerId }, undefined, { assignmentReason: 'bulk' });
      updated++;
    }
    return { updated, unchanged: ids.length - updated };
  });
}

export async function setCapacity(db: Db, ctx: Ctx, userId: string, input: CapacityIn) {
  return db.transaction(async (tx) => {
    const [m] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, ctx.workspaceId), eq(memberships.userId, userId)));
    if (!m) throw AppError.notFound('Member', userId);
    const [before] = await tx
      .select()
      .from(memberCapacity)
      .where(and(eq(memberCapacity.workspaceId, ctx.workspaceId), eq(memberCapacity.userId, userId)));
    const values = { paused: input.paused, maxOpen: input.maxOpen, maxPer30d: input.maxPer30d };
    await tx
      .insert(memberCapacity)
      .values({ workspaceId: ctx.workspaceId, userId, ...values })
      .onConflictDoUpdate({
        target: [memberCapacity.workspaceId, memberCapacity.userId],
        set: { ...values, updatedAt: sql`now()` },
      });
    await writeAudit(tx, ctx, {
      action: 'update',
      entity: 'member_capacity',
      entityId: userId,
      before: before
        ? { paused: before.paused, maxOpen: before.maxOpen, maxPer30d: before.maxPer30d }
        : undefined,
      after: values,
    });
    return { userId, ...values };
  });
}

export async function getAssignmentSettings(db: Db, ctx: Ctx) {
  const [ws] = await db
    .select({ fallbackUserId: workspaces.assignmentFallbackUserId })
    .from(workspaces)
    .where(eq(workspaces.id, ctx.workspaceId));
  return { fallbackUserId: ws?.fallbackUserId ?? null };
}

export async function setAssignmentSettings(db: Db, ctx: Ctx, input: { fallbackUserId: string | null }) {
  const out = await db.transaction(async (tx) => {
    if (input.fallbackUserId) await assertMember(tx, ctx, input.fallbackUserId, 'fallbackUserId');
    const before = await getAssignmentSettings(tx, ctx);
    await tx
      .update(workspaces)
      .set({ assignmentFallbackUserId: input.fallbackUserId, updatedAt: sql`now()` })
      .where(eq(workspaces.id, ctx.workspaceId));
    await writeAudit(tx, ctx, {
      action: 'update',
      entity: 'assignment_settings',
      entityId: ctx.workspaceId,
      before,
      after: input,
    });
    invalidateAssignment(ctx.workspaceId);
    return { fallbackUserId: input.fallbackUserId };
  });
  invalidateAssignment(ctx.workspaceId);
  return out;
}

/** Per active member: open leads, leads assigned in 30 days and their share, caps, paused, teams. */
export async function workload(db: Db, ctx: Ctx): Promise<WorkloadOut> {
  const ws = ctx.workspaceId;
  const r = (await db.execute(sql`
    select u.id, u.name, u.email, m.role,
      coalesce(c.paused, false) as paused, c.max_open, c.max_per30d,
      coalesce(o.n, 0)::int as open_leads, coalesce(a.n, 0)::int as assigned_30d
    from memberships m
    join users u on u.id = m.user_id
    left join member_capacity c on c.workspace_id = m.workspace_id and c.user_id = m.user_id
    left join (select owner_id, count(*) as n from leads
               where workspace_id = ${ws}::uuid and status not in ('won', 'lost') and deleted_at is null
               group by owner_id) o on o.owner_id = m.user_id
    left join (select to_user_id, count(*) as n from lead_assignments
               where workspace_id = ${ws}::uuid and created_at > now() - interval '30 days'
               group by to_user_id) a on a.to_user_id = m.user_id
    where m.workspace_id = ${ws}::uuid and m.removed_at is null
    order by lower(u.name), u.id`)) as unknown as { rows: Record<string, unknown>[] };
  const [unassigned] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(leads)
    .where(
      and(
        eq(leads.workspaceId, ws),
        isNull(leads.ownerId),
        isNull(leads.deletedAt),
        sql`${leads.status} not in ('won', 'lost')`,
      ),
    );
  const tm = await db
    .select({ userId: teamMembers.userId, id: teams.id, name: teams.name })
    .from(teamMembers)
    .innerJoin(teams, and(eq(teams.workspaceId, teamMembers.workspaceId), eq(teams.id, teamMembers.teamId)))
    .where(and(eq(teamMembers.workspaceId, ws), isNull(teams.deletedAt)));
  const teamsOf = new Map<string, { id: string; name: string }[]>();
  for (const t of tm) teamsOf.set(t.userId, [...(teamsOf.get(t.userId) ?? []), { id: t.id, name: t.name }]);
  const total = r.rows.reduce((s, x) => s + Number(x.assigned_30d), 0);
  return {
    data: r.rows.map((x) => ({
      userId: String(x.id),
      name: String(x.name),
      email: String(x.email),
      role: String(x.role),
      openLeads: Number(x.open_leads),
      assigned30d: Number(x.assigned_30d),
      share30d: total ? Number(x.assigned_30d) / total : 0,
      paused: Boolean(x.paused),
      maxOpen: x.max_open == null ? null : Number(x.max_open),
      maxPer30d: x.max_per30d == null ? null : Number(x.max_per30d),
      teams: teamsOf.get(String(x.id)) ?? [],
    })),
    unassignedOpen: Number(unassigned?.n ?? 0),
  };
}
