import { and, eq, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import { workspaceSettings } from '../auth/auth.service.js';
import { validateCustomValues } from '../custom-fields/custom-values.js';
import type { Db } from '../db/client.js';
import { appointments, leads } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError, type FieldError } from '../shared/errors.js';
import { checkVersion } from '../shared/records.js';
import { insertTask } from '../tasks/tasks.service.js';
import { assertMember } from '../workspaces/members.service.js';
import { logAppointmentEvent, whenText } from './appointment-timeline.js';
import type { AppointmentOut, AppointmentOutcome, AppointmentReschedule } from './appointments.schemas.js';
import { type AppointmentRow, loadAppointmentRow, toAppointment } from './appointments.service.js';

const label = (s: string) => s.replace(/_/g, ' ');

async function save(
  tx: Db,
  ctx: Ctx,
  cur: AppointmentRow,
  set: Partial<typeof appointments.$inferInsert>,
): Promise<{ row: AppointmentRow; out: AppointmentOut }> {
  const [row] = await tx
    .update(appointments)
    .set({ ...set, updatedAt: sql`now()`, version: sql`${appointments.version} + 1` })
    .where(and(eq(appointments.workspaceId, ctx.workspaceId), eq(appointments.id, cur.id)))
    .returning();
  const out = toAppointment(row!);
  await writeAudit(tx, ctx, {
    action: 'update',
    entity: 'appointment',
    entityId: cur.id,
    before: toAppointment(cur),
    after: out,
  });
  return { row: row!, out };
}

/**
 * Moves an appointment to another time: counts the move and writes "from → to" on the timeline.
 * A held or cancelled appointment stays where it was (409); a no-show can be rebooked.
 */
export async function rescheduleAppointment(
  db: Db,
  ctx: Ctx,
  id: string,
  input: AppointmentReschedule,
  ifMatch?: string,
): Promise<AppointmentOut> {
  return db.transaction(async (tx) => {
    const cur = await loadAppointmentRow(tx, ctx, id, { lock: true });
    checkVersion('appointment', String(cur.version), ifMatch);
    if (cur.status === 'completed' || cur.status === 'cancelled')
      throw new AppError(
        'conflict',
        `The appointment is ${cur.status}; schedule a new one instead of moving it`,
        [{ field: 'status', reason: `is ${cur.status}` }],
      );
    const to = new Date(input.scheduledAt);
    if (to.getTime() === cur.scheduledAt.getTime() && input.durationMinutes === undefined)
      throw AppError.invalid('scheduledAt', 'is the time it is already scheduled for');
    const { row, out } = await save(tx, ctx, cur, {
      scheduledAt: to,
      ...(input.durationMinutes !== undefined ? { durationMinutes: input.durationMinutes } : {}),
      status: 'scheduled',
      rescheduleCount: sql`${appointments.rescheduleCount} + 1` as unknown as number,
    });
    await logAppointmentEvent(tx, ctx, row, {
      type: 'system',
      event: 'rescheduled',
      subject: `Appointment rescheduled${row.title ? ` (${row.title})` : ''}: ${whenText(cur.scheduledAt)} → ${whenText(to)}`,
      body: input.reason ?? null,
      metadata: {
        from: cur.scheduledAt.toISOString(),
        to: out.scheduledAt,
        reason: input.reason ?? null,
        rescheduleCount: out.rescheduleCount,
      },
    });
    return out;
  });
}

function money(v: string, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(Number(v));
  } catch {
    return `${v} ${currency}`;
  }
}

/** The meeting's outcome as one text for the timeline. */
function outcomeText(a: AppointmentOut, currency: string): string | null {
  const parts = [
    a.outcomeNotes,
    a.objections ? `Objections: ${a.objections}` : null,
    a.quoteValue !== null ? `Quote: ${money(a.quoteValue, currency)}` : null,
    a.nextContactAt ? `Next contact: ${whenText(new Date(a.nextContactAt))}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join('\n') : null;
}

/**
 * Records how an appointment went (held, no-show or cancelled) with its result, notes, objections,
 * quote, next contact date and custom values; the held meeting is a `meeting` entry on the timeline.
 */
export async function recordAppointmentOutcome(
  db: Db,
  ctx: Ctx,
  id: string,
  input: AppointmentOutcome,
  ifMatch?: string,
): Promise<AppointmentOut> {
  return db.transaction(async (tx) => {
    const cur = await loadAppointmentRow(tx, ctx, id, { lock: true });
    checkVersion('appointment', String(cur.version), ifMatch);
    if (cur.status !== 'scheduled')
      throw new AppError(
        'conflict',
        `The appointment's outcome is already recorded (${label(cur.status)}); correct notes, objections or quote with PATCH`,
        [{ field: 'status', reason: `is already ${label(cur.status)}` }],
      );
    const errors: FieldError[] = [];
    if (input.status === 'completed' && !input.result)
      errors.push({ field: 'result', reason: 'is required for a held appointment' });
    const next = input.nextContactAt ? new Date(input.nextContactAt) : null;
    if (next && next.getTime() <= Date.now())
      errors.push({ field: 'nextContactAt', reason: 'must be in the future' });
    if (input.result === 'follow_up' && !next)
      errors.push({ field: 'nextContactAt', reason: 'is required for a follow-up' });
    let custom = cur.custom;
    try {
      if (input.customFields !== undefined)
        custom = await validateCustomValues(tx, ctx, 'appointment', input.customFields, {
          current: cur.custom,
        });
    } catch (e) {
      if (e instanceof AppError && errors.length) errors.push(...e.errors);
      else throw e;
    }
    if (errors.length)
      throw new AppError('validation_failed', errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors);
    const { row, out } = await save(tx, ctx, cur, {
      status: input.status,
      result: input.result ?? null,
      outcomeNotes: input.outcomeNotes ?? null,
      objections: input.objections ?? null,
      quoteValue: input.quoteValue ?? null,
      nextContactAt: next,
      custom,
    });
    const held = input.status === 'completed';
    const what = row.title ? `: ${row.title}` : '';
    const followUp = next ? await createFollowUp(tx, ctx, row, out) : null;
    const { currency } = await workspaceSettings(tx, ctx.workspaceId);
    await logAppointmentEvent(tx, ctx, row, {
      type: held ? 'meeting' : 'system',
      event: input.status,
      subject: held
        ? `Appointment held${what}${out.result ? ` (${label(out.result)})` : ''}`
        : input.status === 'no_show'
          ? `Appointment missed (no-show)${what}`
          : `Appointment cancelled${what}`,
      body: outcomeText(out, currency),
      outcome: out.result,
      durationMinutes: held ? row.durationMinutes : null,
      // The meeting happened at its time (or now, when recorded ahead of it).
      occurredAt: held ? new Date(Math.min(row.scheduledAt.getTime(), Date.now())) : undefined,
      metadata: {
        status: out.status,
        result: out.result,
        quoteValue: out.quoteValue,
        nextContactAt: out.nextContactAt,
        scheduledAt: out.scheduledAt,
        followUpTaskId: followUp,
      },
    });
    return out;
  });
}

/**
 * The next contact date becomes a follow-up task for the appointment's assignee (else the caller),
 * due and reminding at that time, on the lead (or only its contact once the lead is deleted).
 */
async function createFollowUp(tx: Db, ctx: Ctx, row: AppointmentRow, a: AppointmentOut): Promise<string> {
  let assigneeId = row.assigneeId ?? ctx.userId;
  if (assigneeId && assigneeId !== ctx.userId)
    await assertMember(tx, ctx, assigneeId, 'assigneeId').catch(() => {
      assigneeId = ctx.userId;
    });
  const [lead] = await tx
    .select({ id: leads.id })
    .from(leads)
    .where(
      and(eq(leads.workspaceId, ctx.workspaceId), eq(leads.id, row.leadId), sql`${leads.deletedAt} is null`),
    );
  const task = await insertTask(tx, ctx, {
    title: `Follow up${row.title ? `: ${row.title}` : ' after the appointment'}${a.result ? ` (${label(a.result)})` : ''}`,
    description:
      [a.outcomeNotes, a.objections ? `Objections: ${a.objections}` : null].filter(Boolean).join('\n') ||
      null,
    type: 'follow_up',
    dueAt: a.nextContactAt,
    remindAt: a.nextContactAt,
    assigneeId,
    ...(lead ? { leadId: row.leadId } : { contactId: row.contactId }),
  });
  return task.id;
}
