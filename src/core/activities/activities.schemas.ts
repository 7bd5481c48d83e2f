import { z } from 'zod';
import { ACTIVITY_TYPES } from '../db/schema/index.js';
import { recordMetaOut, zId, zText, zTimestamp } from '../shared/records.js';

/** Types people log; the others (stage_change, assignment_change, system, task) are written by Leadbase. */
export const LOGGABLE_TYPES = ['call', 'email', 'meeting', 'note', 'sms'] as const;

const fields = {
  type: z.enum(LOGGABLE_TYPES).describe('call, email, meeting, note or sms'),
  leadId: zId.nullable().describe("Lead; the activity also appears on the lead's contact"),
  contactId: zId.nullable(),
  dealId: zId.nullable(),
  accountId: zId.nullable(),
  subject: zText(300),
  body: zText(20000),
  outcome: zText(100).describe('e.g. connected, no_answer, left_voicemail, follow_up_required'),
  durationMinutes: z.number().int().min(0).max(1440).nullable(),
  occurredAt: zTimestamp.describe('When it happened; now when absent'),
  metadata: z.record(z.string().max(100), z.unknown()).describe('Free-form details (JSON object)'),
};

export const activityCreate = z
  .strictObject(fields)
  .partial()
  .required({ type: true })
  .superRefine((v, ctx) => {
    if (!v.leadId && !v.contactId && !v.dealId && !v.accountId)
      ctx.addIssue({
        code: 'custom',
        path: ['leadId'],
        message: 'an activity belongs to a lead, contact, deal or account: give one of their ids',
      });
    if (v.type === 'note' && !v.body && !v.subject)
      ctx.addIssue({ code: 'custom', path: ['body'], message: 'a note needs a body' });
  })
  .describe('A call, email, meeting, note or sms to log');
export const activityUpdate = z
  .strictObject({
    subject: fields.subject,
    body: fields.body,
    outcome: fields.outcome,
    durationMinutes: fields.durationMinutes,
    occurredAt: fields.occurredAt,
    metadata: fields.metadata,
  })
  .partial()
  .describe('Fields to change');

export const activityOut = z.object({
  id: zId,
  type: z.enum(ACTIVITY_TYPES),
  leadId: z.string().nullable(),
  contactId: z.string().nullable(),
  dealId: z.string().nullable(),
  accountId: z.string().nullable(),
  userId: z.string().nullable().describe('Who logged it (or whose action caused it)'),
  subject: z.string().nullable(),
  body: z.string().nullable(),
  outcome: z.string().nullable(),
  durationMinutes: z.number().int().nullable(),
  occurredAt: zTimestamp,
  metadata: z.record(z.string(), z.unknown()),
  via: z
    .enum(['lead', 'contact'])
    .optional()
    .describe("On a lead's timeline: the lead's own item, or its contact's (on no lead)"),
  ...recordMetaOut,
});

export type ActivityCreate = z.infer<typeof activityCreate>;
export type ActivityUpdate = z.infer<typeof activityUpdate>;
export type ActivityOut = z.infer<typeof activityOut>;
