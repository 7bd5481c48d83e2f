import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { notifications } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { iso } from '../shared/records.js';
import type { NotificationListQuery, NotificationOut } from './notifications.schemas.js';

type Row = typeof notifications.$inferSelect;

export const toNotification = (r: Row): NotificationOut => ({
  id: r.id,
  type: r.type,
  title: r.title,
  body: r.body,
  entity: r.entity,
  entityId: r.entityId,
  readAt: iso(r.readAt),
  createdAt: r.createdAt.toISOString(),
});

export type NotifyInput = {
  userId: string;
  type: string;
  title: string;
  body?: string | null;
  entity?: string | null;
  entityId?: string | null;
};

/**
 * Notifies a member of the workspace, in the caller's transaction (so a notification exists exactly
 * when the change that caused it does). Real-time delivery comes later; the list is the inbox.
 */
export async function notify(tx: Db, ctx: Ctx, input: NotifyInput): Promise<NotificationOut> {
  const [row] = await tx
    .insert(notifications)
    .values({
      workspaceId: ctx.workspaceId,
      id: newId(),
      userId: input.userId,
      type: input.type,
      title: input.title.slice(0, 500),
      body: input.body ?? null,
      entity: input.entity ?? null,
      entityId: input.entityId ?? null,
    })
    .returning();
  return toNotification(row!);
}

const me = (ctx: Ctx): string => {
  if (!ctx.userId) throw AppError.forbidden('Notifications belong to a user; this caller has none');
  return ctx.userId;
};

export async function unreadCount(db: Db, ctx: Ctx): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(
      and(
        eq(notifications.workspaceId, ctx.workspaceId),
        eq(notifications.userId, me(ctx)),
        sql`${notifications.readAt} is null`,
      ),
    );
  return Number(r?.n ?? 0);
}

type Cursor = { t: string; id: string };
const badCursor = () =>
  new AppError('bad_request', 'cursor is not a cursor of this list; start again without it', [
    { field: 'cursor', reason: 'is not a cursor of this list; start again without it' },
  ]);
function decode(c: string): Cursor {
  try {
    const p = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Cursor;
    if (typeof p.t !== 'string' || !/^\d{4}-\d\d-\d\d[ T][\d:.+-]+$/.test(p.t)) throw badCursor();
    if (typeof p.id !== 'string' || !/^[0-9a-f-]{36}$/i.test(p.id)) throw badCursor();
    return p;
  } catch {
    throw badCursor();
  }
}

/** The caller's own notifications, newest first (keyset on created_at, id), with the unread count. */
export async function listNotifications(db: Db, ctx: Ctx, q: NotificationListQuery) {
  const userId = me(ctx);
  const c = q.cursor ? decode(q.cursor) : null;
  const rows = await db
    .select({ row: notifications, _t: sql<string>`${notifications.createdAt}::text` })
    .from(notifications)
    .where(
      and(
        eq(notifications.workspaceId, ctx.workspaceId),
        eq(notifications.userId, userId),
        q.unread ? sql`${notifications.readAt} is null` : undefined,
        c
          ? sql`(${notifications.createdAt}, ${notifications.id}) < (${c.t}::timestamptz, ${c.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(sql`${notifications.createdAt} desc, ${notifications.id} desc`)
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const kept = more ? rows.slice(0, q.limit) : rows;
  const last = kept[kept.length - 1];
  return {
    data: kept.map((r) => toNotification(r.row)),
    nextCursor:
      more && last
        ? Buffer.from(JSON.stringify({ t: last._t, id: last.row.id })).toString('base64url')
        : null,
    unreadCount: await unreadCount(db, ctx),
  };
}

/** Marks one of the caller's notifications read (another user's or workspace's: 404). */
export async function markRead(db: Db, ctx: Ctx, id: string): Promise<NotificationOut> {
  const where = and(
    eq(notifications.workspaceId, ctx.workspaceId),
    eq(notifications.userId, me(ctx)),
    eq(notifications.id, id),
  );
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(where)
    .returning();
  if (!row) throw AppError.notFound('Notification', id);
  return toNotification(row);
}

export async function markAllRead(db: Db, ctx: Ctx): Promise<{ updated: number }> {
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(
      and(
        eq(notifications.workspaceId, ctx.workspaceId),
        eq(notifications.userId, me(ctx)),
        sql`${notifications.readAt} is null`,
      ),
    )
    .returning({ id: notifications.id });
  return { updated: rows.length };
}
