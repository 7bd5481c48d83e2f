import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

export type Col = [
  name: string,
  type: 'uuid' | 'text' | 'int' | 'numeric' | 'bool' | 'timestamptz' | 'date' | 'jsonb' | 'text[]' | 'uuid[]',
];

/**
 * One multi-row insert: the batch travels as a single JSON parameter (an array of positional arrays,
 * the quickest form for the server to take apart) and is expanded with `jsonb_array_elements`.
 */
export async function insertRows(
  tx: Db,
  workspaceId: string,
  table: string,
  cols: Col[],
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = cols.map(([n]) => `"${n}"`).join(', ');
  const exprs = cols
    .map(([, t], i) => (t === 'jsonb' ? `nullif(r->${i}, 'null'::jsonb)` : `(r->>${i})::${t}`))
    .join(', ');
  const payload = JSON.stringify(rows.map((r) => cols.map(([n]) => r[n] ?? null)));
  await tx.execute(
    sql`insert into ${sql.raw(`"${table}"`)} ("workspace_id", ${sql.raw(names)}) select ${workspaceId}::uuid, ${sql.raw(exprs)} from jsonb_array_elements(${payload}::jsonb) as r`,
  );
}
