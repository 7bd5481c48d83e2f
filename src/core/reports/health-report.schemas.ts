import { z } from 'zod';
import { drillOut, reportFilterShape, reportFormat } from './report-filters.js';

export const healthReportQuery = z.strictObject({ ...reportFilterShape, format: reportFormat });
export type HealthReportQuery = z.infer<typeof healthReportQuery>;

const count = z.number().int().min(0);
const money = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .describe('Money as a decimal string, e.g. "12500.00"');

export const healthReportOut = z.object({
  pipeline: z.object({ id: z.string(), name: z.string(), rottenAfterDays: z.number().int().nullable() }),
  asOf: z.string().describe('The instant the snapshot was taken (ages are measured to it)'),
  stages: z.array(
    z.object({
      stageId: z.string(),
      name: z.string(),
      color: z.string(),
      probability: z.number().int(),
      open: count.describe('Open leads in the stage now'),
      value: money.describe('Sum of their deal values'),
      weightedValue: money.describe("value × the stage's probability / 100"),
      avgDaysInStage: z.number().nullable().describe('Average days since they entered the stage'),
      aging: z
        .object({ d0_7: count, d8_30: count, d31_90: count, d91plus: count })
        .describe('Leads by whole days in the stage: 0–7, 8–30, 31–90, 91 and more'),
      rotten: count.describe("In the stage longer than the pipeline's rottenAfterDays (0 when unset)"),
      drills: z.object({
        open: drillOut,
        d0_7: drillOut,
        d8_30: drillOut,
        d31_90: drillOut,
        d91plus: drillOut,
        rotten: drillOut.nullable(),
      }),
    }),
  ),
  totals: z.object({
    open: count,
    value: money,
    weightedValue: money,
    avgDaysInStage: z.number().nullable(),
    aging: z.object({ d0_7: count, d8_30: count, d31_90: count, d91plus: count }),
    rotten: count,
  }),
  velocity: z
    .object({
      range: z.object({ from: z.string(), to: z.string() }).describe('Closed in these days (UTC, inclusive)'),
      openLeads: count.describe('Open leads now (the snapshot)'),
      wins: count.describe('Leads won (won now) that entered the won stage in the range'),
      losses: count.describe('Leads lost (lost now) that entered the lost stage in the range'),
      avgWonValue: money.nullable().describe('Average deal value of those wins (leads with a value)'),
      winRate: z.number().min(0).max(1).nullable().describe('wins / (wins + losses)'),
      avgCycleDays: z
        .number()
        .nullable()
        .describe('Average days from creation to the won stage, over the wins'),
      perDay: money
        .nullable()
        .describe(
          'openLeads × avgWonValue × winRate / avgCycleDays (the inputs as shown): expected won value per day; null when an input is missing or the cycle rounds to 0 days',
        ),
      drills: z.object({ openLeads: drillOut, wins: drillOut, losses: drillOut }),
    })
    .describe('Pipeline velocity over the leads closed in the range (default: the last 90 days)'),
});
export type HealthReport = z.infer<typeof healthReportOut>;
