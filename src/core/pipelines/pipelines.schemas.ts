import { z } from 'zod';
import { LEAD_STATUSES } from '../db/schema/index.js';
import { zId } from '../shared/records.js';

export const STAGE_TYPES = ['open', 'won', 'lost'] as const;
export type StageType = (typeof STAGE_TYPES)[number];
/** Lead statuses an open stage may give its leads (won and lost belong to won and lost stages). */
export const OPEN_STATUSES = ['new', 'contacted', 'qualified', 'proposal'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const stageOut = z.object({
  id: zId,
  name: z.string(),
  color: z.string().describe('Hex colour, e.g. #228be6'),
  position: z.number().int().describe('Order within the pipeline, from 0'),
  probability: z.number().int().min(0).max(100).describe('Win probability of a lead in this stage, percent'),
  type: z.enum(STAGE_TYPES).describe('open, won or lost'),
  leadStatus: z.enum(LEAD_STATUSES).describe('The status a lead in this stage has'),
  version: z.number().int().describe('Bumped on every change of the stage'),
});

export const pipelineOut = z.object({
  id: zId,
  name: z.string(),
  position: z.number().int(),
  isDefault: z.boolean(),
  rottenAfterDays: z
    .number()
    .int()
    .nullable()
    .describe('A lead in an open stage for longer than this many days is rotten (null: never)'),
  version: z
    .number()
    .int()
    .describe('Bumped on every change of the pipeline or its stages (the ETag; send it as If-Match)'),
  stages: z.array(stageOut),
});

export type PipelineOut = z.infer<typeof pipelineOut>;
export type StageOut = z.infer<typeof stageOut>;

const zName = z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters');
const zRotten = z
  .number()
  .int('must be a whole number of days')
  .min(1, 'must be at least 1 day')
  .max(3650, 'must be at most 3650 days')
  .nullable()
  .describe('Days in an open stage after which a lead is rotten; null: never');
const zColor = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour #rrggbb')
  .transform((c) => c.toLowerCase())
  .describe('Hex colour #rrggbb');
const zProbability = z
  .number()
  .int('must be a whole percent')
  .min(0, 'must be between 0 and 100')
  .max(100, 'must be between 0 and 100')
  .describe('Win probability of a lead in this stage, percent');

const stageFields = {
  name: zName.describe('Column title on the board'),
  color: zColor,
  probability: zProbability,
  type: z
    .enum(STAGE_TYPES)
    .describe('open: work in progress; won: reaching it wins the lead; lost: needs a lost reason'),
  leadStatus: z
    .enum(LEAD_STATUSES)
    .describe(
      'Status of the leads in the stage: won for a won stage, lost for a lost stage, else new, contacted, qualified or proposal (default: that of the open stage before it, else new)',
    ),
};

/** Type and status must agree: won → won, lost → lost, open → one of the open statuses. */
const statusFitsType = (v: { type?: StageType; leadStatus?: LeadStatus }, ctx: z.RefinementCtx) => {
  if (!v.type || !v.leadStatus) return;
  const ok =
    v.type === 'open' ? (OPEN_STATUSES as readonly string[]).includes(v.leadStatus) : v.leadStatus === v.type;
  if (!ok)
    ctx.addIssue({
      code: 'custom',
      path: ['leadStatus'],
      message:
        v.type === 'open'
          ? `an open stage's status is one of ${OPEN_STATUSES.join(', ')}`
          : `a ${v.type} stage's status is ${v.type}`,
    });
};

export const stageCreate = z
  .strictObject({
    ...stageFields,
    position: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .describe(
        'Where to insert it (0 = first); default: an open stage after the last open stage, won/lost at the end',
      ),
  })
  .partial({ color: true, probability: true, type: true, leadStatus: true, position: true })
  .superRefine(statusFitsType)
  .describe('A new stage');

export const stageUpdate = z
  .strictObject(stageFields)
  .partial()
  .superRefine(statusFitsType)
  .describe('Changes to a stage (type only while it holds no leads or deals)');

export const stageReorder = z
  .strictObject({
    stageIds: z
      .array(zId)
      .min(1)
      .max(1000)
      .describe('Every live stage id of the pipeline, once, in the new order'),
  })
  .describe('The new order of the stages');

export const stageRemove = z
  .strictObject({
    moveToStageId: zId
      .optional()
      .describe(
        'Another live stage of the same pipeline and type to move the leads and deals to; required when the stage holds any',
      ),
  })
  .describe('Where the leads and deals of the removed stage go');

export const pipelineCreate = z
  .strictObject({
    name: zName,
    rottenAfterDays: zRotten,
    isDefault: z.boolean().describe('New leads without a pipeline go to the default pipeline'),
    stages: z
      .array(
        z
          .strictObject(stageFields)
          .partial({ color: true, probability: true, type: true, leadStatus: true })
          .superRefine(statusFitsType),
      )
      .min(1)
      .max(50)
      .describe('Stages in order; default: New, Contacted, Qualified, Proposal, Won, Lost'),
  })
  .partial({ rottenAfterDays: true, isDefault: true, stages: true })
  .describe('A new pipeline');

export const pipelineUpdate = z
  .strictObject({
    name: zName,
    rottenAfterDays: zRotten,
    isDefault: z
      .boolean()
      .describe('true makes this the default (the previous default stops being it); false is refused'),
    position: z.number().int().min(0).max(1000).describe('Place among the pipelines (0 = first)'),
  })
  .partial()
  .describe('Changes to a pipeline');

export const stageUsageOut = z.object({
  stageId: zId,
  leads: z.number().int().describe('Live leads in the stage'),
  deletedLeads: z.number().int().describe('Deleted leads in the stage (moved with the others)'),
  deals: z.number().int().describe('Live deals in the stage'),
  deletedDeals: z.number().int().describe('Deleted deals in the stage (moved with the others)'),
});
export const pipelineUsageOut = z.object({
  pipelineId: zId,
  stages: z.array(stageUsageOut),
});

export type StageCreate = z.infer<typeof stageCreate>;
export type StageUpdate = z.infer<typeof stageUpdate>;
export type StageReorder = z.infer<typeof stageReorder>;
export type StageRemove = z.infer<typeof stageRemove>;
export type PipelineCreate = z.infer<typeof pipelineCreate>;
export type PipelineUpdate = z.infer<typeof pipelineUpdate>;
export type PipelineUsage = z.infer<typeof pipelineUsageOut>;
