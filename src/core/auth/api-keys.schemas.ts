import { z } from 'zod';
import { zId, zTimestamp } from '../shared/records.js';

export const apiKeyCreate = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100),
  role: z
    .enum(['admin', 'manager', 'rep', 'viewer'])
    .default('admin')
    .describe('What programs using the key may do'),
});
export const apiKeyOut = z.object({
  id: zId,
  name: z.string(),
  prefix: z.string().describe('The start of the key, to recognise it'),
  role: z.enum(['admin', 'manager', 'rep', 'viewer']),
  createdAt: zTimestamp,
  lastUsedAt: zTimestamp.nullable(),
  revokedAt: zTimestamp.nullable(),
});
export const apiKeyCreated = apiKeyOut.extend({
  key: z
    .string()
    .describe('The secret key. Shown only once: store it now. Send as `Authorization: Bearer <key>`'),
});

export type ApiKeyOut = z.infer<typeof apiKeyOut>;
