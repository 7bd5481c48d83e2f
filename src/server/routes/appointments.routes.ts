import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  recordAppointmentOutcome,
  rescheduleAppointment,
} from '../../core/appointments/appointment-outcome.service.js';
import {
  appointmentCreate,
  appointmentOut,
  appointmentOutcome,
  appointmentReschedule,
  appointmentUpdate,
} from '../../core/appointments/appointments.schemas.js';
import * as svc from '../../core/appointments/appointments.service.js';
import type { Db } from '../../core/db/client.js';
import { etagOf, idParams, parseIfMatch, problems, registerResource } from './resource.js';

const ifMatchHeaders = z.looseObject({
  'if-match': z.string().max(200).optional().describe('The ETag you read; a stale one fails with 412'),
});

export function appointmentsRoutes(fastify: FastifyInstance, db: Db): void {
  registerResource(fastify, db, {
    path: 'appointments',
    tag: 'Appointments',
    noun: 'appointment',
    spec: svc.appointmentListSpec,
    create: appointmentCreate,
    update: appointmentUpdate,
    out: appointmentOut,
    list: svc.listAppointments,
    get: svc.getAppointment,
    insert: svc.insertAppointment,
    patch: svc.updateAppointment,
    setDeleted: svc.setAppointmentDeleted,
  });
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/v1/appointments/:id/reschedule',
    {
      config: { access: 'rep' },
      schema: {
        tags: ['Appointments'],
        summary: 'Move an appointment to another time',
        description:
          "Counts the move (rescheduleCount) and writes 'from → to' on the lead's timeline. A completed or cancelled appointment answers 409; a no-show is booked again.",
        params: idParams,
        headers: ifMatchHeaders,
        body: appointmentReschedule,
        response: { 200: appointmentOut, ...problems(400, 401, 403, 404, 409, 412, 422) },
      },
    },
    async (req, reply) => {
      const out = await rescheduleAppointment(
        db,
        req.ctx,
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match']),
      );
      return reply.header('etag', etagOf(out)).send(out);
    },
  );
  app.post(
    '/api/v1/appointments/:id/outcome',
    {
      config: { access: 'rep' },
      schema: {
        tags: ['Appointments'],
        summary: 'Record how an appointment went',
        description:
          "status completed (result required), no_show or cancelled; notes, objections, quote value (≥ 0), next contact date (in the future; required for a follow_up) and appointment custom fields. Writes a meeting entry (held) or a system entry on the lead's timeline. Once recorded, a second outcome answers 409.",
        params: idParams,
        headers: ifMatchHeaders,
        body: appointmentOutcome,
        response: { 200: appointmentOut, ...problems(400, 401, 403, 404, 409, 412, 422) },
      },
    },
    async (req, reply) => {
      const out = await recordAppointmentOutcome(
        db,
        req.ctx,
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match']),
      );
      return reply.header('etag', etagOf(out)).send(out);
    },
  );
}
