import { z } from 'zod';
import { zId, zTimestamp } from '../shared/records.js';
import { workspaceOut, zEmail, zPassword } from '../workspaces/workspaces.schemas.js';

export const signupBody = z.strictObject({
  email: zEmail,
  password: zPassword,
  name: z.string().trim().min(1, 'is required').max(100),
  workspaceName: z.string().trim().min(1, 'is required').max(100),
});
export const loginBody = z.strictObject({
  email: zEmail,
  password: z.string().min(1, 'is required').max(200),
  workspaceId: zId.optional().describe('Workspace to open; defaults to the first one'),
});
export const switchBody = z.strictObject({ workspaceId: zId });

export const userOut = z.object({ id: zId, email: z.string(), name: z.string() });
export const sessionOut = z.object({
  user: userOut,
  workspace: workspaceOut.nullable().describe('The workspace this session works in'),
  workspaces: z.array(workspaceOut).describe('All workspaces the user belongs to'),
});

export const apiKeyCreate = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100),
  role: z.enum(['admin', 'manager', 'rep', 'viewer']).default('admin').describe('What programs using the key may do'),
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
  key: z.string().describe('The secret key. Shown only once: store it now. Send as `Authorization: Bearer <key>`'),
});

export type SignupBody = z.infer<typeof signupBody>;
export type ApiKeyOut = z.infer<typeof apiKeyOut>;
