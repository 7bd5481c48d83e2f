import type { FastifyInstance } from 'fastify';
import { accountCreate, accountOut, accountUpdate } from '../../core/accounts/accounts.schemas.js';
import * as svc from '../../core/accounts/accounts.service.js';
import type { Db } from '../../core/db/client.js';
import { registerResource } from './resource.js';

export function accountsRoutes(app: FastifyInstance, db: Db): void {
  registerResource(app, db, {
    path: 'accounts',
    tag: 'Accounts',
    noun: 'account',
    spec: svc.accountListSpec,
    create: accountCreate,
    update: accountUpdate,
    out: accountOut,
    list: svc.listAccounts,
    count: svc.countAccounts,
    get: svc.getAccount,
    insert: svc.insertAccount,
    patch: svc.updateAccount,
    setDeleted: svc.setAccountDeleted,
    deleteNote: 'Archives the account (accounts are never hard-deleted); restore brings it back.',
  });
}
