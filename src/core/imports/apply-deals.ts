import { sql } from 'drizzle-orm';
import { workspaceSettings } from '../auth/auth.service.js';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import { auditChunk, chunkOf, countRows, finishVersions } from './apply-accounts.js';
import {
  type ApplyCtx,
  type ApplyResult,
  recordCreated,
  recordUpdated,
  rowsOf,
  setFromJson,
} from './apply-shared.js';

/** Deal columns a row may set (snake_case, as `values.d` holds them); custom values merge. */
const COLS = [
  'external_id',
  'name',
  'account_id',
  'primary_contact_id',
  'amount',
  'currency',
  'pipeline_id',
  'stage_id',
  'forecast_category',
  'close_date',
  'owner_id',
  'description',
];

/**
 * Applies one chunk of a deals import, set-based: new deals (the workspace currency and the default
 * pipeline's first open stage when the row names none; a "Deal created" entry on the timeline, as the
 * API writes), updated deals (before-images first; a stage change on the timeline, as the API
 * writes), one audit entry per record. Timeline entries carry the import and row (rollback removes them).
 */
export async function applyDealsChunk(tx: Db, ctx: Ctx, a: ApplyCtx): Promise<ApplyResult> {
  const ws = ctx.workspaceId;
  const c = chunkOf(ctx, a);
  const currency = (await workspaceSettings(tx, ws)).currency;
  const def = a.defaultStage;
  const inserted = rowsOf<{ id: string; version: number }>(
    await tx.execute(sql`insert into deals (workspace_id, id, ${sql.raw(COLS.join(', '))}, custom, created_by, created_at)
      select ${ws}, r.target_id, ${sql.join(
        COLS.map((x) =>
          x === 'currency'
            ? sql`coalesce(p.currency, ${currency}::text)`
            : x === 'pipeline_id'
              ? sql`coalesce(p.pipeline_id, ${def.pipelineId}::uuid)`
              : x === 'stage_id'
                ? sql`coalesce(p.stage_id, ${def.id}::uuid)`
                : sql.raw(`p.${x}`),
        ),
        sql`, `,
      )}, coalesce(p.custom, '{}'), ${ctx.userId}, coalesce(p.created_at, now())
      from import_rows r cross join lateral jsonb_populate_record(null::deals, r.values->'d') p
      where ${c.chunk} and ${c.creates}
      returning id, version`),
  );
  // (Every create of the chunk is inserted, or the statement fails.)
  const created = rowsOf<{ id: string; row_no: number }>(
    await tx.execute(
      sql`select r.target_id as id, r.row_no from import_rows r where ${c.chunk} and ${c.creates}`,
    ),
  );
  await recordCreated(tx, ctx, a.imp.id, 'deals', created);

  const targets = sql`select distinct on (r.target_id) r.target_id as id, r.row_no, r.values->'d' as v
      from import_rows r where ${c.chunk} and ${c.updates} order by r.target_id, r.row_no desc`;
  await recordUpdated(tx, ctx, a.imp.id, 'deals', targets);
  // Stage changes, on the deal's timeline (before the update, which moves them).
  await tx.execute(sql`insert into activities (workspace_id, id, type, deal_id, user_id, subject, metadata)
    select ${ws}, leadbase_uuid_v7(), 'stage_change', t.id, ${ctx.userId}, 'Stage: ' || s0.name || ' → ' || s1.name,
      jsonb_build_object('fromStageId', t.stage_id, 'toStageId', s1.id, 'importId', ${a.imp.id}::text, 'rowNo', u.row_no)
    from (${targets}) u join deals t on t.workspace_id = ${ws} and t.id = u.id
      join stages s0 on s0.workspace_id = ${ws} and s0.id = t.stage_id
      join stages s1 on s1.workspace_id = ${ws} and s1.id = (u.v->>'stage_id')::uuid
    where u.v ? 'stage_id' and t.stage_id <> s1.id`);
  const changed = rowsOf<{ id: string; version: number }>(
    await tx.execute(sql`update deals t set ${setFromJson(COLS)},
      custom = t.custom || coalesce(u.v->'custom', '{}'),
      version = t.version + 1, updated_at = now()
    from (select x.*, jsonb_populate_record(null::deals, x.v) as p from (${targets}) x) u
    where t.workspace_id = ${ws} and t.id = u.id returning t.id, t.version`),
  );

  await tx.execute(sql`insert into activities (workspace_id, id, type, deal_id, contact_id, account_id, user_id, subject, metadata)
    select ${ws}, leadbase_uuid_v7(), 'system', d.id, d.primary_contact_id, d.account_id, ${ctx.userId},
      'Deal created: ' || d.name, jsonb_build_object('event', 'deal.created', 'importId', ${a.imp.id}::text, 'rowNo', r.row_no)
    from import_rows r join deals d on d.workspace_id = ${ws} and d.id = r.target_id
    where ${c.chunk} and ${c.creates}`);
  await auditChunk(tx, ctx, a, 'deal', 'd', c);
  await finishVersions(tx, ctx, a, 'deals', [...inserted, ...changed]);
  return { created: created.length, updated: await countRows(tx, c.chunk, c.updates) };
}
