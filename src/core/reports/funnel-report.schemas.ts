import { z } from 'zod';
import { zId } from '../shared/records.js';
import { drillOut, reportFilterShape, reportFormat } from './report-filters.js';

export const funnelQuery = z.strictObject({ ...reportFilterShape, format: reportFormat });

const rate = z.number().nullable().describe('A fraction 0..1; null when there is nothing to divide by');

export const funnelStageOut = z.object({
  stageId: zId,
  name: z.string(),
  color: z.string(),
  type: z.enum(['open', 'won']),
  position: z.number().int(),
  reached: z
    .number()
    .int()
    .describe(
      'Leads of the cohort whose stage history reaches this stage or a later one (lost stages aside)',
    ),
  conversionRate: rate.describe('reached of the next stage / reached of this one (null for the last stage)'),
  fromStartRate: rate.describe('reached / leads in the cohort'),
  dropOff: z
    .number()
    .int()
    .nullable()
    .describe('reached here minus reached at the next stage (null for the last)'),
  medianDaysInStage: z
    .number()
    .nullable()
    .describe(
      'Median days a stay in this stage lasted, over stays of the cohort that ended (null: none yet)',
    ),
  stays: z.number().int().describe('Ended stays the median is taken over'),
  drill: drillOut,
});

export const funnelOut = z.object({
  pipeline: z.object({ id: zId, name: z.string() }),
  range: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  total: z.number().int().describe('Leads in the cohort: created in the range, now in this pipeline'),
  totalDrill: drillOut,
  stages: z.array(funnelStageOut),
  lost: z.object({
    count: z.number().int().describe('Leads of the cohort now in a lost stage'),
    value: z.string().describe('Their deal value'),
    drill: drillOut,
    reasons: z.array(
      z.object({
        reason: z.string().nullable(),
        count: z.number().int(),
        value: z.string(),
        drill: drillOut,
      }),
    ),
  }),
});
export type FunnelOut = z.infer<typeof funnelOut>;
