import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditEntries } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { newId } from '../shared/ids.js';

export type AuditInput = {
  action: string;
  entity: string;
  entityId: string | null;
  before?: object | null;
  after?: object | null;
};

/** Writes one audit entry. Call it with the transaction of the change it records. */
export async function writeAudit(tx: Db, ctx: Ctx, input: AuditInput): Promise<void> {
  await writeAuditMany(tx, ctx, [input]);
}

export async function writeAuditMany(tx: Db, ctx: Ctx, inputs: AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await tx.insert(auditEntries).values(
    inputs.map((i) => ({
      workspaceId: ctx.workspaceId,
      id: newId(),
      actorUserId: ctx.userId,
      actorApiKeyId: ctx.apiKeyId,
      action: i.action,
      entity: i.entity,
      entityId: i.entityId,
      before: (i.before ?? null) as Record<string, unknown> | null,
      after: (i.after ?? null) as Record<string, unknown> | null,
      requestId: ctx.requestId ?? null,
    })),
  );
}

export type AuditQuery = { entity?: string; id?: string; limit: number; cursor?: string };

/** Audit entries of the workspace, newest first, optionally for one entity or record. */
export async function listAudit(db: Db, ctx: Ctx, q: AuditQuery) {
  const where = [eq(auditEntries.workspaceId, ctx.workspaceId)];
  if (q.entity) where.push(eq(auditEntries.entity, q.entity));
  if (q.id) where.push(eq(auditEntries.entityId, q.id));
  if (q.cursor) where.push(sql`${auditEntries.id} < ${q.cursor}::uuid`);
  const rows = await db
    .select()
    .from(auditEntries)
    .where(and(...where))
    .orderBy(desc(auditEntries.id))
    .limit(q.limit + 1);
  const hasMore = rows.length > q.limit;
  const data = (hasMore ? rows.slice(0, q.limit) : rows).map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actorUserId: r.actorUserId,
    actorApiKeyId: r.actorApiKeyId,
    action: r.action,
    entity: r.entity,
    entityId: r.entityId,
    before: r.before,
    after: r.after,
    requestId: r.requestId,
  }));
  return { data, nextCursor: hasMore ? data[data.length - 1]!.id : null };
}
