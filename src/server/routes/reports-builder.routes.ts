import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.js';
import { REPORT_KINDS } from '../../core/db/schema/index.js';
import { builderBody, builderOut, builderQuery } from '../../core/reports/report-builder.schemas.js';
import { builderTable, runBuilderReport } from '../../core/reports/report-builder.service.js';
import {
  dashboardOut,
  dashboardPut,
  savedReportCreate,
  savedReportOut,
  savedReportUpdate,
} from '../../core/reports/saved-reports.schemas.js';
import {
  createSavedReport,
  deleteSavedReport,
  getDashboard,
  getSavedReport,
  listSavedReports,
  putDashboard,
  updateSavedReport,
} from '../../core/reports/saved-reports.service.js';
import { REPORT_PRODUCES, replyReport } from './report-reply.js';
import { etagOf, idParams, parseIfMatch, problems } from './resource.js';

/** The report builder, saved reports and each user's dashboard of saved reports. */
export function reportsBuilderRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Reports'];

  app.post(
    '/api/v1/reports/run',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Report builder: an entity grouped by up to two dimensions, with up to five measures',
        description:
          'Counts, sums, averages, medians, minimums and maximums of leads, contacts, deals, activities or tasks that meet `conditions` (the shared condition language) and the report `filters`, grouped by up to two fields (custom fields, related fields such as `lead.source` or `contact.country`, dates by day/week/month/quarter/year in UTC, numbers in bins of `width`). Records without a value (or with empty text) form the group `(none)` (key null). Counts are integers; sums, minimums and maximums of decimal fields are exact decimal strings; averages and medians are numbers. `totals` are over every matching record. Each row’s `drill` is the list query of its records: `GET /api/v1/{entity}/count?{query}` gives its count. One statement; longer than 15 s answers 422. `format=csv|xlsx` downloads the table (a totals row last).',
        querystring: builderQuery,
        body: builderBody,
        produces: REPORT_PRODUCES,
        response: { 200: builderOut, ...problems(400, 401, 404, 415, 422) },
      },
    },
    async (req, reply) =>
      replyReport(reply, req.query.format, await runBuilderReport(db, req.ctx, req.body), builderTable),
  );

  const saved = '/api/v1/reports/saved';
  const ifMatch = z.looseObject({
    'if-match': z.string().max(200).optional().describe('The ETag you read; a stale one fails with 412'),
  });
  const visibility =
    'You see your own saved reports and the shared ones; another member’s private report is 404. Its owner changes and deletes it; a manager or above also changes and deletes shared ones.';
  app.get(
    saved,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Saved reports you can see, by name',
        description: visibility,
        querystring: z.strictObject({
          kind: z.enum(REPORT_KINDS).optional().describe('Only this kind'),
          limit: z.coerce
            .number()
            .int()
            .min(1)
            .max(500)
            .default(200)
            .describe('At most this many (1 to 500)'),
        }),
        response: { 200: z.object({ data: z.array(savedReportOut) }), ...problems(400, 401, 403) },
      },
    },
    async (req) => ({ data: await listSavedReports(db, req.ctx, req.query.kind, req.query.limit) }),
  );
  app.post(
    saved,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Save a report (its kind, parameters and chart)',
        description: `Parameters are checked for the kind: a builder definition as \`POST /api/v1/reports/run\` checks it; the other reports' filters (and the activity summary's interval and types) as their query parameters. ${visibility}`,
        body: savedReportCreate,
        response: { 201: savedReportOut, ...problems(400, 401, 403, 415, 422) },
      },
    },
    async (req, reply) => {
      const r = await createSavedReport(db, req.ctx, req.body);
      return reply.code(201).header('location', `${saved}/${r.id}`).header('etag', etagOf(r)).send(r);
    },
  );
  app.get(
    `${saved}/:id`,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Get a saved report',
        description: visibility,
        params: idParams,
        response: { 200: savedReportOut, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const r = await getSavedReport(db, req.ctx, req.params.id);
      return reply.header('etag', etagOf(r)).send(r);
    },
  );
  app.patch(
    `${saved}/:id`,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Change a saved report (rename, parameters, chart, share)',
        description: visibility,
        params: idParams,
        headers: ifMatch,
        body: savedReportUpdate,
        response: { 200: savedReportOut, ...problems(400, 401, 403, 404, 412, 415, 422) },
      },
    },
    async (req, reply) => {
      const r = await updateSavedReport(
        db,
        req.ctx,
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match'] as string | undefined),
      );
      return reply.header('etag', etagOf(r)).send(r);
    },
  );
  app.delete(
    `${saved}/:id`,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Delete a saved report (it leaves every dashboard)',
        description: visibility,
        params: idParams,
        headers: ifMatch,
        response: { 200: savedReportOut, ...problems(400, 401, 403, 404, 412) },
      },
    },
    async (req) =>
      deleteSavedReport(
        db,
        req.ctx,
        req.params.id,
        parseIfMatch(req.headers['if-match'] as string | undefined),
      ),
  );

  app.get(
    '/api/v1/reports/dashboard',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Your dashboard: saved reports in order, each with its width',
        description:
          'Positions count from 0; widths are columns of a 12-column grid. Reports you can no longer see (deleted, no longer shared) are left out.',
        response: { 200: dashboardOut, ...problems(401, 403) },
      },
    },
    async (req) => getDashboard(db, req.ctx),
  );
  app.put(
    '/api/v1/reports/dashboard',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Replace your dashboard (order and set)',
        description:
          'Every item must be a saved report you can see, listed once (else 422 naming `items.N.savedReportId`).',
        body: dashboardPut,
        response: { 200: dashboardOut, ...problems(400, 401, 403, 415, 422) },
      },
    },
    async (req) => putDashboard(db, req.ctx, req.body),
  );
}
