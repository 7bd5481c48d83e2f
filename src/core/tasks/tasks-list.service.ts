import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { contacts, tasks } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { containsPattern } from '../shared/like.js';
import { listConditionWhere } from '../shared/list-condition.js';
import {
  cursorCondition,
  deletedCondition,
  filterConditions,
  type ListQuery,
  type ListSpec,
  listOrderBy,
  sortKeySelect,
  toPage,
} from '../shared/list-query.js';
import { iso } from '../shared/records.js';
import { dayBounds } from './task-views.js';
import { TASK_PRIORITIES, TASK_STATUSES, TASK_TYPES, TASK_VIEWS, type TaskOut } from './tasks.schemas.js';

/** The tasks list (its filters, views and count) and how a task row is shown. */

type Row = typeof tasks.$inferSelect;
type Names = { contactFirst: string | null; contactLast: string | null; contactCompany: string | null };

export const OPEN = ['pending', 'in_progress'] as const;
export const isOpen = (s: string) => (OPEN as readonly string[]).includes(s);

const nameOf = (n: Names | null): string | null =>
  n
    ? [n.contactFirst, n.contactLast].filter(Boolean).join(' ') || n.contactCompany || 'Unnamed contact'
    : null;

export const toTask = (r: Row, names: Names | null, now = Date.now()): TaskOut => ({
  id: r.id,
  title: r.title,
  description: r.description,
  type: r.type,
  priority: r.priority,
  status: r.status,
  dueAt: iso(r.dueAt),
  remindAt: iso(r.remindAt),
  remindedAt: iso(r.remindedAt),
  assigneeId: r.assigneeId,
  leadId: r.leadId,
  contactId: r.contactId,
  contactName: r.contactId ? nameOf(names) : null,
  dealId: r.dealId,
  overdue: isOpen(r.status) && r.dueAt !== null && r.dueAt.getTime() < now,
  completedAt: iso(r.completedAt),
  completedBy: r.completedBy,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  deletedAt: iso(r.deletedAt),
  version: r.version,
});

export const names = {
  contactFirst: contacts.firstName,
  contactLast: contacts.lastName,
  contactCompany: contacts.companyName,
};
export const contactJoin = and(eq(contacts.workspaceId, tasks.workspaceId), eq(contacts.id, tasks.contactId));

/** Tasks without a due date sort after every dated one (a keyset needs a non-null key). */
const dueKey = sql`coalesce(${tasks.dueAt}, '9999-12-31T00:00:00Z'::timestamptz)`;

export const taskListSpec: ListSpec = {
  idExpr: tasks.id,
  defaultSort: 'dueAt',
  sorts: {
    dueAt: { expr: dueKey, type: 'date' },
    createdAt: { expr: sql`${tasks.createdAt}`, type: 'date' },
    updatedAt: { expr: sql`${tasks.updatedAt}`, type: 'date' },
  },
  filters: {
    view: {
      kind: 'enum',
      expr: sql`true`,
      values: TASK_VIEWS,
      description:
        'my (open, assigned to you), overdue (open, due before now), today (open, due today in `tz`), upcoming (open, due after today in `tz`)',
    },
    tz: {
      kind: 'text',
      expr: sql`true`,
      description: 'IANA time zone for view=today|upcoming (default UTC)',
    },
    assigneeId: {
      kind: 'text',
      expr: tasks.assigneeId,
      description: 'Assignee: a member id, `me`, or `none` (unassigned)',
    },
    status: { kind: 'enum', expr: tasks.status, values: TASK_STATUSES, description: 'Status' },
    priority: { kind: 'enum', expr: tasks.priority, values: TASK_PRIORITIES, description: 'Priority' },
    type: { kind: 'enum', expr: tasks.type, values: TASK_TYPES, description: 'Type' },
    leadId: { kind: 'uuid', expr: tasks.leadId, description: 'Lead' },
    contactId: { kind: 'uuid', expr: tasks.contactId, description: 'Contact' },
    dealId: { kind: 'uuid', expr: tasks.dealId, description: 'Deal' },
    dueAt: { kind: 'date', expr: tasks.dueAt, description: 'Due' },
    completedAt: { kind: 'date', expr: tasks.completedAt, description: 'Completed' },
    createdAt: { kind: 'date', expr: tasks.createdAt, description: 'Created' },
  },
  search: (q) => {
    const like = containsPattern(q);
    return sql`(${tasks.title} ilike ${like} or ${tasks.description} ilike ${like})`;
  },
  condition: 'task',
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The view, tz and assigneeId=me parameters as SQL; the rest goes to the shared list conditions. */
function viewConditions(ctx: Ctx, query: ListQuery): { where: SQL[]; rest: ListQuery } {
  const { view, tz, assigneeId, ...rest } = query as ListQuery & {
    view?: string[];
    tz?: string[];
    assigneeId?: string[];
  };
  const where: SQL[] = [];
  const open = inArray(tasks.status, [...OPEN]);
  if (assigneeId) {
    const none = assigneeId.includes('none');
    const ids = assigneeId.filter((a) => a !== 'none').map((a) => (a === 'me' ? ctx.userId : a));
    for (const id of ids)
      if (!id || !UUID_RE.test(id))
        throw new AppError('bad_request', 'assigneeId must be a member id, `me` or `none`', [
          {
            field: 'assigneeId',
            reason: id ? 'must be a UUID, `me` or `none`' : '`me` needs a signed-in user or a user key',
          },
        ]);
    const some = ids.length ? inArray(tasks.assigneeId, ids as string[]) : undefined;
    const unassigned = sql`${tasks.assigneeId} is null`;
    where.push(none ? (some ? sql`(${some} or ${unassigned})` : unassigned) : some!);
  }
  if (view && view.length > 1)
    throw new AppError('bad_request', 'view takes one value', [{ field: 'view', reason: 'takes one value' }]);
  const v = view?.[0];
  const zone = tz?.[0] ?? 'UTC';
  const day = v === 'today' || v === 'upcoming' || tz ? dayBounds(zone) : null;
  if (v === 'my') {
    if (!ctx.userId)
      throw new AppError('bad_request', 'view=my needs a signed-in user', [
        { field: 'view', reason: 'needs a signed-in user or a user key' },
      ]);
    where.push(eq(tasks.assigneeId, ctx.userId), open);
  } else if (v === 'overdue') where.push(open, sql`${tasks.dueAt} < now()`);
  else if (v === 'today')
    where.push(
      open,
      sql`${tasks.dueAt} >= ${day!.start.toISOString()}::timestamptz`,
      sql`${tasks.dueAt} < ${day!.end.toISOString()}::timestamptz`,
    );
  else if (v === 'upcoming') where.push(open, sql`${tasks.dueAt} >= ${day!.end.toISOString()}::timestamptz`);
  return { where, rest: rest as ListQuery };
}

/**
 * Which tasks the list pages through, as WHERE conditions over `tasks` (its view, tz and assignee
 * parameters included): shared by the list and its count, so they agree.
 */
export async function taskListWhere(
  db: Db,
  ctx: Ctx,
  query: ListQuery,
): Promise<{ spec: ListSpec; where: SQL[] }> {
  const { where, rest } = viewConditions(ctx, query);
  const deleted = deletedCondition(tasks.deletedAt, query.deleted);
  return {
    spec: taskListSpec,
    where: [
      eq(tasks.workspaceId, ctx.workspaceId),
      ...(deleted ? [deleted] : []),
      ...where,
      ...filterConditions(taskListSpec, rest),
      ...(await listConditionWhere(db, ctx, taskListSpec, rest)),
    ],
  };
}

/** How many tasks the list with these filters pages through (`limit`, `cursor` and `sort` ignored). */
export async function countTasks(db: Db, ctx: Ctx, query: ListQuery): Promise<number> {
  const { where } = await taskListWhere(db, ctx, query);
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(tasks)
    .where(and(...where));
  return r?.n ?? 0;
}

export async function listTasks(db: Db, ctx: Ctx, query: ListQuery) {
  const { spec, where } = await taskListWhere(db, ctx, query);
  const rows = await db
    .select({ row: tasks, names, _sort: sortKeySelect(spec, query.sort) })
    .from(tasks)
    .leftJoin(contacts, contactJoin)
    .where(and(...where, cursorCondition(spec, query)))
    .orderBy(listOrderBy(spec, query.sort))
    .limit(query.limit + 1);
  const now = Date.now();
  return toPage(
    rows.map((r) => ({ ...toTask(r.row, r.names, now), _sort: r._sort })),
    query,
  );
}
