import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import {
  type ApplyCtx,
  type ApplyResult,
  auditChunk,
  chunkOf,
  recordCreated,
  recordUpdated,
  rowsOf,
  setFromJson,
  setVersions,
} from './apply-shared.js';

export { auditChunk, chunkOf };

/**
 * After the chunk's writes: the version of each record it wrote (`returning id, version`), to tell
 * later changes at rollback (a record written again by a later chunk of the same import takes its
 * newer version).
 */
export async function finishVersions(
  tx: Db,
  ctx: Ctx,
  a: ApplyCtx,
  table: string,
  written: { id: string; version: number }[],
): Promise<void> {
  if (!written.length) return;
  await setVersions(
    tx,
    ctx,
    a.imp.id,
    table,
    sql`select x.id from jsonb_to_recordset(${JSON.stringify(written)}::jsonb) as x(id uuid)`,
  );
}

/** The chunk's rows that `which` selects (the run's totals count rows, so they add up to the file). */
export async function countRows(tx: Db, chunk: SQL, which: SQL): Promise<number> {
  return rowsOf<{ n: number }>(
    await tx.execute(sql`select count(*)::int as n from import_rows r where ${chunk} and ${which}`),
  )[0]!.n;
}

/** Account columns a row may set (snake_case, as `values.a` holds them); address and custom merge. */
const COLS = [
  'external_id',
  'name',
  'domain',
  'website',
  'phone',
  'account_type',
  'industry',
  'company_size',
  'annual_revenue',
  'tax_id',
  'health',
  'lifecycle_stage',
  'description',
  'owner_id',
];

/**
 * Applies one chunk of an accounts import, set-based: new accounts (a flagged duplicate is created
 * and paired with its match in the duplicates view), updated accounts (before-images first; the
 * address and custom values merge, an empty cell clears nothing), one audit entry per record.
 */
export async function applyAccountsChunk(tx: Db, ctx: Ctx, a: ApplyCtx): Promise<ApplyResult> {
  const ws = ctx.workspaceId;
  const c = chunkOf(ctx, a);
  const inserted = rowsOf<{ id: string; version: number }>(
    await tx.execute(sql`insert into accounts (workspace_id, id, ${sql.raw(COLS.join(', '))}, address, custom,
        created_by, created_at)
      select ${ws}, r.target_id, ${sql.raw(COLS.map((x) => `p.${x}`).join(', '))}, p.address,
        coalesce(p.custom, '{}'), ${ctx.userId}, coalesce(p.created_at, now())
      from import_rows r cross join lateral jsonb_populate_record(null::accounts, r.values->'a') p
      where ${c.chunk} and ${c.creates}
      returning id, version`),
  );
  // (Every create of the chunk is inserted, or the statement fails.)
  const created = rowsOf<{ id: string; row_no: number }>(
    await tx.execute(
      sql`select r.target_id as id, r.row_no from import_rows r where ${c.chunk} and ${c.creates}`,
    ),
  );
  await recordCreated(tx, ctx, a.imp.id, 'accounts', created);
  if (a.imp.duplicatePolicy === 'flag')
    await tx.execute(sql`insert into duplicate_candidates (workspace_id, entity, record_a, record_b, score, reasons)
      select ${ws}, 'account', least(r.target_id, r.match_id), greatest(r.target_id, r.match_id), 1,
        jsonb_build_array(jsonb_build_object('field', ${a.imp.matchOn}::text, 'method', 'exact', 'similarity', 1,
          'source', 'import'))
      from import_rows r where ${c.chunk} and r.decision = 'duplicate' and ${c.creates}
      on conflict do nothing`);

  // Updates: the last row of the chunk for each account wins (as if applied one by one).
  const targets = sql`select distinct on (r.target_id) r.target_id as id, r.row_no, r.values->'a' as v
      from import_rows r where ${c.chunk} and ${c.updates} order by r.target_id, r.row_no desc`;
  await recordUpdated(tx, ctx, a.imp.id, 'accounts', targets);
  const changed = rowsOf<{ id: string; version: number }>(
    await tx.execute(sql`update accounts t set ${setFromJson(COLS)},
      address = case when u.v ? 'address' then coalesce(t.address, '{}') || (u.v->'address') else t.address end,
      custom = t.custom || coalesce(u.v->'custom', '{}'),
      version = t.version + 1, updated_at = now()
    from (select x.*, jsonb_populate_record(null::accounts, x.v) as p from (${targets}) x) u
    where t.workspace_id = ${ws} and t.id = u.id returning t.id, t.version`),
  );
  await auditChunk(tx, ctx, a, 'account', 'a', c);
  await finishVersions(tx, ctx, a, 'accounts', [...inserted, ...changed]);
  return { created: created.length, updated: await countRows(tx, c.chunk, c.updates) };
}
