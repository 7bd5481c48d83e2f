import { z } from 'zod';
import { zId, zTimestamp } from '../shared/records.js';

export const notificationOut = z.object({
  id: zId,
  type: z.string().describe('task_reminder, task_assigned, lead_assigned, appointment_reminder …'),
  title: z.string(),
  body: z.string().nullable(),
  entity: z.string().nullable().describe('What it is about (task, lead, appointment), for a link'),
  entityId: z.string().nullable(),
  readAt: zTimestamp.nullable(),
  createdAt: zTimestamp,
});
export type NotificationOut = z.infer<typeof notificationOut>;

export const notificationListQuery = z.strictObject({
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only unread ones'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size, 1 to 200'),
  cursor: z.string().max(2000).optional().describe('The `nextCursor` of the previous page'),
});
export type NotificationListQuery = z.infer<typeof notificationListQuery>;

export const notificationPage = z.object({
  data: z.array(notificationOut),
  nextCursor: z.string().nullable(),
  unreadCount: z.number().int().describe("The caller's unread notifications in this workspace"),
});
