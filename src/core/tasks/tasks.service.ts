import { and, eq, inArray, sql } from 'drizzle-orm';
import { logSystemEvents } from '../activities/timeline-events.js';
import { writeAudit } from '../audit/audit.service.js';
import { loadContactRow } from '../contacts/contacts.service.js';
import type { Db } from '../db/client.js';
import { activities, contacts, tasks } from '../db/schema/index.js';
import { notify } from '../notifications/notifications.service.js';
import { rescoreLeadsOf } from '../scoring/score-lead.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { assertLiveDeal, liveLeadContact } from '../shared/record-links.js';
import { checkVersion } from '../shared/records.js';
import { assertMember } from '../workspaces/members.service.js';
import { dayBounds } from './task-views.js';
import type { TaskCreate, TaskOut, TaskUpdate } from './tasks.schemas.js';
import { contactJoin, isOpen, names, OPEN, toTask } from './tasks-list.service.js';

export { countTasks, listTasks, taskListSpec, taskListWhere, toTask } from './tasks-list.service.js';

type Row = typeof tasks.$inferSelect;
async function loadRow(db: Db, ctx: Ctx, id: string, opts: { lock?: boolean; withDeleted?: boolean } = {}) {
  const q = db
    .select({ row: tasks, names })
    .from(tasks)
    .leftJoin(contacts, contactJoin)
    .where(
      and(
        eq(tasks.workspaceId, ctx.workspaceId),
        eq(tasks.id, id),
        opts.withDeleted ? undefined : sql`${tasks.deletedAt} is null`,
      ),
    );
  const [r] = opts.lock ? await q.for('update', { of: tasks }) : await q;
  if (!r) throw AppError.notFound('Task', id);
  return r;
}

export async function getTask(db: Db, ctx: Ctx, id: string): Promise<TaskOut> {
  const r = await loadRow(db, ctx, id, { withDeleted: true });
  return toTask(r.row, r.names);
}

/** Checks the links (lead, contact, deal, assignee) and fills in the lead's contact. */
async function resolveLinks(
  tx: Db,
  ctx: Ctx,
  input: Pick<TaskUpdate, 'leadId' | 'contactId' | 'dealId' | 'assigneeId'>,
  current?: Row,
): Promise<{ contactId?: string | null }> {
  let contactId: string | null | undefined;
  if (input.leadId) {
    const leadContact = await liveLeadContact(tx, ctx, input.leadId);
    if (input.contactId === undefined && (!current || current.leadId !== input.leadId))
      contactId = leadContact;
  }
  if (input.contactId) await loadContactRow(tx, ctx, input.contactId, { field: 'contactId' });
  if (input.dealId) await assertLiveDeal(tx, ctx, input.dealId);
  if (input.assigneeId) await assertMember(tx, ctx, input.assigneeId, 'assigneeId');
  return contactId === undefined ? {} : { contactId };
}

const completionSubject = (title: string) => `Completed: ${title}`;

/** The timeline entry of a completion (type task) on the task's lead/contact/deal, in the transaction. */
async function logCompletion(tx: Db, ctx: Ctx, t: Row) {
  if (!t.leadId && !t.contactId && !t.dealId) return;
  await logSystemEvents(tx, ctx, [
    {
      type: 'task',
      leadId: t.leadId,
      contactId: t.contactId,
      dealId: t.dealId,
      subject: completionSubject(t.title),
      metadata: { taskId: t.id, taskType: t.type },
    },
  ]);
  await rescoreLeadsOf(tx, ctx, { leadId: t.leadId, contactId: t.contactId });
}

/** A reopened task's completion is undone: its timeline entry is removed (soft) with it. */
async function unlogCompletion(tx: Db, ctx: Ctx, t: Row) {
  const gone = await tx
    .update(activities)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${activities.version} + 1` })
    .where(
      and(
        eq(activities.workspaceId, ctx.workspaceId),
        eq(activities.type, 'task'),
        sql`${activities.metadata} ->> 'taskId' = ${t.id}`,
        sql`${activities.deletedAt} is null`,
        t.leadId
          ? eq(activities.leadId, t.leadId)
          : t.contactId
            ? eq(activities.contactId, t.contactId)
            : undefined,
      ),
    )
    .returning({ id: activities.id });
  if (gone.length) await rescoreLeadsOf(tx, ctx, { leadId: t.leadId, contactId: t.contactId });
}

async function notifyAssignee(tx: Db, ctx: Ctx, t: Row) {
  if (!t.assigneeId || t.assigneeId === ctx.userId) return;
  await notify(tx, ctx, {
    userId: t.assigneeId,
    type: 'task_assigned',
    title: `New task for you: ${t.title}`,
    body: t.dueAt ? `Due ${t.dueAt.toISOString()}` : null,
    entity: 'task',
    entityId: t.id,
  });
}

async function reload(tx: Db, ctx: Ctx, id: string) {
  const r = await loadRow(tx, ctx, id, { withDeleted: true });
  return toTask(r.row, r.names);
}

export async function insertTask(tx: Db, ctx: Ctx, input: TaskCreate): Promise<TaskOut> {
  const assigneeId = input.assigneeId === undefined ? ctx.userId : input.assigneeId;
  const links = await resolveLinks(tx, ctx, { ...input, assigneeId });
  const status = input.status ?? 'pending';
  const [row] = await tx
    .insert(tasks)
    .values({
      ...input,
      ...links,
      workspaceId: ctx.workspaceId,
      id: newId(),
      status,
      assigneeId,
      dueAt: input.dueAt ? new Date(input.dueAt) : null,
      remindAt: input.remindAt ? new Date(input.remindAt) : null,
      completedAt: status === 'completed' ? sql`now()` : null,
      completedBy: status === 'completed' ? ctx.userId : null,
      createdBy: ctx.userId,
    })
    .returning();
  if (status === 'completed') await logCompletion(tx, ctx, row!);
  await notifyAssignee(tx, ctx, row!);
  const out = await reload(tx, ctx, row!.id);
  await writeAudit(tx, ctx, { action: 'create', entity: 'task', entityId: out.id, after: out });
  return out;
}

export async function createTask(db: Db, ctx: Ctx, input: TaskCreate): Promise<TaskOut> {
  return db.transaction((tx) => insertTask(tx, ctx, input));
}

/** One change of a task (fields and/or status) with its consequences, in the caller's transaction. */
async function changeTask(
  tx: Db,
  ctx: Ctx,
  id: string,
  input: TaskUpdate,
  opts: { ifMatch?: string; action: string },
): Promise<TaskOut> {
  const before = await loadRow(tx, ctx, id, { lock: true });
  const b = before.row;
  checkVersion('task', String(b.version), opts.ifMatch);
  const links = await resolveLinks(tx, ctx, input, b);
  const set: Partial<typeof tasks.$inferInsert> = { ...input, ...links } as never;
  if (input.dueAt !== undefined) set.dueAt = input.dueAt ? new Date(input.dueAt) : null;
  if (input.remindAt !== undefined) {
    set.remindAt = input.remindAt ? new Date(input.remindAt) : null;
    // A new reminder time is a new reminder.
    if (set.remindAt?.getTime() !== b.remindAt?.getTime()) set.remindedAt = null;
  }
  const completing = input.status === 'completed' && b.status !== 'completed';
  const reopening = input.status !== undefined && input.status !== 'completed' && b.status === 'completed';
  if (completing) Object.assign(set, { completedAt: sql`now()`, completedBy: ctx.userId });
  if (reopening) Object.assign(set, { completedAt: null, completedBy: null });
  const [row] = await tx
    .update(tasks)
    .set({ ...set, updatedAt: sql`now()`, version: sql`${tasks.version} + 1` })
    .where(and(eq(tasks.workspaceId, ctx.workspaceId), eq(tasks.id, id)))
    .returning();
  if (completing) await logCompletion(tx, ctx, row!);
  if (reopening) await unlogCompletion(tx, ctx, b);
  if (input.assigneeId && input.assigneeId !== b.assigneeId) await notifyAssignee(tx, ctx, row!);
  const after = await reload(tx, ctx, id);
  await writeAudit(tx, ctx, {
    action: opts.action,
    entity: 'task',
    entityId: id,
    before: toTask(b, before.names),
    after,
  });
  return after;
}

export async function updateTask(
  db: Db,
  ctx: Ctx,
  id: string,
  input: TaskUpdate,
  ifMatch?: string,
): Promise<TaskOut> {
  return db.transaction((tx) => changeTask(tx, ctx, id, input, { ifMatch, action: 'update' }));
}

/**
 * Completes a task: status completed, completedAt/By, and a `task` activity "Completed: <title>" on its
 * lead/contact, all in one transaction. Completing a completed task changes nothing.
 */
export async function completeTask(db: Db, ctx: Ctx, id: string, ifMatch?: string): Promise<TaskOut> {
  return db.transaction(async (tx) => {
    const cur = await loadRow(tx, ctx, id, { lock: true });
    if (cur.row.status === 'completed') return toTask(cur.row, cur.names);
    return changeTask(tx, ctx, id, { status: 'completed' }, { ifMatch, action: 'complete' });
  });
}

/** Reopens a completed or cancelled task (pending again); a completion's timeline entry is removed. */
export async function reopenTask(db: Db, ctx: Ctx, id: string, ifMatch?: string): Promise<TaskOut> {
  return db.transaction(async (tx) => {
    const cur = await loadRow(tx, ctx, id, { lock: true });
    if (isOpen(cur.row.status)) return toTask(cur.row, cur.names);
    return changeTask(tx, ctx, id, { status: 'pending' }, { ifMatch, action: 'reopen' });
  });
}

export async function setTaskDeleted(db: Db, ctx: Ctx, id: string, deleted: boolean): Promise<TaskOut> {
  return db.transaction(async (tx) => {
    const before = await loadRow(tx, ctx, id, { lock: true, withDeleted: true });
    if (deleted === (before.row.deletedAt !== null)) return toTask(before.row, before.names);
    await tx
      .update(tasks)
      .set({
        deletedAt: deleted ? sql`now()` : null,
        updatedAt: sql`now()`,
        version: sql`${tasks.version} + 1`,
      })
      .where(and(eq(tasks.workspaceId, ctx.workspaceId), eq(tasks.id, id)));
    const after = await reload(tx, ctx, id);
    await writeAudit(tx, ctx, {
      action: deleted ? 'delete' : 'restore',
      entity: 'task',
      entityId: id,
      before: toTask(before.row, before.names),
      after,
    });
    return after;
  });
}

/** Open tasks of the caller due before the end of today (in `tz`): the nav badge. */
export async function myDueCount(
  db: Db,
  ctx: Ctx,
  tz = 'UTC',
): Promise<{ overdue: number; dueToday: number; total: number }> {
  if (!ctx.userId) return { overdue: 0, dueToday: 0, total: 0 };
  const { start, end } = dayBounds(tz);
  const [r] = await db
    .select({
      total: sql<number>`count(*)::int`,
      overdue: sql<number>`count(*) filter (where ${tasks.dueAt} < now())::int`,
      dueToday: sql<number>`count(*) filter (where ${tasks.dueAt} >= ${start.toISOString()}::timestamptz and ${tasks.dueAt} < ${end.toISOString()}::timestamptz)::int`,
    })
    .from(tasks)
    .where(
      and(
        eq(tasks.workspaceId, ctx.workspaceId),
        eq(tasks.assigneeId, ctx.userId),
        inArray(tasks.status, [...OPEN]),
        sql`${tasks.deletedAt} is null`,
        sql`${tasks.dueAt} < ${end.toISOString()}::timestamptz`,
      ),
    );
  return {
    overdue: Number(r?.overdue ?? 0),
    dueToday: Number(r?.dueToday ?? 0),
    total: Number(r?.total ?? 0),
  };
}
