import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { pipelines, stages } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { checkVersion } from '../shared/records.js';
import type {
  LeadStatus,
  PipelineCreate,
  PipelineOut,
  PipelineUpdate,
  StageType,
} from './pipelines.schemas.js';
import { DEFAULT_STAGES, getPipeline } from './pipelines.service.js';

/**
 * Pipeline changes of a workspace one at a time (which one is the default, positions): a transaction
 * lock per workspace, taken first by every pipeline and stage change.
 */
export async function lockPipelines(tx: Db, ctx: Ctx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`pipelines:${ctx.workspaceId}`}))`);
}

/** The live pipeline row of this workspace (404 otherwise), locked against other changes. */
export async function loadPipelineRow(tx: Db, ctx: Ctx, id: string) {
  const [p] = await tx
    .select()
    .from(pipelines)
    .where(
      and(
        eq(pipelines.workspaceId, ctx.workspaceId),
        eq(pipelines.id, id),
        sql`${pipelines.deletedAt} is null`,
      ),
    )
    .for('no key update');
  if (!p) throw AppError.notFound('Pipeline', id);
  return p;
}

/** A pipeline or one of its stages changed: the pipeline's version (its ETag) moves on. */
export async function bumpPipeline(tx: Db, ctx: Ctx, id: string): Promise<void> {
  await tx
    .update(pipelines)
    .set({ updatedAt: sql`now()`, version: sql`${pipelines.version} + 1` })
    .where(and(eq(pipelines.workspaceId, ctx.workspaceId), eq(pipelines.id, id)));
}

/**
 * Fills in what a stage left out: a won stage's status is won, a lost stage's lost; an open stage
 * takes the status (and probability) of the open stage before it, else new (10 %). A status that does
 * not fit the type is refused naming `leadStatus`.
 */
export function stageDefaults(
  s: { type?: StageType; leadStatus?: LeadStatus; probability?: number; color?: string },
  prevOpen: { leadStatus: LeadStatus; probability: number } | undefined,
  field = 'leadStatus',
): { type: StageType; leadStatus: LeadStatus; probability: number; color: string } {
  const type = s.type ?? 'open';
  const leadStatus = s.leadStatus ?? (type === 'open' ? (prevOpen?.leadStatus ?? 'new') : type);
  if (type === 'open' ? leadStatus === 'won' || leadStatus === 'lost' : leadStatus !== type)
    throw AppError.invalid(
      field,
      type === 'open'
        ? `an open stage's status is one of new, contacted, qualified, proposal (not ${leadStatus})`
        : `a ${type} stage's status is ${type} (not ${leadStatus})`,
    );
  const probability =
    s.probability ?? (type === 'won' ? 100 : type === 'lost' ? 0 : (prevOpen?.probability ?? 10));
  const color = s.color ?? (type === 'won' ? '#40c057' : type === 'lost' ? '#fa5252' : '#228be6');
  return { type, leadStatus, probability, color };
}

/** Makes this pipeline the only default of the workspace. */
async function unsetOtherDefaults(tx: Db, ctx: Ctx, id: string) {
  await tx
    .update(pipelines)
    .set({ isDefault: false, updatedAt: sql`now()`, version: sql`${pipelines.version} + 1` })
    .where(
      and(eq(pipelines.workspaceId, ctx.workspaceId), ne(pipelines.id, id), eq(pipelines.isDefault, true)),
    );
}

/** Another pipeline (its stages given, else the default six). The first live pipeline is the default. */
export async function createPipeline(db: Db, ctx: Ctx, input: PipelineCreate): Promise<PipelineOut> {
  return db.transaction(async (tx) => {
    await lockPipelines(tx, ctx);
    const [m] = await tx
      .select({ n: sql<number>`count(*)::int`, max: sql<number | null>`max(${pipelines.position})` })
      .from(pipelines)
      .where(and(eq(pipelines.workspaceId, ctx.workspaceId), sql`${pipelines.deletedAt} is null`));
    const isDefault = input.isDefault === true || Number(m?.n ?? 0) === 0;
    const id = newId();
    let prevOpen: { leadStatus: LeadStatus; probability: number } | undefined;
    const rows = (input.stages ?? DEFAULT_STAGES).map((s, i) => {
      const d = stageDefaults(s, prevOpen, `stages[${i}].leadStatus`);
      if (d.type === 'open') prevOpen = d;
      return { ...d, name: s.name, workspaceId: ctx.workspaceId, id: newId(), pipelineId: id, position: i };
    });
    if (!rows.some((r) => r.type === 'open'))
      throw AppError.invalid('stages', 'a pipeline needs at least one open stage');
    if (isDefault) await unsetOtherDefaults(tx, ctx, id);
    await tx.insert(pipelines).values({
      workspaceId: ctx.workspaceId,
      id,
      name: input.name,
      position: m?.max === null || m?.max === undefined ? 0 : Number(m.max) + 1,
      isDefault,
      rottenAfterDays: input.rottenAfterDays ?? null,
    });
    await tx.insert(stages).values(rows);
    const out = await getPipeline(tx, ctx, id);
    await writeAudit(tx, ctx, { action: 'create', entity: 'pipeline', entityId: id, after: out });
    return out;
  });
}

/** Renames, sets rotten-after days, makes default, moves among the pipelines. `If-Match` with the ETag. */
export async function updatePipeline(
  db: Db,
  ctx: Ctx,
  id: string,
  input: PipelineUpdate,
  ifMatch?: string,
): Promise<PipelineOut> {
  return db.transaction(async (tx) => {
    await lockPipelines(tx, ctx);
    const row = await loadPipelineRow(tx, ctx, id);
    checkVersion('pipeline', String(row.version), ifMatch);
    const before = await getPipeline(tx, ctx, id);
    if (input.isDefault === false && row.isDefault)
      throw AppError.invalid(
        'isDefault',
        'the workspace needs a default pipeline: make another pipeline the default instead',
      );
    const set: Partial<typeof pipelines.$inferInsert> = {};
    if (input.name !== undefined && input.name !== row.name) set.name = input.name;
    if (input.rottenAfterDays !== undefined && input.rottenAfterDays !== row.rottenAfterDays)
      set.rottenAfterDays = input.rottenAfterDays;
    if (input.isDefault === true && !row.isDefault) {
      await unsetOtherDefaults(tx, ctx, id);
      set.isDefault = true;
    }
    if (input.position !== undefined) {
      const all = await tx
        .select({ id: pipelines.id, position: pipelines.position })
        .from(pipelines)
        .where(and(eq(pipelines.workspaceId, ctx.workspaceId), sql`${pipelines.deletedAt} is null`))
        .orderBy(asc(pipelines.position), asc(pipelines.id));
      const order = all.map((p) => p.id).filter((x) => x !== id);
      order.splice(Math.min(input.position, order.length), 0, id);
      for (const [position, pid] of order.entries()) {
        const cur = all.find((p) => p.id === pid)!;
        if (pid === id) {
          if (cur.position !== position) set.position = position;
        } else if (cur.position !== position)
          await tx
            .update(pipelines)
            .set({ position, updatedAt: sql`now()`, version: sql`${pipelines.version} + 1` })
            .where(and(eq(pipelines.workspaceId, ctx.workspaceId), eq(pipelines.id, pid)));
      }
    }
    // Nothing changed: no new version, no audit entry.
    if (Object.keys(set).length === 0) return before;
    await tx
      .update(pipelines)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${pipelines.version} + 1` })
      .where(and(eq(pipelines.workspaceId, ctx.workspaceId), eq(pipelines.id, id)));
    const out = await getPipeline(tx, ctx, id);
    await writeAudit(tx, ctx, { action: 'update', entity: 'pipeline', entityId: id, before, after: out });
    return out;
  });
}

/** Records (leads, deals, live or deleted) that still reference a pipeline or a stage. */
export async function countRefs(
  tx: Db,
  ctx: Ctx,
  by: { pipelineId: string } | { stageId: string },
): Promise<{ leads: number; deals: number }> {
  const [col, val] = 'pipelineId' in by ? ['pipeline_id', by.pipelineId] : ['stage_id', by.stageId];
  const r = (await tx.execute(sql`
    select (select count(*)::int from leads where workspace_id = ${ctx.workspaceId}::uuid
              and ${sql.raw(col)} = ${val}::uuid) as leads,
           (select count(*)::int from deals where workspace_id = ${ctx.workspaceId}::uuid
              and ${sql.raw(col)} = ${val}::uuid) as deals`)) as unknown as {
    rows: { leads: number; deals: number }[];
  };
  return { leads: Number(r.rows[0]!.leads), deals: Number(r.rows[0]!.deals) };
}

/**
 * Soft-deletes a pipeline and its stages. Refused (409) for the default or only pipeline and while any
 * lead or deal (deleted ones too: they could be restored) is in it.
 */
export async function deletePipeline(db: Db, ctx: Ctx, id: string): Promise<PipelineOut> {
  return db.transaction(async (tx) => {
    await lockPipelines(tx, ctx);
    const row = await loadPipelineRow(tx, ctx, id);
    // FOR UPDATE waits for records being put into these stages (they hold FOR KEY SHARE; see resolveStage).
    await tx
      .select({ id: stages.id })
      .from(stages)
      .where(and(eq(stages.workspaceId, ctx.workspaceId), eq(stages.pipelineId, id)))
      .for('update');
    const before = await getPipeline(tx, ctx, id);
    const [m] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(pipelines)
      .where(and(eq(pipelines.workspaceId, ctx.workspaceId), sql`${pipelines.deletedAt} is null`));
    if (Number(m?.n) <= 1)
      throw new AppError('conflict', 'This is the only pipeline of the workspace; it cannot be deleted', [
        { field: 'id', reason: 'is the only pipeline' },
      ]);
    if (row.isDefault)
      throw new AppError(
        'conflict',
        'This is the default pipeline; make another pipeline the default before deleting it',
        [{ field: 'id', reason: 'is the default pipeline' }],
      );
    const refs = await countRefs(tx, ctx, { pipelineId: id });
    if (refs.leads || refs.deals)
      throw new AppError(
        'conflict',
        `The pipeline still has ${refs.leads} lead(s) and ${refs.deals} deal(s) (deleted ones included); move them to another pipeline first`,
        [{ field: 'id', reason: `has ${refs.leads} lead(s) and ${refs.deals} deal(s)` }],
        { leads: refs.leads, deals: refs.deals },
      );
    await tx
      .update(stages)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${stages.version} + 1` })
      .where(
        and(
          eq(stages.workspaceId, ctx.workspaceId),
          eq(stages.pipelineId, id),
          sql`${stages.deletedAt} is null`,
        ),
      );
    await tx
      .update(pipelines)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${pipelines.version} + 1` })
      .where(and(eq(pipelines.workspaceId, ctx.workspaceId), eq(pipelines.id, id)));
    await writeAudit(tx, ctx, { action: 'delete', entity: 'pipeline', entityId: id, before });
    return before;
  });
}
