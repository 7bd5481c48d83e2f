import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, testDatabase } from '../../../test/db.js';
import type { DatabaseHandle } from './client.js';

/**
 * Reads the live catalog of a migrated database and proves the tenancy rule of SPEC §1: every tenant
 * row carries `workspace_id`, and every primary key and foreign key of a tenant table includes it.
 */
const GLOBAL_TABLES = ['sessions', 'users', 'workspaces'];

/**
 * Foreign keys of tenant tables that point at a global table by a column other than workspace_id.
 * `users` is global (one person, several workspaces) and would be a Citus reference table, which a
 * distributed table may reference without the distribution column. Any other exception fails.
 */
const FKS_TO_GLOBAL_TABLES = ['memberships(user_id) -> users(id)'];

async function rows<T>(h: DatabaseHandle, q: SQL): Promise<T[]> {
  const r = (await h.db.execute(q)) as unknown as { rows: T[] };
  return r.rows;
}

describe.each(DB_KINDS)('schema on %s', (kind) => {
  let h: DatabaseHandle;
  let tables: string[];
  let tenant: string[];
  beforeAll(async () => {
    h = await testDatabase(kind);
    tables = (
      await rows<{ t: string }>(
        h,
        sql`select table_name as t from information_schema.tables
            where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
      )
    ).map((r) => r.t);
    tenant = (
      await rows<{ t: string }>(
        h,
        sql`select c.table_name as t from information_schema.columns c
            join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
            where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.column_name = 'workspace_id'
            order by 1`,
      )
    ).map((r) => r.t);
  });
  afterAll(() => h.close());

  it('has the expected tables, and only users, workspaces and sessions lack workspace_id', () => {
    expect(tables).toEqual(
      expect.arrayContaining(['accounts', 'contacts', 'leads', 'deals', 'activities', 'audit_entries']),
    );
    expect(tenant.length).toBeGreaterThanOrEqual(10);
    expect(tables.filter((t) => !tenant.includes(t)).sort()).toEqual(GLOBAL_TABLES);
  });

  it('gives every tenant table a NOT NULL workspace_id and a primary key that starts with it', async () => {
    const pks = await rows<{ t: string; cols: string[] }>(
      h,
      sql`select rel.relname as t,
                 array(select a.attname::text from unnest(con.conkey) with ordinality k(attnum, ord)
                       join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
                       order by k.ord) as cols
          from pg_constraint con
          join pg_class rel on rel.oid = con.conrelid
          join pg_namespace ns on ns.oid = rel.relnamespace
          where ns.nspname = 'public' and con.contype = 'p'`,
    );
    const pkOf = new Map(pks.map((p) => [p.t, p.cols]));
    const nullable = await rows<{ t: string }>(
      h,
      sql`select table_name as t from information_schema.columns
          where table_schema = 'public' and column_name = 'workspace_id' and is_nullable = 'YES'`,
    );
    expect(nullable.map((r) => r.t).filter((t) => tenant.includes(t))).toEqual([]);
    const bad: string[] = [];
    for (const t of tenant) {
      const cols = pkOf.get(t);
      if (!cols) bad.push(`${t}: no primary key`);
      else if (cols[0] !== 'workspace_id') bad.push(`${t}: primary key (${cols.join(', ')})`);
      else if (cols.length < 2) bad.push(`${t}: primary key is workspace_id alone`);
    }
    expect(bad).toEqual([]);
    // Global tables are keyed by their own id.
    for (const t of GLOBAL_TABLES) expect(pkOf.get(t)).toEqual(['id']);
  });

  it('makes every foreign key of a tenant table include workspace_id', async () => {
    const fks = await rows<{ name: string; t: string; cols: string[]; ref: string; refCols: string[] }>(
      h,
      sql`select con.conname as name, rel.relname as t, ref.relname as ref,
                 array(select a.attname::text from unnest(con.conkey) with ordinality k(attnum, ord)
                       join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.ord) as cols,
                 array(select a.attname::text from unnest(con.confkey) with ordinality k(attnum, ord)
                       join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum order by k.ord) as "refCols"
          from pg_constraint con
          join pg_class rel on rel.oid = con.conrelid
          join pg_class ref on ref.oid = con.confrelid
          join pg_namespace ns on ns.oid = rel.relnamespace
          where ns.nspname = 'public' and con.contype = 'f'`,
    );
    const ofTenant = fks.filter((f) => tenant.includes(f.t));
    expect(ofTenant.length).toBeGreaterThan(20);
    const label = (f: (typeof fks)[number]) =>
      `${f.t}(${f.cols.join(', ')}) -> ${f.ref}(${f.refCols.join(', ')})`;
    const without = ofTenant.filter((f) => !f.cols.includes('workspace_id')).map(label);
    expect(without.sort()).toEqual(FKS_TO_GLOBAL_TABLES);
    // A foreign key to another tenant table matches workspace_id to workspace_id, so a row can only
    // ever point at a row of its own workspace.
    for (const f of ofTenant.filter((x) => tenant.includes(x.ref))) {
      const i = f.cols.indexOf('workspace_id');
      expect(f.refCols[i], label(f)).toBe('workspace_id');
    }
    // Every tenant table is tied to its workspace.
    const tied = new Set(ofTenant.filter((f) => f.ref === 'workspaces').map((f) => f.t));
    expect(tenant.filter((t) => !tied.has(t))).toEqual([]);
  });

  it('makes every unique index of a tenant table include workspace_id (unique per workspace)', async () => {
    const uniques = await rows<{ t: string; name: string; def: string; cols: string[] }>(
      h,
      sql`select rel.relname as t, irel.relname as name, pg_get_indexdef(i.indexrelid) as def,
                 array(select a.attname::text from unnest(i.indkey) k(attnum)
                       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum) as cols
          from pg_index i
          join pg_class rel on rel.oid = i.indrelid
          join pg_class irel on irel.oid = i.indexrelid
          join pg_namespace ns on ns.oid = rel.relnamespace
          where ns.nspname = 'public' and i.indisunique`,
    );
    const ofTenant = uniques.filter((u) => tenant.includes(u.t));
    expect(ofTenant.some((u) => u.name === 'leads_external_id_key')).toBe(true);
    expect(ofTenant.filter((u) => !u.cols.includes('workspace_id')).map((u) => u.def)).toEqual([]);
  });

  it('refuses, in the database itself, a row that points at another workspace', async () => {
    // Two workspaces, each with a pipeline; a stage of A pointing at B's pipeline must be refused.
    const a = '01900000-0000-7000-8000-00000000000a';
    const b = '01900000-0000-7000-8000-00000000000b';
    const pb = '01900000-0000-7000-8000-0000000000bb';
    await h.exec(`insert into workspaces (id, name) values ('${a}', 'A'), ('${b}', 'B');
      insert into pipelines (workspace_id, id, name) values ('${b}', '${pb}', 'B sales');`);
    await expect(
      h.exec(`insert into stages (workspace_id, id, pipeline_id, name, position, lead_status)
              values ('${a}', '01900000-0000-7000-8000-0000000000a1', '${pb}', 'X', 0, 'new')`),
    ).rejects.toThrow(/foreign key/);
  });
});
