import { z } from 'zod';
import { ROLES } from '../shared/context.js';
import { zId, zTimestamp } from '../shared/records.js';

export const zEmail = z.string().trim().toLowerCase().pipe(z.email('must be an email address').max(254));
export const zPassword = z.string().min(10, 'must be at least 10 characters').max(200);
export const zRole = z.enum(ROLES);

export const memberCreate = z.strictObject({
  email: zEmail,
  name: z.string().trim().min(1, 'is required').max(100),
  role: zRole.exclude(['owner']).describe('admin, manager, rep or viewer'),
  password: zPassword.optional().describe('Initial password; without one the member cannot sign in yet'),
});
export const memberUpdate = z.strictObject({ role: zRole });

export const memberOut = z.object({
  id: zId.describe('User id'),
  email: z.string(),
  name: z.string(),
  role: zRole,
  active: z.boolean(),
  joinedAt: zTimestamp,
});

export const workspaceOut = z.object({
  id: zId,
  name: z.string(),
  role: zRole.describe('Your role in this workspace'),
  defaultCountry: z.string().describe('ISO country used to read phone numbers without a country code'),
  currency: z.string(),
});
export const workspaceCreate = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100),
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code such as US')
    .optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as USD')
    .optional(),
});
export const workspaceUpdate = workspaceCreate.partial();

export type MemberCreate = z.infer<typeof memberCreate>;
export type MemberOut = z.infer<typeof memberOut>;
export type WorkspaceOut = z.infer<typeof workspaceOut>;
