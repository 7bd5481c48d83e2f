import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { imports } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { rowsOf } from './apply-shared.js';
import { deleteMore, keepMore, undoMore } from './rollback-more.js';

const LOGGED = sql`('call', 'email', 'meeting', 'note', 'sms')`;
const columnsCache = new Map<string, string[]>();

/** A table's writable columns (generated ones left out), for restoring a before-image. */
async function writableColumns(tx: Db, table: string): Promise<string[]> {
  const hit = columnsCache.get(table);
  if (hit) return hit;
  const cols = rowsOf<{ c: string }>(
    await tx.execute(sql`select column_name as c from information_schema.columns
      where table_schema = current_schema() and table_name = ${table} and is_generated = 'NEVER'
        and column_name not in ('workspace_id', 'id') order by ordinal_position`),
  ).map((r) => r.c);
  columnsCache.set(table, cols);
  return cols;
}

export type RollbackResult = { deleted: number; restored: number; conflicts: number; forced: boolean };

/**
 * Undoes an import in one transaction: deletes what it created (with the history, assignment and
 * timeline rows that came with it) and restores what it updated from the before-images, exactly (every
 * column, version and timestamps included). A record changed since the import (its version moved on,
 * or people logged activities, tasks or appointments on a record the import created) is a conflict:
 * left as it is and reported, unless `force`, which undoes it anyway. Conflicts stay recorded, so a
 * later `force` rollback can finish the job. Audit entries record each undo.
 */
export async function rollbackImport(
  db: Db,
  ctx: Ctx,
  id: string,
  opts: { force?: boolean } = {},
): Promise<RollbackResult> {
  const ws = ctx.workspaceId;
  const force = !!opts.force;
  return db.transaction(async (tx) => {
    const [imp] = await tx
      .select()
      .from(imports)
      .where(and(eq(imports.workspaceId, ws), eq(imports.id, id)))
      .for('update');
    if (!imp) throw AppError.notFound('Import', id);
    if (['queued', 'running'].includes(imp.status))
      throw new AppError('conflict', 'The import is running; cancel it first, then roll it back', [
        { field: 'status', reason: `is ${imp.status}` },
      ]);
    const ch = sql`ch.workspace_id = ${ws} and ch.import_id = ${id}`;
    // The import grew import_changes by a row per record; without fresh statistics the planner takes it
    // for a handful of rows and nests loops over it (minutes at 100,000 rows). PGlite has no autovacuum.
    await tx.execute(sql`analyze import_changes`);
    // Its semi-joins hash up to a million ids: with the default 4 MB work_mem a hashed NOT IN falls back
    // to a scan per row (an hour at a million rows).
    await tx.execute(sql`set local work_mem = '64MB'`);
    // Conflicts: changed since the import (version), or people's work attached to a record it created.
    await tx.execute(sql`create temporary table if not exists import_undo
      (entity text, record_id uuid, action text, conflict boolean) on commit drop`);
    await tx.execute(sql`insert into import_undo
      select ch.entity, ch.record_id, ch.action, coalesce(l.version <> ch.version_after, false)
      from import_changes ch left join leads l on l.workspace_id = ${ws} and l.id = ch.record_id
      where ${ch} and ch.entity = 'leads'
      union all
      select ch.entity, ch.record_id, ch.action, coalesce(c.version <> ch.version_after, false)
      from import_changes ch left join contacts c on c.workspace_id = ${ws} and c.id = ch.record_id
      where ${ch} and ch.entity = 'contacts'`);
    await tx.execute(sql`analyze import_undo`);
    const made = (entity: string) =>
      sql`(select record_id from import_undo where entity = ${entity} and action = 'created')`;
    await tx.execute(sql`update import_undo set conflict = true where entity = 'leads' and action = 'created'
      and record_id in (
        select lead_id from activities where workspace_id = ${ws} and type in ${LOGGED} and lead_id in ${made('leads')}
        union select lead_id from tasks where workspace_id = ${ws} and lead_id in ${made('leads')}
        union select lead_id from appointments where workspace_id = ${ws} and lead_id in ${made('leads')}
        union select origin_lead_id from deals where workspace_id = ${ws} and origin_lead_id in ${made('leads')})`);
    await tx.execute(sql`update import_undo set conflict = true where entity = 'contacts' and action = 'created'
      and record_id in (
        select contact_id from activities where workspace_id = ${ws} and type in ${LOGGED} and contact_id in ${made('contacts')}
        union select contact_id from tasks where workspace_id = ${ws} and contact_id in ${made('contacts')}
        union select l.contact_id from leads l where l.workspace_id = ${ws} and l.contact_id in ${made('contacts')}
          and not exists (select 1 from import_undo x where x.entity = 'leads' and x.action = 'created'
            and x.record_id = l.id))`);
    await undoMore(tx, ws, id);
    const conflicts = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(*)::int as n from import_undo where conflict`),
    )[0]!.n;
    // A contact with leads that are not the import's cannot go, even forced (they would be orphans).
    await tx.execute(sql`delete from import_undo u where not ${force} and u.conflict`);
    await tx.execute(sql`delete from import_undo u where u.entity = 'contacts' and u.action = 'created'
      and exists (select 1 from leads l where l.workspace_id = ${ws} and l.contact_id = u.record_id
        and not exists (select 1 from import_undo x where x.entity = 'leads' and x.action = 'created' and x.record_id = l.id))`);
    await keepMore(tx, ws, id);

    const gone = (entity: string) =>
      sql`(select record_id from import_undo where entity = ${entity} and action = 'created')`;
    // Leads first (their dependents, then them), contacts next.
    for (const t of [
      'activities',
      'tasks',
      'appointments',
      'lead_contacts',
      'lead_stage_history',
      'lead_assignments',
    ])
      await tx.execute(
        sql`delete from ${sql.raw(t)} where workspace_id = ${ws} and lead_id in ${gone('leads')}`,
      );
    await tx.execute(
      sql`update deals set origin_lead_id = null where workspace_id = ${ws} and origin_lead_id in ${gone('leads')}`,
    );
    await tx.execute(sql`delete from duplicate_candidates where workspace_id = ${ws} and entity = 'lead'
      and (record_a in ${gone('leads')} or record_b in ${gone('leads')})`);
    const deletedLeads = rowsOf<{ id: string }>(
      await tx.execute(
        sql`delete from leads where workspace_id = ${ws} and id in ${gone('leads')} returning id`,
      ),
    ).length;
    for (const t of ['activities', 'tasks', 'appointments', 'lead_contacts'])
      await tx.execute(
        sql`delete from ${sql.raw(t)} where workspace_id = ${ws} and contact_id in ${gone('contacts')}`,
      );
    await tx.execute(
      sql`update deals set primary_contact_id = null where workspace_id = ${ws} and primary_contact_id in ${gone('contacts')}`,
    );
    await tx.execute(sql`delete from duplicate_candidates where workspace_id = ${ws} and entity = 'contact'
      and (record_a in ${gone('contacts')} or record_b in ${gone('contacts')})`);
    const deletedContacts = rowsOf<{ id: string }>(
      await tx.execute(
        sql`delete from contacts where workspace_id = ${ws} and id in ${gone('contacts')} returning id`,
      ),
    ).length;
    const deletedMore = await deleteMore(tx, ctx);

    // Updated records: back to their before-images, every column.
    let restored = 0;
    for (const table of ['leads', 'contacts', 'accounts', 'deals']) {
      const cols = await writableColumns(tx, table);
      const res = rowsOf<{ id: string }>(
        await tx.execute(sql`update ${sql.raw(table)} t set ${sql.raw(cols.map((c) => `${c} = (b.p).${c}`).join(', '))}
          from (select ch.record_id, jsonb_populate_record(null::${sql.raw(table)}, ch.before) as p
                from import_changes ch
                where ${ch} and ch.entity = ${table} and ch.action = 'updated'
                  and ch.record_id in (select record_id from import_undo where entity = ${table} and action = 'updated')) b
          where t.workspace_id = ${ws} and t.id = b.record_id returning t.id`),
      );
      restored += res.length;
    }
    // Stage history the import's stage changes wrote, and its timeline entries on records that stay.
    if (imp.startedAt)
      await tx.execute(sql`with undone as (
          delete from lead_stage_history h where h.workspace_id = ${ws} and h.entered_at >= ${imp.startedAt}
            and h.lead_id in (select record_id from import_undo where entity = 'leads' and action = 'updated')
          returning h.lead_id)
        update lead_stage_history h set left_at = null where h.workspace_id = ${ws}
          and h.id in (select distinct on (x.lead_id) x.id from lead_stage_history x
            where x.workspace_id = ${ws} and x.lead_id in (select lead_id from undone)
              and x.entered_at < ${imp.startedAt} order by x.lead_id, x.entered_at desc)`);
    // (Activities an activities import created are records of their own: deleteMore undid them, or they stay.)
    await tx.execute(sql`delete from activities a where a.workspace_id = ${ws} and a.metadata->>'importId' = ${id}
      and not exists (select 1 from import_changes ch where ${ch} and ch.entity = 'activities' and ch.record_id = a.id)`);

    await tx.execute(sql`insert into audit_entries (workspace_id, id, actor_user_id, actor_api_key_id, action, entity, entity_id, after, request_id)
      select ${ws}, leadbase_uuid_v7(), ${ctx.userId}, ${ctx.apiKeyId ?? null},
        case when u.action = 'created' then 'delete' else 'restore' end,
        case u.entity when 'leads' then 'lead' when 'contacts' then 'contact' when 'accounts' then 'account'
          when 'deals' then 'deal' else 'activity' end, u.record_id,
        jsonb_build_object('importId', ${id}::text, 'rollback', true), ${ctx.requestId ?? null}
      from import_undo u`);
    await tx.execute(sql`delete from import_changes ch where ${ch}
      and (ch.entity, ch.record_id) in (select entity, record_id from import_undo)`);
    const left = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(*)::int as n from import_changes ch where ${ch}`),
    )[0]!.n;
    const result: RollbackResult = {
      deleted: deletedLeads + deletedContacts + deletedMore,
      restored,
      conflicts: left,
      forced: force,
    };
    await tx
      .update(imports)
      .set({
        status: 'rolled_back',
        rolledBackAt: sql`now()`,
        result: sql`coalesce(${imports.result}, '{}'::jsonb) || ${JSON.stringify({ rolledBack: result })}::jsonb`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(imports.workspaceId, ws), eq(imports.id, id)));
    await tx.execute(sql`insert into audit_entries (workspace_id, id, actor_user_id, actor_api_key_id, action, entity, entity_id, after, request_id)
      values (${ws}, leadbase_uuid_v7(), ${ctx.userId}, ${ctx.apiKeyId ?? null}, 'rollback', 'import', ${id},
        ${JSON.stringify(result)}::jsonb, ${ctx.requestId ?? null})`);
    void conflicts;
    return result;
  });
}
