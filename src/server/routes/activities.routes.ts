import type { FastifyInstance } from 'fastify';
import { activityCreate, activityOut, activityUpdate } from '../../core/activities/activities.schemas.js';
import * as svc from '../../core/activities/activities.service.js';
import type { Db } from '../../core/db/client.js';
import { registerResource } from './resource.js';

export function activitiesRoutes(app: FastifyInstance, db: Db): void {
  registerResource(app, db, {
    path: 'activities',
    tag: 'Activities',
    noun: 'activity',
    spec: svc.activityListSpec,
    create: activityCreate,
    update: activityUpdate,
    out: activityOut,
    list: svc.listActivities,
    count: svc.countActivities,
    get: svc.getActivity,
    insert: svc.insertActivity,
    patch: svc.updateActivity,
    setDeleted: svc.setActivityDeleted,
    deleteNote:
      'Soft delete of a logged activity; system entries (stage and owner changes) cannot be deleted.',
  });
}
