import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import type { ImportRow } from './import-stage.js';
import type { ImportCounts } from './imports.schemas.js';
import { previewMore } from './preview-more.js';
import { failMissingRequired } from './preview-required.js';

/**
 * The preview: a decision for every staged row, set-based (a few statements whatever the size),
 * before anything is written. Rows with errors were decided at staging. A row that matches an existing
 * record is an update (upsert, update modes) or a duplicate (create mode: the duplicate policy then
 * says skip, flag or update); a row that matches nothing is a create (create, upsert) or a skip
 * (update). A row repeating an earlier row of the file (same person and interest; same contact key)
 * is a duplicate of that row. Creates get their record id now, so a resumed run writes the same ids.
 */
export async function previewImport(db: Db, ctx: Ctx, imp: ImportRow): Promise<ImportCounts> {
  // One transaction (a preview cut off leaves the previous decisions), with the memory its sorts and
  // hashes over every row of the file need: with the default 4 MB they spill to disk (a million rows:
  // two minutes more).
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '64MB'`);
    return decide(tx, ctx, imp);
  });
}

async function decide(db: Db, ctx: Ctx, imp: ImportRow): Promise<ImportCounts> {
  const ws = ctx.workspaceId;
  const where = sql`r.workspace_id = ${ws} and r.import_id = ${imp.id}`;
  // Every decision is taken again, except the errors of rows that could not be read (their values are null).
  // (Rows with nothing to clear are not rewritten: on a first preview that is every row.)
  await db.execute(sql`update import_rows r set decision = null, reason = null, errors = null, match_id = null,
      target_id = null, contact_id = null where ${where} and r.values is not null
      and (r.decision is not null or r.reason is not null or r.errors is not null or r.match_id is not null
        or r.target_id is not null or r.contact_id is not null)`);
  if (imp.entity === 'leads') await previewLeads(db, ctx, imp, where);
  else if (imp.entity === 'contacts') await previewContacts(db, ctx, imp, where);
  else await previewMore(db, ctx, imp, where);
  await failMissingRequired(db, ctx, imp, where);
  return countDecisions(db, ctx, imp.id);
}

export async function countDecisions(db: Db, ctx: Ctx, importId: string): Promise<ImportCounts> {
  const res = (await db.execute(sql`select decision, count(*)::int as n
    from import_rows where workspace_id = ${ctx.workspaceId} and import_id = ${importId} group by decision`)) as unknown as {
    rows: { decision: string; n: number }[];
  };
  const counts: ImportCounts = { create: 0, update: 0, skip: 0, duplicate: 0, error: 0 };
  for (const r of res.rows) if (r.decision in counts) counts[r.decision as keyof ImportCounts] = Number(r.n);
  return counts;
}

/** Above this many rows, key matching hashes the workspace's contact keys instead of probing the index per row. */
const HASH_MATCH_ROWS = 5_000;

/**
 * Each undecided row's existing contact by its keys: `x:` the contact's external id, then `e:` email
 * (any of the contact's emails), then `p:` phone — the oldest contact when several share a key. Few
 * rows probe the GIN index of `match_keys` once per key; many rows hash-join against every live
 * contact's email and phone keys (one pass over the contacts instead of a probe per row).
 */
async function matchContacts(db: Db, ws: string, where: SQL, keys: SQL, target: 'contact_id' | 'match_id') {
  const n = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from import_rows r where ${where} and r.decision is null`),
  )[0]!.n;
  const wanted = sql`select r.row_no, k.key, k.pri from import_rows r
      cross join lateral (${keys}) k(key, pri) where ${where} and r.decision is null and k.key is not null`;
  const hits =
    n > HASH_MATCH_ROWS
      ? sql`with w as materialized (${wanted})
        select distinct on (w.row_no) w.row_no, c.id from w
          join (select c.id, c.created_at, x.key from contacts c cross join lateral unnest(c.match_keys) x(key)
                where c.workspace_id = ${ws} and c.deleted_at is null
                  and (x.key like 'e:%' or x.key like 'p:%')
                union all
                select c.id, c.created_at, 'x:' || c.external_id from contacts c
                where c.workspace_id = ${ws} and c.deleted_at is null
                  and c.external_id in (select substr(w.key, 3) from w where w.key like 'x:%')) c
            on c.key = w.key
          order by w.row_no, w.pri, c.created_at, c.id`
      : sql`select distinct on (w.row_no) w.row_no, c.id from (${wanted}) w
          cross join lateral (
            select c.id, c.created_at from contacts c where w.key like 'x:%' and c.workspace_id = ${ws}
              and c.deleted_at is null and c.external_id = substr(w.key, 3)
            union all
            select c.id, c.created_at from contacts c where w.key not like 'x:%' and c.workspace_id = ${ws}
              and c.deleted_at is null and c.match_keys @> array[w.key]) c
          order by w.row_no, w.pri, c.created_at, c.id`;
  // The planner cannot tell how many of the workspace's millions of contact keys match the file's (it
  // guesses a billion rows) and sorts them all on disk for a merge join (seconds); the hash of the
  // file's keys (the preview's transaction gives it the memory) is one pass over them.
  if (n > HASH_MATCH_ROWS) await db.execute(sql`set local enable_mergejoin = off`);
  await db.execute(sql`update import_rows r set ${sql.raw(target)} = h.id from (${hits}) h
    where ${where} and r.row_no = h.row_no`);
  if (n > HASH_MATCH_ROWS) await db.execute(sql`set local enable_mergejoin to default`);
}

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;

async function previewLeads(db: Db, ctx: Ctx, imp: ImportRow, where: SQL) {
  const ws = ctx.workspaceId;
  const k = sql`r.values->'k'`;
  // 1. The person: an existing contact, else the first row of the file with the same key creates one.
  await matchContacts(
    db,
    ws,
    where,
    sql`values ('x:' || (${k}->>'cx'), 1), ('e:' || (${k}->>'email'), 2), ('p:' || (${k}->>'phone'), 3)`,
    'contact_id',
  );
  await db.execute(sql`with keyed as (
      select r.row_no, coalesce('x:' || (${k}->>'cx'), 'e:' || (${k}->>'email'), 'p:' || (${k}->>'phone'),
                                'r:' || r.row_no) as pk
      from import_rows r where ${where} and r.decision is null and r.contact_id is null),
    firsts as (select pk, min(row_no) as first_row, leadbase_uuid_v7() as cid from keyed group by pk)
    update import_rows r set contact_id = f.cid
    from keyed join firsts f using (pk)
    where ${where} and r.row_no = keyed.row_no`);
  // 2. The existing lead the row is about.
  const interest = sql`lower(coalesce(r.values->'l'->>'product_interest', r.values->'l'->>'title', ''))`;
  if (imp.matchOn === 'id' || imp.matchOn === 'externalId' || imp.matchOn.startsWith('custom.')) {
    const cond =
      imp.matchOn === 'id'
        ? sql`l.id = (${k}->>'id')::uuid`
        : imp.matchOn === 'externalId'
          ? sql`l.external_id = ${k}->>'x'`
          : sql`l.custom->>${imp.matchOn.slice(7)} = ${k}->>'cf'`;
    await db.execute(sql`update import_rows r set match_id = m.id from (
        select distinct on (r.row_no) r.row_no, l.id from import_rows r
          join leads l on l.workspace_id = ${ws} and l.deleted_at is null and ${cond}
        where ${where} and r.decision is null order by r.row_no, l.created_at, l.id) m
      where ${where} and r.row_no = m.row_no`);
  }
  // email / phone: the person's open lead for the same interest (any open one when the row names none).
  else
    await db.execute(sql`update import_rows r set match_id = m.id from (
        select distinct on (r.row_no) r.row_no, l.id from import_rows r
          join leads l on l.workspace_id = ${ws} and l.deleted_at is null and l.contact_id = r.contact_id
          join stages s on s.workspace_id = l.workspace_id and s.id = l.stage_id and s.type = 'open'
        where ${where} and r.decision is null
          and (${interest} = '' or lower(coalesce(l.product_interest, l.title, '')) = ${interest})
        order by r.row_no, l.created_at desc, l.id desc) m
      where ${where} and r.row_no = m.row_no`);
  // 3. Decisions.
  const onMatch = imp.mode === 'create' ? 'duplicate' : 'update';
  await db.execute(sql`update import_rows r set
      decision = ${onMatch},
      -- flagged duplicates are created (a new record, marked); the others write the match
      target_id = case when ${onMatch}::text = 'duplicate' and ${imp.duplicatePolicy}::text = 'flag'
        then leadbase_uuid_v7() else r.match_id end,
      reason = ${onMatch === 'duplicate' ? 'matches an existing lead' : 'updates the existing lead'} || ' (' || ${imp.matchOn}::text || ')'
    where ${where} and r.decision is null and r.match_id is not null`);
  // A matched lead's contact is the one its row writes (or, flagged, gives a second lead).
  await db.execute(sql`update import_rows r set contact_id = l.contact_id from leads l
    where ${where} and r.decision is not null and r.decision <> 'error' and l.workspace_id = ${ws} and l.id = r.match_id`);
  if (imp.mode === 'update')
    await db.execute(sql`update import_rows r set decision = 'skip',
        reason = 'no existing lead matches on ' || ${imp.matchOn}::text
      where ${where} and r.decision is null`);
  // A row with nothing to find or create its contact by.
  await db.execute(sql`update import_rows r set decision = 'error',
      reason = 'a lead needs a contact: a name, email, phone or company',
      errors = '[{"field":"contact","reason":"a lead needs a contact: a name, email, phone or company"}]'
    where ${where} and r.decision is null
      and not exists (select 1 from contacts c where c.workspace_id = ${ws} and c.id = r.contact_id)
      and coalesce(r.values->'c'->>'first_name', r.values->'c'->>'last_name', r.values->'c'->>'company_name',
                   ${k}->>'email', ${k}->>'phone') is null`);
  // The same person and interest twice in the file: the later rows are duplicates of the first.
  await db.execute(sql`with ranked as (
      select r.row_no, first_value(r.row_no) over w as first_row
      from import_rows r where ${where} and r.decision is null
      window w as (partition by r.contact_id, ${interest} order by r.row_no))
    update import_rows r set decision = 'duplicate',
      reason = 'repeats row ' || ranked.first_row || ' (same person and interest)'
    from ranked where ${where} and r.row_no = ranked.row_no and ranked.first_row <> ranked.row_no`);
  await db.execute(sql`with firsts as (
      select r.contact_id, min(r.row_no) as first_row from import_rows r where ${where} and r.decision is null
      group by r.contact_id)
    update import_rows r set decision = 'create', target_id = leadbase_uuid_v7(),
      reason = case when exists (select 1 from contacts c where c.workspace_id = ${ws} and c.id = r.contact_id)
        then 'new lead for an existing contact'
        when f.first_row < r.row_no then 'new lead for the contact of row ' || f.first_row
        else 'new lead and contact' end
    from firsts f where ${where} and r.decision is null and f.contact_id = r.contact_id`);
}

async function previewContacts(db: Db, ctx: Ctx, imp: ImportRow, where: SQL) {
  const ws = ctx.workspaceId;
  const k = sql`r.values->'k'`;
  const live = sql`c.workspace_id = ${ws} and c.deleted_at is null`;
  if (imp.matchOn === 'id')
    await db.execute(sql`update import_rows r set match_id = c.id from contacts c
      where ${where} and r.decision is null and ${live} and c.id = (${k}->>'id')::uuid`);
  else if (imp.matchOn.startsWith('custom.'))
    await db.execute(sql`update import_rows r set match_id = (select c.id from contacts c where ${live}
        and c.custom->>${imp.matchOn.slice(7)} = ${k}->>'cf' order by c.created_at, c.id limit 1)
      where ${where} and r.decision is null and ${k} ? 'cf'`);
  else
    await matchContacts(
      db,
      ws,
      where,
      imp.matchOn === 'externalId'
        ? sql`values ('x:' || (${k}->>'x'), 1)`
        : imp.matchOn === 'phone'
          ? sql`values ('p:' || (${k}->>'phone'), 1)`
          : sql`values ('e:' || (${k}->>'email'), 1)`,
      'match_id',
    );
  const onMatch = imp.mode === 'create' ? 'duplicate' : 'update';
  await db.execute(sql`update import_rows r set decision = ${onMatch},
      target_id = case when ${onMatch}::text = 'duplicate' and ${imp.duplicatePolicy}::text = 'flag'
        then leadbase_uuid_v7() else r.match_id end,
      reason = ${onMatch === 'duplicate' ? 'matches an existing contact' : 'updates the existing contact'} || ' (' || ${imp.matchOn}::text || ')'
    where ${where} and r.decision is null and r.match_id is not null`);
  if (imp.mode === 'update')
    await db.execute(sql`update import_rows r set decision = 'skip',
        reason = 'no existing contact matches on ' || ${imp.matchOn}::text
      where ${where} and r.decision is null`);
  const key = sql`case ${imp.matchOn} when 'id' then ${k}->>'id' when 'externalId' then ${k}->>'x'
      when 'phone' then ${k}->>'phone' when 'email' then ${k}->>'email' else ${k}->>'cf' end`;
  await db.execute(sql`with ranked as (
      select r.row_no, first_value(r.row_no) over w as first_row
      from import_rows r where ${where} and r.decision is null and ${key} is not null
      window w as (partition by ${key} order by r.row_no))
    update import_rows r set decision = 'duplicate',
      reason = 'repeats row ' || ranked.first_row || ' (same ' || ${imp.matchOn}::text || ')'
    from ranked where ${where} and r.row_no = ranked.row_no and ranked.first_row <> ranked.row_no`);
  await db.execute(sql`update import_rows r set decision = 'create', target_id = leadbase_uuid_v7(),
      contact_id = null, reason = 'new contact'
    where ${where} and r.decision is null`);
}
