import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { tasks } from '../db/schema/index.js';
import { systemCtx } from '../shared/context.js';
import { notify } from './notifications.service.js';

/** How many due reminders one sweep claims at most (the next sweep takes the rest). */
const BATCH = 500;

/**
 * Sends the task reminders that are due, in every workspace: each open task whose `remindAt` has
 * passed and that was not reminded yet gets one `task_reminder` notification for its assignee.
 * Exactly once, even with several processes sweeping at the same time: the claim is one UPDATE …
 * SET reminded_at = now() … WHERE reminded_at IS NULL over rows taken FOR UPDATE SKIP LOCKED, and the
 * notifications are written in the same transaction. Returns how many were sent.
 */
export async function sweepReminders(db: Db, opts: { now?: Date } = {}): Promise<number> {
  const now = opts.now ? sql`${opts.now.toISOString()}::timestamptz` : sql`now()`;
  return db.transaction(async (tx) => {
    const due = await tx
      .update(tasks)
      .set({ remindedAt: sql`now()` })
      .where(
        sql`(${tasks.workspaceId}, ${tasks.id}) in (
          select workspace_id, id from tasks
          where remind_at <= ${now} and reminded_at is null and deleted_at is null
            and status in ('pending', 'in_progress')
          order by remind_at
          limit ${BATCH}
          for update skip locked
        ) and ${tasks.remindedAt} is null`,
      )
      .returning();
    let sent = 0;
    for (const t of due) {
      if (!t.assigneeId) continue;
      await notify(tx, systemCtx(t.workspaceId), {
        userId: t.assigneeId,
        type: 'task_reminder',
        title: `Reminder: ${t.title}`,
        body: t.dueAt ? `Due ${t.dueAt.toISOString()}` : null,
        entity: 'task',
        entityId: t.id,
      });
      sent += 1;
    }
    return sent;
  });
}

/**
 * Sweeps every `everyMs` (default 30 s) until stopped; started with the server (src/server routes
 * register it on listen). Errors are logged and the next sweep tries again.
 */
export function startReminderSweeper(
  db: Db,
  opts: { everyMs?: number; log?: (msg: string) => void } = {},
): { stop: () => void } {
  let busy = false;
  const run = async () => {
    if (busy) return;
    busy = true;
    try {
      const n = await sweepReminders(db);
      if (n) opts.log?.(`Sent ${n} task reminder(s)`);
    } catch (e) {
      opts.log?.(`Reminder sweep failed: ${String(e)}`);
    } finally {
      busy = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), opts.everyMs ?? 30_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
