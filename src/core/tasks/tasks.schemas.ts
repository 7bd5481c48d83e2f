import { z } from 'zod';
import { TASK_PRIORITIES, TASK_STATUSES, TASK_TYPES } from '../db/schema/index.js';
import { recordMetaOut, zId, zText, zTimestamp } from '../shared/records.js';

export { TASK_PRIORITIES, TASK_STATUSES, TASK_TYPES };
export const TASK_VIEWS = ['my', 'overdue', 'today', 'upcoming'] as const;

const fields = {
  title: z.string().trim().min(1, 'must not be empty').max(300).describe('What to do'),
  description: zText(20000),
  type: z.enum(TASK_TYPES).describe(TASK_TYPES.join(', ')),
  priority: z.enum(TASK_PRIORITIES).describe(TASK_PRIORITIES.join(', ')),
  status: z.enum(TASK_STATUSES).describe(`${TASK_STATUSES.join(', ')}; completed is what /complete sets`),
  dueAt: zTimestamp.nullable().describe('When it is due'),
  remindAt: zTimestamp
    .nullable()
    .describe('When to remind the assignee (a task_reminder notification, sent once)'),
  assigneeId: zId.nullable().describe('A member of the workspace; the creator when absent'),
  leadId: zId.nullable().describe('Lead; its contact is filled in when contactId is absent'),
  contactId: zId.nullable(),
  dealId: zId.nullable(),
};

export const taskCreate = z
  .strictObject(fields)
  .partial()
  .required({ title: true })
  .describe('A task (follow-up) with a due date, on a lead and/or contact');
export const taskUpdate = z.strictObject(fields).partial().describe('Fields to change');

export const taskOut = z.object({
  id: zId,
  title: z.string(),
  description: z.string().nullable(),
  type: z.enum(TASK_TYPES),
  priority: z.enum(TASK_PRIORITIES),
  status: z.enum(TASK_STATUSES),
  dueAt: zTimestamp.nullable(),
  remindAt: zTimestamp.nullable(),
  remindedAt: zTimestamp.nullable().describe('When the reminder was sent'),
  assigneeId: z.string().nullable(),
  leadId: z.string().nullable(),
  contactId: z.string().nullable(),
  contactName: z.string().nullable().describe("The contact's name (for a link)"),
  dealId: z.string().nullable(),
  overdue: z.boolean().describe('Open and due before now'),
  completedAt: zTimestamp.nullable(),
  completedBy: z.string().nullable(),
  createdBy: z.string().nullable(),
  ...recordMetaOut,
});

export type TaskCreate = z.infer<typeof taskCreate>;
export type TaskUpdate = z.infer<typeof taskUpdate>;
export type TaskOut = z.infer<typeof taskOut>;
