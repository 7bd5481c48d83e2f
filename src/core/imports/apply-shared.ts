import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import type { StageRef } from './import-refs.js';
import type { ImportRow } from './import-stage.js';

/** One chunk to apply: rows (from, to] of the import. */
export type ApplyCtx = { imp: ImportRow; from: number; to: number; defaultStage: StageRef };
export type ApplyResult = {
  created: number;
  updated: number;
  contactsCreated?: number;
  contactsUpdated?: number;
};

export const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;

/**
 * `col = row value` for each column the row sets (`u.v ? col`; typed through `u.p`, the row's values
 * populated as the table's record type), the stored value otherwise: an empty cell never clears a field.
 */
export const setFromJson = (cols: string[]): SQL =>
  sql.raw(cols.map((c) => `${c} = case when u.v ? '${c}' then (u.p).${c} else t.${c} end`).join(', '));

/** Records the rows an import created (rollback deletes them). */
export async function recordCreated(
  tx: Db,
  ctx: Ctx,
  importId: string,
  entity: string,
  rows: { id: string; row_no: number }[],
): Promise<void> {
  if (!rows.length) return;
  await tx.execute(sql`insert into import_changes (workspace_id, import_id, entity, record_id, action, row_no)
    select ${ctx.workspaceId}, ${importId}, ${entity}, x.id, 'created', x.row_no
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, row_no int)
    on conflict do nothing`);
}

/**
 * Records the before-image of every record `targets` (select id, row_no) is about to update — the
 * first one only: a record the import created or already updated keeps its first entry.
 */
export async function recordUpdated(
  tx: Db,
  ctx: Ctx,
  importId: string,
  table: string,
  targets: SQL,
): Promise<void> {
  await tx.execute(sql`insert into import_changes (workspace_id, import_id, entity, record_id, action, before, row_no)
    select ${ctx.workspaceId}, ${importId}, ${table}, t.id, 'updated', to_jsonb(t), u.row_no
    from (${targets}) u join ${sql.raw(table)} t on t.workspace_id = ${ctx.workspaceId} and t.id = u.id
    on conflict do nothing`);
}

/** What a chunk writes: its rows, the creates and the updates. */
export function chunkOf(ctx: Ctx, a: ApplyCtx) {
  const ws = ctx.workspaceId;
  return {
    chunk: sql`r.workspace_id = ${ws} and r.import_id = ${a.imp.id} and r.row_no > ${a.from}
      and r.row_no <= ${a.to} and r.applied_at is null`,
    // A flagged duplicate is a new record (its own id); under the update policy it updates the match.
    creates: sql`(r.decision = 'create' or (r.decision = 'duplicate' and ${a.imp.duplicatePolicy}::text = 'flag'
      and r.match_id is not null and r.target_id is not null and r.target_id <> r.match_id))`,
    updates: sql`(r.decision = 'update' or (r.decision = 'duplicate' and ${a.imp.duplicatePolicy}::text = 'update'
      and r.match_id is not null and r.target_id = r.match_id))`,
  };
}

/** One audit entry per record the chunk wrote, set-based: the row's values, the import and row. */
export async function auditChunk(
  tx: Db,
  ctx: Ctx,
  a: ApplyCtx,
  entity: string,
  values: string,
  c: { chunk: SQL; creates: SQL; updates: SQL },
): Promise<void> {
  await tx.execute(sql`insert into audit_entries (workspace_id, id, actor_user_id, actor_api_key_id, action, entity, entity_id, after, request_id)
    select ${ctx.workspaceId}, leadbase_uuid_v7(), ${ctx.userId}, ${ctx.apiKeyId ?? null},
      case when ${c.creates} then 'create' else 'update' end, ${entity}, r.target_id,
      (r.values->${values}) || jsonb_build_object('importId', ${a.imp.id}::text, 'rowNo', r.row_no),
      ${ctx.requestId ?? null}
    from import_rows r where ${c.chunk} and (${c.creates} or ${c.updates})`);
}

/**
 * Sets version_after of the import's change records of `ids` (a select of ids, every one recorded
 * already) to their version now. An upsert on the change records' key, not a join with them: the
 * import grows that table faster than its statistics follow, and a join planned on stale statistics
 * scans it whole for every chunk. A record found without a change record is a bug: the chunk fails.
 */
export async function setVersions(
  tx: Db,
  ctx: Ctx,
  importId: string,
  table: string,
  ids: SQL,
): Promise<void> {
  const ws = ctx.workspaceId;
  const fresh = rowsOf<{ id: string; inserted: boolean }>(
    await tx.execute(sql`insert into import_changes (workspace_id, import_id, entity, record_id, action, row_no, version_after)
      select ${ws}, ${importId}, ${table}, t.id, 'updated', 0, t.version
      from (select distinct x.id from (${ids}) x(id) where x.id is not null) x
        join ${sql.raw(table)} t on t.workspace_id = ${ws} and t.id = x.id
      on conflict (workspace_id, import_id, entity, record_id) do update set version_after = excluded.version_after
        where import_changes.version_after is distinct from excluded.version_after
      returning record_id as id, (xmax = 0) as inserted`),
  ).filter((r) => r.inserted);
  if (fresh.length)
    throw new Error(`import ${importId}: ${table} ${fresh[0]!.id} was written without a change record`);
}
