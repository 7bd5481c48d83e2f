import { type SQL, sql } from 'drizzle-orm';
import { activities, type LEAD_CONTACT_ROLES } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { newId } from '../shared/ids.js';
import { type ChangeSet, ident } from './change-set.js';
import type { MergeEntity } from './merges.schemas.js';

/** A column that references the merged entity: moving it to the survivor is one line per table. */
export type Ref = { table: string; column: string };

/** `(select uuid from a JSON array)`, for `col in …` over a list of ids. */
export const idList = (ids: string[]): SQL =>
  sql`(select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)`;

/** Points every reference to a merged record at the survivor (versions bumped). */
export async function moveRefs(cs: ChangeSet, refs: Ref[], survivorId: string, mergedIds: string[]) {
  for (const r of refs)
    await cs.update(
      r.table,
      sql`${ident(r.column)} = ${survivorId}::uuid`,
      sql`t.${ident(r.column)} in ${idList(mergedIds)}`,
    );
}

type Role = (typeof LEAD_CONTACT_ROLES)[number];
/** Strongest first: when two links of one contact to one lead collide, the stronger role stays. */
const ROLE_STRENGTH: Role[] = ['primary', 'decision_maker', 'billing', 'technical', 'secondary'];
const stronger = (a: Role, b: Role): Role => (ROLE_STRENGTH.indexOf(a) <= ROLE_STRENGTH.indexOf(b) ? a : b);

type LinkRow = { lead_id: string; contact_id: string; role: Role; created_at: string };

/**
 * Rewrites `lead_contacts` so that, for each lead in `leadIds`, the contacts in `from` become
 * `to` (contact merge: from = merged contacts, to = survivor), or, for each contact, the leads in
 * `from` become `to` (lead merge). Colliding links keep one row with the stronger role; a link of a
 * lead to its own primary contact is dropped (the primary role is the strongest). `extra` adds links
 * (a merged lead's primary contact stays on the surviving lead as a secondary contact); `also` names
 * further leads (contact merge) or contacts (lead merge) to check for links made redundant.
 */
export async function reconcileLeadContacts(
  cs: ChangeSet,
  side: 'contact_id' | 'lead_id',
  to: string,
  from: string[],
  extra: { lead_id: string; contact_id: string; role: Role }[] = [],
  also: string[] = [],
): Promise<void> {
  const group = [to, ...from];
  // Every link touching the group, on the leads (or contacts) the merged records are linked to.
  const other = side === 'contact_id' ? 'lead_id' : 'contact_id';
  const r = (await cs.tx.execute(sql`
    select lc.lead_id::text, lc.contact_id::text, lc.role, lc.created_at::text
    from lead_contacts lc
    where lc.workspace_id = ${cs.workspaceId}::uuid and lc.${ident(side)} in ${idList(group)}
    order by lc.created_at, lc.lead_id, lc.contact_id`)) as unknown as { rows: LinkRow[] };
  const rows = r.rows;
  const others = new Set([
    ...rows.filter((x) => from.includes(x[side])).map((x) => x[other]),
    ...extra.map((x) => x[other]),
    ...also,
  ]);
  if (others.size === 0) return;
  // The primary contact of each affected lead, as it is now (leads already moved to the survivor).
  const leadIds = side === 'contact_id' ? [...others] : [to];
  const prim = (await cs.tx.execute(sql`
    select id::text, contact_id::text from leads
    where workspace_id = ${cs.workspaceId}::uuid and id in ${idList(leadIds)}`)) as unknown as {
    rows: { id: string; contact_id: string }[];
  };
  const primaryOf = new Map(prim.rows.map((x) => [x.id, x.contact_id]));
  for (const o of others) {
    const mine = rows.filter((x) => x[other] === o);
    const extras = extra.filter((x) => x[other] === o);
    const lead = side === 'contact_id' ? o : to;
    const contact = side === 'contact_id' ? to : o;
    const existing = mine.find((x) => x[side] === to);
    const moving = mine.filter((x) => x[side] !== to);
    if (moving.length === 0 && extras.length === 0 && primaryOf.get(lead) !== contact) continue;
    const keep = primaryOf.get(lead) !== contact;
    // Remove the merged records' links; keep or create the survivor's with the strongest role.
    for (const m of moving)
      await cs.remove(
        'lead_contacts',
        sql`t.lead_id = ${m.lead_id}::uuid and t.contact_id = ${m.contact_id}::uuid`,
      );
    const here = sql`t.lead_id = ${lead}::uuid and t.contact_id = ${contact}::uuid`;
    if (!keep) {
      if (existing) await cs.remove('lead_contacts', here);
      continue;
    }
    const role = [...mine, ...extras].map((x) => x.role).reduce(stronger);
    if (existing) {
      if (existing.role !== role) await cs.update('lead_contacts', sql`role = ${role}`, here);
      continue;
    }
    const since = moving[0]?.created_at ?? null;
    await cs.tx.execute(sql`
      insert into lead_contacts (workspace_id, lead_id, contact_id, role, created_at, updated_at)
      values (${cs.workspaceId}::uuid, ${lead}::uuid, ${contact}::uuid, ${role},
              coalesce(${since}::timestamptz, now()), now())`);
    await cs.wrote('lead_contacts', [{ lead_id: lead, contact_id: contact }]);
  }
}

/**
 * Duplicate candidate pairs of the merged records: open pairs among the records become `merged`;
 * a pair of a merged record with a third record is re-pointed at the survivor, or dropped when the
 * survivor already has a pair with that record.
 */
export async function repointCandidates(
  cs: ChangeSet,
  ctx: Ctx,
  entity: MergeEntity,
  survivorId: string,
  mergedIds: string[],
): Promise<void> {
  const group = new Set([survivorId, ...mergedIds]);
  const ids = [...group];
  const r = (await cs.tx.execute(sql`
    select record_a::text as a, record_b::text as b, status from duplicate_candidates
    where workspace_id = ${cs.workspaceId}::uuid and entity = ${entity}
      and (record_a in ${idList(ids)} or record_b in ${idList(ids)})
    order by score desc, record_a, record_b`)) as unknown as {
    rows: { a: string; b: string; status: string }[];
  };
  const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  const taken = new Set(
    r.rows.filter((x) => x.a === survivorId || x.b === survivorId).map((x) => pairKey(x.a, x.b)),
  );
  for (const row of r.rows) {
    const here = sql`t.entity = ${entity} and t.record_a = ${row.a}::uuid and t.record_b = ${row.b}::uuid`;
    if (group.has(row.a) && group.has(row.b)) {
      if (row.status === 'open')
        await cs.update(
          'duplicate_candidates',
          sql`status = 'merged', resolved_at = now(), resolved_by = ${ctx.userId}::uuid`,
          here,
        );
      continue;
    }
    const [mine, third] = group.has(row.a) ? [row.a, row.b] : [row.b, row.a];
    if (mine === survivorId) continue;
    const k = pairKey(survivorId, third);
    if (taken.has(k)) {
      await cs.remove('duplicate_candidates', here);
      continue;
    }
    taken.add(k);
    const [a, b] = survivorId < third ? [survivorId, third] : [third, survivorId];
    await cs.update('duplicate_candidates', sql`record_a = ${a}::uuid, record_b = ${b}::uuid`, here, false);
  }
}

/**
 * SPEC 2 for the contacts a merge touched: status `lead` ⇔ an open lead. A prospect or inactive
 * contact that now has an open lead becomes `lead`; a `lead` contact left without one becomes a
 * prospect. Active contacts stay active (a customer with a new interest is still a customer).
 */
export async function syncContactStatus(cs: ChangeSet, contactIds: string[]): Promise<void> {
  if (contactIds.length === 0) return;
  const open = sql`exists (select 1 from leads l where l.workspace_id = t.workspace_id and l.contact_id = t.id
    and l.deleted_at is null and l.status not in ('won', 'lost'))`;
  await cs.update(
    'contacts',
    sql`status = case when ${open} then 'lead' else 'prospect' end`,
    sql`t.id in ${idList(contactIds)} and t.deleted_at is null and (
      (t.status in ('prospect', 'inactive') and ${open}) or (t.status = 'lead' and not ${open}))`,
  );
}

/** The survivor's timeline entry ("Merged Jane Doe into this contact"), removed again by an undo. */
export async function logMerge(
  cs: ChangeSet,
  ctx: Ctx,
  on: { leadId?: string | null; contactId?: string | null; accountId?: string | null },
  subject: string,
  metadata: Record<string, unknown>,
): Promise<void> {
  const id = newId();
  await cs.tx.insert(activities).values({
    workspaceId: ctx.workspaceId,
    id,
    type: 'system',
    leadId: on.leadId ?? null,
    contactId: on.contactId ?? null,
    accountId: on.accountId ?? null,
    userId: ctx.userId,
    subject,
    metadata: { ...metadata, ...(ctx.apiKeyId ? { apiKeyId: ctx.apiKeyId } : {}) },
  });
  await cs.wrote('activities', [{ id }]);
}
