import { z } from 'zod';
import { LEAD_STATUSES } from '../db/schema/index.js';
import { zId } from '../shared/records.js';

export const STAGE_TYPES = ['open', 'won', 'lost'] as const;

export const stageOut = z.object({
  id: zId,
  name: z.string(),
  color: z.string().describe('Hex colour, e.g. #228be6'),
  position: z.number().int().describe('Order within the pipeline, from 0'),
  probability: z.number().int().min(0).max(100).describe('Win probability of a lead in this stage, percent'),
  type: z.enum(STAGE_TYPES).describe('open, won or lost'),
  leadStatus: z.enum(LEAD_STATUSES).describe('The status a lead in this stage has'),
});

export const pipelineOut = z.object({
  id: zId,
  name: z.string(),
  position: z.number().int(),
  isDefault: z.boolean(),
  stages: z.array(stageOut),
});

export type PipelineOut = z.infer<typeof pipelineOut>;
export type StageOut = z.infer<typeof stageOut>;
