import { z } from 'zod';
import { customFieldsIn, customFieldsOut } from '../custom-fields/custom-fields.schemas.js';
import { APPOINTMENT_RESULTS, APPOINTMENT_STATUSES } from '../db/schema/index.js';
import { recordMetaOut, zId, zText, zTimestamp } from '../shared/records.js';

export { APPOINTMENT_RESULTS, APPOINTMENT_STATUSES };

/** A quote: money, never negative. */
const zQuote = z
  .union([z.number(), z.string().trim()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^\d{1,14}(\.\d{1,2})?$/, 'must be an amount of 0 or more with at most 2 decimals'))
  .nullable()
  .describe('Quoted value (decimal string or number, at most 2 decimals, not negative)');

const zDuration = z
  .number()
  .int('must be whole minutes')
  .min(5, 'must be at least 5 minutes')
  .max(24 * 60, 'must be at most 24 hours')
  .describe('Length in minutes (default 60)');

export const appointmentCreate = z
  .strictObject({
    leadId: zId.describe("The lead; the appointment's contact is the lead's contact"),
    scheduledAt: zTimestamp.describe('When it starts'),
    durationMinutes: zDuration.optional(),
    title: zText(200).optional(),
    location: zText(500).optional().describe('Address, room or meeting link'),
    assigneeId: zId
      .nullable()
      .optional()
      .describe("Who holds it (a member); the lead's owner, else you, when absent"),
    customFields: customFieldsIn.optional(),
  })
  .describe('A new appointment on a lead');

export const appointmentUpdate = z
  .strictObject({
    title: zText(200),
    durationMinutes: zDuration,
    location: zText(500),
    assigneeId: zId.nullable(),
    outcomeNotes: zText(10000),
    objections: zText(10000),
    quoteValue: zQuote,
    customFields: customFieldsIn,
  })
  .partial()
  .describe(
    'Fields to change; absent stay, null clears. The time moves with POST /:id/reschedule, the outcome with POST /:id/outcome.',
  );

export const appointmentReschedule = z
  .strictObject({
    scheduledAt: zTimestamp.describe('The new start'),
    durationMinutes: zDuration.optional(),
    reason: zText(2000).optional().describe('Why it moved (shown on the timeline)'),
  })
  .describe('Moves a scheduled (or missed) appointment to another time');

export const OUTCOME_STATUSES = ['completed', 'no_show', 'cancelled'] as const;

export const appointmentOutcome = z
  .strictObject({
    status: z.enum(OUTCOME_STATUSES).describe('completed: it was held; no_show; cancelled'),
    result: z
      .enum(APPOINTMENT_RESULTS)
      .nullable()
      .optional()
      .describe('What came of it; required when completed'),
    outcomeNotes: zText(10000).optional(),
    objections: zText(10000).optional(),
    quoteValue: zQuote.optional(),
    nextContactAt: zTimestamp
      .nullable()
      .optional()
      .describe('When to get back to them (in the future); required for a follow_up result'),
    customFields: customFieldsIn.optional(),
  })
  .describe("Records how an appointment went; it is then on the lead's timeline");

export const appointmentOut = z
  .object({
    id: zId,
    leadId: zId,
    contactId: zId,
    title: z.string().nullable(),
    scheduledAt: zTimestamp,
    endsAt: zTimestamp.describe('scheduledAt plus the duration'),
    durationMinutes: z.number().int(),
    location: z.string().nullable(),
    assigneeId: z.string().nullable(),
    status: z.enum(APPOINTMENT_STATUSES),
    result: z.enum(APPOINTMENT_RESULTS).nullable(),
    outcomeNotes: z.string().nullable(),
    objections: z.string().nullable(),
    quoteValue: z.string().nullable().describe('Decimal amount as a string (exact)'),
    nextContactAt: zTimestamp.nullable(),
    rescheduleCount: z.number().int(),
    createdBy: z.string().nullable(),
    customFields: customFieldsOut,
    ...recordMetaOut,
  })
  .describe('A meeting with a lead, and its outcome');

export type AppointmentCreate = z.infer<typeof appointmentCreate>;
export type AppointmentUpdate = z.infer<typeof appointmentUpdate>;
export type AppointmentReschedule = z.infer<typeof appointmentReschedule>;
export type AppointmentOutcome = z.infer<typeof appointmentOutcome>;
export type AppointmentOut = z.infer<typeof appointmentOut>;
