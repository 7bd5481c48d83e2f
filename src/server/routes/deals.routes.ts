import type { FastifyInstance } from 'fastify';
import type { Db } from '../../core/db/client.js';
import { dealCreate, dealOut, dealUpdate } from '../../core/deals/deals.schemas.js';
import * as svc from '../../core/deals/deals.service.js';
import { registerResource } from './resource.js';

export function dealsRoutes(app: FastifyInstance, db: Db): void {
  registerResource(app, db, {
    path: 'deals',
    tag: 'Deals',
    noun: 'deal',
    spec: svc.dealListSpec,
    create: dealCreate,
    update: dealUpdate,
    out: dealOut,
    list: svc.listDeals,
    count: svc.countDeals,
    get: svc.getDeal,
    insert: svc.insertDeal,
    patch: svc.updateDeal,
    setDeleted: svc.setDealDeleted,
  });
}
