import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { campaignCosts, campaigns } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { sumDecimal } from '../shared/decimal.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { checkVersion, iso } from '../shared/records.js';
import { loadTenantRow } from '../shared/tenant-rows.js';
import type { CampaignCreate, CampaignOut, CampaignUpdate } from './campaigns.schemas.js';

type Row = typeof campaigns.$inferSelect;
type CostIn = CampaignCreate['costs'][number];

async function costsOf(db: Db, ctx: Ctx, ids: string[]) {
  const out = new Map<string, CampaignOut['costs']>();
  if (ids.length === 0) return out;
  const rows = await db
    .select()
    .from(campaignCosts)
    .where(and(eq(campaignCosts.workspaceId, ctx.workspaceId), inArray(campaignCosts.campaignId, ids)))
    .orderBy(asc(campaignCosts.periodStart), asc(campaignCosts.id));
  for (const r of rows) {
    const list = out.get(r.campaignId) ?? [];
    list.push({
      id: r.id,
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
      amount: r.amount,
      note: r.note,
    });
    out.set(r.campaignId, list);
  }
  return out;
}

const toOut = (r: Row, costs: CampaignOut['costs']): CampaignOut => ({
  id: r.id,
  name: r.name,
  source: r.source,
  description: r.description,
  costs,
  totalCost: sumDecimal(costs.map((c) => c.amount)),
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  deletedAt: iso(r.deletedAt),
  version: r.version,
});

async function out(db: Db, ctx: Ctx, r: Row): Promise<CampaignOut> {
  return toOut(r, (await costsOf(db, ctx, [r.id])).get(r.id) ?? []);
}

/** Live campaigns by name, with their costs. */
export async function listCampaigns(db: Db, ctx: Ctx): Promise<CampaignOut[]> {
  const rows = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.workspaceId, ctx.workspaceId), isNull(campaigns.deletedAt)))
    .orderBy(asc(sql`lower(${campaigns.name})`), asc(campaigns.id));
  const costs = await costsOf(
    db,
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toOut(r, costs.get(r.id) ?? []));
}

export async function getCampaign(db: Db, ctx: Ctx, id: string): Promise<CampaignOut> {
  return out(db, ctx, await loadTenantRow(db, ctx, campaigns, 'Campaign', id));
}

async function assertNameFree(tx: Db, ctx: Ctx, name: string, exceptId?: string) {
  const [dup] = await tx
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(
      and(
        eq(campaigns.workspaceId, ctx.workspaceId),
        sql`lower(${campaigns.name}) = lower(${name})`,
        isNull(campaigns.deletedAt),
        exceptId ? sql`${campaigns.id} <> ${exceptId}` : undefined,
      ),
    );
  if (dup)
    throw new AppError('conflict', `A campaign named '${name}' already exists`, [
      { field: 'name', reason: 'is already the name of another campaign' },
    ]);
}

async function setCosts(tx: Db, ctx: Ctx, campaignId: string, costs: CostIn[]) {
  await tx
    .delete(campaignCosts)
    .where(and(eq(campaignCosts.workspaceId, ctx.workspaceId), eq(campaignCosts.campaignId, campaignId)));
  if (costs.length)
    await tx.insert(campaignCosts).values(
      costs.map((c) => ({
        workspaceId: ctx.workspaceId,
        id: newId(),
        campaignId,
        periodStart: c.periodStart,
        periodEnd: c.periodEnd,
        amount: String(c.amount),
        note: c.note ?? null,
      })),
    );
}

export async function createCampaign(db: Db, ctx: Ctx, input: CampaignCreate): Promise<CampaignOut> {
  return db.transaction(async (tx) => {
    await assertNameFree(tx, ctx, input.name);
    const [row] = await tx
      .insert(campaigns)
      .values({
        workspaceId: ctx.workspaceId,
        id: newId(),
        name: input.name,
        source: input.source ?? null,
        description: input.description ?? null,
      })
      .returning();
    await setCosts(tx, ctx, row!.id, input.costs);
    const after = await out(tx, ctx, row!);
    await writeAudit(tx, ctx, { action: 'create', entity: 'campaign', entityId: after.id, after });
    return after;
  });
}

export async function updateCampaign(
  db: Db,
  ctx: Ctx,
  id: string,
  input: CampaignUpdate,
  ifMatch?: string,
): Promise<CampaignOut> {
  return db.transaction(async (tx) => {
    const cur = await loadTenantRow(tx, ctx, campaigns, 'Campaign', id, { lock: true });
    checkVersion('campaign', String(cur.version), ifMatch);
    const before = await out(tx, ctx, cur);
    if (input.name !== undefined) await assertNameFree(tx, ctx, input.name, id);
    if (input.costs) await setCosts(tx, ctx, id, input.costs);
    const set: Partial<typeof campaigns.$inferInsert> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.source !== undefined) set.source = input.source;
    if (input.description !== undefined) set.description = input.description;
    const [row] = await tx
      .update(campaigns)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${campaigns.version} + 1` })
      .where(and(eq(campaigns.workspaceId, ctx.workspaceId), eq(campaigns.id, id)))
      .returning();
    const after = await out(tx, ctx, row!);
    await writeAudit(tx, ctx, { action: 'update', entity: 'campaign', entityId: id, before, after });
    return after;
  });
}

/** Soft delete: the campaign and its costs leave the reports; leads keep their campaign name. */
export async function deleteCampaign(db: Db, ctx: Ctx, id: string): Promise<CampaignOut> {
  return db.transaction(async (tx) => {
    const cur = await loadTenantRow(tx, ctx, campaigns, 'Campaign', id, { lock: true });
    const before = await out(tx, ctx, cur);
    const [row] = await tx
      .update(campaigns)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${campaigns.version} + 1` })
      .where(and(eq(campaigns.workspaceId, ctx.workspaceId), eq(campaigns.id, id)))
      .returning();
    const after = await out(tx, ctx, row!);
    await writeAudit(tx, ctx, { action: 'delete', entity: 'campaign', entityId: id, before, after });
    return after;
  });
}
