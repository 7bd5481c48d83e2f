import { and, asc, eq, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { leads, stages } from '../db/schema/index.js';
import { QUALIFIED_STATUSES, recountAcquisitionTotals } from '../reports/report-rollups.js';
import { recomputeLeads } from '../scoring/recompute.service.js';
import { ruleSetFor } from '../scoring/scoring-rule-set.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { checkVersion } from '../shared/records.js';
import {
  bumpPipeline,
  countRefs,
  loadPipelineRow,
  lockPipelines,
  stageDefaults,
} from './pipeline-admin.service.js';
import type {
  PipelineOut,
  PipelineUsage,
  StageCreate,
  StageRemove,
  StageReorder,
  StageUpdate,
} from './pipelines.schemas.js';
import { getPipeline, toStage } from './pipelines.service.js';

const QUALIFYING = new Set<string>(QUALIFIED_STATUSES);

type StageRow = typeof stages.$inferSelect;
/** Moved leads rescored per statement (ids are sent as parameters). */
const RESCORE_BATCH = 2000;

/**
 * Opens a stage change: the workspace's pipeline lock, the pipeline (404 if not this workspace's),
 * its ETag checked against If-Match, and its live stages in order, locked. `forUpdate` (removal) also
 * conflicts with the FOR KEY SHARE that records moving into a stage hold (see resolveStage).
 */
async function openStages(
  tx: Db,
  ctx: Ctx,
  pipelineId: string,
  ifMatch: string | undefined,
  forUpdate = false,
): Promise<StageRow[]> {
  await lockPipelines(tx, ctx);
  const p = await loadPipelineRow(tx, ctx, pipelineId);
  checkVersion('pipeline', String(p.version), ifMatch);
  return tx
    .select()
    .from(stages)
    .where(
      and(
        eq(stages.workspaceId, ctx.workspaceId),
        eq(stages.pipelineId, pipelineId),
        sql`${stages.deletedAt} is null`,
      ),
    )
    .orderBy(asc(stages.position), asc(stages.id))
    .for(forUpdate ? 'update' : 'no key update');
}

const stageOf = (ss: StageRow[], stageId: string, field = 'stageId'): StageRow => {
  const s = ss.find((x) => x.id === stageId);
  if (!s)
    throw new AppError('not_found', `Stage ${stageId} is not a live stage of this pipeline`, [
      { field, reason: 'is not a live stage of this pipeline' },
    ]);
  return s;
};

/** Rescores leads whose stage or status changed, set-based, in the caller's transaction. */
async function rescore(tx: Db, ctx: Ctx, ids: string[]): Promise<void> {
  const rules = await ruleSetFor(tx, ctx);
  if (!rules.rules.length) return;
  for (let i = 0; i < ids.length; i += RESCORE_BATCH)
    await recomputeLeads(tx, ctx, rules, ids.slice(i, i + RESCORE_BATCH));
}

/** Gives the stages positions 0..n-1 in this order (one statement; only rows whose position changes). */
async function setPositions(tx: Db, ctx: Ctx, ordered: StageRow[]): Promise<void> {
  const changed = ordered.flatMap((s, i) => (s.position === i ? [] : [{ id: s.id, i }]));
  if (changed.length === 0) return;
  const ids = sql.join(
    changed.map((c) => sql`${c.id}::uuid`),
    sql`, `,
  );
  const pos = sql.join(
    changed.map((c) => sql`${c.i}::int`),
    sql`, `,
  );
  await tx.execute(sql`
    update stages s set position = v.pos, updated_at = now(), version = s.version + 1
    from unnest(array[${ids}], array[${pos}]) as v(id, pos)
    where s.workspace_id = ${ctx.workspaceId}::uuid and s.id = v.id`);
}

/** Adds a stage at `position` (default: open after the last open stage, won/lost at the end). */
export async function createStage(
  db: Db,
  ctx: Ctx,
  pipelineId: string,
  input: StageCreate,
  ifMatch?: string,
): Promise<{ pipeline: PipelineOut; stageId: string }> {
  return db.transaction(async (tx) => {
    const ss = await openStages(tx, ctx, pipelineId, ifMatch);
    const type = input.type ?? 'open';
    const lastOpen = ss.map((s) => s.type).lastIndexOf('open');
    const at = Math.min(input.position ?? (type === 'open' ? lastOpen + 1 : ss.length), ss.length);
    const prevOpen = ss
      .slice(0, at)
      .reverse()
      .find((s) => s.type === 'open');
    const d = stageDefaults({ ...input, type }, prevOpen);
    const id = newId();
    const [row] = await tx
      .insert(stages)
      .values({ ...d, workspaceId: ctx.workspaceId, id, pipelineId, name: input.name, position: at })
      .returning();
    const ordered = [...ss];
    ordered.splice(at, 0, row!);
    await setPositions(tx, ctx, ordered);
    await bumpPipeline(tx, ctx, pipelineId);
    await writeAudit(tx, ctx, {
      action: 'create',
      entity: 'stage',
      entityId: id,
      after: { ...toStage(row!), pipelineId },
    });
    return { pipeline: await getPipeline(tx, ctx, pipelineId), stageId: id };
  });
}

/**
 * Renames, recolours, sets probability, type and status. The type changes only while the stage holds
 * no leads or deals (what reaching it means would change under them); a new status of an open stage
 * is given to its leads at once (a lead's status is its stage's).
 */
export async function updateStage(
  db: Db,
  ctx: Ctx,
  pipelineId: string,
  stageId: string,
  input: StageUpdate,
  ifMatch?: string,
): Promise<PipelineOut> {
  return db.transaction(async (tx) => {
    const ss = await openStages(tx, ctx, pipelineId, ifMatch);
    const cur = stageOf(ss, stageId);
    const type = input.type ?? cur.type;
    if (type !== cur.type) {
      if (cur.type === 'open' && ss.filter((s) => s.type === 'open').length === 1)
        throw AppError.invalid('type', 'a pipeline keeps at least one open stage; this is its last one');
      const refs = await countRefs(tx, ctx, { stageId });
      if (refs.leads || refs.deals)
        throw new AppError(
          'conflict',
          `The stage holds ${refs.leads} lead(s) and ${refs.deals} deal(s); its type cannot change under them`,
          [
            {
              field: 'type',
              reason: `cannot change while the stage holds ${refs.leads} lead(s) and ${refs.deals} deal(s); move them or add a new ${type} stage`,
            },
          ],
        );
    }
    const d = stageDefaults(
      {
        type,
        leadStatus: input.leadStatus ?? (type === cur.type ? cur.leadStatus : undefined),
        probability: input.probability,
        color: input.color ?? cur.color,
      },
      type === 'open' ? { leadStatus: 'new', probability: cur.probability } : undefined,
    );
    const set = {
      name: input.name ?? cur.name,
      color: d.color,
      probability: input.probability ?? (type === cur.type ? cur.probability : d.probability),
      type,
      leadStatus: d.leadStatus,
    };
    if ((Object.keys(set) as (keyof typeof set)[]).every((k) => set[k] === cur[k]))
      return getPipeline(tx, ctx, pipelineId);
    const [row] = await tx
      .update(stages)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${stages.version} + 1` })
      .where(and(eq(stages.workspaceId, ctx.workspaceId), eq(stages.id, stageId)))
      .returning();
    let leadsUpdated = 0;
    if (set.leadStatus !== cur.leadStatus) {
      const r = (await tx.execute(sql`
        update leads set status = ${set.leadStatus}, updated_at = now(), version = version + 1
        where workspace_id = ${ctx.workspaceId}::uuid and stage_id = ${stageId}::uuid
        returning id::text as id`)) as unknown as { rows: { id: string }[] };
      leadsUpdated = r.rows.length;
      await rescore(
        tx,
        ctx,
        r.rows.map((x) => x.id),
      );
    }
    // Leads that ever reached the stage count as qualified or not by its status: the sources report's
    // kept totals are counted again when that changes (a rare settings change, one pass of the leads).
    if (QUALIFYING.has(set.leadStatus) !== QUALIFYING.has(cur.leadStatus))
      await recountAcquisitionTotals(tx, ctx.workspaceId);
    await bumpPipeline(tx, ctx, pipelineId);
    await writeAudit(tx, ctx, {
      action: 'update',
      entity: 'stage',
      entityId: stageId,
      before: { ...toStage(cur), pipelineId },
      after: { ...toStage(row!), pipelineId, ...(leadsUpdated ? { leadsUpdated } : {}) },
    });
    return getPipeline(tx, ctx, pipelineId);
  });
}

/** Sets the order of the stages: `stageIds` lists every live stage of the pipeline once. */
export async function reorderStages(
  db: Db,
  ctx: Ctx,
  pipelineId: string,
  input: StageReorder,
  ifMatch?: string,
): Promise<PipelineOut> {
  return db.transaction(async (tx) => {
    const ss = await openStages(tx, ctx, pipelineId, ifMatch);
    const ordered = input.stageIds.map((id, i) => stageOf(ss, id, `stageIds[${i}]`));
    if (new Set(input.stageIds).size !== input.stageIds.length || ordered.length !== ss.length)
      throw AppError.invalid(
        'stageIds',
        `must list each of the ${ss.length} live stages of the pipeline once`,
      );
    await setPositions(tx, ctx, ordered);
    await bumpPipeline(tx, ctx, pipelineId);
    await writeAudit(tx, ctx, {
      action: 'reorder_stages',
      entity: 'pipeline',
      entityId: pipelineId,
      before: { stageIds: ss.map((s) => s.id) },
      after: { stageIds: input.stageIds },
    });
    return getPipeline(tx, ctx, pipelineId);
  });
}

/** A UUIDv7 made in SQL, one per row (millisecond time, then random bits), like `newId()`. */
const SQL_UUID_V7 = sql.raw(`(lpad(to_hex((extract(epoch from clock_timestamp()) * 1000)::bigint), 12, '0')
  || '7' || substr(md5(random()::text), 1, 3) || to_hex(8 + floor(random() * 4)::int)
  || substr(md5(random()::text), 1, 15))::uuid`);

/**
 * Removes a stage, moving its leads and deals (deleted ones too) to another live stage of the same
 * pipeline and type, set-based in one transaction: each lead gets the new stage, status and
 * stage_entered_at, a stage_change activity, its stage history closed and reopened and its score
 * recomputed (scoring rules may look at the status); one audit entry
 * records the removal with the counts. Same type only: a move into won or lost would have to apply the
 * lifecycle (conversion) or a lost reason lead by lead.
 */
export async function removeStage(
  db: Db,
  ctx: Ctx,
  pipelineId: string,
  stageId: string,
  input: StageRemove,
  ifMatch?: string,
): Promise<{ pipeline: PipelineOut; leadsMoved: number; dealsMoved: number }> {
  return db.transaction(async (tx) => {
    const ss = await openStages(tx, ctx, pipelineId, ifMatch, true);
    const from = stageOf(ss, stageId);
    if (from.type === 'open' && ss.filter((s) => s.type === 'open').length === 1)
      throw AppError.invalid('stageId', 'a pipeline keeps at least one open stage; this is its last one');
    const refs = await countRefs(tx, ctx, { stageId });
    const ws = sql`${ctx.workspaceId}::uuid`;
    let leadsMoved = 0;
    let dealsMoved = 0;
    let to: StageRow | undefined;
    if (input.moveToStageId === undefined) {
      if (refs.leads || refs.deals)
        throw AppError.invalid(
          'moveToStageId',
          `is required: the stage holds ${refs.leads} lead(s) and ${refs.deals} deal(s) (deleted ones included) to move to another ${from.type} stage`,
        );
    } else {
      if (input.moveToStageId === stageId)
        throw AppError.invalid('moveToStageId', 'must be another stage than the one removed');
      to = ss.find((s) => s.id === input.moveToStageId);
      if (!to) throw AppError.invalid('moveToStageId', 'is not a live stage of this pipeline');
      if (to.type !== from.type)
        throw AppError.invalid(
          'moveToStageId',
          `must be a ${from.type} stage like the one removed (${to.name} is ${to.type}); moving into won or lost is done lead by lead, with the lifecycle and lost reason`,
        );
    }
    if (to && refs.leads) {
      const meta = sql`jsonb_build_object('fromStageId', l.stage_id, 'toStageId', ${to.id}::uuid,
        'fromStatus', l.status, 'toStatus', ${to.leadStatus}::text, 'reason', 'stage_removed')
        || ${JSON.stringify(ctx.apiKeyId ? { apiKeyId: ctx.apiKeyId } : {})}::jsonb`;
      await tx.execute(sql`
        insert into activities (workspace_id, id, type, lead_id, contact_id, user_id, subject, metadata)
        select l.workspace_id, ${SQL_UUID_V7}, 'stage_change', l.id, l.contact_id, ${ctx.userId}::uuid,
          ${`Stage: ${from.name} → ${to.name} (${from.name} removed)`}, ${meta}
        from leads l where l.workspace_id = ${ws} and l.stage_id = ${from.id}::uuid`);
      await tx.execute(sql`
        update lead_stage_history h set left_at = now()
        from leads l
        where h.workspace_id = ${ws} and l.workspace_id = ${ws} and l.stage_id = ${from.id}::uuid
          and h.lead_id = l.id and h.left_at is null`);
      await tx.execute(sql`
        insert into lead_stage_history (workspace_id, id, lead_id, pipeline_id, stage_id, moved_by)
        select l.workspace_id, ${SQL_UUID_V7}, l.id, l.pipeline_id, ${to.id}::uuid, ${ctx.userId}::uuid
        from leads l where l.workspace_id = ${ws} and l.stage_id = ${from.id}::uuid`);
      // Board ranks are kept: the moved cards interleave with the target's by their keys.
      const moved = (await tx.execute(sql`
        update ${leads} set stage_id = ${to.id}::uuid, status = ${to.leadStatus}, stage_entered_at = now(),
          updated_at = now(), version = version + 1
        where workspace_id = ${ws} and stage_id = ${from.id}::uuid
        returning id::text as id`)) as unknown as { rows: { id: string }[] };
      leadsMoved = moved.rows.length;
      // Scores that depend on the stage or status follow, in this transaction.
      await rescore(
        tx,
        ctx,
        moved.rows.map((r) => r.id),
      );
    }
    if (to && refs.deals) {
      const r = (await tx.execute(sql`
        with u as (
          update deals set stage_id = ${to.id}::uuid, updated_at = now(), version = version + 1
          where workspace_id = ${ws} and stage_id = ${from.id}::uuid
          returning 1)
        select count(*)::int as n from u`)) as unknown as { rows: { n: number }[] };
      dealsMoved = Number(r.rows[0]!.n);
    }
    await tx
      .update(stages)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${stages.version} + 1` })
      .where(and(eq(stages.workspaceId, ctx.workspaceId), eq(stages.id, stageId)));
    await setPositions(
      tx,
      ctx,
      ss.filter((s) => s.id !== stageId),
    );
    await bumpPipeline(tx, ctx, pipelineId);
    await writeAudit(tx, ctx, {
      action: 'delete',
      entity: 'stage',
      entityId: stageId,
      before: { ...toStage(from), pipelineId },
      after: { movedToStageId: to?.id ?? null, leadsMoved, dealsMoved },
    });
    return { pipeline: await getPipeline(tx, ctx, pipelineId), leadsMoved, dealsMoved };
  });
}

/** How many leads and deals each live stage of a pipeline holds (what a removal would move). */
export async function pipelineUsage(db: Db, ctx: Ctx, pipelineId: string): Promise<PipelineUsage> {
  const p = await getPipeline(db, ctx, pipelineId);
  const r = (await db.execute(sql`
    select s.id as stage_id,
      (select count(*) filter (where l.deleted_at is null)::int from leads l
        where l.workspace_id = s.workspace_id and l.stage_id = s.id) as leads,
      (select count(*) filter (where l.deleted_at is not null)::int from leads l
        where l.workspace_id = s.workspace_id and l.stage_id = s.id) as deleted_leads,
      (select count(*) filter (where d.deleted_at is null)::int from deals d
        where d.workspace_id = s.workspace_id and d.stage_id = s.id) as deals,
      (select count(*) filter (where d.deleted_at is not null)::int from deals d
        where d.workspace_id = s.workspace_id and d.stage_id = s.id) as deleted_deals
    from stages s
    where s.workspace_id = ${ctx.workspaceId}::uuid and s.pipeline_id = ${pipelineId}::uuid
      and s.deleted_at is null`)) as unknown as {
    rows: { stage_id: string; leads: number; deleted_leads: number; deals: number; deleted_deals: number }[];
  };
  const by = new Map(r.rows.map((x) => [x.stage_id, x]));
  return {
    pipelineId,
    stages: p.stages.map((s) => {
      const x = by.get(s.id);
      return {
        stageId: s.id,
        leads: Number(x?.leads ?? 0),
        deletedLeads: Number(x?.deleted_leads ?? 0),
        deals: Number(x?.deals ?? 0),
        deletedDeals: Number(x?.deleted_deals ?? 0),
      };
    }),
  };
}
