import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { recomputeLeads } from '../scoring/recompute.service.js';
import { ruleSetFor } from '../scoring/scoring-rule-set.js';
import type { Ctx } from '../shared/context.js';
import { auditChunk, chunkOf, finishVersions } from './apply-accounts.js';
import { type ApplyCtx, type ApplyResult, recordCreated, rowsOf } from './apply-shared.js';

/**
 * Applies one chunk of an activities import (creates only), set-based: the activities on their lead
 * and contact (so they appear on both timelines), by the row's user (else the importer), when the row
 * says (else now), with metadata {importId, rowNo}; one audit entry each; then the scores of the leads
 * they count for, as logging them through the API would (see rescoreLeadsOf).
 */
export async function applyActivitiesChunk(tx: Db, ctx: Ctx, a: ApplyCtx): Promise<ApplyResult> {
  const ws = ctx.workspaceId;
  const c = chunkOf(ctx, a);
  const created = rowsOf<{
    id: string;
    row_no: number;
    version: number;
    lead_id: string | null;
    contact_id: string | null;
  }>(
    await tx.execute(sql`insert into activities (workspace_id, id, type, lead_id, contact_id, user_id, subject, body,
        outcome, duration_minutes, occurred_at, metadata)
      select ${ws}, r.target_id, p.type, p.lead_id, p.contact_id, coalesce(p.user_id, ${ctx.userId}::uuid), p.subject,
        p.body, p.outcome, p.duration_minutes, coalesce(p.occurred_at, now()),
        jsonb_build_object('importId', ${a.imp.id}::text, 'rowNo', r.row_no)
      from import_rows r cross join lateral jsonb_populate_record(null::activities, r.values->'v') p
      where ${c.chunk} and r.decision = 'create'
      returning id, (metadata->>'rowNo')::int as row_no, version, lead_id, contact_id`),
  );
  await recordCreated(tx, ctx, a.imp.id, 'activities', created);
  await auditChunk(tx, ctx, a, 'activity', 'v', c);
  await finishVersions(tx, ctx, a, 'activities', created);

  const rules = await ruleSetFor(tx, ctx);
  if (rules.rules.length && created.length) {
    const leadIds = new Set<string>();
    if (rules.readsActivities) for (const x of created) if (x.lead_id) leadIds.add(x.lead_id);
    const contactIds = rules.readsContact
      ? [...new Set(created.filter((x) => !x.lead_id && x.contact_id).map((x) => x.contact_id!))]
      : [];
    if (contactIds.length)
      for (const l of rowsOf<{ id: string }>(
        await tx.execute(
          sql`select id from leads where workspace_id = ${ws} and contact_id in (${sql.join(
            contactIds.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`,
        ),
      ))
        leadIds.add(l.id);
    if (leadIds.size) await recomputeLeads(tx, ctx, rules, [...leadIds]);
  }
  return { created: created.length, updated: 0 };
}
