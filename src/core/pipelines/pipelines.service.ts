import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { pipelines, stages } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { PipelineOut, StageOut } from './pipelines.schemas.js';

type StageRow = typeof stages.$inferSelect;

export const DEFAULT_STAGES = [
  { name: 'New', color: '#868e96', probability: 10, type: 'open', leadStatus: 'new' },
  { name: 'Contacted', color: '#228be6', probability: 20, type: 'open', leadStatus: 'contacted' },
  { name: 'Qualified', color: '#7950f2', probability: 40, type: 'open', leadStatus: 'qualified' },
  { name: 'Proposal', color: '#fd7e14', probability: 60, type: 'open', leadStatus: 'proposal' },
  { name: 'Won', color: '#40c057', probability: 100, type: 'won', leadStatus: 'won' },
  { name: 'Lost', color: '#fa5252', probability: 0, type: 'lost', leadStatus: 'lost' },
] as const;

/** Creates the default sales pipeline of a new workspace. */
export async function createDefaultPipeline(tx: Db, workspaceId: string): Promise<string> {
  const pipelineId = newId();
  await tx
    .insert(pipelines)
    .values({ workspaceId, id: pipelineId, name: 'Sales', position: 0, isDefault: true });
  await tx
    .insert(stages)
    .values(DEFAULT_STAGES.map((s, i) => ({ ...s, workspaceId, id: newId(), pipelineId, position: i })));
  return pipelineId;
}

export const toStage = (s: StageRow): StageOut => ({
  id: s.id,
  name: s.name,
  color: s.color,
  position: s.position,
  probability: s.probability,
  type: s.type,
  leadStatus: s.leadStatus,
  version: s.version,
});

type PipelineRow = typeof pipelines.$inferSelect;
export const toPipeline = (p: PipelineRow, ss: StageRow[]): PipelineOut => ({
  id: p.id,
  name: p.name,
  position: p.position,
  isDefault: p.isDefault,
  rottenAfterDays: p.rottenAfterDays,
  version: p.version,
  stages: ss.filter((s) => s.pipelineId === p.id).map(toStage),
});

export async function listPipelines(db: Db, ctx: Ctx): Promise<PipelineOut[]> {
  const ps = await db
    .select()
    .from(pipelines)
    .where(and(eq(pipelines.workspaceId, ctx.workspaceId), sql`${pipelines.deletedAt} is null`))
    .orderBy(asc(pipelines.position), asc(pipelines.id));
  const ss = await db
    .select()
    .from(stages)
    .where(and(eq(stages.workspaceId, ctx.workspaceId), sql`${stages.deletedAt} is null`))
    .orderBy(asc(stages.position), asc(stages.id));
  return ps.map((p) => toPipeline(p, ss));
}

export async function getPipeline(db: Db, ctx: Ctx, id: string): Promise<PipelineOut> {
  const [p] = await db
    .select()
    .from(pipelines)
    .where(
      and(
        eq(pipelines.workspaceId, ctx.workspaceId),
        eq(pipelines.id, id),
        sql`${pipelines.deletedAt} is null`,
      ),
    );
  if (!p) throw AppError.notFound('Pipeline', id);
  const ss = await db
    .select()
    .from(stages)
    .where(
      and(
        eq(stages.workspaceId, ctx.workspaceId),
        eq(stages.pipelineId, id),
        sql`${stages.deletedAt} is null`,
      ),
    )
    .orderBy(asc(stages.position), asc(stages.id));
  return toPipeline(p, ss);
}

/**
 * Resolves where a record goes: the given stage (which must belong to the pipeline, if one is
 * given), else the pipeline's stage for a lead status, else the pipeline's first open stage.
 * The stage rows are locked FOR KEY SHARE (the lock the foreign key check takes anyway): a stage removal
 * (FOR UPDATE) waits for the record's transaction, or the record's transaction waits for the removal and
 * then no longer sees the removed stage, so no record is left in a removed stage.
 */
export async function resolveStage(
  db: Db,
  ctx: Ctx,
  want: { pipelineId?: string | null; stageId?: string | null; status?: string | null },
): Promise<StageRow> {
  if (want.stageId) {
    const [s] = await db
      .select()
      .from(stages)
      .where(
        and(
          eq(stages.workspaceId, ctx.workspaceId),
          eq(stages.id, want.stageId),
          sql`${stages.deletedAt} is null`,
        ),
      )
      .for('key share');
    if (!s)
      throw new AppError('validation_failed', 'Unknown stage', [
        { field: 'stageId', reason: 'no such stage' },
      ]);
    if (want.pipelineId && s.pipelineId !== want.pipelineId)
      throw AppError.invalid('stageId', 'belongs to another pipeline');
    if (want.status && s.leadStatus !== want.status)
      throw AppError.invalid('status', `does not match the stage (whose status is ${s.leadStatus})`);
    return s;
  }
  // One query: the stages of the given pipeline, or of the default (else first) pipeline.
  const rows = await db
    .select({ stage: stages })
    .from(stages)
    .innerJoin(
      pipelines,
      and(eq(pipelines.workspaceId, stages.workspaceId), eq(pipelines.id, stages.pipelineId)),
    )
    .where(
      and(
        eq(stages.workspaceId, ctx.workspaceId),
        want.pipelineId ? eq(stages.pipelineId, want.pipelineId) : undefined,
        sql`${stages.deletedAt} is null`,
        sql`${pipelines.deletedAt} is null`,
      ),
    )
    .orderBy(
      sql`${pipelines.isDefault} desc`,
      asc(pipelines.position),
      asc(pipelines.id),
      asc(stages.position),
    )
    .for('key share', { of: stages });
  const firstPipeline = rows[0]?.stage.pipelineId;
  if (!firstPipeline && !want.pipelineId) throw new AppError('conflict', 'This workspace has no pipeline');
  const ss = rows.map((r) => r.stage).filter((x) => x.pipelineId === firstPipeline);
  if (ss.length === 0)
    throw new AppError('validation_failed', 'Unknown pipeline', [
      { field: 'pipelineId', reason: 'no such pipeline' },
    ]);
  const s = want.status ? ss.find((x) => x.leadStatus === want.status) : ss.find((x) => x.type === 'open');
  if (!s)
    throw AppError.invalid(
      want.status ? 'status' : 'pipelineId',
      want.status ? `no stage of this pipeline has status ${want.status}` : 'the pipeline has no open stage',
    );
  return s;
}
