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
