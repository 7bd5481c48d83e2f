import { and, eq, type SQL, sql } from 'drizzle-orm';
import { assertAccount } from '../accounts/accounts.service.js';
import { logSystemEvents } from '../activities/timeline-events.js';
import { writeAudit } from '../audit/audit.service.js';
import { workspaceSettings } from '../auth/auth.service.js';
import { loadContactRow } from '../contacts/contacts.service.js';
import { customListParts } from '../custom-fields/custom-list.js';
import { validateCustomValues } from '../custom-fields/custom-values.js';
import type { Db } from '../db/client.js';
import { deals, leads, stages } from '../db/schema/index.js';
import { resolveStage } from '../pipelines/pipelines.service.js';
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
import { checkVersion, iso } from '../shared/records.js';
import { assertMember } from '../workspaces/members.service.js';
import { type DealCreate, type DealOut, type DealUpdate, FORECAST_CATEGORIES } from './deals.schemas.js';

type Row = typeof deals.$inferSelect;
type StageRow = typeof stages.$inferSelect;

export const toDeal = (r: Row, s: StageRow): DealOut => ({
  id: r.id,
  externalId: r.externalId,
  name: r.name,
  accountId: r.accountId,
  primaryContactId: r.primaryContactId,
  originLeadId: r.originLeadId,
  amount: r.amount,
  currency: r.currency,
  pipelineId: r.pipelineId,
  stageId: r.stageId,
  stageName: s.name,
  stageType: s.type,
  probability: s.probability,
  forecastCategory: r.forecastCategory,
  closeDate: r.closeDate,
  ownerId: r.ownerId,
  description: r.description,
  createdBy: r.createdBy,
  customFields: r.custom ?? {},
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  deletedAt: iso(r.deletedAt),
  version: r.version,
});

export const dealListSpec: ListSpec = {
  idExpr: deals.id,
  custom: true,
  defaultSort: '-createdAt',
  sorts: {
    createdAt: { expr: sql`${deals.createdAt}`, type: 'date' },
    updatedAt: { expr: sql`${deals.updatedAt}`, type: 'date' },
    name: { expr: sql`lower(${deals.name})`, type: 'text' },
    amount: { expr: sql`coalesce(${deals.amount}, -1)`, type: 'number' },
    closeDate: { expr: sql`coalesce(${deals.closeDate}::text, '')`, type: 'text' },
  },
  filters: {
    pipelineId: { kind: 'uuid', expr: deals.pipelineId, description: 'Pipeline' },
    stageId: { kind: 'uuid', expr: deals.stageId, description: 'Stage' },
    ownerId: { kind: 'uuid', expr: deals.ownerId, description: 'Owner' },
    accountId: { kind: 'uuid', expr: deals.accountId, description: 'Account' },
    primaryContactId: { kind: 'uuid', expr: deals.primaryContactId, description: 'Primary contact' },
    forecastCategory: {
      kind: 'enum',
      expr: deals.forecastCategory,
      values: FORECAST_CATEGORIES,
      description: 'Forecast category',
    },
    externalId: { kind: 'text', expr: deals.externalId, description: 'External id' },
    amount: { kind: 'number', expr: deals.amount, description: 'Amount' },
    closeDate: { kind: 'date', expr: deals.closeDate, description: 'Close date' },
    createdAt: { kind: 'date', expr: deals.createdAt, description: 'Created' },
  },
  search: (q) => sql`${deals.name} ilike ${containsPattern(q)}`,
  condition: 'deal',
};

const joinStage = and(eq(stages.workspaceId, deals.workspaceId), eq(stages.id, deals.stageId));

/**
 * Which deals the list pages through, as WHERE conditions over `deals` (shared by the list and its
 * count, so they agree), and the spec to sort with (a custom sort added).
 */
export async function dealListWhere(
  db: Db,
  ctx: Ctx,
  query: ListQuery,
): Promise<{ spec: ListSpec; where: SQL[] }> {
  const custom = await customListParts(
    db,
    ctx,
    dealListSpec,
    { entity: 'deal', column: deals.custom },
    query,
  );
  const deleted = deletedCondition(deals.deletedAt, query.deleted);
  return {
    spec: custom.spec,
    where: [
      eq(deals.workspaceId, ctx.workspaceId),
      ...(deleted ? [deleted] : []),
      ...filterConditions(custom.spec, query),
      ...custom.where,
      ...(await listConditionWhere(db, ctx, dealListSpec, query)),
    ],
  };
}

/**
 * How many deals the list with these filters pages through (`limit`, `cursor` and `sort` ignored). The
 * list's stage join is left out: every deal has its stage (a NOT NULL foreign key).
 */
export async function countDeals(db: Db, ctx: Ctx, query: ListQuery): Promise<number> {
  const { where } = await dealListWhere(db, ctx, { ...query, sort: dealListSpec.defaultSort });
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(deals)
    .where(and(...where));
  return r?.n ?? 0;
}

export async function listDeals(db: Db, ctx: Ctx, query: ListQuery) {
  const { spec, where } = await dealListWhere(db, ctx, query);
  const rows = await db
    .select({ row: deals, stage: stages, _sort: sortKeySelect(spec, query.sort) })
    .from(deals)
    .innerJoin(stages, joinStage)
    .where(and(...where, cursorCondition(spec, query)))
    .orderBy(listOrderBy(spec, query.sort))
    .limit(query.limit + 1);
  return toPage(
    rows.map((r) => ({ ...toDeal(r.row, r.stage), _sort: r._sort })),
    query,
  );
}

async function loadRow(db: Db, ctx: Ctx, id: string, opts: { lock?: boolean; withDeleted?: boolean } = {}) {
  const q = db
    .select({ row: deals, stage: stages })
    .from(deals)
    .innerJoin(stages, joinStage)
    .where(
      and(
        eq(deals.workspaceId, ctx.workspaceId),
        eq(deals.id, id),
        opts.withDeleted ? undefined : sql`${deals.deletedAt} is null`,
      ),
    );
  const [r] = opts.lock ? await q.for('update', { of: deals }) : await q;
  if (!r) throw AppError.notFound('Deal', id);
  return r;
}

export async function getDeal(db: Db, ctx: Ctx, id: string): Promise<DealOut> {
  const r = await loadRow(db, ctx, id, { withDeleted: true });
  return toDeal(r.row, r.stage);
}

async function checkRefs(db: Db, ctx: Ctx, input: DealCreate | DealUpdate, selfId?: string) {
  if (input.accountId) await assertAccount(db, ctx, input.accountId);
  if (input.primaryContactId)
    await loadContactRow(db, ctx, input.primaryContactId, { field: 'primaryContactId' });
  if (input.ownerId) await assertMember(db, ctx, input.ownerId, 'ownerId');
  if (input.originLeadId) {
    const [l] = await db
      .select({ id: leads.id })
      .from(leads)
      .where(and(eq(leads.workspaceId, ctx.workspaceId), eq(leads.id, input.originLeadId)));
    if (!l)
      throw new AppError('not_found', 'Lead not found', [{ field: 'originLeadId', reason: 'no such lead' }]);
  }
  if (input.externalId) {
    const [hit] = await db
      .select({ id: deals.id })
      .from(deals)
      .where(and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.externalId, input.externalId)));
    if (hit && hit.id !== selfId)
      throw new AppError('conflict', `A deal with externalId ${input.externalId} already exists`, [
        { field: 'externalId', reason: `already used by deal ${hit.id}` },
      ]);
  }
}

export async function insertDeal(tx: Db, ctx: Ctx, input: DealCreate): Promise<DealOut> {
  await checkRefs(tx, ctx, input);
  const stage = await resolveStage(tx, ctx, input);
  const currency = input.currency ?? (await workspaceSettings(tx, ctx.workspaceId)).currency;
  const { customFields, ...fields } = input;
  const custom = await validateCustomValues(tx, ctx, 'deal', customFields);
  const [row] = await tx
    .insert(deals)
    .values({
      ...fields,
      custom,
      currency,
      workspaceId: ctx.workspaceId,
      id: newId(),
      pipelineId: stage.pipelineId,
      stageId: stage.id,
      createdBy: ctx.userId,
    })
    .returning();
  const out = toDeal(row!, stage);
  await writeAudit(tx, ctx, { action: 'create', entity: 'deal', entityId: out.id, after: out });
  await logSystemEvents(tx, ctx, [
    {
      type: 'system',
      dealId: out.id,
      leadId: input.originLeadId ?? null,
      contactId: input.primaryContactId ?? null,
      accountId: input.accountId ?? null,
      subject: `Deal created: ${out.name}`,
      metadata: { event: 'deal.created' },
    },
  ]);
  return out;
}

export async function createDeal(db: Db, ctx: Ctx, input: DealCreate): Promise<DealOut> {
  return db.transaction((tx) => insertDeal(tx, ctx, input));
}

export async function updateDeal(
  db: Db,
  ctx: Ctx,
  id: string,
  input: DealUpdate,
  ifMatch?: string,
): Promise<DealOut> {
  return db.transaction(async (tx) => {
    const cur = await loadRow(tx, ctx, id, { lock: true });
    const before = toDeal(cur.row, cur.stage);
    checkVersion('deal', String(before.version), ifMatch);
    await checkRefs(tx, ctx, input, id);
    const { stageId, pipelineId, customFields, ...rest } = input;
    const set: Record<string, unknown> = { ...rest };
    if (customFields !== undefined)
      set.custom = await validateCustomValues(tx, ctx, 'deal', customFields, { current: cur.row.custom });
    let stage = cur.stage;
    if ((stageId && stageId !== cur.row.stageId) || (pipelineId && pipelineId !== cur.row.pipelineId)) {
      stage = await resolveStage(tx, ctx, {
        stageId,
        pipelineId: pipelineId ?? (stageId ? undefined : cur.row.pipelineId),
      });
      Object.assign(set, { stageId: stage.id, pipelineId: stage.pipelineId });
      if (stage.id !== cur.row.stageId)
        await logSystemEvents(tx, ctx, [
          {
            type: 'stage_change',
            dealId: id,
            subject: `Stage: ${cur.stage.name} → ${stage.name}`,
            metadata: { fromStageId: cur.row.stageId, toStageId: stage.id },
          },
        ]);
    }
    const [row] = await tx
      .update(deals)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${deals.version} + 1` })
      .where(and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.id, id)))
      .returning();
    const after = toDeal(row!, stage);
    await writeAudit(tx, ctx, { action: 'update', entity: 'deal', entityId: id, before, after });
    return after;
  });
}

export async function setDealDeleted(db: Db, ctx: Ctx, id: string, deleted: boolean): Promise<DealOut> {
  return db.transaction(async (tx) => {
    const cur = await loadRow(tx, ctx, id, { lock: true, withDeleted: true });
    const before = toDeal(cur.row, cur.stage);
    if (deleted === (cur.row.deletedAt !== null)) return before;
    const [row] = await tx
      .update(deals)
      .set({
        deletedAt: deleted ? sql`now()` : null,
        updatedAt: sql`now()`,
        version: sql`${deals.version} + 1`,
      })
      .where(and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.id, id)))
      .returning();
    const after = toDeal(row!, cur.stage);
    await writeAudit(tx, ctx, {
      action: deleted ? 'delete' : 'restore',
      entity: 'deal',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}
