import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { recomputeLeads } from '../scoring/recompute.service.js';
import { ruleSetFor } from '../scoring/scoring-rule-set.js';
import type { Ctx } from '../shared/context.js';
import { rowsOf } from './apply-shared.js';
import { analyzeNew } from './preview-more.js';

/**
 * The rollback of accounts, deals and activities (see rollbackImport, whose transaction and
 * `import_undo` table these steps share).
 */
const LOGGED = sql`('call', 'email', 'meeting', 'note', 'sms')`;

/**
 * People's work attached to an account `id` (kept: an account with any cannot go, even forced). Each
 * set is read once (a hashed subplan), not probed per account: activities have no index on account_id.
 */
const accountInUse = (ws: string, importId: string, id: SQL) => sql`(
  ${id} in (select x.account_id from contacts x where x.workspace_id = ${ws} and x.account_id is not null)
  or ${id} in (select x.account_id from deals x where x.workspace_id = ${ws} and x.account_id is not null)
  or ${id} in (select x.account_id from activities x where x.workspace_id = ${ws} and x.account_id is not null
    and coalesce(x.metadata->>'importId', '') <> ${importId}::text))`;

/**
 * Adds the import's accounts, deals and activities to `import_undo`. A conflict: changed since the
 * import (version), or (created) people's work attached: contacts, deals or activities on an account;
 * logged activities or tasks on a deal.
 */
export async function undoMore(tx: Db, ws: string, importId: string): Promise<void> {
  const ch = sql`ch.workspace_id = ${ws} and ch.import_id = ${importId}`;
  for (const table of ['accounts', 'deals', 'activities'] as const) {
    const attached =
      table === 'accounts'
        ? accountInUse(ws, importId, sql`ch.record_id`)
        : table === 'deals'
          ? sql`(exists (select 1 from activities a where a.workspace_id = ${ws} and a.deal_id = ch.record_id and a.type in ${LOGGED})
              or ch.record_id in (select k.deal_id from tasks k where k.workspace_id = ${ws} and k.deal_id is not null))`
          : sql`false`;
    await tx.execute(sql`insert into import_undo
      select ch.entity, ch.record_id, ch.action, coalesce(t.version <> ch.version_after, false)
        or (ch.action = 'created' and ${attached})
      from import_changes ch left join ${sql.raw(table)} t on t.workspace_id = ${ws} and t.id = ch.record_id
      where ${ch} and ch.entity = ${table}`);
  }
  // The undo joins import_changes to import_undo: the planner needs their sizes (else a nested loop).
  await tx.execute(sql`analyze import_undo`);
  await analyzeNew(tx, ['import_changes']);
}

/** An account with people's work attached stays even when forced (deleting it would orphan them). */
export async function keepMore(tx: Db, ws: string, importId: string): Promise<void> {
  await tx.execute(sql`delete from import_undo u where u.entity = 'accounts' and u.action = 'created'
    and ${accountInUse(ws, importId, sql`u.record_id`)}`);
}

/**
 * Deletes the accounts, deals and activities the import created (and a deal's timeline and tasks),
 * then rescores the leads whose activities went. Returns how many records it deleted.
 */
export async function deleteMore(tx: Db, ctx: Ctx): Promise<number> {
  const ws = ctx.workspaceId;
  const gone = (entity: string) =>
    sql`(select record_id from import_undo where entity = ${entity} and action = 'created')`;
  const touched = rowsOf<{ id: string }>(
    await tx.execute(sql`select distinct l.id from activities a join leads l on l.workspace_id = ${ws}
        and (l.id = a.lead_id or (a.lead_id is null and l.contact_id = a.contact_id))
      where a.workspace_id = ${ws} and a.id in ${gone('activities')}`),
  ).map((x) => x.id);
  let n = rowsOf(
    await tx.execute(
      sql`delete from activities where workspace_id = ${ws} and id in ${gone('activities')} returning id`,
    ),
  ).length;
  for (const t of ['activities', 'tasks'])
    await tx.execute(
      sql`delete from ${sql.raw(t)} where workspace_id = ${ws} and deal_id in ${gone('deals')}`,
    );
  n += rowsOf(
    await tx.execute(
      sql`delete from deals where workspace_id = ${ws} and id in ${gone('deals')} returning id`,
    ),
  ).length;
  await tx.execute(
    sql`delete from activities where workspace_id = ${ws} and account_id in ${gone('accounts')}`,
  );
  await tx.execute(sql`delete from duplicate_candidates where workspace_id = ${ws} and entity = 'account'
    and (record_a in ${gone('accounts')} or record_b in ${gone('accounts')})`);
  n += rowsOf(
    await tx.execute(
      sql`delete from accounts where workspace_id = ${ws} and id in ${gone('accounts')} returning id`,
    ),
  ).length;
  if (touched.length) {
    const rules = await ruleSetFor(tx, ctx);
    if (rules.rules.length) await recomputeLeads(tx, ctx, rules, touched);
  }
  return n;
}
