import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { recordMeta, tenantId, timestamps } from './common.js';
import { contacts } from './contacts.js';
import { pipelines, stages } from './pipelines.js';
import { memberships, workspaces } from './tenancy.js';

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'] as const;

/** One sales interest of one contact. Contact fields are read from the contact, never copied. */
export const leads = pgTable(
  'leads',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    externalId: text(),
    contactId: uuid().notNull(),
    title: text(),
    productInterest: text(),
    source: text(),
    campaign: text(),
    medium: text(),
    term: text(),
    referrer: text(),
    landingPage: text(),
    formName: text(),
    pipelineId: uuid().notNull(),
    stageId: uuid().notNull(),
    status: text({ enum: LEAD_STATUSES }).notNull(),
    stageEnteredAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
    /**
     * Every stage the lead has had a stay in (its stage history as a set), kept by triggers on
     * lead_stage_history (migration 0015): the funnel and the qualified counts read it from an index.
     */
    reachedStageIds: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    /** When the first call, email, meeting, note or sms was logged on the lead; kept by triggers on activities. */
    firstResponseAt: timestamp({ withTimezone: true }),
    priority: text({ enum: ['low', 'medium', 'high', 'urgent'] })
      .notNull()
      .default('medium'),
    temperature: text({ enum: ['cold', 'warm', 'hot'] }),
    ownerId: uuid(),
    score: integer().notNull().default(0),
    /** Why the score is what it is: the scoring rules that fired and their points. */
    scoreReasons: jsonb()
      .$type<{ ruleId: string; name: string; points: number; category?: string }[]>()
      .notNull()
      .default([]),
    scoredAt: timestamp({ withTimezone: true }),
    /** Order within its board column (fractional index, compared bytewise); ties broken by id. */
    boardRank: text().notNull().default('a0'),
    predictedProbability: numeric({ precision: 5, scale: 4 }),
    budgetRange: text(),
    authorityLevel: text(),
    timeline: text(),
    dealValue: numeric({ precision: 16, scale: 2 }),
    expectedCloseDate: date(),
    lostReason: text(),
    marketingStage: text({ enum: ['awareness', 'consideration', 'decision'] }),
    spamScore: integer(),
    validationStatus: text({ enum: ['unverified', 'valid', 'invalid'] }),
    isDuplicate: boolean().notNull().default(false),
    convertedAt: timestamp({ withTimezone: true }),
    convertedAccountId: uuid(),
    /** FK leads_converted_deal_fk to deals is added in SQL (migration 0000): a type cycle otherwise. */
    convertedDealId: uuid(),
    autoCreatedFromContact: boolean().notNull().default(false),
    custom: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdBy: uuid(),
    ...recordMeta(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('leads_custom_idx').using('gin', sql`${t.custom} jsonb_path_ops`),
    uniqueIndex('leads_external_id_key').on(t.workspaceId, t.externalId),
    index('leads_contact_idx').on(t.workspaceId, t.contactId),
    index('leads_list_idx').on(t.workspaceId, t.createdAt, t.id),
    index('leads_status_idx').on(t.workspaceId, t.status, t.createdAt, t.id),
    index('leads_stage_idx').on(t.workspaceId, t.stageId, t.createdAt, t.id),
    // The board's order, covering the board's filters and sums (live leads only).
    // The board's order, covering its filters and sums (INCLUDE in migration 0008; live leads only).
    index('leads_board_idx').on(t.workspaceId, t.stageId, t.boardRank, t.id).where(sql`deleted_at is null`),
    // "My board": an owner's live leads by stage, covering the other filters and sums (INCLUDE: 0009).
    index('leads_owner_board_idx').on(t.workspaceId, t.ownerId, t.stageId).where(sql`deleted_at is null`),
    index('leads_owner_idx').on(t.workspaceId, t.ownerId, t.createdAt, t.id),
    index('leads_source_idx').on(t.workspaceId, t.source, t.createdAt, t.id),
    foreignKey({
      name: 'leads_contact_fk',
      columns: [t.workspaceId, t.contactId],
      foreignColumns: [contacts.workspaceId, contacts.id],
    }),
    foreignKey({
      name: 'leads_pipeline_fk',
      columns: [t.workspaceId, t.pipelineId],
      foreignColumns: [pipelines.workspaceId, pipelines.id],
    }),
    foreignKey({
      name: 'leads_stage_fk',
      columns: [t.workspaceId, t.stageId],
      foreignColumns: [stages.workspaceId, stages.id],
    }),
    foreignKey({
      name: 'leads_owner_fk',
      columns: [t.workspaceId, t.ownerId],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
    foreignKey({
      name: 'leads_converted_account_fk',
      columns: [t.workspaceId, t.convertedAccountId],
      foreignColumns: [accounts.workspaceId, accounts.id],
    }),
  ],
);

export const LEAD_CONTACT_ROLES = ['primary', 'secondary', 'decision_maker', 'technical', 'billing'] as const;

/** Further contacts on a lead, each with a role. */
export const leadContacts = pgTable(
  'lead_contacts',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    leadId: uuid().notNull(),
    contactId: uuid().notNull(),
    role: text({ enum: LEAD_CONTACT_ROLES }).notNull().default('secondary'),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.leadId, t.contactId] }),
    index('lead_contacts_contact_idx').on(t.workspaceId, t.contactId),
    foreignKey({
      name: 'lead_contacts_lead_fk',
      columns: [t.workspaceId, t.leadId],
      foreignColumns: [leads.workspaceId, leads.id],
    }),
    foreignKey({
      name: 'lead_contacts_contact_fk',
      columns: [t.workspaceId, t.contactId],
      foreignColumns: [contacts.workspaceId, contacts.id],
    }),
  ],
);
