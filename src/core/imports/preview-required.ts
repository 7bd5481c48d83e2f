import { type SQL, sql } from 'drizzle-orm';
import type { CustomFieldEntity } from '../custom-fields/custom-fields.schemas.js';
import { loadDefinitions } from '../custom-fields/custom-values.js';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import type { ImportRow } from './import-stage.js';

/** Rows that create a record: creates, and duplicates the flag policy creates (a new record, marked). */
const creates = sql`(r.decision = 'create' or (r.decision = 'duplicate' and r.match_id is not null
  and r.target_id is not null and r.target_id <> r.match_id))`;

/** What each import creates: the entity, where its values are in a row, its custom keys' prefix. */
const PARTS: Record<
  ImportRow['entity'],
  { entity: CustomFieldEntity; part: string; prefix: string; contact: boolean }[]
> = {
  leads: [
    { entity: 'lead', part: 'l', prefix: 'custom.', contact: false },
    { entity: 'contact', part: 'c', prefix: 'contact.custom.', contact: true },
  ],
  contacts: [{ entity: 'contact', part: 'c', prefix: 'custom.', contact: false }],
  accounts: [{ entity: 'account', part: 'a', prefix: 'custom.', contact: false }],
  deals: [{ entity: 'deal', part: 'd', prefix: 'custom.', contact: false }],
  activities: [],
};

/**
 * A record an import creates must have its required custom fields, as through the API: a row that
 * would create one without a value for each required field is an error naming every such field (by
 * its column when one is mapped to it), after the other decisions. A leads row checks the lead's
 * fields, and the contact's when it creates the contact.
 */
export async function failMissingRequired(db: Db, ctx: Ctx, imp: ImportRow, where: SQL): Promise<void> {
  const ws = ctx.workspaceId;
  const required: { n: number; key: string; part: string; field: string; why: string; contact: boolean }[] =
    [];
  for (const p of PARTS[imp.entity])
    for (const d of await loadDefinitions(db, ctx, p.entity))
      if (d.required && !d.archived) {
        const column = Object.entries(imp.mapping).find(([, k]) => k === `${p.prefix}${d.key}`)?.[0];
        required.push({
          n: required.length,
          key: d.key,
          part: p.part,
          field: column ?? d.label,
          why: column
            ? `is required for a new ${p.entity}: fill it in (or give the field a default)`
            : `is required for a new ${p.entity}: map a column to it or give it a default`,
          contact: p.contact,
        });
      }
  if (!required.length) return;
  await db.execute(sql`update import_rows r set decision = 'error', reason = m.reason, errors = m.errors
    from (select r.row_no, string_agg(d.field || ': ' || d.why, '; ' order by d.n) as reason,
          jsonb_agg(jsonb_build_object('field', d.field, 'reason', d.why) order by d.n) as errors
        from import_rows r
          cross join jsonb_to_recordset(${JSON.stringify(required)}::jsonb)
            as d(n int, key text, part text, field text, why text, contact boolean)
        where ${where} and r.values is not null and ${creates}
          and (not d.contact or not exists (select 1 from contacts c where c.workspace_id = ${ws} and c.id = r.contact_id))
          and not coalesce(r.values->d.part->'custom', '{}'::jsonb) ? d.key
        group by r.row_no) m
    where ${where} and r.row_no = m.row_no`);
}
