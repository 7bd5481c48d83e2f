import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { ConditionTarget, CustomFieldDef } from '../conditions/condition-fields.js';
import type { Db } from '../db/client.js';
import {
  accounts,
  contacts,
  customFieldDefinitions,
  deals,
  leads,
  memberships,
  pipelines,
  stages,
  users,
} from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { customKeyOf, type Dim, humanize, type LabelSource } from './report-builder-plan.js';

/**
 * Display labels of the builder's group values: names of the users, stages, pipelines, accounts,
 * contacts, leads and deals behind id dimensions (looked up in the caller's workspace, at most one query
 * per id dimension), option labels of custom choice fields, and readable enum values.
 */

export type CustomDefRow = CustomFieldDef & { label: string };

/** The workspace's custom field definitions (archived ones too) with their labels. */
export async function loadCustomDefsWithLabels(db: Db, ctx: Ctx): Promise<CustomDefRow[]> {
  return db
    .select({
      entity: customFieldDefinitions.entity,
      key: customFieldDefinitions.key,
      type: customFieldDefinitions.type,
      label: customFieldDefinitions.label,
      options: customFieldDefinitions.options,
    })
    .from(customFieldDefinitions)
    .where(eq(customFieldDefinitions.workspaceId, ctx.workspaceId));
}

export function labelSource(defs: CustomDefRow[]): LabelSource {
  const custom: LabelSource['custom'] = new Map();
  for (const d of defs)
    custom.set(`${d.entity}.${d.key}`, {
      label: d.label,
      options: new Map((d.options ?? []).map((o) => [o.value, o.label])),
    });
  return { custom };
}

const contactName = (c: typeof contacts) =>
  sql<string>`coalesce(nullif(trim(concat_ws(' ', ${c.firstName}, ${c.lastName})), ''), ${c.companyName}, ${c.primaryEmail}, 'Contact')`;

type Lookup = (db: Db, ctx: Ctx, ids: string[]) => Promise<{ id: string; label: string }[]>;

const byUser: Lookup = (db, ctx, ids) =>
  db
    .select({ id: users.id, label: users.name })
    .from(users)
    .innerJoin(
      memberships,
      and(eq(memberships.userId, users.id), eq(memberships.workspaceId, ctx.workspaceId)),
    )
    .where(inArray(users.id, ids));

const byStage: Lookup = async (db, ctx, ids) => {
  const rows = await db
    .select({ id: stages.id, stage: stages.name, pipeline: pipelines.name, pipelineId: pipelines.id })
    .from(stages)
    .innerJoin(
      pipelines,
      and(eq(pipelines.workspaceId, stages.workspaceId), eq(pipelines.id, stages.pipelineId)),
    )
    .where(and(eq(stages.workspaceId, ctx.workspaceId), inArray(stages.id, ids)));
  // Stage names repeat across pipelines: name the pipeline when the stages shown span several.
  const several = new Set(rows.map((r) => r.pipelineId)).size > 1;
  return rows.map((r) => ({ id: r.id, label: several ? `${r.stage} (${r.pipeline})` : r.stage }));
};

const simple =
  (table: typeof pipelines | typeof accounts | typeof deals, label: SQL<string>): Lookup =>
  (db, ctx, ids) =>
    db
      .select({ id: table.id, label })
      .from(table)
      .where(and(eq(table.workspaceId, ctx.workspaceId), inArray(table.id, ids)));

const byContact: Lookup = (db, ctx, ids) =>
  db
    .select({ id: contacts.id, label: contactName(contacts) })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, ctx.workspaceId), inArray(contacts.id, ids)));

const byLead: Lookup = (db, ctx, ids) =>
  db
    .select({
      id: leads.id,
      label: sql<string>`coalesce(nullif(${leads.title}, ''), ${contactName(contacts)})`,
    })
    .from(leads)
    .innerJoin(contacts, and(eq(contacts.workspaceId, leads.workspaceId), eq(contacts.id, leads.contactId)))
    .where(and(eq(leads.workspaceId, ctx.workspaceId), inArray(leads.id, ids)));

/** Which lookup names the ids of a field, by the field's last name segment. */
const LOOKUPS: Record<string, Lookup> = {
  ownerId: byUser,
  userId: byUser,
  assigneeId: byUser,
  completedBy: byUser,
  createdBy: byUser,
  stageId: byStage,
  pipelineId: simple(pipelines, sql<string>`${pipelines.name}`),
  accountId: simple(accounts, sql<string>`${accounts.name}`),
  convertedAccountId: simple(accounts, sql<string>`${accounts.name}`),
  dealId: simple(deals, sql<string>`${deals.name}`),
  convertedDealId: simple(deals, sql<string>`${deals.name}`),
  contactId: byContact,
  primaryContactId: byContact,
  leadId: byLead,
  originLeadId: byLead,
};

/** Labels of the ids of an id dimension (ids of records in other workspaces never resolve). */
export async function idLabels(db: Db, ctx: Ctx, d: Dim, ids: string[]): Promise<Map<string, string>> {
  const lookup = LOOKUPS[d.field.name.split('.').pop()!];
  if (!lookup || ids.length === 0) return new Map();
  const rows = await lookup(db, ctx, ids);
  return new Map(rows.map((r) => [r.id, r.label]));
}

/** The display label of one group value of a dimension (ids are resolved by `idLabels`). */
export function valueLabel(
  d: Dim,
  entity: ConditionTarget,
  labels: LabelSource,
  key: string | boolean | null,
  ids: Map<string, string> | undefined,
): string {
  if (key === null) return '(none)';
  if (typeof key === 'boolean') return key ? 'Yes' : 'No';
  switch (d.kind) {
    case 'id':
      return ids?.get(key) ?? key;
    case 'choice': {
      const custom = customKeyOf(d.field.name, entity);
      if (custom) return labels.custom.get(custom)?.options.get(key) ?? key;
      return humanize(key);
    }
    default:
      return key;
  }
}
