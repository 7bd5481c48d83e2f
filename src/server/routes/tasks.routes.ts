import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.js';
import { isTimeZone } from '../../core/tasks/task-views.js';
import { taskCreate, taskOut, taskUpdate } from '../../core/tasks/tasks.schemas.js';
import * as svc from '../../core/tasks/tasks.service.js';
import { etagOf, idParams, parseIfMatch, problems, registerResource } from './resource.js';

export function tasksRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // Before the resource's /:id routes; a static path wins over the parameter anyway.
  app.get(
    '/api/v1/tasks/counts',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['Tasks'],
        summary: "The caller's open tasks due by the end of today: overdue, due today, and both",
        querystring: z.strictObject({
          tz: z
            .string()
            .max(100)
            .refine(isTimeZone, 'is not a known IANA time zone (e.g. Europe/Berlin)')
            .default('UTC')
            .describe('IANA time zone of "today"'),
        }),
        response: {
          200: z.object({
            overdue: z.number().int(),
            dueToday: z.number().int(),
            total: z.number().int().describe('Open, due before the end of today (overdue included)'),
          }),
          ...problems(400, 401),
        },
      },
    },
    async (req) => svc.myDueCount(db, req.ctx, req.query.tz),
  );
  registerResource(fastify, db, {
    path: 'tasks',
    tag: 'Tasks',
    noun: 'task',
    spec: svc.taskListSpec,
    create: taskCreate,
    update: taskUpdate,
    out: taskOut,
    list: svc.listTasks,
    count: svc.countTasks,
    get: svc.getTask,
    insert: svc.insertTask,
    patch: svc.updateTask,
    setDeleted: svc.setTaskDeleted,
  });
  const ifMatch = z.looseObject({
    'if-match': z.string().max(200).optional().describe('The ETag you read; a stale one fails with 412'),
  });
  for (const [action, summary, run] of [
    [
      'complete',
      'Complete a task: status completed, completedAt/By, and "Completed: <title>" on its timeline',
      svc.completeTask,
    ],
    [
      'reopen',
      'Reopen a completed or cancelled task (its completion entry leaves the timeline)',
      svc.reopenTask,
    ],
  ] as const)
    app.post(
      `/api/v1/tasks/:id/${action}`,
      {
        config: { access: 'rep' },
        schema: {
          tags: ['Tasks'],
          summary,
          params: idParams,
          headers: ifMatch,
          response: { 200: taskOut, ...problems(400, 401, 403, 404, 412) },
        },
      },
      async (req, reply) => {
        const t = await run(db, req.ctx, req.params.id, parseIfMatch(req.headers['if-match']));
        return reply.header('etag', etagOf(t)).send(t);
      },
    );
}
