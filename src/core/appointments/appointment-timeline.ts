import type { Db } from '../db/client.js';
import { activities } from '../db/schema/index.js';
import { rescoreLeadsOf } from '../scoring/score-lead.js';
import type { Ctx } from '../shared/context.js';
import { newId } from '../shared/ids.js';
import type { AppointmentRow } from './appointments.service.js';

const fmt = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A time as timeline subjects show it (UTC; the exact instant is in the entry's metadata). */
export const whenText = (d: Date): string => `${fmt.format(d)} UTC`;

export type AppointmentEvent = {
  type: 'system' | 'meeting';
  /** scheduled, rescheduled, completed, no_show, cancelled */
  event: string;
  subject: string;
  body?: string | null;
  outcome?: string | null;
  durationMinutes?: number | null;
  occurredAt?: Date;
  metadata?: Record<string, unknown>;
};

/**
 * Writes one timeline entry on the appointment's lead and contact (so both timelines show it), in the
 * caller's transaction; scores counting activities follow.
 */
export async function logAppointmentEvent(
  tx: Db,
  ctx: Ctx,
  a: AppointmentRow,
  e: AppointmentEvent,
): Promise<void> {
  await tx.insert(activities).values({
    workspaceId: ctx.workspaceId,
    id: newId(),
    type: e.type,
    leadId: a.leadId,
    contactId: a.contactId,
    userId: ctx.userId,
    subject: e.subject,
    body: e.body ?? null,
    outcome: e.outcome ?? null,
    durationMinutes: e.durationMinutes ?? null,
    occurredAt: e.occurredAt,
    metadata: {
      ...(e.metadata ?? {}),
      appointmentId: a.id,
      event: e.event,
      ...(ctx.apiKeyId ? { apiKeyId: ctx.apiKeyId } : {}),
    },
  });
  await rescoreLeadsOf(tx, ctx, { leadId: a.leadId, contactId: a.contactId });
}
