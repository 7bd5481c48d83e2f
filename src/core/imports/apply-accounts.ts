import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import {
  type ApplyCtx,
  type ApplyResult,
  recordCreated,
  recordUpdated,
  rowsOf,
  setFromJson,
} from './apply-shared.js';

/** What a chunk of accounts, deals or activities writes: its rows, the creates and the updates. */
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
  await tx.execute(sql`update import_changes ch set version_after = x.version
    from jsonb_to_recordset(${JSON.stringify(written)}::jsonb) as x(id uuid, version int)
    where ch.workspace_id = ${ctx.workspaceId} and ch.import_id = ${a.imp.id} and ch.entity = ${table}
      and ch.record_id = x.id`);
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
