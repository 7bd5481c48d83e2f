import { and, eq, type SQL, sql } from 'drizzle-orm';
import { contactSearch } from '../contacts/contacts.service.js';
import { customListParts } from '../custom-fields/custom-list.js';
import type { Db } from '../db/client.js';
import { contacts, LEAD_STATUSES, leadStageHistory, leads, stages } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { jsonRow, reviveRow, tableColumns } from '../shared/json-row.js';
import { listConditionWhere } from '../shared/list-condition.js';
import {
  cursorCondition,
  deletedCondition,
  filterConditions,
  type ListQuery,
  type ListSpec,
  listOrderBy,
  sortKeySelect,
  toPage,
} from '../shared/list-query.js';
import { type LeadContact, type LeadRowLike, leadContactColumns, toLead } from './lead-reads.service.js';
import { MARKETING_STAGES, PRIORITIES, TEMPERATURES } from './leads.schemas.js';

// A page of 50 leads maps 3 values per row instead of ~55 columns (see shared/json-row.ts).
const leadJson = jsonRow<Record<string, unknown>>(tableColumns(leads));
const contactJson = jsonRow<Record<string, unknown>>(leadContactColumns);

export const leadListSpec: ListSpec = {
  idExpr: leads.id,
  custom: true,
  defaultSort: '-createdAt',
  sorts: {
    createdAt: { expr: sql`${leads.createdAt}`, type: 'date' },
    updatedAt: { expr: sql`${leads.updatedAt}`, type: 'date' },
    stageEnteredAt: { expr: sql`${leads.stageEnteredAt}`, type: 'date' },
    score: { expr: sql`${leads.score}`, type: 'number' },
    dealValue: { expr: sql`coalesce(${leads.dealValue}, -1)`, type: 'number' },
    expectedCloseDate: { expr: sql`coalesce(${leads.expectedCloseDate}::text, '')`, type: 'text' },
    lastName: { expr: sql`lower(coalesce(${contacts.lastName}, ''))`, type: 'text' },
    company: { expr: sql`lower(coalesce(${contacts.companyName}, ''))`, type: 'text' },
  },
  filters: {
    status: { kind: 'enum', expr: leads.status, values: LEAD_STATUSES, description: 'Status' },
    pipelineId: { kind: 'uuid', expr: leads.pipelineId, description: 'Pipeline' },
    stageId: { kind: 'uuid', expr: leads.stageId, description: 'Stage' },
    ownerId: { kind: 'uuid', expr: leads.ownerId, description: 'Owner' },
    contactId: { kind: 'uuid', expr: leads.contactId, description: 'Contact' },
    source: { kind: 'text', expr: leads.source, description: 'Source' },
    campaign: { kind: 'text', expr: leads.campaign, description: 'Campaign' },
    externalId: { kind: 'text', expr: leads.externalId, description: 'External id' },
    priority: { kind: 'enum', expr: leads.priority, values: PRIORITIES, description: 'Priority' },
    temperature: { kind: 'enum', expr: leads.temperature, values: TEMPERATURES, description: 'Temperature' },
    marketingStage: {
      kind: 'enum',
      expr: leads.marketingStage,
      values: MARKETING_STAGES,
      description: 'Marketing stage',
    },
    isDuplicate: { kind: 'bool', expr: leads.isDuplicate, description: 'Flagged as duplicate' },
    score: { kind: 'number', expr: leads.score, description: 'Score' },
    dealValue: { kind: 'number', expr: leads.dealValue, description: 'Deal value' },
    createdAt: { kind: 'date', expr: leads.createdAt, description: 'Created' },
    expectedCloseDate: { kind: 'date', expr: leads.expectedCloseDate, description: 'Expected close date' },
    stageEnteredAt: { kind: 'date', expr: leads.stageEnteredAt, description: 'Entered its current stage' },
    convertedAt: { kind: 'date', expr: leads.convertedAt, description: 'Converted' },
    lostReason: { kind: 'text', expr: leads.lostReason, description: 'Lost reason (exact)' },
    reachedStageId: {
      kind: 'uuidSet',
      where: reachedStage,
      description:
        'Reached a stage: leads whose stage history has a stay in any of these stages (the current one included)',
    },
  },
  search: contactSearch,
  condition: 'lead',
};

/** The lead has (or had) a stay in one of these stages: EXISTS over its stage history (by lead). */
function reachedStage(ids: string[]): SQL {
  const h = leadStageHistory;
  return sql`exists (select 1 from ${h} where ${h.workspaceId} = ${leads.workspaceId} and ${h.leadId} = ${leads.id} and ${h.stageId} in (${sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  )}))`;
}

/** Lead and contact, as the list and its count join them (every lead has exactly one contact). */
const contactOn = and(eq(contacts.workspaceId, leads.workspaceId), eq(contacts.id, leads.contactId));

/**
 * Which leads the list pages through, as WHERE conditions over `leads` joined to its contact (search
 * and inherited custom fields read the contact): shared by the list and its count, so they agree.
 * Also the spec to sort with (a custom sort added).
 */
export async function leadListWhere(
  db: Db,
  ctx: Ctx,
  query: ListQuery,
): Promise<{ spec: ListSpec; where: SQL[] }> {
  // custom.<key> is a lead-level field or, inherited, the contact's (keys are unique across both).
  const custom = await customListParts(
    db,
    ctx,
    leadListSpec,
    { entity: 'lead', column: leads.custom, inherited: { entity: 'contact', column: contacts.custom } },
    query,
  );
  const deleted = deletedCondition(leads.deletedAt, query.deleted);
  return {
    spec: custom.spec,
    where: [
      eq(leads.workspaceId, ctx.workspaceId),
      ...(deleted ? [deleted] : []),
      ...filterConditions(custom.spec, query),
      ...custom.where,
      ...(await listConditionWhere(db, ctx, leadListSpec, query)),
    ],
  };
}

/** How many leads the list with these filters pages through (`limit`, `cursor` and `sort` ignored). */
export async function countLeads(db: Db, ctx: Ctx, query: ListQuery): Promise<number> {
  const { where } = await leadListWhere(db, ctx, { ...query, sort: leadListSpec.defaultSort });
  // A left join on the contact's primary key: the planner drops it when nothing reads the contact.
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(leads)
    .leftJoin(contacts, contactOn)
    .where(and(...where));
  return r?.n ?? 0;
}

/** Leads with their contact's fields; one indexed query per page (lead, contact and stage joined). */
export async function listLeads(db: Db, ctx: Ctx, query: ListQuery) {
  const { spec, where } = await leadListWhere(db, ctx, query);
  const rows = await db
    .select({
      lead: leadJson.select,
      contact: contactJson.select,
      stageName: stages.name,
      _sort: sortKeySelect(spec, query.sort),
    })
    .from(leads)
    .innerJoin(contacts, contactOn)
    .innerJoin(stages, and(eq(stages.workspaceId, leads.workspaceId), eq(stages.id, leads.stageId)))
    .where(and(...where, cursorCondition(spec, query)))
    .orderBy(listOrderBy(spec, query.sort))
    .limit(query.limit + 1);
  // The page is cut first (the extra row is not mapped), and leads are built without a `_sort` key to
  // delete afterwards (a deleted key makes an object slow to serialize).
  const page = toPage(
    rows.map((r) => ({ id: r.lead.id as string, _sort: r._sort, r })),
    query,
  );
  return {
    data: page.data.map(({ r }) =>
      toLead(
        // Timestamps stay the ISO text PostgreSQL formatted (toLead shows them as they are).
        r.lead as LeadRowLike,
        reviveRow<LeadContact>(r.contact, contactJson.timestamps),
        r.stageName,
      ),
    ),
    nextCursor: page.nextCursor,
  };
}
