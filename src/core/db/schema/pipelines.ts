import { boolean, foreignKey, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { recordMeta, tenantId } from './common.js';
import { workspaces } from './tenancy.js';

export const pipelines = pgTable(
  'pipelines',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    name: text().notNull(),
    position: integer().notNull().default(0),
    isDefault: boolean().notNull().default(false),
    /** A lead that sat in an open stage longer than this many days is rotten (marked on the board). */
    rottenAfterDays: integer(),
    ...recordMeta(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const stages = pgTable(
  'stages',
  {
    workspaceId: tenantId().references(() => workspaces.id),
    id: uuid().notNull(),
    pipelineId: uuid().notNull(),
    name: text().notNull(),
    color: text().notNull().default('#228be6'),
    position: integer().notNull(),
    probability: integer().notNull().default(0),
    /** open, won or lost: what reaching this stage means. */
    type: text({ enum: ['open', 'won', 'lost'] })
      .notNull()
      .default('open'),
    /** The lead status a lead in this stage has (new, contacted, qualified, proposal, won, lost). */
    leadStatus: text({ enum: ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'] }).notNull(),
    ...recordMeta(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({
      name: 'stages_pipeline_fk',
      columns: [t.workspaceId, t.pipelineId],
      foreignColumns: [pipelines.workspaceId, pipelines.id],
    }),
  ],
);
