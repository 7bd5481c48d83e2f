import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { activityOut } from '../../core/activities/activities.schemas.js';
import { activityListSpec, leadTimeline } from '../../core/activities/activities.service.js';
import type { Db } from '../../core/db/client.js';
import {
  addLeadContact,
  listLeadContacts,
  removeLeadContact,
} from '../../core/leads/lead-contacts.service.js';
import {
  leadContactIn,
  leadContactOut,
  leadCreate,
  leadOut,
  leadUpdate,
} from '../../core/leads/leads.schemas.js';
import * as svc from '../../core/leads/leads.service.js';
import { countLeads, leadListSpec, listLeads } from '../../core/leads/leads-list.service.js';
import { type ListQuery, listQuerySchema } from '../../core/shared/list-query.js';
import { idParams, problems, registerResource } from './resource.js';

export function leadsRoutes(fastify: FastifyInstance, db: Db): void {
  registerResource(fastify, db, {
    path: 'leads',
    tag: 'Leads',
    noun: 'lead',
    spec: leadListSpec,
    create: leadCreate,
    update: leadUpdate,
    out: leadOut,
    list: listLeads,
    count: countLeads,
    get: svc.getLead,
    insert: svc.insertLead,
    patch: svc.updateLead,
    setDeleted: svc.setLeadDeleted,
  });
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const timelineQuery = listQuerySchema({
    ...activityListSpec,
    condition: undefined,
    filters: { type: activityListSpec.filters.type! },
  });
  app.get(
    '/api/v1/leads/:id/timeline',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['Leads'],
        summary: "A lead's timeline: its activities and its contact's, newest first",
        description:
          'Merges the lead\'s own activities, its contact\'s activities that are on no other lead (marked `via: "contact"`), system events (stage changes, owner and assignment changes, conversion, merges, appointments) and completed tasks, newest first. Cursor paged on (occurredAt, id): pass back `nextCursor`.',
        params: idParams,
        querystring: timelineQuery,
        response: {
          200: z.object({ data: z.array(activityOut), nextCursor: z.string().nullable() }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (req) => leadTimeline(db, req.ctx, req.params.id, req.query as ListQuery),
  );
  const contactsOut = z.object({ data: z.array(leadContactOut) });
  app.get(
    '/api/v1/leads/:id/contacts',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['Leads'],
        summary: 'Contacts of a lead with their roles (the primary contact first)',
        params: idParams,
        response: { 200: contactsOut, ...problems(400, 401, 404) },
      },
    },
    async (req) => ({ data: await listLeadContacts(db, req.ctx, req.params.id) }),
  );
  app.post(
    '/api/v1/leads/:id/contacts',
    {
      config: { access: 'rep' },
      schema: {
        tags: ['Leads'],
        summary: 'Add a contact to a lead with a role (or change its role)',
        params: idParams,
        body: leadContactIn,
        response: { 200: contactsOut, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (req) => ({ data: await addLeadContact(db, req.ctx, req.params.id, req.body) }),
  );
  app.delete(
    '/api/v1/leads/:id/contacts/:contactId',
    {
      config: { access: 'rep' },
      schema: {
        tags: ['Leads'],
        summary: 'Remove a further contact from a lead',
        params: z.strictObject({ id: z.uuid(), contactId: z.uuid() }),
        response: { 200: contactsOut, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => ({ data: await removeLeadContact(db, req.ctx, req.params.id, req.params.contactId) }),
  );
}
