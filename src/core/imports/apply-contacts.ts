import { sql } from 'drizzle-orm';
import type { ContactRow } from '../contacts/contacts.service.js';
import type { Db } from '../db/client.js';
import { applyContactRules } from '../lifecycle/lifecycle.service.js';
import type { Ctx } from '../shared/context.js';
import {
  type ApplyCtx,
  type ApplyResult,
  chunkOf,
  recordCreated,
  recordUpdated,
  rowsOf,
  setFromJson,
  setVersions,
} from './apply-shared.js';

/** Contact columns a row may set (`values.c`); emails, phones and custom merge instead. */
const COLS = [
  'external_id',
  'first_name',
  'last_name',
  'company_name',
  'job_title',
  'department',
  'role',
  'preferred_channel',
  'influence',
  'status',
  'source',
  'gdpr_consent',
  'do_not_contact',
  'opt_in_at',
  'owner_id',
  'addresses',
];

/** The account a row names (by name or domain), in SQL. */
export const accountByName = (ws: string) => sql`(select a.id from accounts a where a.workspace_id = ${ws}
  and a.deleted_at is null and (lower(a.name) = lower(r.values->'k'->>'account') or a.domain = lower(r.values->'k'->>'account'))
  order by a.created_at limit 1)`;

/**
 * Applies one chunk of a contacts import, set-based: new contacts (a duplicate under the flag policy
 * is created and paired with its match in the duplicates view), updated contacts (before-images
 * first; emails and phones added, custom values merged), audit entries; then the lifecycle rules of
 * contacts whose status is or became `lead` (an open lead is created for them) or left it.
 */
export async function applyContactsChunk(tx: Db, ctx: Ctx, a: ApplyCtx): Promise<ApplyResult> {
  const ws = ctx.workspaceId;
  const { chunk, creates, updates } = chunkOf(ctx, a);
  const c = sql`jsonb_populate_record(null::contacts, r.values->'c')`;

  const created = rowsOf<{ id: string; row_no: number }>(
    await tx.execute(sql`with ins as (insert into contacts (workspace_id, id, ${sql.raw(COLS.join(', '))}, emails, phones, custom,
        match_keys, account_id, created_by, created_at)
      select ${ws}, r.target_id, ${sql.raw(
        COLS.map((x) =>
          x === 'status'
            ? "coalesce(c.status, 'prospect')"
            : x === 'gdpr_consent' || x === 'do_not_contact'
              ? `coalesce(c.${x}, false)`
              : x === 'addresses'
                ? "coalesce(c.addresses, '[]')"
                : `c.${x}`,
        ).join(', '),
      )}, coalesce(c.emails, '[]'), coalesce(c.phones, '[]'), coalesce(c.custom, '{}'), c.match_keys,
        ${accountByName(ws)}, ${ctx.userId}, coalesce(c.created_at, now())
      from import_rows r cross join lateral ${c} c where ${chunk} and ${creates}
      returning id)
    select r.target_id as id, r.row_no from import_rows r join ins on ins.id = r.target_id where ${chunk}`),
  );
  await recordCreated(tx, ctx, a.imp.id, 'contacts', created);
  if (a.imp.duplicatePolicy === 'flag')
    await tx.execute(sql`insert into duplicate_candidates (workspace_id, entity, record_a, record_b, score, reasons)
      select ${ws}, 'contact', least(r.target_id, r.match_id), greatest(r.target_id, r.match_id), 1,
        jsonb_build_array(jsonb_build_object('field', ${a.imp.matchOn}::text, 'method', 'exact', 'similarity', 1,
          'source', 'import'))
      from import_rows r where ${chunk} and r.decision = 'duplicate' and r.match_id is not null
      on conflict do nothing`);

  const targets = sql`select distinct on (r.target_id) r.target_id as id, r.row_no, r.values->'c' as v,
      ${accountByName(ws)} as account_id, r.values->'k' ? 'account' as sets_account
      from import_rows r where ${chunk} and ${updates} order by r.target_id, r.row_no desc`;
  await recordUpdated(tx, ctx, a.imp.id, 'contacts', targets);
  const before = new Map(
    rowsOf<Record<string, unknown>>(
      await tx.execute(
        sql`select t.* from contacts t join (${targets}) u on t.workspace_id = ${ws} and t.id = u.id`,
      ),
    ).map((r) => [r.id as string, r]),
  );
  await tx.execute(sql`update contacts t set ${setFromJson(COLS)},
      emails = t.emails || coalesce((select jsonb_agg(e || '{"primary":false}') from jsonb_array_elements(u.v->'emails') e
        where not t.emails @> jsonb_build_array(jsonb_build_object('normalized', e->>'normalized'))), '[]'),
      phones = t.phones || coalesce((select jsonb_agg(ph || '{"primary":false}') from jsonb_array_elements(u.v->'phones') ph
        where not t.phones @> jsonb_build_array(jsonb_build_object('e164', ph->>'e164'))), '[]'),
      custom = t.custom || coalesce(u.v->'custom', '{}'),
      account_id = case when u.sets_account then u.account_id else t.account_id end,
      match_keys = (select array_agg(distinct x) from unnest(coalesce(t.match_keys, '{}') || coalesce(
        (select array_agg(j) from jsonb_array_elements_text(u.v->'match_keys') j), '{}')) x),
      version = t.version + 1, updated_at = now()
    from (select x.*, jsonb_populate_record(null::contacts, x.v) as p from (${targets}) x) u
    where t.workspace_id = ${ws} and t.id = u.id`);

  await tx.execute(sql`insert into audit_entries (workspace_id, id, actor_user_id, actor_api_key_id, action, entity, entity_id, after, request_id)
    select ${ws}, leadbase_uuid_v7(), ${ctx.userId}, ${ctx.apiKeyId ?? null}, case when ${creates} then 'create' else 'update' end,
      'contact', r.target_id, (r.values->'c') - 'match_keys' || jsonb_build_object('importId', ${a.imp.id}::text, 'rowNo', r.row_no),
      ${ctx.requestId ?? null}
    from import_rows r where ${chunk} and (${creates} or ${updates})`);

  // Lifecycle (SPEC 2): status lead gets an open lead; lead → active wins the auto-created one.
  const changed = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`select t.* from contacts t join import_rows r on r.workspace_id = ${ws} and r.target_id = t.id
      where ${chunk} and (${creates} or ${updates}) and t.workspace_id = ${ws}
        and (t.status = 'lead' or (r.values->'c' ? 'status'))`),
  );
  for (const row of changed) {
    const prev = before.get(row.id as string);
    const after = contactRow(row);
    if (prev && prev.status === row.status && row.status !== 'lead') continue;
    await applyContactRules(tx, ctx, prev ? contactRow(prev) : null, after);
  }
  // Leads the lifecycle rules opened for the chunk's contacts are the import's too (rollback removes them).
  await tx.execute(sql`insert into import_changes (workspace_id, import_id, entity, record_id, action, row_no, version_after)
    select ${ws}, ${a.imp.id}, 'leads', l.id, 'created', r.row_no, l.version
    from import_rows r join leads l on l.workspace_id = ${ws} and l.contact_id = r.target_id
    where ${chunk} and (${creates} or ${updates}) and l.created_at = now()
    on conflict do nothing`);
  // Every contact the chunk wrote: its version now (to tell later changes at rollback).
  await setVersions(
    tx,
    ctx,
    a.imp.id,
    'contacts',
    sql`select r.target_id from import_rows r where ${chunk} and (${creates} or ${updates})`,
  );
  return { created: created.length, updated: before.size };
}

/** A raw `contacts` row (snake_case) as the Drizzle row type the lifecycle rules take. */
function contactRow(row: Record<string, unknown>): ContactRow {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row))
    out[k.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())] = v;
  for (const k of ['createdAt', 'updatedAt', 'deletedAt', 'optInAt', 'conversionDate'])
    if (typeof out[k] === 'string') out[k] = new Date(out[k] as string);
  return out as ContactRow;
}
