import { z } from 'zod';
import { ACTIVITY_TYPES } from '../db/schema/index.js';
import { drillOut, reportFilterShape, reportFormat } from './report-filters.js';

/** The types people log; the activity summary and the team report count these unless told otherwise. */
export const HUMAN_ACTIVITY_TYPES = ['call', 'email', 'meeting', 'note', 'sms'] as const;
export const ACTIVITY_INTERVALS = ['day', 'week', 'month'] as const;
export type ActivityInterval = (typeof ACTIVITY_INTERVALS)[number];
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const activityReportQuery = z.strictObject({
  ...reportFilterShape,
  interval: z
    .enum(ACTIVITY_INTERVALS)
    .optional()
    .describe(
      'Bucket size: day, week (starting Monday) or month, in UTC. Default by the range: up to 31 days by day, up to 184 days by week, longer (or no range) by month',
    ),
  types: z
    .string()
    .transform((s) => [...new Set(s.split(',').map((v) => v.trim()))])
    .pipe(z.array(z.enum(ACTIVITY_TYPES, `must be one of ${ACTIVITY_TYPES.join(', ')}`)).min(1))
    .optional()
    .describe(
      `Activity types to count, comma-separated (${ACTIVITY_TYPES.join(', ')}); default the ones people log: ${HUMAN_ACTIVITY_TYPES.join(', ')}`,
    ),
  format: reportFormat,
});
export type ActivityReportQuery = z.infer<typeof activityReportQuery>;

const count = z.number().int().min(0);
const byType = z.record(z.string(), count).describe('Count per activity type (every requested type)');
const byTypeDrills = z
  .record(z.string(), drillOut)
  .describe('The activities behind each count, per type and `total`');

export const activityReportOut = z.object({
  range: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  interval: z.enum(ACTIVITY_INTERVALS),
  types: z.array(z.enum(ACTIVITY_TYPES)),
  periods: z.array(
    z.object({
      period: z.string().describe('First day of the bucket (UTC, YYYY-MM-DD; weeks start on Monday)'),
      byType,
      total: count,
      drills: byTypeDrills,
    }),
  ),
  byUser: z.array(
    z.object({
      userId: z.string().nullable().describe('Null: activities without a user (system entries, API keys)'),
      name: z.string(),
      byType,
      total: count,
      drills: byTypeDrills,
    }),
  ),
  byOutcome: z.array(
    z.object({
      type: z.enum(ACTIVITY_TYPES),
      outcome: z.string().nullable().describe('Null: no outcome recorded'),
      count,
      drill: drillOut,
    }),
  ),
  totals: z.object({ byType, total: count, drills: byTypeDrills }),
});
export type ActivityReport = z.infer<typeof activityReportOut>;
