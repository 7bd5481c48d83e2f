import { z } from 'zod';
import { SCORING_CATEGORIES } from '../db/schema/index.js';
import { recordMetaOut, zId } from '../shared/records.js';

export { SCORING_CATEGORIES };
export type ScoringCategory = (typeof SCORING_CATEGORIES)[number];

/** Points a rule may give or take (a lead's score is the sum clamped to 0–100). */
export const MAX_POINTS = 1000;
/** Active rules per workspace: the bulk recompute evaluates them all in one statement per batch. */
export const MAX_ACTIVE_RULES = 100;

const conditions = z
  .record(z.string(), z.unknown())
  .describe(
    'When the rule fires, in the shared condition language (docs/decisions/007) over lead fields, contact.*, account.*, custom.* and activities.<type>.count / activities.<type>.last_<N>d (call, email, meeting, note, sms, task, optionally _<outcome>). Not allowed: the score itself, changed_to, and activity types Leadbase writes after the score is computed (any, stage_change, assignment_change, system).',
  );

const base = {
  name: z.string().trim().min(1).max(200),
  category: z
    .enum(SCORING_CATEGORIES)
    .describe('demographic (who), behavioural (what they did), engagement (touches), progression (pipeline)'),
  conditions,
  points: z
    .number()
    .int('must be a whole number')
    .min(-MAX_POINTS)
    .max(MAX_POINTS)
    .describe('Added to the score when the conditions hold; negative points subtract'),
  active: z.boolean(),
};

export const scoringRuleCreate = z.strictObject({
  ...base,
  category: base.category.default('demographic'),
  active: base.active.default(true),
});
export const scoringRuleUpdate = z
  .strictObject({
    name: base.name.optional(),
    category: base.category.optional(),
    conditions: conditions.optional(),
    points: base.points.optional(),
    active: base.active.optional(),
  })
  .describe('Fields to change');

export const scoringRuleOut = z.object({
  id: zId,
  name: z.string(),
  category: z.enum(SCORING_CATEGORIES),
  conditions: z.record(z.string(), z.unknown()),
  points: z.number().int(),
  active: z.boolean(),
  createdBy: z.uuid().nullable(),
  ...recordMetaOut,
});
export const scoringRuleChangeOut = scoringRuleOut.extend({
  jobId: zId
    .nullable()
    .describe(
      'The background job recomputing every lead of the workspace with the new rules (GET /api/v1/jobs/:id); null when nothing that affects scores changed',
    ),
});
export type ScoringRuleCreate = z.infer<typeof scoringRuleCreate>;
export type ScoringRuleUpdate = z.infer<typeof scoringRuleUpdate>;
export type ScoringRuleOut = z.infer<typeof scoringRuleOut>;
export type ScoringRuleChangeOut = z.infer<typeof scoringRuleChangeOut>;

/** One line of a lead's score explanation. */
export type ScoreReason = { ruleId: string; name: string; points: number; category: string };
