/**
 * The write floor of an import: the CRM rows an import of N leads writes (its new contacts, the leads,
 * their stage history, timeline entries and audit entries), inserted by plain set-based SQL from
 * generated values, with the schema's own indexes, constraints and triggers, in one transaction that is
 * rolled back. No file, no reading, no matching, no rollback records: what any import into this schema
 * must spend on this machine, to compare the import with.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../src/core/db/client.js';

export type WriteFloor = { ms: number; steps: Record<string, number> };

class Rollback extends Error {}

export async function writeFloor(
  db: Db,
  ws: string,
  user: string,
  leads: number,
  newContacts: number,
): Promise<WriteFloor> {
  const steps: Record<string, number> = {};
  const timed = async (name: string, q: Promise<unknown>) => {
    const t0 = performance.now();
    await q;
    steps[name] = performance.now() - t0;
  };
  await db
    .transaction(async (tx) => {
      const [stage] = (
        (await tx.execute(sql`select s.id, s.pipeline_id from stages s join pipelines p
          on p.workspace_id = s.workspace_id and p.id = s.pipeline_id
          where s.workspace_id = ${ws} and s.deleted_at is null and p.deleted_at is null
          order by p.is_default desc, p.position, s.position limit 1`)) as unknown as {
          rows: { id: string; pipeline_id: string }[];
        }
      ).rows;
      if (!stage) throw new Error('the bench workspace has no stage');
      // The leads' contacts: new ones first, then existing people (as a file with existing people has).
      await tx.execute(sql`create temporary table floor_src on commit drop as
        select i, leadbase_uuid_v7() as lead_id,
          case when i <= ${newContacts} then leadbase_uuid_v7() end as new_contact
        from generate_series(1, ${leads}) i`);
      await tx.execute(sql`alter table floor_src add column contact_id uuid`);
      await tx.execute(sql`update floor_src set contact_id = new_contact where new_contact is not null`);
      await tx.execute(sql`update floor_src f set contact_id = c.id from (
          select id, row_number() over () + ${newContacts} as i from contacts
          where workspace_id = ${ws} limit ${Math.max(0, leads - newContacts)}) c
        where f.i = c.i`);
      const t0 = performance.now();
      await timed(
        'contacts',
        tx.execute(sql`insert into contacts (workspace_id, id, first_name, last_name, emails, phones, company_name,
            addresses, status, match_keys, source, created_by)
          select ${ws}, new_contact, 'Floor', 'Person ' || i,
            jsonb_build_array(jsonb_build_object('email', 'floor' || i || '@floor.example', 'normalized',
              'floor' || i || '@floor.example', 'label', null, 'primary', true)),
            jsonb_build_array(jsonb_build_object('phone', '+1555' || lpad(i::text, 7, '0'), 'e164',
              '+1555' || lpad(i::text, 7, '0'), 'label', null, 'primary', true)),
            'Company ' || (i % 5000), jsonb_build_array(jsonb_build_object('type', 'personal', 'city', 'City ' || (i % 300))),
            'lead', array['e:floor' || i || '@floor.example', 'p:+1555' || lpad(i::text, 7, '0'), 'n:person ' || i,
              'c:company ' || (i % 5000)], 'website', ${user}
          from floor_src where new_contact is not null`),
      );
      await timed(
        'leads',
        tx.execute(sql`insert into leads (workspace_id, id, contact_id, source, product_interest, pipeline_id,
            stage_id, status, priority, board_rank, deal_value, created_by, stage_entered_at)
          select ${ws}, lead_id, contact_id, 'website', 'Solar', ${stage.pipeline_id}, ${stage.id}, 'new', 'medium',
            'Zz' || lpad(i::text, 8, '0'), (i % 50) * 500, ${user}, now()
          from floor_src where contact_id is not null`),
      );
      await timed(
        'stage history',
        tx.execute(sql`insert into lead_stage_history (workspace_id, id, lead_id, pipeline_id, stage_id, moved_by)
          select ${ws}, leadbase_uuid_v7(), lead_id, ${stage.pipeline_id}, ${stage.id}, ${user}
          from floor_src where contact_id is not null`),
      );
      await timed(
        'timeline',
        tx.execute(sql`insert into activities (workspace_id, id, type, lead_id, contact_id, user_id, subject, metadata)
          select ${ws}, leadbase_uuid_v7(), 'system', lead_id, contact_id, ${user}, 'Lead created by import (floor.csv)',
            jsonb_build_object('event', 'lead.created', 'importId', 'floor', 'rowNo', i)
          from floor_src where contact_id is not null`),
      );
      await timed(
        'audit',
        tx.execute(sql`insert into audit_entries (workspace_id, id, actor_user_id, action, entity, entity_id, after)
          select ${ws}, leadbase_uuid_v7(), ${user}, 'create', 'lead', lead_id,
            jsonb_build_object('source', 'website', 'product_interest', 'Solar', 'deal_value', (i % 50) * 500,
              'importId', 'floor', 'rowNo', i)
          from floor_src where contact_id is not null`),
      );
      steps.total = performance.now() - t0;
      throw new Rollback();
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  const { total, ...rest } = steps;
  return { ms: total!, steps: rest };
}
