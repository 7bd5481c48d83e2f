import { sql } from 'drizzle-orm';
import { generateNKeysBetween } from 'fractional-indexing';
import { assignNewLead } from '../assignment/assign-new-lead.js';
import { assignmentSetup } from '../assignment/assignment-cache.js';
import type { Db } from '../db/client.js';
import type { LeadRow } from '../leads/lead-reads.service.js';
import { recomputeLeads } from '../scoring/recompute.service.js';
import { ruleSetFor } from '../scoring/scoring-rule-set.js';
import type { Ctx } from '../shared/context.js';
import {
  type ApplyCtx,
  type ApplyResult,
  auditChunk,
  chunkOf,
  recordUpdated,
  rowsOf,
  setFromJson,
  setVersions,
} from './apply-shared.js';

/** Lead columns a row may set (snake_case, as `values.l` holds them). */
const LEAD_COLS = [
  'external_id',
  'title',
  'product_interest',
  'source',
  'campaign',
  'medium',
  'term',
  'referrer',
  'landing_page',
  'form_name',
  'priority',
  'temperature',
  'owner_id',
  'budget_range',
  'authority_level',
  'timeline',
  'deal_value',
  'expected_close_date',
  'lost_reason',
  'marketing_stage',
  'spam_score',
  'validation_status',
];
/** Contact columns a lead row may set (`values.c`); emails, phones, custom merge instead. */
const CONTACT_COLS = ['first_name', 'last_name', 'company_name', 'job_title', 'addresses', 'external_id'];

/**
 * Applies one chunk of a leads import, set-based: new contacts, updated contacts (before-images
 * first), new leads (board ranks on top of their column, stage history, the timeline entry, the
 * audit entry), updated leads (before-images, stage history when the stage changes), assignment of
 * new leads without an owner, scores. The caller's transaction also marks the chunk's rows applied.
 */
export async function applyLeadsChunk(tx: Db, ctx: Ctx, a: ApplyCtx): Promise<ApplyResult> {
  const ws = ctx.workspaceId;
  const { chunk, creates, updates } = chunkOf(ctx, a);
  const def = a.defaultStage;

  // New contacts: the first row of each new person in the chunk creates it (a person whose first row
  // was in an earlier chunk exists by now), recorded with that row (for the rollback and its reasons)
  // and the version it was written with. Each row's values are read once (a materialized CTE).
  const newContacts = rowsOf<{ n: number }>(
    await tx.execute(sql`with src as materialized (
        select distinct on (r.contact_id) r.contact_id, r.row_no, r.values->'c' as c, r.values->'l' as l,
          coalesce(r.values->>'st', ${def.type}::text) as st
        from import_rows r where ${chunk} and ${creates}
          and not exists (select 1 from contacts x where x.workspace_id = ${ws} and x.id = r.contact_id)
        order by r.contact_id, r.row_no),
      ins as (insert into contacts (workspace_id, id, external_id, first_name, last_name, emails, phones,
          addresses, company_name, job_title, custom, match_keys, status, is_converted_from_lead, conversion_date,
          source, owner_id, created_by)
        select ${ws}, s.contact_id, c.external_id, c.first_name, c.last_name,
          coalesce(c.emails, '[]'), coalesce(c.phones, '[]'), coalesce(c.addresses, '[]'), c.company_name,
          c.job_title, coalesce(c.custom, '{}'), c.match_keys,
          case s.st when 'open' then 'lead' when 'won' then 'active' else 'prospect' end,
          s.st = 'won', case when s.st = 'won' then now() end,
          p.source, p.owner_id, ${ctx.userId}
        from src s cross join lateral jsonb_populate_record(null::contacts, s.c) c
          cross join lateral jsonb_populate_record(null::leads, s.l) p
        returning id),
      -- every src row is inserted (version 1); not joined to ins: a join of two CTEs, whose sizes the
      -- planner cannot know, becomes a nested loop (quadratic in the chunk)
      rec as (insert into import_changes (workspace_id, import_id, entity, record_id, action, row_no, version_after)
        select ${ws}, ${a.imp.id}, 'contacts', s.contact_id, 'created', s.row_no, 1 from src s
        on conflict do nothing returning 1)
      select (select count(*) from ins)::int as n, (select count(*) from rec) as r`),
  )[0]!.n;

  // Existing contacts of updated rows take the row's contact fields (emails and phones are added).
  const contactTargets = sql`select distinct on (r.contact_id) r.contact_id as id, r.row_no, r.values->'c' as v
      from import_rows r where ${chunk} and ${updates} and r.contact_id is not null
        and exists (select 1 from jsonb_object_keys(r.values->'c') key where key <> 'match_keys')
      order by r.contact_id, r.row_no desc`;
  await recordUpdated(tx, ctx, a.imp.id, 'contacts', contactTargets);
  await tx.execute(sql`update contacts t set ${setFromJson(CONTACT_COLS)},
      emails = t.emails || coalesce((select jsonb_agg(e || '{"primary":false}') from jsonb_array_elements(u.v->'emails') e
        where not t.emails @> jsonb_build_array(jsonb_build_object('normalized', e->>'normalized'))), '[]'),
      phones = t.phones || coalesce((select jsonb_agg(ph || '{"primary":false}') from jsonb_array_elements(u.v->'phones') ph
        where not t.phones @> jsonb_build_array(jsonb_build_object('e164', ph->>'e164'))), '[]'),
      custom = t.custom || coalesce(u.v->'custom', '{}'),
      match_keys = (select array_agg(distinct x) from unnest(t.match_keys || coalesce(
        (select array_agg(j) from jsonb_array_elements_text(u.v->'match_keys') j), '{}')) x),
      version = t.version + 1, updated_at = now()
    from (select x.*, jsonb_populate_record(null::contacts, x.v) as p from (${contactTargets}) x) u
    where t.workspace_id = ${ws} and t.id = u.id`);

  // New leads, on top of their columns in row order (the last row on top, as if created one by one),
  // with their stage history, timeline entry and audit entry: one statement, each row read once. Every
  // src row is inserted (its stage and rank exist), so the timeline and audit read src, not a join of
  // two CTEs (which the planner, blind to their sizes, would nest: quadratic in the chunk).
  const label = a.imp.fileName ?? a.imp.origin;
  const toCreate = rowsOf<{ row_no: number; stage_id: string }>(
    await tx.execute(sql`select r.row_no, coalesce((r.values->'l'->>'stage_id')::uuid, ${def.id}::uuid) as stage_id
      from import_rows r where ${chunk} and ${creates} order by r.row_no`),
  );
  const ranks = await topRanks(tx, ctx, toCreate);
  const created = rowsOf<{ n: number }>(
    await tx.execute(sql`with src as materialized (
        select r.row_no, r.target_id, r.contact_id, r.decision, r.values->'l' as l,
          coalesce((r.values->'l'->>'stage_id')::uuid, ${def.id}::uuid) as stage_id
        from import_rows r where ${chunk} and ${creates}),
      ins as (insert into leads (workspace_id, id, contact_id, ${sql.raw(LEAD_COLS.join(', '))},
          pipeline_id, stage_id, status, custom, board_rank, is_duplicate, converted_at, created_by,
          created_at, stage_entered_at)
        select ${ws}, s.target_id, s.contact_id,
          ${sql.raw(LEAD_COLS.map((x) => (x === 'priority' ? "coalesce(p.priority, 'medium')" : `p.${x}`)).join(', '))},
          st.pipeline_id, st.id, st.lead_status, coalesce(p.custom, '{}'), rk.rank,
          s.decision = 'duplicate', case when st.type = 'won' then now() end, ${ctx.userId},
          coalesce(p.created_at, now()), now()
        from src s cross join lateral jsonb_populate_record(null::leads, s.l) p
          join stages st on st.workspace_id = ${ws} and st.id = s.stage_id
          join unnest(${sqlInts(ranks.rows)}, ${sqlTexts(ranks.ranks)}) as rk(row_no, rank) on rk.row_no = s.row_no
        returning id, pipeline_id, stage_id),
      hist as (insert into lead_stage_history (workspace_id, id, lead_id, pipeline_id, stage_id, moved_by)
        select ${ws}, leadbase_uuid_v7(), ins.id, ins.pipeline_id, ins.stage_id, ${ctx.userId} from ins
        returning 1),
      act as (insert into activities (workspace_id, id, type, lead_id, contact_id, user_id, subject, metadata)
        select ${ws}, leadbase_uuid_v7(), 'system', s.target_id, s.contact_id, ${ctx.userId},
          'Lead created by import (' || ${label}::text || ')',
          jsonb_build_object('event', 'lead.created', 'importId', ${a.imp.id}::text, 'rowNo', s.row_no)
        from src s
        returning 1),
      aud as (insert into audit_entries (workspace_id, id, actor_user_id, actor_api_key_id, action, entity, entity_id, after, request_id)
        select ${ws}, leadbase_uuid_v7(), ${ctx.userId}, ${ctx.apiKeyId ?? null}, 'create', 'lead', s.target_id,
          s.l || jsonb_build_object('importId', ${a.imp.id}::text, 'rowNo', s.row_no), ${ctx.requestId ?? null}
        from src s
        returning 1)
      select (select count(*) from ins)::int as n, (select count(*) from hist) as h, (select count(*) from act) as a,
        (select count(*) from aud) as u`),
  )[0]!.n;

  // Updated leads: before-images, then the row's columns; a changed stage closes and opens history.
  const leadTargets = sql`select distinct on (r.target_id) r.target_id as id, r.row_no, r.values->'l' as v
      from import_rows r where ${chunk} and ${updates} and r.values->'l' <> '{}'::jsonb
      order by r.target_id, r.row_no desc`;
  await recordUpdated(tx, ctx, a.imp.id, 'leads', leadTargets);
  const moved = rowsOf<{ id: string; stage_id: string; pipeline_id: string }>(
    await tx.execute(sql`select u.id, (u.v->>'stage_id')::uuid as stage_id, (u.v->>'pipeline_id')::uuid as pipeline_id
      from (${leadTargets}) u join leads l on l.workspace_id = ${ws} and l.id = u.id
      where u.v ? 'stage_id' and l.stage_id <> (u.v->>'stage_id')::uuid`),
  );
  await tx.execute(sql`update leads t set ${setFromJson([...LEAD_COLS, 'pipeline_id', 'stage_id', 'status'])},
      custom = t.custom || coalesce(u.v->'custom', '{}'),
      stage_entered_at = case when u.v ? 'stage_id' and t.stage_id <> (u.v->>'stage_id')::uuid then now() else t.stage_entered_at end,
      version = t.version + 1, updated_at = now()
    from (select x.*, jsonb_populate_record(null::leads, x.v) as p from (${leadTargets}) x) u
    where t.workspace_id = ${ws} and t.id = u.id`);
  if (moved.length) {
    const ids = sql`array[${sql.join(
      moved.map((m) => sql`${m.id}::uuid`),
      sql`, `,
    )}]`;
    await tx.execute(sql`update lead_stage_history set left_at = now()
      where workspace_id = ${ws} and lead_id = any(${ids}) and left_at is null`);
    await tx.execute(sql`insert into lead_stage_history (workspace_id, id, lead_id, pipeline_id, stage_id, moved_by)
      select ${ws}, leadbase_uuid_v7(), l.id, l.pipeline_id, l.stage_id, ${ctx.userId}
      from leads l where l.workspace_id = ${ws} and l.id = any(${ids})`);
  }

  // Timeline and audit of the updated leads (the new ones got theirs with them).
  await tx.execute(sql`insert into activities (workspace_id, id, type, lead_id, contact_id, user_id, subject, metadata)
    select ${ws}, leadbase_uuid_v7(), 'system', r.target_id, r.contact_id, ${ctx.userId},
      'Lead updated by import (' || ${label}::text || ')',
      jsonb_build_object('event', 'lead.updated', 'importId', ${a.imp.id}::text, 'rowNo', r.row_no)
    from import_rows r where ${chunk} and ${updates}`);
  await auditChunk(tx, ctx, a, 'lead', 'l', { chunk, creates: sql`false`, updates });

  // Contacts of new open leads are leads now (SPEC 2); a won lead converts its contact. A contact that
  // existed before the import gets its before-image first (its rollback restores the status).
  // The stage type comes from the row (`values.st`; the default stage's for a create that names none),
  // not from a join through leads and stages: a join the planner would order by stale statistics of the
  // growing leads table (scanning a column per row).
  const stType = sql`coalesce(r.values->>'st', case when ${creates} then ${def.type}::text end)`;
  const lifecycle = sql`from import_rows r join contacts t on t.workspace_id = ${ws} and t.id = r.contact_id
    where ${chunk} and (${creates} or ${updates})
      and ((${stType} = 'open' and t.status = 'prospect') or (${stType} = 'won' and t.status in ('lead', 'prospect')))`;
  await recordUpdated(
    tx,
    ctx,
    a.imp.id,
    'contacts',
    sql`select distinct on (t.id) t.id, r.row_no ${lifecycle} order by t.id, r.row_no`,
  );
  const lifecycleIds = rowsOf<{ id: string }>(
    await tx.execute(sql`update contacts c set status = case when u.st = 'won' then 'active' else 'lead' end,
      is_converted_from_lead = c.is_converted_from_lead or u.st = 'won',
      conversion_date = case when u.st = 'won' then coalesce(c.conversion_date, now()) else c.conversion_date end,
      version = c.version + 1, updated_at = now()
    from (select distinct on (t.id) t.id, ${stType} as st ${lifecycle} order by t.id, r.row_no desc) u
    where c.workspace_id = ${ws} and c.id = u.id returning c.id`),
  ).map((x) => x.id);

  // Owners by the assignment rules for new leads without one; then scores.
  const setup = await assignmentSetup(tx, ctx);
  if (setup.rules.length || setup.fallbackUserId) {
    const unowned = rowsOf<LeadRow>(
      await tx.execute(sql`select l.* from leads l join import_rows r on r.workspace_id = ${ws} and r.target_id = l.id
        where ${chunk} and ${creates} and l.workspace_id = ${ws} and l.owner_id is null order by r.row_no`),
    );
    for (const row of unowned) await assignNewLead(tx, ctx, camel(row));
  }
  const rules = await ruleSetFor(tx, ctx);
  if (rules.rules.length) {
    const leadIds = rowsOf<{ id: string }>(
      await tx.execute(sql`select distinct r.target_id as id from import_rows r
        where ${chunk} and (${creates} or ${updates})`),
    ).map((x) => x.id);
    if (leadIds.length) await recomputeLeads(tx, ctx, rules, leadIds);
  }
  // The new leads are the import's (rollback deletes them), with the version the chunk left them at.
  await tx.execute(sql`insert into import_changes (workspace_id, import_id, entity, record_id, action, row_no, version_after)
    select ${ws}, ${a.imp.id}, 'leads', l.id, 'created', r.row_no, l.version
    from import_rows r join leads l on l.workspace_id = ${ws} and l.id = r.target_id
    where ${chunk} and ${creates}
    on conflict do nothing`);
  const updated = rowsOf<{ n: number }>(
    await tx.execute(sql`select count(*)::int as n from import_rows r where ${chunk} and ${updates}`),
  )[0]!.n;
  // Records the import had recorded before (a before-image, or created by an earlier chunk) and this
  // chunk wrote again: their version now, to tell later changes at rollback. Only the updated rows'
  // records and the contacts the lifecycle rules changed can be such.
  if (updated > 0) await setVersions(tx, ctx, a.imp.id, 'leads', sql`select id from (${leadTargets}) u`);
  if (updated > 0 || lifecycleIds.length > 0)
    await setVersions(
      tx,
      ctx,
      a.imp.id,
      'contacts',
      sql`select id from (${contactTargets}) u union select unnest(${`{${lifecycleIds.join(',')}}`}::uuid[])`,
    );
  return { created, updated, contactsCreated: newContacts };
}

async function topRanks(tx: Db, ctx: Ctx, rows: { row_no: number; stage_id: string }[]) {
  const byStage = new Map<string, number[]>();
  for (const r of rows) byStage.set(r.stage_id, [...(byStage.get(r.stage_id) ?? []), r.row_no]);
  const out = { rows: [] as number[], ranks: [] as string[] };
  for (const [stageId, nums] of byStage) {
    const top = rowsOf<{ rank: string }>(
      await tx.execute(sql`select board_rank as rank from leads where workspace_id = ${ctx.workspaceId}
        and stage_id = ${stageId} and deleted_at is null order by board_rank, id limit 1`),
    )[0]?.rank;
    const keys = generateNKeysBetween(null, top ?? null, nums.length);
    // keys ascend (first is the top); the last row of the file goes on top.
    nums.forEach((n, i) => {
      out.rows.push(n);
      out.ranks.push(keys[nums.length - 1 - i]!);
    });
  }
  return out;
}

const sqlInts = (xs: number[]) => sql`${`{${xs.join(',')}}`}::int[]`;
const sqlTexts = (xs: string[]) => sql`${`{${xs.map((x) => `"${x}"`).join(',')}}`}::text[]`;

/** A raw `leads` row (snake_case) as the Drizzle row type the assignment engine takes. */
function camel(row: Record<string, unknown>): LeadRow {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row))
    out[k.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())] = v;
  for (const k of ['createdAt', 'updatedAt', 'deletedAt', 'stageEnteredAt', 'scoredAt', 'convertedAt'])
    if (typeof out[k] === 'string') out[k] = new Date(out[k] as string);
  return out as LeadRow;
}
