import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { importTemplates } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { ImportEntity, ImportTemplateIn, ImportTemplateOut } from './imports.schemas.js';

type Row = typeof importTemplates.$inferSelect;
const toTemplate = (r: Row): ImportTemplateOut => ({
  id: r.id,
  entity: r.entity,
  name: r.name,
  mapping: r.mapping,
  ...(r.mode ? { mode: r.mode } : {}),
  ...(r.matchOn ? { matchOn: r.matchOn } : {}),
  ...(r.duplicatePolicy ? { duplicatePolicy: r.duplicatePolicy } : {}),
  options: r.options as ImportTemplateOut['options'],
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export async function listTemplates(db: Db, ctx: Ctx, entity?: ImportEntity): Promise<ImportTemplateOut[]> {
  const rows = await db
    .select()
    .from(importTemplates)
    .where(
      and(
        eq(importTemplates.workspaceId, ctx.workspaceId),
        entity ? eq(importTemplates.entity, entity) : undefined,
      ),
    )
    .orderBy(asc(importTemplates.name));
  return rows.map(toTemplate);
}

/** Saves a mapping under a name; the same name for the same entity replaces it. */
export async function createTemplate(db: Db, ctx: Ctx, input: ImportTemplateIn): Promise<ImportTemplateOut> {
  return db.transaction(async (tx) => {
    const [same] = await tx
      .select()
      .from(importTemplates)
      .where(
        and(
          eq(importTemplates.workspaceId, ctx.workspaceId),
          eq(importTemplates.entity, input.entity),
          sql`lower(${importTemplates.name}) = lower(${input.name})`,
        ),
      )
      .for('update');
    const values = {
      entity: input.entity,
      name: input.name,
      mapping: input.mapping,
      mode: input.mode ?? null,
      matchOn: input.matchOn ?? null,
      duplicatePolicy: input.duplicatePolicy ?? null,
      options: input.options ?? {},
    };
    const [row] = same
      ? await tx
          .update(importTemplates)
          .set({ ...values, updatedAt: sql`now()` })
          .where(and(eq(importTemplates.workspaceId, ctx.workspaceId), eq(importTemplates.id, same.id)))
          .returning()
      : await tx
          .insert(importTemplates)
          .values({ ...values, workspaceId: ctx.workspaceId, id: newId(), createdBy: ctx.userId })
          .returning();
    return toTemplate(row!);
  });
}

export async function deleteTemplate(db: Db, ctx: Ctx, id: string): Promise<void> {
  const gone = await db
    .delete(importTemplates)
    .where(and(eq(importTemplates.workspaceId, ctx.workspaceId), eq(importTemplates.id, id)))
    .returning({ id: importTemplates.id });
  if (!gone.length) throw AppError.notFound('Import template', id);
}
