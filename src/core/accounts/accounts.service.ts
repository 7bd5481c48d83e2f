import { and, eq, type SQL, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import { customListParts } from '../custom-fields/custom-list.js';
import { validateCustomValues } from '../custom-fields/custom-values.js';
import type { Db } from '../db/client.js';
import { accounts } from '../db/schema/index.js';
import { accountWriteCheck } from '../duplicates/contact-hooks.js';
import { markLinked } from '../duplicates/duplicates.service.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { containsPattern } from '../shared/like.js';
import { listConditionWhere } from '../shared/list-condition.js';
import {
  cursorCondition,
  deletedCondition,
  filterConditions,
  type ListQuery,
  type ListSpec,
  listOrderBy,
  sortKeySelect,
  toPage,
} from '../shared/list-query.js';
import { normalizeDomain } from '../shared/normalize.js';
import { checkVersion, iso } from '../shared/records.js';
import { assertMember } from '../workspaces/members.service.js';
import {
  ACCOUNT_HEALTH,
  ACCOUNT_TYPES,
  type AccountCreate,
  type AccountOut,
  type AccountUpdate,
} from './accounts.schemas.js';

type Row = typeof accounts.$inferSelect;

export const toAccount = (r: Row): AccountOut => ({
  id: r.id,
  externalId: r.externalId,
  name: r.name,
  domain: r.domain,
  website: r.website,
  phone: r.phone,
  accountType: r.accountType,
  industry: r.industry,
  companySize: r.companySize,
  annualRevenue: r.annualRevenue,
  taxId: r.taxId,
  health: r.health,
  lifecycleStage: r.lifecycleStage,
  description: r.description,
  address: r.address ?? null,
  ownerId: r.ownerId,
  createdBy: r.createdBy,
  customFields: r.custom ?? {},
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  deletedAt: iso(r.deletedAt),
  version: r.version,
});

export const accountListSpec: ListSpec = {
  idExpr: accounts.id,
  custom: true,
  defaultSort: '-createdAt',
  sorts: {
    createdAt: { expr: sql`${accounts.createdAt}`, type: 'date' },
    updatedAt: { expr: sql`${accounts.updatedAt}`, type: 'date' },
    name: { expr: sql`lower(${accounts.name})`, type: 'text' },
    annualRevenue: { expr: sql`coalesce(${accounts.annualRevenue}, -1)`, type: 'number' },
  },
  filters: {
    accountType: {
      kind: 'enum',
      expr: accounts.accountType,
      values: ACCOUNT_TYPES,
      description: 'Account type',
    },
    health: { kind: 'enum', expr: accounts.health, values: ACCOUNT_HEALTH, description: 'Health' },
    industry: { kind: 'text', expr: accounts.industry, description: 'Industry' },
    domain: { kind: 'text', expr: accounts.domain, description: 'Domain' },
    ownerId: { kind: 'uuid', expr: accounts.ownerId, description: 'Owner' },
    externalId: { kind: 'text', expr: accounts.externalId, description: 'External id' },
    createdAt: { kind: 'date', expr: accounts.createdAt, description: 'Created' },
    annualRevenue: { kind: 'number', expr: accounts.annualRevenue, description: 'Annual revenue' },
  },
  search: (q) => {
    // LIKE wildcards in the search text match literally.
    const like = containsPattern(q);
    return sql`(${accounts.name} ilike ${like} or ${accounts.domain} ilike ${like} or ${accounts.taxId} = ${q})`;
  },
  condition: 'account',
};

/**
 * Which accounts the list pages through, as WHERE conditions over `accounts` (shared by the list and
 * its count, so they agree), and the spec to sort with (a custom sort added).
 */
export async function accountListWhere(
  db: Db,
  ctx: Ctx,
  query: ListQuery,
): Promise<{ spec: ListSpec; where: SQL[] }> {
  const custom = await customListParts(
    db,
    ctx,
    accountListSpec,
    { entity: 'account', column: accounts.custom },
    query,
  );
  const deleted = deletedCondition(accounts.deletedAt, query.deleted);
  return {
    spec: custom.spec,
    where: [
      eq(accounts.workspaceId, ctx.workspaceId),
      ...(deleted ? [deleted] : []),
      ...filterConditions(custom.spec, query),
      ...custom.where,
      ...(await listConditionWhere(db, ctx, accountListSpec, query)),
    ],
  };
}

/** How many accounts the list with these filters pages through (`limit`, `cursor` and `sort` ignored). */
export async function countAccounts(db: Db, ctx: Ctx, query: ListQuery): Promise<number> {
  const { where } = await accountListWhere(db, ctx, { ...query, sort: accountListSpec.defaultSort });
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(accounts)
    .where(and(...where));
  return r?.n ?? 0;
}

export async function listAccounts(db: Db, ctx: Ctx, query: ListQuery) {
  const { spec, where } = await accountListWhere(db, ctx, query);
  const rows = await db
    .select({ row: accounts, _sort: sortKeySelect(spec, query.sort) })
    .from(accounts)
    .where(and(...where, cursorCondition(spec, query)))
    .orderBy(listOrderBy(spec, query.sort))
    .limit(query.limit + 1);
  return toPage(
    rows.map((r) => ({ ...toAccount(r.row), _sort: r._sort })),
    query,
  );
}

async function loadRow(db: Db, ctx: Ctx, id: string, opts: { lock?: boolean; withDeleted?: boolean } = {}) {
  const q = db
    .select()
    .from(accounts)
    .where(
      and(
        eq(accounts.workspaceId, ctx.workspaceId),
        eq(accounts.id, id),
        opts.withDeleted ? undefined : sql`${accounts.deletedAt} is null`,
      ),
    );
  const [row] = opts.lock ? await q.for('update') : await q;
  if (!row) throw AppError.notFound('Account', id);
  return row;
}

export async function getAccount(db: Db, ctx: Ctx, id: string): Promise<AccountOut> {
  return toAccount(await loadRow(db, ctx, id, { withDeleted: true }));
}

/** Fails with 404 unless the account exists (and is not archived) in this workspace. */
export async function assertAccount(db: Db, ctx: Ctx, id: string, field = 'accountId'): Promise<Row> {
  const [row] = await db
    .select()
    .from(accounts)
    .where(
      and(eq(accounts.workspaceId, ctx.workspaceId), eq(accounts.id, id), sql`${accounts.deletedAt} is null`),
    );
  if (!row)
    throw new AppError('not_found', `Account ${id} was not found`, [{ field, reason: 'no such account' }]);
  return row;
}

function clean(input: AccountCreate | AccountUpdate) {
  const { customFields: _custom, ...rest } = input;
  const v: Partial<typeof accounts.$inferInsert> = { ...rest } as Partial<typeof accounts.$inferInsert>;
  if (input.domain) v.domain = normalizeDomain(input.domain);
  if (input.address !== undefined) v.address = input.address as Record<string, string | null> | null;
  return v;
}

/** Creates an account inside the caller's transaction (lead conversion creates one too). */
export async function insertAccount(tx: Db, ctx: Ctx, input: AccountCreate): Promise<AccountOut> {
  if (input.ownerId) await assertMember(tx, ctx, input.ownerId, 'ownerId');
  await assertExternalIdFree(tx, ctx, input.externalId);
  // Duplicate rules: `link` answers with the existing account (same domain by default), `block` throws.
  const dup = await accountWriteCheck(tx, ctx, input, input);
  if (dup.linkTo) {
    markLinked(ctx, dup.linkTo.id);
    return toAccount(await loadRow(tx, ctx, dup.linkTo.id));
  }
  const [row] = await tx
    .insert(accounts)
    .values({
      ...clean(input),
      custom: await validateCustomValues(tx, ctx, 'account', input.customFields),
      name: input.name,
      workspaceId: ctx.workspaceId,
      id: newId(),
      createdBy: ctx.userId,
    })
    .returning();
  const out = toAccount(row!);
  await writeAudit(tx, ctx, { action: 'create', entity: 'account', entityId: out.id, after: out });
  await dup.record(out.id);
  return out;
}

export async function createAccount(db: Db, ctx: Ctx, input: AccountCreate): Promise<AccountOut> {
  return db.transaction((tx) => insertAccount(tx, ctx, input));
}

async function assertExternalIdFree(
  db: Db,
  ctx: Ctx,
  externalId: string | null | undefined,
  selfId?: string,
) {
  if (!externalId) return;
  const [hit] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.workspaceId, ctx.workspaceId), eq(accounts.externalId, externalId)));
  if (hit && hit.id !== selfId)
    throw new AppError('conflict', `An account with externalId ${externalId} already exists`, [
      { field: 'externalId', reason: `already used by account ${hit.id}` },
    ]);
}

export async function updateAccount(
  db: Db,
  ctx: Ctx,
  id: string,
  input: AccountUpdate,
  ifMatch?: string,
): Promise<AccountOut> {
  return db.transaction(async (tx) => {
    const before = await loadRow(tx, ctx, id, { lock: true });
    checkVersion('account', String(before.version), ifMatch);
    if (input.ownerId) await assertMember(tx, ctx, input.ownerId, 'ownerId');
    await assertExternalIdFree(tx, ctx, input.externalId, id);
    const set = clean(input);
    if (input.customFields !== undefined)
      set.custom = await validateCustomValues(tx, ctx, 'account', input.customFields, {
        current: before.custom,
      });
    const dup = await accountWriteCheck(tx, ctx, { ...before, ...set }, input, id);
    const [row] = await tx
      .update(accounts)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${accounts.version} + 1` })
      .where(and(eq(accounts.workspaceId, ctx.workspaceId), eq(accounts.id, id)))
      .returning();
    const out = toAccount(row!);
    await writeAudit(tx, ctx, {
      action: 'update',
      entity: 'account',
      entityId: id,
      before: toAccount(before),
      after: out,
    });
    await dup.record(id);
    return out;
  });
}

/** Accounts are archived, never hard-deleted. */
export async function setAccountDeleted(db: Db, ctx: Ctx, id: string, deleted: boolean): Promise<AccountOut> {
  return db.transaction(async (tx) => {
    const before = await loadRow(tx, ctx, id, { lock: true, withDeleted: true });
    if (deleted === (before.deletedAt !== null)) return toAccount(before);
    const [row] = await tx
      .update(accounts)
      .set({
        deletedAt: deleted ? sql`now()` : null,
        updatedAt: sql`now()`,
        version: sql`${accounts.version} + 1`,
      })
      .where(and(eq(accounts.workspaceId, ctx.workspaceId), eq(accounts.id, id)))
      .returning();
    const out = toAccount(row!);
    await writeAudit(tx, ctx, {
      action: deleted ? 'delete' : 'restore',
      entity: 'account',
      entityId: id,
      before: toAccount(before),
      after: out,
    });
    return out;
  });
}
