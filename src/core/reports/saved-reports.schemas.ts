import { z } from 'zod';
import { REPORT_KINDS } from '../db/schema/index.js';
import { recordMetaOut, zId } from '../shared/records.js';

export const REPORT_CHARTS = ['bar', 'line', 'area', 'pie', 'donut', 'funnel', 'table'] as const;

const params = z
  .record(z.string(), z.unknown())
  .describe(
    'The report’s parameters: for `builder` the builder body (`POST /api/v1/reports/run`); for the other kinds their query parameters as strings (`from`, `to`, `pipelineId`, `ownerId`, `teamId`, `source`; the activity summary also `interval` and `types`), or `range`, a preset (last7, last30, last90, month, quarter, year, all, next3m, next6m) that means its days on the day the report is opened',
  );

export const savedReportCreate = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: z
    .enum(REPORT_KINDS)
    .describe('Which report: funnel, sources, campaigns, team, health, forecast, activity, builder'),
  params: params.default({}),
  chart: z.enum(REPORT_CHARTS).default('bar').describe('How it is drawn'),
  shared: z.boolean().default(false).describe('Visible to every member of the workspace'),
});
export const savedReportUpdate = z.strictObject({
  name: savedReportCreate.shape.name.optional(),
  kind: savedReportCreate.shape.kind.optional(),
  params: params.optional(),
  chart: z.enum(REPORT_CHARTS).optional(),
  shared: z.boolean().optional(),
});

export const savedReportOut = z.object({
  id: zId,
  name: z.string(),
  kind: z.enum(REPORT_KINDS),
  params: z.record(z.string(), z.unknown()),
  chart: z.enum(REPORT_CHARTS),
  shared: z.boolean(),
  ownerId: zId,
  ownerName: z.string().nullable(),
  canEdit: z
    .boolean()
    .describe('Whether you may change or delete it (its owner; a manager or above when shared)'),
  ...recordMetaOut,
});

export const dashboardPut = z.strictObject({
  items: z
    .array(
      z.strictObject({
        savedReportId: z.uuid('must be a UUID'),
        width: z.number().int().min(3).max(12).default(6).describe('Columns of a 12-column grid (3 to 12)'),
      }),
    )
    .max(50)
    .describe('The dashboard in order (replaces it)'),
});
export const dashboardOut = z.object({
  items: z.array(
    z.object({
      savedReportId: zId,
      position: z.number().int(),
      width: z.number().int(),
      report: savedReportOut,
    }),
  ),
});

export type SavedReportCreate = z.infer<typeof savedReportCreate>;
export type SavedReportUpdate = z.infer<typeof savedReportUpdate>;
export type SavedReportOut = z.infer<typeof savedReportOut>;
export type DashboardPut = z.infer<typeof dashboardPut>;
export type DashboardOut = z.infer<typeof dashboardOut>;
