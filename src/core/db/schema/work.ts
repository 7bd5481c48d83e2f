import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { recordMeta, tenantId } from './common.js';
import { contacts } from './contacts.js';
import { deals } from './deals.js';
import { leads } from './leads.js';
import { pipelines, stages } from './pipelines.js';
import { memberships, workspaces } from './tenancy.js';

/**
 * Stage history: one row per stay of a lead in a stage (time in stage). The open stay has no left_at;
 * a move closes it and opens the next in the same transaction.
 */
export const leadStageHistory = pgTable(
  'lead_stage_history',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    leadId: uuid().notNull(),
    pipelineId: uuid().notNull(),
    stageId: uuid().notNull(),
    enteredAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
    leftAt: timestamp({ withTimezone: true }),
    /** Who moved the lead in (null: a system or migrated entry). */
    movedBy: uuid(),
    /** Time in stage of an ended stay, in seconds (generated; null while the stay is open). */
    seconds: doublePrecision().generatedAlwaysAs(sql`date_part('epoch', left_at - entered_at)`),
    /**
     * The lead's creation time, current pipeline and liveness, kept on its stays by triggers (migration
     * 0018) so that the funnel's median time in stage reads one index range (ADR 016).
     */
    leadCreatedAt: timestamp({ withTimezone: true }),
    leadPipelineId: uuid(),
    leadLive: boolean(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('lead_stage_history_lead_idx').on(t.workspaceId, t.leadId, t.enteredAt),
    index('lead_stage_history_stage_idx').on(t.workspaceId, t.stageId, t.enteredAt),
    index('lead_stage_history_seconds_idx')
      // INCLUDE (lead_created_at, lead_pipeline_id) in migration 0018.
      .on(t.workspaceId, t.stageId, t.seconds)
      .where(sql`seconds is not null and lead_live`),
    foreignKey({
      name: 'lead_stage_history_lead_fk',
      columns: [t.workspaceId, t.leadId],
      foreignColumns: [leads.workspaceId, leads.id],
    }),
    foreignKey({
      name: 'lead_stage_history_pipeline_fk',
      columns: [t.workspaceId, t.pipelineId],
      foreignColumns: [pipelines.workspaceId, pipelines.id],
    }),
    foreignKey({
      name: 'lead_stage_history_stage_fk',
      columns: [t.workspaceId, t.stageId],
      foreignColumns: [stages.workspaceId, stages.id],
    }),
  ],
);

export const TASK_TYPES = ['follow_up', 'call', 'email', 'meeting', 'demo', 'proposal', 'other'] as const;
export const TASK_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const TASK_STATUSES = ['pending', 'in_progress', 'completed', 'cancelled'] as const;

/** A follow-up with a due date, on a lead and/or a contact (or a deal). */
export const tasks = pgTable(
  'tasks',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    title: text().notNull(),
    description: text(),
    type: text({ enum: TASK_TYPES }).notNull().default('follow_up'),
    priority: text({ enum: TASK_PRIORITIES }).notNull().default('medium'),
    status: text({ enum: TASK_STATUSES }).notNull().default('pending'),
    dueAt: timestamp({ withTimezone: true }),
    /** When to remind the assignee (a notification); null = no reminder. */
    remindAt: timestamp({ withTimezone: true }),
    remindedAt: timestamp({ withTimezone: true }),
    assigneeId: uuid(),
    leadId: uuid(),
    contactId: uuid(),
    dealId: uuid(),
    completedAt: timestamp({ withTimezone: true }),
    completedBy: uuid(),
    createdBy: uuid(),
    ...recordMeta(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('tasks_assignee_idx').on(t.workspaceId, t.assigneeId, t.status, t.dueAt),
    index('tasks_due_idx').on(t.workspaceId, t.status, t.dueAt),
    index('tasks_lead_idx').on(t.workspaceId, t.leadId),
    index('tasks_contact_idx').on(t.workspaceId, t.contactId),
    index('tasks_remind_idx')
      .on(t.remindAt)
      .where(sql`reminded_at is null and deleted_at is null and status in ('pending', 'in_progress')`),
    foreignKey({
      name: 'tasks_assignee_fk',
      columns: [t.workspaceId, t.assigneeId],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
    foreignKey({
      name: 'tasks_lead_fk',
      columns: [t.workspaceId, t.leadId],
      foreignColumns: [leads.workspaceId, leads.id],
    }),
    foreignKey({
      name: 'tasks_contact_fk',
      columns: [t.workspaceId, t.contactId],
      foreignColumns: [contacts.workspaceId, contacts.id],
    }),
    foreignKey({
      name: 'tasks_deal_fk',
      columns: [t.workspaceId, t.dealId],
      foreignColumns: [deals.workspaceId, deals.id],
    }),
  ],
);

/** A user's notifications (task reminders, assignments). Real-time delivery comes later. */
export const notifications = pgTable(
  'notifications',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    userId: uuid().notNull(),
    /** task_reminder, task_assigned, lead_assigned, appointment_reminder … */
    type: text().notNull(),
    title: text().notNull(),
    body: text(),
    /** What it is about: entity (task, lead, appointment) and id, for a link. */
    entity: text(),
    entityId: uuid(),
    readAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('notifications_user_idx').on(t.workspaceId, t.userId, t.createdAt),
    foreignKey({
      name: 'notifications_user_fk',
      columns: [t.workspaceId, t.userId],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
  ],
);

export const APPOINTMENT_STATUSES = ['scheduled', 'completed', 'cancelled', 'no_show'] as const;
export const APPOINTMENT_RESULTS = [
  'sold',
  'quoted',
  'follow_up',
  'not_interested',
  'rescheduled',
  'other',
] as const;

/** A meeting on a lead, with its outcome and appointment-level custom fields. */
export const appointments = pgTable(
  'appointments',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    leadId: uuid().notNull(),
    contactId: uuid().notNull(),
    title: text(),
    scheduledAt: timestamp({ withTimezone: true }).notNull(),
    durationMinutes: integer().notNull().default(60),
    location: text(),
    assigneeId: uuid(),
    status: text({ enum: APPOINTMENT_STATUSES }).notNull().default('scheduled'),
    /** Outcome. */
    result: text({ enum: APPOINTMENT_RESULTS }),
    outcomeNotes: text(),
    objections: text(),
    quoteValue: numeric({ precision: 16, scale: 2 }),
    nextContactAt: timestamp({ withTimezone: true }),
    /** How often it was moved; the previous times are on the timeline. */
    rescheduleCount: integer().notNull().default(0),
    custom: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdBy: uuid(),
    ...recordMeta(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('appointments_lead_idx').on(t.workspaceId, t.leadId, t.scheduledAt),
    index('appointments_assignee_idx').on(t.workspaceId, t.assigneeId, t.scheduledAt),
    index('appointments_custom_idx').using('gin', sql`${t.custom} jsonb_path_ops`),
    foreignKey({
      name: 'appointments_lead_fk',
      columns: [t.workspaceId, t.leadId],
      foreignColumns: [leads.workspaceId, leads.id],
    }),
    foreignKey({
      name: 'appointments_contact_fk',
      columns: [t.workspaceId, t.contactId],
      foreignColumns: [contacts.workspaceId, contacts.id],
    }),
    foreignKey({
      name: 'appointments_assignee_fk',
      columns: [t.workspaceId, t.assigneeId],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
  ],
);

/**
 * Each board column's count and value, kept by statement-level triggers on leads (migration 0008) in
 * the transaction that changes the leads, so the unfiltered board reads a few rows instead of counting
 * a million. A column is spread over slots (a statement adds its delta to a random one) so concurrent
 * writes to one stage seldom wait on each other; a column's figures are the sum of its slots.
 */
export const stageTotals = pgTable(
  'stage_totals',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    stageId: uuid().notNull(),
    slot: smallint().notNull(),
    leadCount: bigint({ mode: 'number' }).notNull().default(0),
    valueSum: numeric({ precision: 20, scale: 2 }).notNull().default('0'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.stageId, t.slot] }),
    foreignKey({
      name: 'stage_totals_stage_fk',
      columns: [t.workspaceId, t.stageId],
      foreignColumns: [stages.workspaceId, stages.id],
    }),
  ],
);
