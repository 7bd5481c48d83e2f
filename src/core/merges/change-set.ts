import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

/**
 * Exact before-images for an undoable operation, independent of what the operation does.
 *
 * Every write goes through `capture` first (or `update`/`remove`, which capture for you), and every
 * row written is reported by key. `finish()` then compares each captured row with what is there now:
 * rows that came out identical are forgotten; the rest form the snapshot (the full rows, as
 * `to_jsonb(t)` text, so numerics and timestamps round-trip exactly), and every row the operation left
 * behind (changed or created) gets a fingerprint (md5 of its `to_jsonb`). An undo restores the
 * snapshot and deletes the created rows — after checking that every fingerprint still matches and
 * every removed key is still absent, so a later change is never overwritten.
 */

export type Key = Record<string, string>;
export type TableInfo = {
  name: string;
  /** Primary key columns without workspace_id. */
  pk: string[];
  /** Writable (non-generated) columns with their SQL types. */
  columns: { name: string; type: string }[];
  types: Record<string, string>;
  has: (column: string) => boolean;
};
export type Fingerprint = { key: Key; hash: string };
export type ChangeResult = {
  /** table → JSON text of each row as it was (for `jsonb_populate_recordset`). */
  snapshot: Record<string, string[]>;
  /** table → rows the operation left changed or created, with their fingerprints. */
  touched: Record<string, Fingerprint[]>;
  /** table → number of pre-existing rows changed or removed. */
  changed: Record<string, number>;
  /** table → number of rows created. */
  created: Record<string, number>;
};

const ident = (name: string): SQL => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not an identifier: ${name}`);
  return sql.raw(`"${name}"`);
};

export { ident };

const infoCache = new Map<string, TableInfo>();

/** Columns and primary key of a table, read from the catalog (cached: the schema is fixed at runtime). */
export async function tableInfo(db: Db, table: string): Promise<TableInfo> {
  const hit = infoCache.get(table);
  if (hit) return hit;
  const r = (await db.execute(sql`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
           a.attgenerated <> '' as generated,
           coalesce(a.attnum = any(i.indkey::int2[]), false) as pk
    from pg_attribute a
    left join pg_index i on i.indrelid = a.attrelid and i.indisprimary
    where a.attrelid = to_regclass(${table}) and a.attnum > 0 and not a.attisdropped
    order by a.attnum`)) as unknown as {
    rows: { name: string; type: string; generated: boolean; pk: boolean }[];
  };
  if (r.rows.length === 0) throw new Error(`no table ${table}`);
  const columns = r.rows.filter((c) => !c.generated).map((c) => ({ name: c.name, type: c.type }));
  const info: TableInfo = {
    name: table,
    pk: r.rows.filter((c) => c.pk && c.name !== 'workspace_id').map((c) => c.name),
    columns,
    types: Object.fromEntries(columns.map((c) => [c.name, c.type])),
    has: (c) => columns.some((x) => x.name === c),
  };
  infoCache.set(table, info);
  return info;
}

export const keyString = (info: TableInfo, k: Key): string => info.pk.map((c) => k[c]).join('|');

/** `(t.a, t.b) in (select … from jsonb_to_recordset(keys))`: an index-friendly match on many keys. */
export function keysIn(info: TableInfo, keys: Key[], alias = 't'): SQL {
  const cols = sql.raw(info.pk.map((c) => `${alias}."${c}"`).join(', '));
  const defs = sql.raw(info.pk.map((c) => `"${c}" ${info.types[c]}`).join(', '));
  const pick = sql.raw(info.pk.map((c) => `x."${c}"`).join(', '));
  return sql`(${cols}) in (select ${pick} from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as x(${defs}))`;
}

export const keySelect = (info: TableInfo, alias = 't'): SQL =>
  sql.raw(info.pk.map((c) => `${alias}."${c}"::text as "k_${c}"`).join(', '));
export const keyOf = (info: TableInfo, row: Record<string, unknown>): Key =>
  Object.fromEntries(info.pk.map((c) => [c, String(row[`k_${c}`])]));

type Captured = { key: Key; json: string };

export class ChangeSet {
  private readonly before = new Map<string, Map<string, Captured>>();
  private readonly written = new Map<string, Map<string, Key>>();

  constructor(
    readonly tx: Db,
    readonly workspaceId: string,
  ) {}

  info(table: string): Promise<TableInfo> {
    return tableInfo(this.tx, table);
  }

  private scope(): SQL {
    return sql`t.workspace_id = ${this.workspaceId}::uuid`;
  }

  /** Snapshots the rows of `table` (alias `t`) matching `where`; the first image of a row wins. */
  async capture(table: string, where: SQL): Promise<Key[]> {
    const info = await this.info(table);
    const r = (await this.tx.execute(
      sql`select to_jsonb(t)::text as j, ${keySelect(info)} from ${ident(table)} t where ${this.scope()} and (${where})`,
    )) as unknown as { rows: Record<string, unknown>[] };
    const m = this.before.get(table) ?? new Map<string, Captured>();
    this.before.set(table, m);
    const keys: Key[] = [];
    for (const row of r.rows) {
      const key = keyOf(info, row);
      const ks = keyString(info, key);
      if (!m.has(ks)) m.set(ks, { key, json: String(row.j) });
      keys.push(key);
    }
    return keys;
  }

  /** Records rows the operation wrote (inserted or updated, possibly under a new key). */
  async wrote(table: string, keys: Key[]): Promise<void> {
    const info = await this.info(table);
    const m = this.written.get(table) ?? new Map<string, Key>();
    this.written.set(table, m);
    for (const k of keys) m.set(keyString(info, k), k);
  }

  /**
   * `update table t set <set> where <where>`, capturing the rows first. `bump` also sets
   * `version = version + 1` and `updated_at = now()` where the table has them. Returns the new keys.
   */
  async update(table: string, set: SQL, where: SQL, bump = true): Promise<Key[]> {
    const info = await this.info(table);
    const before = await this.capture(table, where);
    if (before.length === 0) return [];
    const extra: SQL[] = [];
    if (bump && info.has('version')) extra.push(sql`version = t.version + 1`);
    if (bump && info.has('updated_at')) extra.push(sql`updated_at = now()`);
    const r = (await this.tx.execute(
      sql`update ${ident(table)} as t set ${sql.join([set, ...extra], sql`, `)} where ${this.scope()} and ${keysIn(info, before)} returning ${keySelect(info)}`,
    )) as unknown as { rows: Record<string, unknown>[] };
    const keys = r.rows.map((row) => keyOf(info, row));
    await this.wrote(table, keys);
    return keys;
  }

  /** Deletes the rows matching `where`, capturing them first. */
  async remove(table: string, where: SQL): Promise<number> {
    const info = await this.info(table);
    const before = await this.capture(table, where);
    if (before.length === 0) return 0;
    await this.tx.execute(
      sql`delete from ${ident(table)} t where ${this.scope()} and ${keysIn(info, before)}`,
    );
    return before.length;
  }

  /** Compares every captured row with the present one and builds the snapshot and fingerprints. */
  async finish(): Promise<ChangeResult> {
    const out: ChangeResult = { snapshot: {}, touched: {}, changed: {}, created: {} };
    const tables = new Set([...this.before.keys(), ...this.written.keys()]);
    for (const table of tables) {
      const info = await this.info(table);
      const before = this.before.get(table) ?? new Map<string, Captured>();
      const written = this.written.get(table) ?? new Map<string, Key>();
      const all = new Map<string, Key>([...[...before].map(([k, v]) => [k, v.key] as const), ...written]);
      const now = await currentRows(this.tx, this.workspaceId, info, [...all.values()]);
      const snapshot: string[] = [];
      const touched: Fingerprint[] = [];
      let created = 0;
      for (const [ks, key] of all) {
        const cur = now.get(ks);
        const was = before.get(ks);
        if (was && cur && cur.json === was.json) continue; // unchanged
        if (was) snapshot.push(was.json);
        else created++;
        if (cur) touched.push({ key, hash: cur.hash });
      }
      if (snapshot.length) out.snapshot[table] = snapshot;
      if (touched.length) out.touched[table] = touched;
      if (snapshot.length) out.changed[table] = snapshot.length;
      if (created) out.created[table] = created;
    }
    return out;
  }
}

/** The present rows of these keys: JSON text and md5 fingerprint, by key string. */
export async function currentRows(
  db: Db,
  workspaceId: string,
  info: TableInfo,
  keys: Key[],
  lock = false,
): Promise<Map<string, { json: string; hash: string }>> {
  const out = new Map<string, { json: string; hash: string }>();
  if (keys.length === 0) return out;
  const r = (await db.execute(
    sql`select to_jsonb(t)::text as j, md5(to_jsonb(t)::text) as h, ${keySelect(info)} from ${ident(info.name)} t where t.workspace_id = ${workspaceId}::uuid and ${keysIn(info, keys)}${lock ? sql` for update` : sql``}`,
  )) as unknown as { rows: Record<string, unknown>[] };
  for (const row of r.rows)
    out.set(keyString(info, keyOf(info, row)), { json: String(row.j), hash: String(row.h) });
  return out;
}

/** JSON text of `{table: [row, …]}` built from row texts (never parsed, so nothing is rounded). */
export const snapshotJson = (snapshot: Record<string, string[]>): string =>
  `{${Object.entries(snapshot)
    .map(([t, rows]) => `${JSON.stringify(t)}:[${rows.join(',')}]`)
    .join(',')}}`;
