import { z } from 'zod';
import { recordMetaOut, zId } from '../shared/records.js';

export const teamCreate = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).nullable().optional(),
  userIds: z
    .array(z.uuid('must be a UUID'))
    .max(500)
    .default([])
    .describe('Members (active workspace members)'),
});
export const teamUpdate = z.strictObject({
  name: teamCreate.shape.name.optional(),
  description: teamCreate.shape.description,
  userIds: z
    .array(z.uuid('must be a UUID'))
    .max(500)
    .optional()
    .describe('The full member list (replaces the current one)'),
});
export const teamOut = z.object({
  id: zId,
  name: z.string(),
  description: z.string().nullable(),
  members: z.array(z.object({ userId: zId, name: z.string(), email: z.string(), active: z.boolean() })),
  ...recordMetaOut,
});
export type TeamCreate = z.infer<typeof teamCreate>;
export type TeamUpdate = z.infer<typeof teamUpdate>;
export type TeamOut = z.infer<typeof teamOut>;
