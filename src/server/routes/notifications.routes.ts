import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.js';
import {
  notificationListQuery,
  notificationOut,
  notificationPage,
} from '../../core/notifications/notifications.schemas.js';
import * as svc from '../../core/notifications/notifications.service.js';
import { startReminderSweeper } from '../../core/notifications/reminders.js';
import { idParams, problems } from './resource.js';

export function notificationsRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Notifications'];
  app.get(
    '/api/v1/notifications',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Your notifications, newest first, with your unread count',
        querystring: notificationListQuery,
        response: { 200: notificationPage, ...problems(400, 401, 403) },
      },
    },
    async (req) => svc.listNotifications(db, req.ctx, req.query),
  );
  app.get(
    '/api/v1/notifications/unread-count',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'How many of your notifications are unread',
        response: { 200: z.object({ unreadCount: z.number().int() }), ...problems(401, 403) },
      },
    },
    async (req) => ({ unreadCount: await svc.unreadCount(db, req.ctx) }),
  );
  app.post(
    '/api/v1/notifications/read-all',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Mark all your notifications read',
        response: { 200: z.object({ updated: z.number().int() }), ...problems(401, 403) },
      },
    },
    async (req) => svc.markAllRead(db, req.ctx),
  );
  app.post(
    '/api/v1/notifications/:id/read',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Mark one of your notifications read',
        params: idParams,
        response: { 200: notificationOut, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => svc.markRead(db, req.ctx, req.params.id),
  );

  // Task reminders are swept while the server listens (not for in-process test apps).
  let sweeper: { stop: () => void } | null = null;
  fastify.addHook('onListen', async () => {
    sweeper ??= startReminderSweeper(db, { log: (m) => fastify.log.info(m) });
  });
  fastify.addHook('onClose', async () => {
    sweeper?.stop();
    sweeper = null;
  });
}
