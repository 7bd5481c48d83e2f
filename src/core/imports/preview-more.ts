import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
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
 *   (the import can be re-previewed with mode create). `lead` (external id or id) and `contactEmail`
 *   must name existing records; a lead alone brings its contact.
 */
export async function previewMore(db: Db, ctx: Ctx, imp: ImportRow, where: SQL): Promise<void> {
  await db.execute(sql`update import_rows r set decision = null, reason = null, errors = null
    where ${where} and r.decision = 'error' and r.values is not null`);
  if (imp.entity === 'activities') return previewActivities(db, ctx, imp, where);
  checkMatchOn(imp.entity, imp.matchOn);
  if (imp.entity === 'deals') await resolveDealRefs(db, ctx, imp, where);
  if (imp.entity === 'accounts') return previewKeyed(db, ctx, imp, where, 'accounts', 'a', 'account');
  if (imp.entity === 'deals') return previewKeyed(db, ctx, imp, where, 'deals', 'd', 'deal');
  throw AppError.invalid('entity', `${imp.entity} cannot be previewed here`);
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

/** A live contact by email (any of its emails), the oldest. */
const contactByEmail = (
  ws: string,
  email: SQL,
) => sql`(select c.id from contacts c where c.workspace_id = ${ws}
  and c.deleted_at is null and c.match_keys @> array['e:' || ${email}] order by c.created_at, c.id limit 1)`;

async function resolveDealRefs(db: Db, ctx: Ctx, imp: ImportRow, where: SQL) {
  const ws = ctx.workspaceId;
  const k = sql`r.values->'k'`;
  const name = sql`lower(${k}->>'account')`;
  const account = sql`(select a.id from accounts a where a.workspace_id = ${ws} and a.deleted_at is null
    and (lower(a.name) = ${name} or lower(a.domain) = regexp_replace(${name}, '^(https?://)?(www\\.)?', ''))
    order by lower(a.name) = ${name} desc, a.created_at, a.id limit 1)`;
  await db.execute(sql`update import_rows r set values = jsonb_set(r.values, '{d,account_id}',
      coalesce(to_jsonb(${account}), 'null'::jsonb))
    where ${where} and r.decision is null and ${k} ? 'account'`);
  await failRows(
    db,
    imp,
    where,
    sql`${k} ? 'account' and r.values->'d'->'account_id' = 'null'::jsonb`,
    'account',
    sql`'no account is called or has the domain "' || (r.values->'k'->>'account') || '"'`,
  );
  await db.execute(sql`update import_rows r set values = jsonb_set(r.values, '{d,primary_contact_id}',
      coalesce(to_jsonb(${contactByEmail(ws, sql`(${k}->>'email')`)}), 'null'::jsonb))
    where ${where} and r.decision is null and ${k} ? 'email'`);
  await failRows(
    db,
    imp,
    where,
    sql`${k} ? 'email' and r.values->'d'->'primary_contact_id' = 'null'::jsonb`,
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
  const live = sql`t.workspace_id = ${ws} and t.deleted_at is null`;
  const cf = imp.matchOn.startsWith('custom.') ? imp.matchOn.slice(7) : null;
  const byKey =
    imp.matchOn === 'id'
      ? sql`(select t.id from ${t} t where ${live} and t.id = ${uuidOf(sql`(${k}->>'id')`)})`
      : cf
        ? sql`(select t.id from ${t} t where ${live} and t.custom->>${cf} = ${k}->>'cf' order by t.created_at, t.id limit 1)`
        : sql`(select t.id from ${t} t where ${live} and t.external_id = ${k}->>'x')`;
  // `reason` holds how the row matched until the decision below.
  await db.execute(sql`update import_rows r set match_id = ${byKey}, reason = ${imp.matchOn}::text
    where ${where} and r.decision is null`);
  if (table === 'accounts') {
    // Not found by its key: the account with the same domain, else the same name, that has no key of its own.
    const keyless =
      imp.matchOn === 'id'
        ? sql`true`
        : cf
          ? sql`(t.custom->>${cf} is null or ${k}->>'cf' is null)`
          : sql`(t.external_id is null or ${k}->>'x' is null)`;
    for (const [how, cond] of [
      ['domain', sql`lower(t.domain) = ${k}->>'domain'`],
      ['name', sql`lower(t.name) = lower(${k}->>'name')`],
    ] as const)
      await db.execute(sql`update import_rows r set match_id = (select t.id from accounts t where ${live}
          and ${cond} and ${keyless} order by t.created_at, t.id limit 1), reason = ${how}
        where ${where} and r.decision is null and r.match_id is null`);
  }
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
  const lead = sql`coalesce(
    (select l.id from leads l where l.workspace_id = ${ws} and l.deleted_at is null and l.external_id = ${k}->>'lead'),
    (select l.id from leads l where l.workspace_id = ${ws} and l.deleted_at is null
       and l.id = ${uuidOf(sql`(${k}->>'lead')`)}))`;
  await db.execute(sql`update import_rows r set values = jsonb_set(r.values, '{v,lead_id}', coalesce(to_jsonb(${lead}), 'null'::jsonb))
    where ${where} and r.decision is null and ${k} ? 'lead'`);
  await failRows(
    db,
    imp,
    where,
    sql`${k} ? 'lead' and r.values->'v'->'lead_id' = 'null'::jsonb`,
    'lead',
    sql`'no lead has the external id or id "' || (r.values->'k'->>'lead') || '"'`,
  );
  // The contact: by email, else the lead's.
  await db.execute(sql`update import_rows r set values = jsonb_set(r.values, '{v,contact_id}', coalesce(to_jsonb(
      case when ${k} ? 'email' then ${contactByEmail(ws, sql`(${k}->>'email')`)}
      else (select l.contact_id from leads l where l.workspace_id = ${ws} and l.id = (r.values->'v'->>'lead_id')::uuid) end),
      'null'::jsonb))
    where ${where} and r.decision is null`);
  await failRows(
    db,
    imp,
    where,
    sql`${k} ? 'email' and r.values->'v'->'contact_id' = 'null'::jsonb`,
    'contactEmail',
    sql`'no contact has the email ' || (r.values->'k'->>'email')`,
  );
  await db.execute(sql`update import_rows r set decision = 'create', target_id = leadbase_uuid_v7(),
      reason = 'new ' || (r.values->'v'->>'type') || case when r.values->'v'->>'lead_id' is not null
        then ' on a lead' else ' on a contact' end
    where ${where} and r.decision is null`);
}
