import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { recordMeta, tenantId } from './common.js';
import { leads } from './leads.js';
import { memberships, workspaces } from './tenancy.js';

/** A team of members, e.g. "Inbound EMEA"; assignment rules may rotate over a team. */
export const teams = pgTable(
  'teams',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    name: text().notNull(),
    description: text(),
    ...recordMeta(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const teamMembers = pgTable(
  'team_members',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    teamId: uuid().notNull(),
    userId: uuid().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.teamId, t.userId] }),
    index('team_members_user_idx').on(t.workspaceId, t.userId),
    foreignKey({
      name: 'team_members_team_fk',
      columns: [t.workspaceId, t.teamId],
      foreignColumns: [teams.workspaceId, teams.id],
    }),
    foreignKey({
      name: 'team_members_user_fk',
      columns: [t.workspaceId, t.userId],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
  ],
);

/**
 * A member's capacity for automatic assignment, workspace-wide (every rule respects it): paused
 * (holiday), at most max_open open leads, at most max_per_30d leads assigned in 30 days.
 */
export const memberCapacity = pgTable(
  'member_capacity',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    userId: uuid().notNull(),
    paused: boolean().notNull().default(false),
    maxOpen: integer(),
    maxPer30d: integer(),
    updatedAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    foreignKey({
      name: 'member_capacity_user_fk',
      columns: [t.workspaceId, t.userId],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
  ],
);

export const ASSIGNMENT_TYPES = ['round_robin', 'specific_user', 'least_loaded'] as const;

/** Who gets a new lead: tried in priority order (lower first), the first whose conditions hold wins. */
export const assignmentRules = pgTable(
  'assignment_rules',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    name: text().notNull(),
    type: text({ enum: ASSIGNMENT_TYPES }).notNull(),
    /** The candidates, in rotation order (round robin, least loaded) or the one user (specific_user). */
    userIds: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    /** Or a team's members (rotation order: by user id). */
    teamId: uuid(),
    conditions: jsonb().$type<Record<string, unknown> | null>(),
    priority: integer().notNull().default(100),
    active: boolean().notNull().default(true),
    /** Round robin: how many leads this rule has handed out; the next goes to position counter mod n. */
    rrCounter: bigint({ mode: 'number' }).notNull().default(0),
    createdBy: uuid(),
    ...recordMeta(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('assignment_rules_priority_idx').on(t.workspaceId, t.priority),
    foreignKey({
      name: 'assignment_rules_team_fk',
      columns: [t.workspaceId, t.teamId],
      foreignColumns: [teams.workspaceId, teams.id],
    }),
  ],
);

/** Every owner change of a lead, with the reason (rule, rotation position, candidates' loads). */
export const leadAssignments = pgTable(
  'lead_assignments',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    leadId: uuid().notNull(),
    fromUserId: uuid(),
    toUserId: uuid(),
    /** rule, fallback, manual, bulk, import, merge … */
    reason: text().notNull(),
    ruleId: uuid(),
    /** The explanation: rule name, rotation position, each candidate's load and eligibility. */
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    assignedBy: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('lead_assignments_lead_idx').on(t.workspaceId, t.leadId, t.createdAt),
    index('lead_assignments_to_idx').on(t.workspaceId, t.toUserId, t.createdAt),
    foreignKey({
      name: 'lead_assignments_lead_fk',
      columns: [t.workspaceId, t.leadId],
      foreignColumns: [leads.workspaceId, leads.id],
    }),
  ],
);

export const SCORING_CATEGORIES = ['demographic', 'behavioural', 'engagement', 'progression'] as const;

/** Points for a lead when its conditions hold; a lead's score is the clamped (0–100) sum. */
export const scoringRules = pgTable(
  'scoring_rules',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    name: text().notNull(),
    category: text({ enum: SCORING_CATEGORIES }).notNull().default('demographic'),
    conditions: jsonb().$type<Record<string, unknown>>().notNull(),
    points: integer().notNull(),
    active: boolean().notNull().default(true),
    createdBy: uuid(),
    ...recordMeta(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);
