import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { merges } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { type ChangeResult, ChangeSet, snapshotJson } from './change-set.js';
import { type EntityMerger, MERGERS, notFoundIn } from './merge-entities.js';
import type { MergeEntity, MergeIn, MergeListQuery, MergeOut } from './merges.schemas.js';

export type MergeResult = {
  mergeId: string | null;
  preview: boolean;
  survivor: unknown;
  picks: Record<string, string>;
  moves: Record<string, number>;
};

type MergeRow = typeof merges.$inferSelect;
type Row = { id: string; deletedAt: Date | null; version: number } & Record<string, unknown>;

class PreviewDone extends Error {
  constructor(readonly result: MergeResult) {
    super('preview');
  }
}

/** Counts of what a merge moved, by table, without the merged records and the merge's own entry. */
export function movesOf(entityTable: string, change: Pick<ChangeResult, 'changed'>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [table, n] of Object.entries(change.changed)) if (table !== entityTable) out[table] = n;
  return out;
}

/** The merge that soft-deleted this record, if one did (and was not undone). */
async function mergedInto(tx: Db, ctx: Ctx, entity: MergeEntity, id: string) {
  const [m] = await tx
    .select({ id: merges.id, survivorId: merges.survivorId })
    .from(merges)
    .where(
      and(
        eq(merges.workspaceId, ctx.workspaceId),
        eq(merges.entity, entity),
        sql`${id}::uuid = any(${merges.mergedIds})`,
        sql`${merges.undoneAt} is null`,
      ),
    )
    .orderBy(desc(merges.createdAt))
    .limit(1);
  return m ?? null;
}

/** Locks the survivor and the merged records (in id order: concurrent merges cannot deadlock). */
async function lockRecords(tx: Db, ctx: Ctx, merger: EntityMerger, input: MergeIn) {
  const t = merger.table;
  const ids = [input.survivorId, ...input.mergedIds];
  const rows = (await tx
    .select()
    .from(t)
    .where(and(eq(t.workspaceId, ctx.workspaceId), inArray(t.id, ids)))
    .orderBy(t.id)
    .for('update')) as unknown as Row[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const fieldOf = (id: string) =>
    id === input.survivorId ? 'survivorId' : `mergedIds[${input.mergedIds.indexOf(id)}]`;
  for (const id of ids) {
    if (byId.has(id)) continue;
    // Another entity's id in this workspace is named as such ("mixed entities"); else plainly 404.
    for (const other of Object.values(MERGERS)) {
      if (other === merger) continue;
      const [hit] = await tx
        .select({ id: other.table.id })
        .from(other.table)
        .where(and(eq(other.table.workspaceId, ctx.workspaceId), eq(other.table.id, id)));
      if (hit)
        throw AppError.invalid(
          fieldOf(id),
          `is a ${other.entity}, not a ${merger.entity}: merge records of one kind`,
        );
    }
    throw notFoundIn(merger, id, fieldOf(id));
  }
  for (const id of ids) {
    const r = byId.get(id)!;
    if (!r.deletedAt) continue;
    const m = await mergedInto(tx, ctx, merger.entity, id);
    throw new AppError(
      'conflict',
      m
        ? `${merger.noun} ${id} was already merged into ${m.survivorId} (merge ${m.id})`
        : `${merger.noun} ${id} is deleted; restore it before merging`,
      [
        {
          field: fieldOf(id),
          reason: m ? `was already merged into ${m.survivorId} (merge ${m.id})` : 'is deleted',
        },
      ],
      m ? { mergedInto: m.survivorId, mergeId: m.id } : undefined,
    );
  }
  return { survivor: byId.get(input.survivorId)!, merged: input.mergedIds.map((id) => byId.get(id)!) };
}

/**
 * Merges records of one entity into a survivor, in one transaction: field picks, every link moved,
 * duplicate pairs resolved, the merged records soft-deleted, one audit entry, a timeline entry on the
 * survivor, and the exact before-images an undo needs. `preview` does all of it and rolls back.
 */
export async function mergeRecords(
  db: Db,
  ctx: Ctx,
  entity: MergeEntity,
  input: MergeIn,
): Promise<MergeResult> {
  const merger = MERGERS[entity];
  try {
    return await db.transaction(async (tx) => {
      const { survivor, merged } = await lockRecords(tx, ctx, merger, input);
      const mergeId = newId();
      const cs = new ChangeSet(tx, ctx.workspaceId);
      const beforeOut = {
        survivor: await merger.read(tx, ctx, survivor.id),
        merged: await Promise.all(merged.map((r) => merger.read(tx, ctx, r.id))),
      };
      const picks = await merger.run({
        tx,
        ctx,
        cs,
        mergeId,
        survivor,
        merged,
        userPicks: input.fields ?? {},
      });
      const change = await cs.finish();
      const after = await merger.read(tx, ctx, survivor.id);
      const result: MergeResult = {
        mergeId: input.preview ? null : mergeId,
        preview: !!input.preview,
        survivor: after,
        picks,
        moves: movesOf(merger.tableName, change),
      };
      if (input.preview) throw new PreviewDone(result);
      await tx.execute(sql`
        insert into merges (workspace_id, id, entity, survivor_id, merged_ids, fields, snapshot, touched, created_by)
        values (${ctx.workspaceId}::uuid, ${mergeId}::uuid, ${entity}, ${survivor.id}::uuid,
          (select array_agg(x::uuid) from jsonb_array_elements_text(${JSON.stringify(input.mergedIds)}::jsonb) x),
          ${JSON.stringify(picks)}::jsonb, ${snapshotJson(change.snapshot)}::jsonb,
          ${JSON.stringify({ rows: change.touched, moves: result.moves })}::jsonb, ${ctx.userId}::uuid)`);
      await writeAudit(tx, ctx, {
        action: 'merge',
        entity,
        entityId: survivor.id,
        before: beforeOut,
        after: { survivor: after, mergeId, mergedIds: input.mergedIds, picks, moves: result.moves },
      });
      return result;
    });
  } catch (e) {
    if (e instanceof PreviewDone) return e.result;
    throw e;
  }
}

/** Display names of records, deleted or not (for merge histories). */
async function namesOf(db: Db, ctx: Ctx, entity: MergeEntity, ids: string[]): Promise<Map<string, string>> {
  const merger = MERGERS[entity];
  if (ids.length === 0) return new Map();
  const rows = (await db
    .select()
    .from(merger.table)
    .where(
      and(eq(merger.table.workspaceId, ctx.workspaceId), inArray(merger.table.id, ids)),
    )) as unknown as Row[];
  return new Map(rows.map((r) => [r.id, merger.name(r)]));
}

export async function toMergeOut(db: Db, ctx: Ctx, r: MergeRow): Promise<MergeOut> {
  const names = await namesOf(db, ctx, r.entity, [r.survivorId, ...r.mergedIds]);
  const touched = r.touched as { moves?: Record<string, number> };
  return {
    id: r.id,
    entity: r.entity,
    survivorId: r.survivorId,
    survivorName: names.get(r.survivorId) ?? r.survivorId,
    mergedIds: r.mergedIds,
    mergedNames: r.mergedIds.map((id) => names.get(id) ?? id),
    picks: r.fields,
    moves: touched.moves ?? {},
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    undoneAt: r.undoneAt?.toISOString() ?? null,
    undoneBy: r.undoneBy,
  };
}

/** The columns of a merge without its (large) snapshot. */
export const mergeColumns = {
  workspaceId: merges.workspaceId,
  id: merges.id,
  entity: merges.entity,
  survivorId: merges.survivorId,
  mergedIds: merges.mergedIds,
  fields: merges.fields,
  touched: merges.touched,
  createdBy: merges.createdBy,
  createdAt: merges.createdAt,
  undoneAt: merges.undoneAt,
  undoneBy: merges.undoneBy,
};

export async function getMerge(db: Db, ctx: Ctx, id: string): Promise<MergeOut> {
  const [r] = await db
    .select(mergeColumns)
    .from(merges)
    .where(and(eq(merges.workspaceId, ctx.workspaceId), eq(merges.id, id)));
  if (!r) throw AppError.notFound('Merge', id);
  return toMergeOut(db, ctx, r as MergeRow);
}

/** Merges of the workspace, newest first; by entity, and by a record (survivor or merged). */
export async function listMerges(db: Db, ctx: Ctx, q: MergeListQuery) {
  const rows = await db
    .select(mergeColumns)
    .from(merges)
    .where(
      and(
        eq(merges.workspaceId, ctx.workspaceId),
        q.entity ? eq(merges.entity, q.entity) : undefined,
        q.recordId
          ? sql`(${merges.survivorId} = ${q.recordId}::uuid or ${q.recordId}::uuid = any(${merges.mergedIds}))`
          : undefined,
        q.cursor ? sql`${merges.id} < ${q.cursor}::uuid` : undefined,
      ),
    )
    .orderBy(desc(merges.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit) as MergeRow[];
  const data = await Promise.all(page.map((r) => toMergeOut(db, ctx, r)));
  return { data, nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null };
}
