import { z } from 'zod';
import { ASSIGNMENT_TYPES } from '../db/schema/index.js';
import { recordMetaOut, zId, zTimestamp } from '../shared/records.js';

export { ASSIGNMENT_TYPES };
export type AssignmentType = (typeof ASSIGNMENT_TYPES)[number];

const ruleBase = {
  name: z.string().trim().min(1).max(200),
  type: z
    .enum(ASSIGNMENT_TYPES)
    .describe(
      'round_robin: the next eligible user in rotation; least_loaded: the eligible user with the fewest open leads (ties in rotation); specific_user: that one user',
    ),
  userIds: z
    .array(z.uuid('must be a UUID'))
    .max(200)
    .describe('Candidates in rotation order (specific_user: exactly one); or give teamId'),
  teamId: z.uuid('must be a UUID').nullable().describe('A team whose live members are the candidates'),
  conditions: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe(
      'Condition on the new lead in the shared condition language (docs/decisions/007); null or absent: every lead. changed_to is not allowed.',
    ),
  priority: z.number().int().min(0).max(100_000).describe('Rules are tried in ascending priority'),
  active: z.boolean(),
};

export const assignmentRuleCreate = z.strictObject({
  name: ruleBase.name,
  type: ruleBase.type,
  userIds: ruleBase.userIds.default([]),
  teamId: ruleBase.teamId.optional(),
  conditions: ruleBase.conditions.optional(),
  priority: ruleBase.priority.default(100),
  active: ruleBase.active.default(true),
});
export const assignmentRuleUpdate = z.strictObject({
  name: ruleBase.name.optional(),
  type: ruleBase.type.optional(),
  userIds: ruleBase.userIds.optional(),
  teamId: ruleBase.teamId.optional(),
  conditions: ruleBase.conditions.optional(),
  priority: ruleBase.priority.optional(),
  active: ruleBase.active.optional(),
});
export const assignmentRuleOut = z.object({
  id: zId,
  name: z.string(),
  type: z.enum(ASSIGNMENT_TYPES),
  userIds: z.array(z.string()),
  teamId: z.string().nullable(),
  conditions: z.record(z.string(), z.unknown()).nullable(),
  priority: z.number().int(),
  active: z.boolean(),
  assignedCount: z.number().int().describe('Leads this rule has handed out (its rotation counter)'),
  ...recordMetaOut,
});
export type AssignmentRuleCreate = z.infer<typeof assignmentRuleCreate>;
export type AssignmentRuleUpdate = z.infer<typeof assignmentRuleUpdate>;
export type AssignmentRuleOut = z.infer<typeof assignmentRuleOut>;

export const rulePreviewOut = z.object({
  matching: z.number().int().describe('Open, non-deleted leads the rule conditions select (compiled SQL)'),
  sample: z.array(z.object({ id: zId, title: z.string().nullable() })),
});

export const candidateOut = z.object({
  userId: z.string(),
  name: z.string().optional(),
  openLeads: z.number().int(),
  assigned30d: z.number().int(),
  paused: z.boolean(),
  maxOpen: z.number().int().nullable(),
  maxPer30d: z.number().int().nullable(),
  eligible: z.boolean(),
  reason: z.string().describe('Why the candidate was or was not eligible'),
});
export type CandidateOut = z.infer<typeof candidateOut>;

export const leadAssignmentOut = z.object({
  id: zId,
  leadId: zId,
  fromUserId: z.string().nullable(),
  fromName: z.string().nullable(),
  toUserId: z.string().nullable(),
  toName: z.string().nullable(),
  reason: z.string().describe('rule, fallback, manual, bulk, import, merge or create'),
  ruleId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  assignedBy: z.string().nullable(),
  createdAt: zTimestamp,
});
export type LeadAssignmentOut = z.infer<typeof leadAssignmentOut>;

export const bulkAssignBody = z.strictObject({
  leadIds: z.array(z.uuid('must be a UUID')).min(1).max(1000),
  ownerId: z.uuid('must be a UUID').nullable().describe('The new owner (null: unassigned)'),
});
export const bulkAssignOut = z.object({
  updated: z.number().int().describe('Leads whose owner changed'),
  unchanged: z.number().int().describe('Leads that already had this owner'),
});

export const capacityBody = z.strictObject({
  paused: z.boolean().describe('A paused member gets no leads from rules'),
  maxOpen: z.number().int().min(0).max(1_000_000).nullable().describe('At most this many open leads'),
  maxPer30d: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .nullable()
    .describe('At most this many leads assigned in 30 days'),
});
export const capacityOut = capacityBody.extend({ userId: zId });
export type CapacityIn = z.infer<typeof capacityBody>;

export const assignmentSettingsBody = z.strictObject({
  fallbackUserId: z
    .uuid('must be a UUID')
    .nullable()
    .describe('Who gets a new lead no rule matches (null: it stays unassigned)'),
});

export const workloadOut = z.object({
  data: z.array(
    z.object({
      userId: zId,
      name: z.string(),
      email: z.string(),
      role: z.string(),
      openLeads: z.number().int(),
      assigned30d: z.number().int(),
      share30d: z.number().describe('Share of the workspace assignments in the last 30 days (0..1)'),
      paused: z.boolean(),
      maxOpen: z.number().int().nullable(),
      maxPer30d: z.number().int().nullable(),
      teams: z.array(z.object({ id: zId, name: z.string() })),
    }),
  ),
  unassignedOpen: z.number().int(),
});
export type WorkloadOut = z.infer<typeof workloadOut>;
