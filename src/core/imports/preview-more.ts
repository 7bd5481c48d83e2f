import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { rowsOf } from './apply-shared.js';
import type { ImportRow } from './import-stage.js';
import { checkMatchOn } from './row-values-more.js';

/**
 * The preview of accounts, deals and activities imports (see previewImport): a decision for every row,
 * set-based. Errors found here (a deal's account or contact that does not exist, a new account
 * without a name) are kept with the row's values, so a new preview first clears them.
 *
 * - Accounts match on id, externalId or custom.<key>; a row whose key finds nothing matches an account
 *   by domain, then by name (only an account without a key of its own, so a record with another
 *   external id stays another record). New accounts need a name.
 * - Deals match on id, externalId or custom.<key>; `account` (name or domain) and `contactEmail` must
 *   name existing records.
 * - Activities are only created: an update or upsert import of activities marks every row an error
 *   (the import can be re-previewed with mode create); a row with the Leadbase ID of an activity that
 *   exists (an export re-imported) is skipped. `lead` (external id or id) and `contactEmail`
 *   must name existing records; a lead alone brings its contact.
 */
export async function previewMore(db: Db, ctx: Ctx, imp: ImportRow, where: SQL): Promise<void> {
  await db.execute(sql`update import_rows r set decision = null, reason = null, errors = null
    where ${where} and r.decision = 'error' and r.values is not null`);
  await analyze(
    db,
    imp.entity === 'activities'
      ? ['leads', 'contacts']
      : imp.entity === 'deals'
        ? ['deals', 'accounts', 'contacts']
        : ['accounts'],
  );
  if (imp.entity === 'activities') return previewActivities(db, ctx, imp, where);
  checkMatchOn(imp.entity, imp.matchOn);
  if (imp.entity === 'deals') await resolveDealRefs(db, ctx, imp, where);
  if (imp.entity === 'accounts') return previewKeyed(db, ctx, imp, where, 'accounts', 'a', 'account');
  if (imp.entity === 'deals') return previewKeyed(db, ctx, imp, where, 'deals', 'd', 'deal');
  throw AppError.invalid('entity', `${imp.entity} cannot be previewed here`);
}

/**
 * The lookups below are joins, which the planner gets right only when it knows the sizes: the staged
 * rows are new (their statistics are sampled now); a table never analyzed (PGlite has no autovacuum)
 * is analyzed once.
 */
async function analyze(db: Db, tables: string[]) {
  await db.execute(sql`analyze import_rows`);
  await analyzeNew(db, tables);
}

/** Analyzes the tables never analyzed (PGlite has no autovacuum; later growth the planner scales). */
export async function analyzeNew(db: Db, tables: string[]): Promise<void> {
  const never = rowsOf<{ t: string }>(
    await db.execute(sql`select relname as t from pg_class where relkind = 'r' and reltuples < 0
      and relnamespace = current_schema()::regnamespace
      and relname in (${sql.join(
        tables.map((t) => sql`${t}`),
        sql`, `,
      )})`),
  );
  for (const { t } of never) await db.execute(sql.raw(`analyze ${t}`));
}

/** The file's header mapped to a field (for errors found in SQL), else the field key. */
const headerOf = (imp: ImportRow, key: string) =>
  Object.entries(imp.mapping).find(([, k]) => k === key)?.[0] ?? key;

/** Marks the undecided rows `cond` selects as errors on `field`, for the reason `why` (both over `r`). */
async function failRows(db: Db, imp: ImportRow, where: SQL, cond: SQL, field: string, why: SQL) {
  const h = headerOf(imp, field);
  await db.execute(sql`update import_rows r set decision = 'error', reason = ${h}::text || ': ' || ${why},
      errors = jsonb_build_array(jsonb_build_object('field', ${h}::text, 'reason', ${why}))
    where ${where} and r.decision is null and ${cond}`);
}

const uuidOf = (text: SQL) =>
  sql`case when ${text} ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then (${text})::uuid end`;

/**
 * Looks records up for the undecided rows in one join (not a query per row): the oldest live record of
 * `table` per key (`key` over `t`, restricted by `only`) whose key equals the row's (`rowKey` over `r`,
 * for the rows `rows` selects) sets `set` (over `x.id`).
 */
async function lookup(
  db: Db,
  ctx: Ctx,
  where: SQL,
  q: { table: string; key: SQL; rowKey: SQL; set: SQL; rows?: SQL; only?: SQL; from?: SQL },
) {
  const rows = sql`${where} and r.decision is null and ${q.rows ?? sql`true`}`;
  await db.execute(sql`update import_rows r set ${q.set}
    from (select distinct on (${q.key}) ${q.key} as key, t.id
          from ${q.from ?? sql.raw(q.table)} t
          where t.workspace_id = ${ctx.workspaceId} and t.deleted_at is null and ${q.only ?? sql`true`}
            and ${q.key} in (select ${q.rowKey} from import_rows r where ${rows})
          order by ${q.key}, t.created_at, t.id) x
    where ${rows} and x.key = ${q.rowKey}`);
}

/**
 * Sets `values` at `path` to the oldest live contact with the row's email (any of its emails), looked
 * up row by row through the match keys' index (a join would unnest every contact's keys).
 */
async function contactByEmail(db: Db, ctx: Ctx, where: SQL, path: string) {
  // (offset 0 keeps the index lookup inside: else the planner walks every contact in creation order.)
  const found = sql`(select x.id from (select c.id, c.created_at from contacts c
      where c.workspace_id = ${ctx.workspaceId} and c.deleted_at is null
        and c.match_keys @> array['e:' || (r.values->'k'->>'email')] offset 0) x
    order by x.created_at, x.id limit 1)`;
  await db.execute(sql`update import_rows r set values = jsonb_set(r.values, ${`{${path}}`}::text[], coalesce(to_jsonb(${found}), 'null'::jsonb))
    where ${where} and r.decision is null and r.values->'k' ? 'email'`);
  await db.execute(sql`update import_rows r set values = r.values #- ${`{${path}}`}::text[]
    where ${where} and r.decision is null and r.values #> ${`{${path}}`}::text[] = 'null'::jsonb`);
}

async function resolveDealRefs(db: Db, ctx: Ctx, imp: ImportRow, where: SQL) {
  const k = sql`r.values->'k'`;
  await db.execute(sql`update import_rows r set values = r.values #- '{d,account_id}' #- '{d,primary_contact_id}'
    where ${where} and r.decision is null`);
  // The account by name, else by domain.
  const account = sql`values = jsonb_set(r.values, '{d,account_id}', to_jsonb(x.id))`;
  await lookup(db, ctx, where, {
    table: 'accounts',
    key: sql`lower(t.name)`,
    rowKey: sql`lower(${k}->>'account')`,
    set: account,
  });
  await lookup(db, ctx, where, {
    table: 'accounts',
    key: sql`lower(t.domain)`,
    rowKey: sql`regexp_replace(lower(${k}->>'account'), '^(https?://)?(www\.)?', '')`,
    rows: sql`not (r.values->'d' ? 'account_id')`,
    set: account,
  });
  await failRows(
    db,
    imp,
    where,
    sql`${k} ? 'account' and not (r.values->'d' ? 'account_id')`,
    'account',
    sql`'no account is called or has the domain "' || (r.values->'k'->>'account') || '"'`,
  );
  await contactByEmail(db, ctx, where, 'd,primary_contact_id');
  await failRows(
    db,
    imp,
    where,
    sql`${k} ? 'email' and not (r.values->'d' ? 'primary_contact_id')`,
    'contactEmail',
    sql`'no contact has the email ' || (r.values->'k'->>'email')`,
  );
}

/** Accounts and deals: match, decide, check names and external ids, repeats in the file, creates. */
async function previewKeyed(
  db: Db,
  ctx: Ctx,
  imp: ImportRow,
  where: SQL,
  table: 'accounts' | 'deals',
  v: 'a' | 'd',
  noun: string,
) {
  const ws = ctx.workspaceId;
  const k = sql`r.values->'k'`;
  const t = sql.raw(table);
  // A custom key is [a-z][a-z0-9_]* (matchOn's contract): written into the SQL text, as DISTINCT ON needs.
  const cf = imp.matchOn.startsWith('custom.') ? imp.matchOn.slice(7) : null;
  if (cf !== null && !/^[a-z][a-z0-9_]{0,62}$/.test(cf))
    throw AppError.invalid('matchOn', 'must be custom.<key>');
  // `reason` holds how the row matched until the decision below.
  const match = (how: string) => sql`match_id = x.id, reason = ${how}::text`;
  const rowKey =
    imp.matchOn === 'id' ? uuidOf(sql`(${k}->>'id')`) : cf ? sql`(${k}->>'cf')` : sql`(${k}->>'x')`;
  await lookup(db, ctx, where, {
    table,
    key: imp.matchOn === 'id' ? sql`t.id` : cf ? sql.raw(`(t.custom->>'${cf}')`) : sql`t.external_id`,
    rowKey,
    set: match(imp.matchOn),
  });
  if (table === 'accounts')
    // Not found by its key: the account with the same domain, else the same name; for a row with a key,
    // only an account without one of its own (one with another key is another record).
    for (const [how, key, rk] of [
      ['domain', sql`lower(t.domain)`, sql`(${k}->>'domain')`],
      ['name', sql`lower(t.name)`, sql`lower(${k}->>'name')`],
    ] as const)
      for (const withKey of imp.matchOn === 'id' ? [null] : [false, true])
        await lookup(db, ctx, where, {
          table,
          key,
          rowKey: rk,
          set: match(how),
          rows: sql`r.match_id is null and ${withKey === null ? sql`true` : withKey ? sql`${rowKey} is not null` : sql`${rowKey} is null`}`,
          only: withKey ? (cf ? sql`t.custom->>${cf} is null` : sql`t.external_id is null`) : sql`true`,
        });
  await db.execute(
    sql`update import_rows r set reason = null where ${where} and r.decision is null and r.match_id is null`,
  );

  // Decisions for matches: update, or (create mode) a duplicate the policy skips, flags (a new
  // record) or lets update the match.
  const onMatch = imp.mode === 'create' ? 'duplicate' : 'update';
  const target =
    onMatch === 'update' || imp.duplicatePolicy === 'update'
      ? sql`r.match_id`
      : imp.duplicatePolicy === 'flag'
        ? sql`leadbase_uuid_v7()`
        : sql`null::uuid`;
  await db.execute(sql`update import_rows r set decision = ${onMatch}, target_id = ${target},
      reason = ${onMatch === 'duplicate' ? `matches an existing ${noun}` : `updates the existing ${noun}`} || ' (' || r.reason || ')'
    where ${where} and r.decision is null and r.match_id is not null`);
  if (imp.mode === 'update')
    await db.execute(sql`update import_rows r set decision = 'skip',
        reason = 'no existing ' || ${noun}::text || ' matches on ' || ${imp.matchOn}::text
      where ${where} and r.decision is null`);

  // A new record needs a name (a flagged duplicate is a new record too).
  const h = headerOf(imp, 'name');
  const why = `is required for a new ${noun}`;
  await db.execute(sql`update import_rows r set decision = 'error', reason = ${`${h}: ${why}`},
      errors = ${JSON.stringify([{ field: h, reason: why }])}::jsonb, target_id = null
    where ${where} and (r.decision is null or (r.decision = 'duplicate' and r.target_id is not null
      and r.target_id is distinct from r.match_id)) and r.values->${v}->>'name' is null`);

  // The same key twice among the new records: the later rows are duplicates of the first.
  const key = imp.matchOn === 'id' ? sql`(${k}->>'id')` : cf ? sql`(${k}->>'cf')` : sql`(${k}->>'x')`;
  const identity =
    table === 'accounts'
      ? sql`coalesce('k:' || ${key}, 'd:' || (${k}->>'domain'), 'n:' || lower(${k}->>'name'))`
      : sql`('k:' || ${key})`;
  await db.execute(sql`with ranked as (
      select r.row_no, first_value(r.row_no) over w as first_row
      from import_rows r where ${where} and r.decision is null and ${identity} is not null
      window w as (partition by ${identity} order by r.row_no))
    update import_rows r set decision = 'duplicate',
      reason = 'repeats row ' || ranked.first_row || ' (same ' || ${noun}::text || ')'
    from ranked where ${where} and r.row_no = ranked.row_no and ranked.first_row <> ranked.row_no`);
  await db.execute(sql`update import_rows r set decision = 'create', target_id = leadbase_uuid_v7(),
      reason = ${`new ${noun}`}
    where ${where} and r.decision is null`);

  // External ids are unique: one another record has, or another row writes to another record, is an error.
  const x = headerOf(imp, 'externalId');
  const writes = sql`r.target_id is not null and r.decision in ('create', 'update', 'duplicate')`;
  await db.execute(sql`update import_rows r set decision = 'error', target_id = null,
      reason = ${x}::text || ': already used by ' || ${noun}::text || ' ' || o.id,
      errors = jsonb_build_array(jsonb_build_object('field', ${x}::text, 'reason', 'already used by ' || ${noun}::text || ' ' || o.id))
    from ${t} o where ${where} and ${writes} and o.workspace_id = ${ws} and o.external_id = ${k}->>'x'
      and o.id <> r.target_id`);
  await db.execute(sql`with ranked as (
      select r.row_no, first_value(r.row_no) over w as first_row, first_value(r.target_id) over w as first_target
      from import_rows r where ${where} and ${writes} and ${k} ? 'x'
      window w as (partition by ${k}->>'x' order by r.row_no))
    update import_rows r set decision = 'error', target_id = null,
      reason = ${x}::text || ': also in row ' || ranked.first_row,
      errors = jsonb_build_array(jsonb_build_object('field', ${x}::text, 'reason', 'also in row ' || ranked.first_row))
    from ranked where ${where} and r.row_no = ranked.row_no and ranked.first_target <> r.target_id`);
}

async function previewActivities(db: Db, ctx: Ctx, imp: ImportRow, where: SQL) {
  const ws = ctx.workspaceId;
  const k = sql`r.values->'k'`;
  if (imp.mode !== 'create') {
    const why = 'activities can only be created: import them with mode create';
    await db.execute(sql`update import_rows r set decision = 'error', reason = ${`mode: ${why}`},
        errors = ${JSON.stringify([{ field: 'mode', reason: why }])}::jsonb
      where ${where} and r.decision is null`);
    return;
  }
  // A row with the Leadbase ID of an activity already there (an export re-imported) is skipped, also
  // one that could not be read as a new activity (a system entry of the timeline, say).
  const idColumn = imp.headers.findIndex((h) => imp.mapping[h] === 'id');
  if (idColumn >= 0)
    await db.execute(sql`update import_rows r set decision = 'skip', match_id = a.id, errors = null,
        reason = 'already in Leadbase (its Leadbase ID); not imported again'
      from activities a where ${where} and (r.decision is null or r.decision = 'error')
        and a.workspace_id = ${ws} and a.id::text = lower(trim(r.raw->>${idColumn}::int))`);
  await db.execute(sql`update import_rows r set values = r.values #- '{v,lead_id}' #- '{v,contact_id}'
    where ${where} and r.decision is null`);
  const lead = sql`values = jsonb_set(r.values, '{v,lead_id}', to_jsonb(x.id))`;
  await lookup(db, ctx, where, {
    table: 'leads',
    key: sql`t.external_id`,
    rowKey: sql`(${k}->>'lead')`,
    set: lead,
  });
  await lookup(db, ctx, where, {
    table: 'leads',
    key: sql`t.id`,
    rowKey: uuidOf(sql`(${k}->>'lead')`),
    rows: sql`not (r.values->'v' ? 'lead_id')`,
    set: lead,
  });
  await failRows(
    db,
    imp,
    where,
    sql`${k} ? 'lead' and not (r.values->'v' ? 'lead_id')`,
    'lead',
    sql`'no lead has the external id or id "' || (r.values->'k'->>'lead') || '"'`,
  );
  // The contact: by email, else the lead's.
  await contactByEmail(db, ctx, where, 'v,contact_id');
  await failRows(
    db,
    imp,
    where,
    sql`${k} ? 'email' and not (r.values->'v' ? 'contact_id')`,
    'contactEmail',
    sql`'no contact has the email ' || (r.values->'k'->>'email')`,
  );
  await db.execute(sql`update import_rows r set values = jsonb_set(r.values, '{v,contact_id}', to_jsonb(l.contact_id))
    from leads l where ${where} and r.decision is null and not (r.values->'v' ? 'contact_id')
      and l.workspace_id = ${ws} and l.id = (r.values->'v'->>'lead_id')::uuid`);
  await db.execute(sql`update import_rows r set decision = 'create', target_id = leadbase_uuid_v7(),
      reason = 'new ' || (r.values->'v'->>'type') || case when r.values->'v'->>'lead_id' is not null
        then ' on a lead' else ' on a contact' end
    where ${where} and r.decision is null`);
}
