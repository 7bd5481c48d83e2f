import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { activityOut } from '../../core/activities/activities.schemas.js';
import { activityListSpec, contactTimeline } from '../../core/activities/activities.service.js';
import { contactCreate, contactOut, contactUpdate } from '../../core/contacts/contacts.schemas.js';
import * as svc from '../../core/contacts/contacts.service.js';
import type { Db } from '../../core/db/client.js';
import { leadOut } from '../../core/leads/leads.schemas.js';
import { listLeads } from '../../core/leads/leads-list.service.js';
import { type ListQuery, listQuerySchema } from '../../core/shared/list-query.js';
import { idParams, problems, registerResource } from './resource.js';

export function contactsRoutes(fastify: FastifyInstance, db: Db): void {
  registerResource(fastify, db, {
    path: 'contacts',
    tag: 'Contacts',
    noun: 'contact',
    spec: svc.contactListSpec,
    create: contactCreate,
    update: contactUpdate,
    out: contactOut,
    list: svc.listContacts,
    count: svc.countContacts,
    get: svc.getContact,
    insert: async (tx, ctx, input) => svc.toContact(await svc.insertContact(tx, ctx, input)),
    patch: svc.updateContact,
    setDeleted: svc.setContactDeleted,
  });
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const timelineQuery = listQuerySchema({
    ...activityListSpec,
    condition: undefined,
    filters: { type: activityListSpec.filters.type! },
  });
  app.get(
    '/api/v1/contacts/:id/timeline',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['Contacts'],
        summary: "A contact's timeline: its activities and those of its leads, newest first",
        params: idParams,
        querystring: timelineQuery,
        response: {
          200: z.object({ data: z.array(activityOut), nextCursor: z.string().nullable() }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (req) => contactTimeline(db, req.ctx, req.params.id, req.query as ListQuery),
  );
  app.get(
    '/api/v1/contacts/:id/leads',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['Contacts'],
        summary: "A contact's leads (its product interests)",
        params: idParams,
        response: {
          200: z.object({ data: z.array(leadOut), nextCursor: z.string().nullable() }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (req) => {
      await svc.getContact(db, req.ctx, req.params.id);
      return listLeads(db, req.ctx, {
        limit: 200,
        sort: '-createdAt',
        deleted: 'exclude',
        contactId: [req.params.id],
      });
    },
  );
}
