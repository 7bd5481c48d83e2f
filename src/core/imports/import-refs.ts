import { and, asc, eq, isNull } from 'drizzle-orm';
import { type FieldDef, loadDefinitions } from '../custom-fields/custom-values.js';
import type { Db } from '../db/client.js';
import { memberships, pipelines, stages, users } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { countryOf } from '../workspaces/workspace-settings.js';
import { fold } from './cell-values.js';

export type StageRef = {
  id: string;
  pipelineId: string;
  name: string;
  type: 'open' | 'won' | 'lost';
  leadStatus: string;
  position: number;
};
export type PipelineRef = { id: string; name: string; isDefault: boolean; stages: StageRef[] };

/**
 * What reading rows needs of the workspace, loaded once per import: members by email and name,
 * pipelines and their live stages by name, custom field definitions, the phone country.
 */
export type ImportRefs = {
  country: string;
  members: Map<string, string>;
  pipelines: PipelineRef[];
  defaultPipeline: PipelineRef | null;
  custom: { lead: FieldDef[]; contact: FieldDef[]; account: FieldDef[]; deal: FieldDef[] };
};

export async function loadImportRefs(db: Db, ctx: Ctx, country?: string): Promise<ImportRefs> {
  const ws = ctx.workspaceId;
  const people = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, ws), isNull(memberships.removedAt)));
  const members = new Map<string, string>();
  for (const p of people) {
    members.set(p.email.trim().toLowerCase(), p.id);
    members.set(p.id, p.id);
  }
  // Names only where they are unambiguous.
  const byName = new Map<string, string[]>();
  for (const p of people) byName.set(fold(p.name), [...(byName.get(fold(p.name)) ?? []), p.id]);
  for (const [n, ids] of byName) if (ids.length === 1 && !members.has(n)) members.set(n, ids[0]!);

  const ps = await db
    .select()
    .from(pipelines)
    .where(and(eq(pipelines.workspaceId, ws), isNull(pipelines.deletedAt)))
    .orderBy(asc(pipelines.position), asc(pipelines.id));
  const ss = await db
    .select()
    .from(stages)
    .where(and(eq(stages.workspaceId, ws), isNull(stages.deletedAt)))
    .orderBy(asc(stages.position), asc(stages.id));
  const list: PipelineRef[] = ps.map((p) => ({
    id: p.id,
    name: p.name,
    isDefault: p.isDefault,
    stages: ss
      .filter((s) => s.pipelineId === p.id)
      .map((s) => ({
        id: s.id,
        pipelineId: s.pipelineId,
        name: s.name,
        type: s.type,
        leadStatus: s.leadStatus,
        position: s.position,
      })),
  }));
  return {
    country: country ?? (await countryOf(db, ctx)),
    members,
    pipelines: list,
    defaultPipeline: list.find((p) => p.isDefault) ?? list[0] ?? null,
    custom: {
      lead: await loadDefinitions(db, ctx, 'lead'),
      contact: await loadDefinitions(db, ctx, 'contact'),
      account: await loadDefinitions(db, ctx, 'account'),
      deal: await loadDefinitions(db, ctx, 'deal'),
    },
  };
}

/** A member by email, id or (unambiguous) name. */
export const memberOf = (refs: ImportRefs, s: string): string | undefined =>
  refs.members.get(s.trim().toLowerCase()) ?? refs.members.get(fold(s));

export function pipelineOf(refs: ImportRefs, name: string | undefined): PipelineRef | null | undefined {
  if (!name) return refs.defaultPipeline;
  const k = fold(name);
  return refs.pipelines.find((p) => fold(p.name) === k || p.id === name.trim());
}

/** The stage: by name (or id) in the pipeline, else the pipeline's first stage with `status`, else its first. */
export function stageOf(p: PipelineRef, name?: string, status?: string): StageRef | undefined {
  if (name) {
    const k = fold(name);
    return p.stages.find((s) => fold(s.name) === k || s.id === name.trim());
  }
  if (status) return p.stages.find((s) => s.leadStatus === status);
  return p.stages.find((s) => s.type === 'open') ?? p.stages[0];
}
