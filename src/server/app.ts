import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Db } from '../core/db/client.js';
import { AppError } from '../core/shared/errors.js';
import { newId } from '../core/shared/ids.js';
import { registerAuth } from './auth.js';
import { describeFields } from './openapi-glossary.js';
import { findUnstorable, sendProblem } from './problem.js';
import { accountsRoutes } from './routes/accounts.routes.js';
import { activitiesRoutes } from './routes/activities.routes.js';
import { appointmentsRoutes } from './routes/appointments.routes.js';
import { assignmentRoutes } from './routes/assignment.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { boardRoutes } from './routes/board.routes.js';
import { campaignsRoutes } from './routes/campaigns.routes.js';
import { contactsRoutes } from './routes/contacts.routes.js';
import { conversionRoutes } from './routes/conversion.routes.js';
import { customFieldsRoutes } from './routes/custom-fields.routes.js';
import { dealsRoutes } from './routes/deals.routes.js';
import { duplicatesRoutes } from './routes/duplicates.routes.js';
import { exportsRoutes } from './routes/exports.routes.js';
import { importsRoutes, MAX_IMPORT_BYTES } from './routes/imports.routes.js';
import { jobsRoutes } from './routes/jobs.routes.js';
import { leadsRoutes } from './routes/leads.routes.js';
import { mergesRoutes } from './routes/merges.routes.js';
import { metaRoutes } from './routes/meta.routes.js';
import { notificationsRoutes } from './routes/notifications.routes.js';
import { pipelinesRoutes } from './routes/pipelines.routes.js';
import { reportsRoutes } from './routes/reports.routes.js';
import { reportsBuilderRoutes } from './routes/reports-builder.routes.js';
import { reportsPerformanceRoutes } from './routes/reports-performance.routes.js';
import { scoringRoutes } from './routes/scoring.routes.js';
import { tasksRoutes } from './routes/tasks.routes.js';
import { teamsRoutes } from './routes/teams.routes.js';
import { workspacesRoutes } from './routes/workspaces.routes.js';

export type AppOptions = {
  db: Db;
  logger?: FastifyServerOptions['logger'];
  /** Directory of the built web app; served with an SPA fallback when it exists. */
  webDir?: string;
  /** Check every response against its schema (tests); default from LEADBASE_VALIDATE_RESPONSES. */
  validateResponses?: boolean;
};

export const API_VERSION = '0.1.0';

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 1024 * 1024,
    genReqId: () => newId(),
    trustProxy: process.env.TRUST_PROXY === 'true',
    routerOptions: { ignoreTrailingSlash: true },
  });
  // JSON only: without this, Fastify would parse text/plain bodies into strings.
  app.removeContentTypeParser('text/plain');
  // NUL characters (which PostgreSQL cannot store) and absurd nesting are refused by name, before validation.
  app.addHook('preValidation', async (req) => {
    for (const [where, value] of [
      ['body', req.body],
      ['query', req.query],
    ] as const) {
      const bad = findUnstorable(value);
      if (bad) {
        const field = bad.field || (where === 'body' ? '(body)' : '(query)');
        throw new AppError(where === 'body' ? 'validation_failed' : 'bad_request', `${field} ${bad.reason}`, [
          { field, reason: bad.reason },
        ]);
      }
    }
  });
  app.setValidatorCompiler(validatorCompiler);
  // Responses are built from typed DTOs; checking them against their zod schemas costs more than the
  // query on hot paths, so it is on in tests (validateResponses) and off in production.
  const checkResponses = opts.validateResponses ?? process.env.LEADBASE_VALIDATE_RESPONSES === 'true';
  app.setSerializerCompiler(checkResponses ? serializerCompiler : () => (data) => JSON.stringify(data));
  app.setErrorHandler((err, req, reply) => sendProblem(req, reply, err));
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    // The web app's routes fall back to index.html; API paths and missing files (assets) are 404s.
    const isAppRoute = req.method === 'GET' && !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path);
    if (!isAppRoute || !opts.webDir || !existsSync(join(opts.webDir, 'index.html')))
      return sendProblem(
        req,
        reply,
        new AppError(
          'not_found',
          isAppRoute && opts.webDir
            ? 'The web app is not built: run `npm run build`'
            : `No route ${req.method} ${path}`,
        ),
      );
    return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html', opts.webDir);
  });

  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 20 } });
  // Multipart bodies are for uploads: anywhere else they are a wrong content type, not an empty body.
  app.addHook('preValidation', async (req) => {
    if (req.isMultipart() && !req.routeOptions.config?.multipart)
      throw new AppError('unsupported_media_type', 'Send JSON with Content-Type: application/json', [
        { field: 'content-type', reason: 'multipart/form-data is only for file uploads' },
      ]);
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Leadbase API',
        version: API_VERSION,
        description:
          "Lead-centric CRM. JSON, camelCase. Lists are cursor-paginated (`limit` ≤ 200, `cursor`, `nextCursor`), sortable (`sort=-createdAt`) and filterable. Creates honour `Idempotency-Key`; updates honour `If-Match` (412 when stale). Deletes are soft; `POST /:id/restore` undoes them. Errors are `application/problem+json` with `errors[].field` and `errors[].reason`. Another workspace's ids answer 404.",
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer lb_…`' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'lb_session',
            description: 'Browser session after sign-in',
          },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (o) => describeFields('openapiObject' in o ? o.openapiObject : o.swaggerObject),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  registerAuth(app, opts.db);
  metaRoutes(app, opts.db);
  authRoutes(app, opts.db);
  workspacesRoutes(app, opts.db);
  accountsRoutes(app, opts.db);
  contactsRoutes(app, opts.db);
  leadsRoutes(app, opts.db);
  conversionRoutes(app, opts.db);
  dealsRoutes(app, opts.db);
  activitiesRoutes(app, opts.db);
  tasksRoutes(app, opts.db);
  notificationsRoutes(app, opts.db);
  duplicatesRoutes(app, opts.db);
  jobsRoutes(app, opts.db);
  scoringRoutes(app, opts.db);
  mergesRoutes(app, opts.db);
  customFieldsRoutes(app, opts.db);
  boardRoutes(app, opts.db);
  teamsRoutes(app, opts.db);
  assignmentRoutes(app, opts.db);
  pipelinesRoutes(app, opts.db);
  appointmentsRoutes(app, opts.db);
  exportsRoutes(app, opts.db);
  importsRoutes(app, opts.db);
  reportsBuilderRoutes(app, opts.db);
  campaignsRoutes(app, opts.db);
  reportsRoutes(app, opts.db);
  reportsPerformanceRoutes(app, opts.db);

  if (opts.webDir) {
    // wildcard: files are looked up per request, so a rebuilt web app is served without a restart.
    mkdirSync(opts.webDir, { recursive: true });
    await app.register(fastifyStatic, {
      root: opts.webDir,
      prefix: '/',
      wildcard: true,
      index: 'index.html',
    });
  }
  return app;
}
