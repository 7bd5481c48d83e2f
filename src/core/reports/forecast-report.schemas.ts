import { z } from 'zod';
import { drillOut, reportFilterShape, reportFormat } from './report-filters.js';

export const forecastReportQuery = z.strictObject({ ...reportFilterShape, format: reportFormat });
export type ForecastReportQuery = z.infer<typeof forecastReportQuery>;

const count = z.number().int().min(0);
const money = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .describe('Money as a decimal string, e.g. "12500.00"');

const figures = {
  leads: count.describe('Open leads'),
  value: money.describe('Sum of their deal values'),
  weighted: money.describe("Sum of deal value × the stage's probability / 100"),
  drill: drillOut,
};
const byStage = z.array(z.object({ stageId: z.string(), name: z.string(), ...figures }));

export const forecastReportOut = z.object({
  pipeline: z.object({ id: z.string(), name: z.string() }),
  range: z
    .object({ from: z.string(), to: z.string() })
    .describe('Expected close dates counted by month (default: this month and the next 5)'),
  today: z.string().describe('UTC date that separates overdue from upcoming'),
  months: z.array(
    z
      .object({ month: z.string().describe('YYYY-MM'), ...figures, byStage })
      .describe('Expected to close in the month'),
  ),
  overdue: z.object({ ...figures, byStage }).describe('Expected close date before today, still open'),
  undated: z.object({ ...figures, byStage }).describe('No expected close date'),
  totals: z
    .object(figures)
    .describe(
      'Every lead above counted once (a lead dated in a past month of the range is in that month and in overdue)',
    ),
});
export type ForecastReport = z.infer<typeof forecastReportOut>;
