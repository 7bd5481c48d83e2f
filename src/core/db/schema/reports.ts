import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
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
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { recordMeta, tenantId, timestamps } from './common.js';
import { memberships, workspaces } from './tenancy.js';

/**
 * A marketing campaign, matched to leads by name (`leads.campaign`, case-insensitive) and optionally tied to
 * a source, so that source and campaign reports can give cost per lead and per won lead.
 */
export const campaigns = pgTable(
  'campaigns',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    name: text().notNull(),
    /** The lead source this campaign's spend counts towards in the sources report (null: none). */
    source: text(),
    description: text(),
    ...recordMeta(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    // One live campaign per name (leads refer to campaigns by name).
    uniqueIndex('campaigns_name_key').on(t.workspaceId, sql`lower(${t.name})`).where(sql`deleted_at is null`),
  ],
);

/** Money spent on a campaign over a period (both days inclusive); reports prorate it by day. */
export const campaignCosts = pgTable(
  'campaign_costs',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    campaignId: uuid().notNull(),
    periodStart: date().notNull(),
    periodEnd: date().notNull(),
    amount: numeric({ precision: 16, scale: 2 }).notNull(),
    note: text(),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('campaign_costs_campaign_idx').on(t.workspaceId, t.campaignId, t.periodStart),
    foreignKey({
      name: 'campaign_costs_campaign_fk',
      columns: [t.workspaceId, t.campaignId],
      foreignColumns: [campaigns.workspaceId, campaigns.id],
    }).onDelete('cascade'),
  ],
);

export const REPORT_KINDS = [
  'funnel',
  'sources',
  'campaigns',
  'team',
  'health',
  'forecast',
  'activity',
  'builder',
] as const;

/** A report a user saved: which report and its parameters (filters, builder definition, chart). */
export const savedReports = pgTable(
  'saved_reports',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    name: text().notNull(),
    kind: text({ enum: REPORT_KINDS }).notNull(),
    params: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** How the dashboard and the report page draw it: bar, line, area, pie, table. */
    chart: text().notNull().default('bar'),
    ownerId: uuid().notNull(),
    /** Shared reports are visible to every member (only the owner or a manager changes them). */
    shared: boolean().notNull().default(false),
    ...recordMeta(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('saved_reports_owner_idx').on(t.workspaceId, t.ownerId),
    foreignKey({
      name: 'saved_reports_owner_fk',
      columns: [t.workspaceId, t.ownerId],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
  ],
);

/** A user's dashboard: saved reports in order, each with a width on a 12-column grid. */
export const dashboardItems = pgTable(
  'dashboard_items',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    userId: uuid().notNull(),
    savedReportId: uuid().notNull(),
    position: integer().notNull(),
    width: integer().notNull().default(6),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId, t.savedReportId] }),
    foreignKey({
      name: 'dashboard_items_user_fk',
      columns: [t.workspaceId, t.userId],
      foreignColumns: [memberships.workspaceId, memberships.userId],
    }),
    foreignKey({
      name: 'dashboard_items_report_fk',
      columns: [t.workspaceId, t.savedReportId],
      foreignColumns: [savedReports.workspaceId, savedReports.id],
    }).onDelete('cascade'),
  ],
);

/**
 * Live activities per UTC day, user, type and outcome, kept by statement-level triggers on activities
 * (migration 0015) in the same transaction as the activity: the activity summary and the team report
 * add these up instead of scanning millions of activities. `userId` is the nil uuid for an activity
 * without a user and `outcome` '' for none (primary key columns cannot be null); `slot` spreads
 * concurrent writers over several rows, as stage_totals does.
 */
export const activityDayTotals = pgTable(
  'activity_day_totals',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    day: date().notNull(),
    userId: uuid().notNull(),
    type: text().notNull(),
    outcome: text().notNull(),
    slot: smallint().notNull(),
    n: bigint({ mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.userId, t.type, t.outcome, t.slot] })],
);

/**
 * Live leads per stage, UTC day they entered it, owner and source, kept by statement-level triggers on
 * leads (migration 0016): pipeline health reads its snapshot of open leads from these instead of every
 * open lead (the days that hold one of its boundary instants are read from the leads). `ownerId` is the
 * nil uuid for none and `source` '' for none; `enteredSum` is the sum of the stage entry times as epoch
 * seconds (exact, numeric), for the average age; `slot` spreads concurrent writers.
 */
export const stageDayTotals = pgTable(
  'stage_day_totals',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    stageId: uuid().notNull(),
    day: date().notNull(),
    ownerId: uuid().notNull(),
    source: text().notNull(),
    slot: smallint().notNull(),
    n: bigint({ mode: 'number' }).notNull().default(0),
    value: numeric({ precision: 20, scale: 2 }).notNull().default('0'),
    enteredSum: numeric().notNull().default('0'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.stageId, t.day, t.ownerId, t.source, t.slot] })],
);

/**
 * Live leads per stage, expected close date ('-infinity' for none), owner and source, kept by
 * statement-level triggers on leads (migration 0017): the forecast adds these up instead of reading
 * every open lead. Close dates are days, so the forecast's months, overdue and undated rows are exact.
 */
export const stageCloseTotals = pgTable(
  'stage_close_totals',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    stageId: uuid().notNull(),
    closeDay: date().notNull(),
    ownerId: uuid().notNull(),
    source: text().notNull(),
    slot: smallint().notNull(),
    n: bigint({ mode: 'number' }).notNull().default(0),
    value: numeric({ precision: 20, scale: 2 }).notNull().default('0'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.stageId, t.closeDay, t.ownerId, t.source, t.slot] })],
);

/**
 * The funnel's cohorts (migration 0018, ADR 016): live leads per pipeline, UTC day of creation, set of
 * stages reached and lost reason, with their value. `lost` is '' for a lead that is not lost, 'n' for a
 * lost lead without a reason and 'v' followed by the reason otherwise. Kept by statement-level triggers
 * on leads; `slot` spreads concurrent writers.
 */
export const funnelDayTotals = pgTable(
  'funnel_day_totals',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    pipelineId: uuid().notNull(),
    day: date().notNull(),
    reached: uuid().array().notNull(),
    lost: text().notNull(),
    slot: smallint().notNull(),
    n: bigint({ mode: 'number' }).notNull().default(0),
    value: numeric({ precision: 20, scale: 2 }).notNull().default('0'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.pipelineId, t.day, t.reached, t.lost, t.slot] })],
);

/**
 * Ended stays of live leads per lead pipeline, UTC day the lead was created, stage and duration bucket
 * (`report_duration_bucket(seconds)`, migration 0018): a histogram from which the funnel finds the
 * bucket that holds a cohort's median time in stage, then reads that one bucket's stays (ADR 016).
 */
export const stayDurationTotals = pgTable(
  'stay_duration_totals',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    pipelineId: uuid().notNull(),
    day: date().notNull(),
    stageId: uuid().notNull(),
    bucket: smallint().notNull(),
    slot: smallint().notNull(),
    n: bigint({ mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.pipelineId, t.day, t.stageId, t.bucket, t.slot] })],
);

/**
 * Live leads per pipeline, UTC creation day, source, campaign (as spelled; `''` for none), outcome
 * (`w` won, `l` lost, `o` open) and whether the lead reached a qualified stage (a stage whose status is
 * qualified, proposal or won), with their value (migration 0019): the sources and campaigns reports
 * add these up instead of reading the leads (ADR 017).
 */
export const acquisitionDayTotals = pgTable(
  'acquisition_day_totals',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    pipelineId: uuid().notNull(),
    day: date().notNull(),
    source: text().notNull(),
    campaign: text().notNull(),
    outcome: text().notNull(),
    qualified: boolean().notNull(),
    slot: smallint().notNull(),
    n: bigint({ mode: 'number' }).notNull().default(0),
    value: numeric({ precision: 20, scale: 2 }).notNull().default('0'),
  },
  (t) => [
    primaryKey({
      name: 'acquisition_day_totals_pk',
      columns: [t.workspaceId, t.pipelineId, t.day, t.source, t.campaign, t.outcome, t.qualified, t.slot],
    }),
  ],
);

/**
 * Live leads per grain (`d` a UTC creation day, `w` its week from Monday, `m` its month), pipeline,
 * owner (the nil uuid for none), whether the lead is open, and first-response bucket
 * (`report_duration_bucket` of the seconds from creation to the first human activity; -1: none yet),
 * migration 0020. The team report covers a range with whole months, then whole weeks, then days, and
 * finds each median's bucket from here before reading that bucket's leads (ADR 018).
 */
export const responseDayTotals = pgTable(
  'response_day_totals',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    grain: text().notNull(),
    day: date().notNull(),
    pipelineId: uuid().notNull(),
    ownerId: uuid().notNull(),
    open: boolean().notNull(),
    bucket: smallint().notNull(),
    slot: smallint().notNull(),
    n: bigint({ mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({
      name: 'response_day_totals_pk',
      columns: [t.workspaceId, t.grain, t.day, t.pipelineId, t.ownerId, t.open, t.bucket, t.slot],
    }),
  ],
);
