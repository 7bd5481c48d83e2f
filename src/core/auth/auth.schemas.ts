import { z } from 'zod';
import { zId } from '../shared/records.js';
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

export type SignupBody = z.infer<typeof signupBody>;
