import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../../core/db/client.js';
import {
  acquisitionQuery,
  campaignsReportOut,
  sourcesOut,
} from '../../core/reports/acquisition-report.schemas.js';
import {
  campaignsReport,
  campaignsTable,
  sourcesReport,
  sourcesTable,
} from '../../core/reports/acquisition-report.service.js';
import { funnelOut, funnelQuery } from '../../core/reports/funnel-report.schemas.js';
import { funnelReport, funnelTable } from '../../core/reports/funnel-report.service.js';
import { resolveReportScope } from '../../core/reports/report-filters.js';
import { REPORT_PRODUCES, replyReport } from './report-reply.js';
import { problems } from './resource.js';

const FILTERS_NOTE =
  'Filters: `from`/`to` (UTC days, inclusive), `pipelineId`, `ownerId` (csv; `none` = unassigned), `teamId` (its members as owners), `source` (csv). `format=csv|xlsx` downloads the table. Every count has a `drill`: the list query of exactly those records.';

/** The funnel, sources and campaigns reports (SPEC section 7). */
export function reportsRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Reports'];
  app.get(
    '/api/v1/reports/funnel',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary:
          'Conversion funnel of a pipeline: reached, conversion, drop-off, median days in stage, lost reasons',
        description: `The cohort is the leads created in the range that are now in the pipeline (default: the workspace's default pipeline). A lead reached a stage when its stage history has a stay in it or in a later stage (lost stages are not steps), so the funnel never widens. Median days in stage: over the cohort's ended stays in the stage. ${FILTERS_NOTE}`,
        querystring: funnelQuery,
        produces: REPORT_PRODUCES,
        response: { 200: funnelOut, ...problems(400, 401, 404, 422) },
      },
    },
    async (req, reply) => {
      const { format, ...f } = req.query;
      const r = await funnelReport(db, req.ctx, await resolveReportScope(db, req.ctx, f));
      return replyReport(reply, format, r, funnelTable);
    },
  );
  app.get(
    '/api/v1/reports/sources',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Lead sources: leads, qualified, won, conversion, won value, time to win, cost per lead',
        description: `The leads created in the range, by source. Qualified: the stage history reached a stage of status qualified, proposal or won. Won and lost: status now. Cost: spend of the campaigns tied to the source, each cost period prorated by day over the range (null when none is entered, or when an owner, team or pipeline filter is on). ${FILTERS_NOTE}`,
        querystring: acquisitionQuery,
        produces: REPORT_PRODUCES,
        response: { 200: sourcesOut, ...problems(400, 401, 404, 422) },
      },
    },
    async (req, reply) => {
      const { format, ...f } = req.query;
      const r = await sourcesReport(db, req.ctx, await resolveReportScope(db, req.ctx, f));
      return replyReport(reply, format, r, sourcesTable);
    },
  );
  app.get(
    '/api/v1/reports/campaigns',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Campaigns: leads, qualified, won, conversion, won value and cost per lead and per won lead',
        description: `As the sources report, by campaign name (case-insensitive; a campaign record of the same name gives its spend; leads without a campaign, or with an empty one, are the row whose campaign is null). Campaigns with spend in the range and no leads are listed too. ${FILTERS_NOTE}`,
        querystring: acquisitionQuery,
        produces: REPORT_PRODUCES,
        response: { 200: campaignsReportOut, ...problems(400, 401, 404, 422) },
      },
    },
    async (req, reply) => {
      const { format, ...f } = req.query;
      const r = await campaignsReport(db, req.ctx, await resolveReportScope(db, req.ctx, f));
      return replyReport(reply, format, r, campaignsTable);
    },
  );
}
