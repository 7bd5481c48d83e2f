import { and, eq, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { merges } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import {
  currentRows,
  type Fingerprint,
  ident,
  type Key,
  keyOf,
  keySelect,
  keyString,
  keysIn,
  type TableInfo,
  tableInfo,
} from './change-set.js';
import { MERGERS } from './merge-entities.js';
import type { MergeOut } from './merges.schemas.js';
import { getMerge, mergeColumns } from './merges.service.js';

/** Parents before children: restores run in this order, deletions of created rows in reverse. */
const TABLE_ORDER = [
  'accounts',
  'contacts',
  'leads',
  'deals',
  'lead_contacts',
  'activities',
  'duplicate_candidates',
];
const ordered = (tables: Iterable<string>) =>
  [...new Set(tables)].sort(
    (a, b) => (TABLE_ORDER.indexOf(a) + 1 || 99) - (TABLE_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );

/**
 * Derived rows that never block an undo: duplicate candidates are re-computed by every scan, so a
 * later scan's score on a pair the merge re-pointed is simply replaced by the pair as it was.
 */
const DERIVED = new Set(['duplicate_candidates']);

/** How a table's rows appear in the audit trail: entity name and the column holding its id. */
const AUDITED: Record<string, { entity: string; idColumn: string; noun: string }> = {
  contacts: { entity: 'contact', idColumn: 'id', noun: 'contact' },
  leads: { entity: 'lead', idColumn: 'id', noun: 'lead' },
  accounts: { entity: 'account', idColumn: 'id', noun: 'account' },
  deals: { entity: 'deal', idColumn: 'id', noun: 'deal' },
  activities: { entity: 'activity', idColumn: 'id', noun: 'activity' },
  lead_contacts: { entity: 'lead_contact', idColumn: 'lead_id', noun: 'contact link of lead' },
};

type Conflict = {
  entity: string;
  id: string;
  change: 'changed' | 'deleted' | 'recreated';
  by: string | null;
  at: string | null;
  action: string | null;
  fields: string[];
  /** The later merge that changed the row, when it was one (undo that one first). */
  mergeId?: string;
};

/** The latest audited change of a record after the merge: who, when, what. */
async function laterChange(
  tx: Db,
  ctx: Ctx,
  table: string,
  key: Key,
  mergeId: string,
  change: Conflict['change'],
) {
  const a = AUDITED[table];
  const id = a ? key[a.idColumn]! : Object.values(key).join('/');
  const out: Conflict = {
    entity: a?.entity ?? table,
    id,
    change,
    by: null,
    at: null,
    action: null,
    fields: [],
  };
  if (!a) return out;
  const r = (await tx.execute(sql`
    select a.at, a.action, a.before, a.after, u.name as user_name, u.email as user_email, k.name as key_name
    from audit_entries a
    left join users u on u.id = a.actor_user_id
    left join api_keys k on k.workspace_id = a.workspace_id and k.id = a.actor_api_key_id
    where a.workspace_id = ${ctx.workspaceId}::uuid and a.entity = ${a.entity} and a.entity_id = ${id}::uuid
      and a.at > (select m.created_at from merges m where m.workspace_id = a.workspace_id and m.id = ${mergeId}::uuid)
    order by a.at desc, a.id desc limit 1`)) as unknown as {
    rows: {
      at: Date | string;
      action: string;
      before: Record<string, unknown> | null;
      after: Record<string, unknown> | null;
      user_name: string | null;
      user_email: string | null;
      key_name: string | null;
    }[];
  };
  const hit = r.rows[0];
  if (!hit) return laterMerge(tx, ctx, table, key, mergeId, out);
  out.at = new Date(hit.at).toISOString();
  out.action = hit.action;
  out.by = hit.user_name
    ? `${hit.user_name} <${hit.user_email}>${hit.key_name ? ` (API key ${hit.key_name})` : ''}`
    : hit.key_name
      ? `API key ${hit.key_name}`
      : 'the system';
  const b = hit.before ?? {};
  const f = hit.after ?? {};
  out.fields = [...new Set([...Object.keys(b), ...Object.keys(f)])].filter(
    (k) =>
      !['updatedAt', 'version', 'contactVersion'].includes(k) &&
      JSON.stringify(b[k]) !== JSON.stringify(f[k]),
  );
  return out;
}

/** A later (not undone) merge that changed this row: merges audit only their survivor, so look here. */
async function laterMerge(tx: Db, ctx: Ctx, table: string, key: Key, mergeId: string, out: Conflict) {
  const r = (await tx.execute(sql`
    select m.id, m.created_at as at, u.name as user_name, u.email as user_email
    from merges m left join users u on u.id = m.created_by
    where m.workspace_id = ${ctx.workspaceId}::uuid and m.undone_at is null and m.id <> ${mergeId}::uuid
      and m.created_at > (select x.created_at from merges x where x.workspace_id = m.workspace_id and x.id = ${mergeId}::uuid)
      and m.snapshot -> ${table} @> ${JSON.stringify([key])}::jsonb
    order by m.created_at desc limit 1`)) as unknown as {
    rows: { id: string; at: Date | string; user_name: string | null; user_email: string | null }[];
  };
  const hit = r.rows[0];
  if (!hit) return out;
  return {
    ...out,
    action: `merge ${hit.id}`,
    at: new Date(hit.at).toISOString(),
    by: hit.user_name ? `${hit.user_name} <${hit.user_email}>` : 'the system',
    mergeId: hit.id,
  };
}

const describe = (c: Conflict) =>
  `${c.entity} ${c.id} was ${c.change === 'recreated' ? 're-created' : c.change} after the merge` +
  (c.action
    ? ` (${c.action} by ${c.by} at ${c.at}${c.fields.length ? `: ${c.fields.join(', ')}` : ''})`
    : '');

/** Keys of the snapshot rows of a table, read from the stored JSON (never parsed in JS). */
async function snapshotKeys(tx: Db, ctx: Ctx, mergeId: string, info: TableInfo): Promise<Key[]> {
  const r = (await tx.execute(sql`
    select ${keySelect(info)} from jsonb_populate_recordset(null::${ident(info.name)},
      (select m.snapshot -> ${info.name} from merges m where m.workspace_id = ${ctx.workspaceId}::uuid and m.id = ${mergeId}::uuid)) t`)) as unknown as {
    rows: Record<string, unknown>[];
  };
  return r.rows.map((row) => keyOf(info, row));
}

/**
 * Undoes a merge exactly: every row it changed gets its before-image back, every row it created is
 * deleted, every row it removed is re-inserted. First it checks, under lock, that nothing it left
 * was changed since (and nothing it removed was re-created); otherwise 409 naming the record and the
 * later change, and nothing is restored.
 */
export async function undoMerge(db: Db, ctx: Ctx, id: string): Promise<MergeOut> {
  await db.transaction(async (tx) => {
    const [m] = await tx
      .select({
        ...mergeColumns,
        snapshotTables: sql<string[]>`array(select jsonb_object_keys(${merges.snapshot}))`,
      })
      .from(merges)
      .where(and(eq(merges.workspaceId, ctx.workspaceId), eq(merges.id, id)))
      .for('update');
    if (!m) throw AppError.notFound('Merge', id);
    if (m.undoneAt)
      throw new AppError('conflict', `Merge ${id} was already undone at ${m.undoneAt.toISOString()}`, [
        { field: 'id', reason: 'is already undone' },
      ]);
    const merger = MERGERS[m.entity];
    const touched = ((m.touched as { rows?: Record<string, Fingerprint[]> }).rows ?? {}) as Record<
      string,
      Fingerprint[]
    >;
    const tables = ordered([...Object.keys(touched), ...m.snapshotTables]);
    const infos = new Map<string, TableInfo>();
    for (const t of tables) infos.set(t, await tableInfo(tx, t));
    const snapKeys = new Map<string, Key[]>();
    for (const t of m.snapshotTables) snapKeys.set(t, await snapshotKeys(tx, ctx, id, infos.get(t)!));

    // 1. Nothing the merge left may have changed since; nothing it removed may have come back.
    const conflicts: Conflict[] = [];
    for (const t of tables) {
      if (DERIVED.has(t)) continue;
      const info = infos.get(t)!;
      const fps = touched[t] ?? [];
      const now = await currentRows(
        tx,
        ctx.workspaceId,
        info,
        fps.map((f) => f.key),
        true,
      );
      for (const f of fps) {
        const cur = now.get(keyString(info, f.key));
        if (!cur || cur.hash !== f.hash)
          conflicts.push(await laterChange(tx, ctx, t, f.key, id, cur ? 'changed' : 'deleted'));
      }
      const left = new Set(fps.map((f) => keyString(info, f.key)));
      const removed = (snapKeys.get(t) ?? []).filter((k) => !left.has(keyString(info, k)));
      const back = await currentRows(tx, ctx.workspaceId, info, removed, true);
      for (const k of removed)
        if (back.has(keyString(info, k))) conflicts.push(await laterChange(tx, ctx, t, k, id, 'recreated'));
    }
    if (conflicts.length)
      throw new AppError(
        'conflict',
        `Merge ${id} cannot be undone: ${conflicts.slice(0, 5).map(describe).join('; ')}${conflicts.length > 5 ? `; and ${conflicts.length - 5} more` : ''}`,
        conflicts.map((c) => ({ field: `${c.entity}/${c.id}`, reason: describe(c) })),
        { conflicts },
      );

    const before = await merger.read(tx, ctx, m.survivorId);
    // 2. Delete what the merge created (children first).
    for (const t of [...tables].reverse()) {
      const info = infos.get(t)!;
      const had = new Set((snapKeys.get(t) ?? []).map((k) => keyString(info, k)));
      const created = (touched[t] ?? []).map((f) => f.key).filter((k) => !had.has(keyString(info, k)));
      if (created.length)
        await tx.execute(
          sql`delete from ${ident(t)} t where t.workspace_id = ${ctx.workspaceId}::uuid and ${keysIn(info, created)}`,
        );
    }
    // 3. Put every before-image back (parents first). Unique external ids are freed first, since a
    //    survivor may hold the one its merged record had.
    for (const t of tables) {
      const info = infos.get(t)!;
      const keys = snapKeys.get(t);
      if (!keys?.length) continue;
      if (info.has('external_id'))
        await tx.execute(
          sql`update ${ident(t)} t set external_id = null where t.workspace_id = ${ctx.workspaceId}::uuid and ${keysIn(info, keys)} and t.external_id is not null`,
        );
      const cols = info.columns.map((c) => c.name);
      const list = sql.raw(cols.map((c) => `"${c}"`).join(', '));
      const pk = sql.raw(['workspace_id', ...info.pk].map((c) => `"${c}"`).join(', '));
      const rest = cols.filter((c) => c !== 'workspace_id' && !info.pk.includes(c));
      const set = sql.raw(rest.map((c) => `"${c}" = excluded."${c}"`).join(', '));
      await tx.execute(sql`
        insert into ${ident(t)} (${list})
        select ${list} from jsonb_populate_recordset(null::${ident(t)},
          (select m.snapshot -> ${t} from merges m where m.workspace_id = ${ctx.workspaceId}::uuid and m.id = ${id}::uuid))
        on conflict (${pk}) do ${rest.length ? sql`update set ${set}` : sql`nothing`}`);
    }
    await tx
      .update(merges)
      .set({ undoneAt: sql`now()`, undoneBy: ctx.userId })
      .where(and(eq(merges.workspaceId, ctx.workspaceId), eq(merges.id, id)));
    await writeAudit(tx, ctx, {
      action: 'undo_merge',
      entity: m.entity,
      entityId: m.survivorId,
      before: { survivor: before, mergeId: id },
      after: {
        survivor: await merger.read(tx, ctx, m.survivorId),
        restored: await Promise.all(m.mergedIds.map((x) => merger.read(tx, ctx, x))),
        mergeId: id,
      },
    });
  });
  return getMerge(db, ctx, id);
}
