import { and, eq, sql } from 'drizzle-orm';
import { contactSearch } from '../contacts/contacts.service.js';
import { customListParts } from '../custom-fields/custom-list.js';
import type { Db } from '../db/client.js';
import { contacts, LEAD_STATUSES, leads, stages } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { jsonRow, reviveRow, tableColumns } from '../shared/json-row.js';
import {
  deletedCondition,
  type ListQuery,
  type ListSpec,
  listConditions,
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
  },
  search: contactSearch,
};

/** Leads with their contact's fields; one indexed query per page (lead, contact and stage joined). */
export async function listLeads(db: Db, ctx: Ctx, query: ListQuery) {
  // custom.<key> is a lead-level field or, inherited, the contact's (keys are unique across both).
  const custom = await customListParts(
    db,
    ctx,
    leadListSpec,
    { entity: 'lead', column: leads.custom, inherited: { entity: 'contact', column: contacts.custom } },
    query,
  );
  const rows = await db
    .select({
      lead: leadJson.select,
      contact: contactJson.select,
      stageName: stages.name,
      _sort: sortKeySelect(custom.spec, query.sort),
    })
    .from(leads)
    .innerJoin(contacts, and(eq(contacts.workspaceId, leads.workspaceId), eq(contacts.id, leads.contactId)))
    .innerJoin(stages, and(eq(stages.workspaceId, leads.workspaceId), eq(stages.id, leads.stageId)))
    .where(
      and(
        eq(leads.workspaceId, ctx.workspaceId),
        deletedCondition(leads.deletedAt, query.deleted),
        ...listConditions(custom.spec, query),
        ...custom.where,
      ),
    )
    .orderBy(listOrderBy(custom.spec, query.sort))
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
