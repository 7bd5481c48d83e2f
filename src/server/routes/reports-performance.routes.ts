import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../../core/db/client.js';
import { activityReportOut, activityReportQuery } from '../../core/reports/activity-report.schemas.js';
import { activityReport, activityReportTable } from '../../core/reports/activity-report.service.js';
import { forecastReportOut, forecastReportQuery } from '../../core/reports/forecast-report.schemas.js';
import { forecastReport, forecastReportTable } from '../../core/reports/forecast-report.service.js';
import { healthReportOut, healthReportQuery } from '../../core/reports/health-report.schemas.js';
import { healthReport, healthReportTable } from '../../core/reports/health-report.service.js';
import { resolveReportScope } from '../../core/reports/report-filters.js';
import { teamReportOut, teamReportQuery } from '../../core/reports/team-report.schemas.js';
import { teamReport, teamReportTable } from '../../core/reports/team-report.service.js';
import { REPORT_PRODUCES, replyReport } from './report-reply.js';
import { problems } from './resource.js';

const COMMON =
  'Filters: `from`/`to` (UTC days, inclusive), `pipelineId`, `ownerId` (users, comma-separated; `none` is unassigned), `teamId` (its members), `source` (comma-separated). Every count has a `drill`: `GET /api/v1/{entity}?{query}` lists the records behind it. `format=csv|xlsx` downloads the table instead of JSON.';

/** Team performance, activity summary, pipeline health and forecast reports. */
export function reportsPerformanceRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Reports'];
  const responses = (out: unknown) => ({ 200: out, ...problems(400, 401, 404, 422) }) as const;

  app.get(
    '/api/v1/reports/team',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Team performance per owner and team: activities, first response, open leads, wins',
        description: `Per owner (every active member; removed members and unassigned leads when they have figures), per team (a member of two teams counts in both; a team's median is over its own leads) and in total. The date range applies to: activities by when they occurred; first response and open leads to the leads created in it (owned by the user; hours from creation to the first call, email, meeting, note or SMS by anyone); wins and losses to the leads won or lost now that entered that stage in it (won value: their deal values). Pipeline and source filters apply to the leads and to the activities' leads; owner and team filters limit the rows to those users. ${COMMON}`,
        querystring: teamReportQuery,
        produces: REPORT_PRODUCES,
        response: responses(teamReportOut),
      },
    },
    async (req, reply) => {
      const scope = await resolveReportScope(db, req.ctx, req.query);
      return replyReport(reply, req.query.format, await teamReport(db, req.ctx, scope), teamReportTable);
    },
  );

  app.get(
    '/api/v1/reports/activity',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Activity summary by period, user, type and outcome',
        description: `The activities that occurred in the date range (their \`occurredAt\`), in UTC buckets of \`interval\` (day, week from Monday, month; every bucket of the range is listed, empty ones too), by user and by outcome. \`types\` chooses the activity types (default call, email, meeting, note, sms). Owner and team filters apply to the activity's user; pipeline and source filters to the activity's lead (activities without a lead are then left out). ${COMMON}`,
        querystring: activityReportQuery,
        produces: REPORT_PRODUCES,
        response: responses(activityReportOut),
      },
    },
    async (req, reply) => {
      const scope = await resolveReportScope(db, req.ctx, req.query);
      const r = await activityReport(db, req.ctx, scope, req.query);
      return replyReport(reply, req.query.format, r, activityReportTable);
    },
  );

  app.get(
    '/api/v1/reports/health',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Pipeline health: open leads per stage now, aging, rotten leads, and velocity',
        description: `A snapshot of the pipeline's open leads now (\`pipelineId\`, default the default pipeline), per open stage: count, value, weighted value (value × the stage's probability / 100), average days in the stage, aging by whole days since entering the stage (0–7, 8–30, 31–90, 91+) and rotten leads (longer in the stage than the pipeline's rottenAfterDays). The date range does not apply to the snapshot: it selects the leads closed (won or lost, by when they entered that stage) for the velocity (default the last 90 days): openLeads × avgWonValue × winRate / avgCycleDays (days from creation to won), with each input shown. Owner, team and source filters apply to both. ${COMMON}`,
        querystring: healthReportQuery,
        produces: REPORT_PRODUCES,
        response: responses(healthReportOut),
      },
    },
    async (req, reply) => {
      const scope = await resolveReportScope(db, req.ctx, req.query);
      return replyReport(reply, req.query.format, await healthReport(db, req.ctx, scope), healthReportTable);
    },
  );

  app.get(
    '/api/v1/reports/forecast',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Forecast: open leads by expected close month, value and weighted value',
        description: `The pipeline's open leads (\`pipelineId\`, default the default pipeline) by expected close month: count, value and value weighted by the stage's probability, per stage. The date range applies to the expected close date (default: the first of this month to the end of the fifth month after it). Also \`overdue\` (expected close before today, UTC, still open) and \`undated\` (no expected close date), whatever the range; \`totals\` count every lead once. Owner, team and source filters apply. ${COMMON}`,
        querystring: forecastReportQuery,
        produces: REPORT_PRODUCES,
        response: responses(forecastReportOut),
      },
    },
    async (req, reply) => {
      const scope = await resolveReportScope(db, req.ctx, req.query);
      return replyReport(
        reply,
        req.query.format,
        await forecastReport(db, req.ctx, scope),
        forecastReportTable,
      );
    },
  );
}
