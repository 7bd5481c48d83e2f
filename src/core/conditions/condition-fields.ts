import { type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { ACCOUNT_HEALTH, ACCOUNT_TYPES } from '../accounts/accounts.schemas.js';
import { CONTACT_STATUSES } from '../contacts/contacts.schemas.js';
import {
  ACTIVITY_TYPES,
  accounts,
  activities,
  contacts,
  deals,
  LEAD_STATUSES,
  leads,
  TASK_PRIORITIES,
  TASK_STATUSES,
  TASK_TYPES,
  tasks,
} from '../db/schema/index.js';
import { FORECAST_CATEGORIES } from '../deals/deals.schemas.js';
import { MARKETING_STAGES, PRIORITIES, TEMPERATURES, VALIDATION_STATUSES } from '../leads/leads.schemas.js';
import { normalizeEmail } from '../shared/normalize.js';
import { activityField } from './condition-activity-fields.js';
import { customField } from './condition-custom-fields.js';
import {
  CAST,
  type ConditionRecord,
  type ConditionTarget,
  type CustomFieldDef,
  type FieldDef,
  type FieldType,
  jsonText,
  type RelatedTable,
  type RootTable,
  strOrNull,
} from './condition-field-types.js';

export { activityField } from './condition-activity-fields.js';
export * from './condition-field-types.js';

/**
 * The field registry: for each entity, the names a condition may use, each with its type, how to read
 * it from an in-memory record (`get`) and the SQL expression of the same value (`sql`). Both evaluators
 * work from these definitions, so they cannot disagree about what a field is. Custom fields are in
 * condition-custom-fields.ts, activity counts in condition-activity-fields.ts.
 */

type ColumnOpts = { nullable?: boolean; options?: readonly string[]; integer?: boolean; key?: string };

/** A field that is a column of the entity's table. */
function column(name: string, type: FieldType, o: ColumnOpts = {}): FieldDef {
  const key = o.key ?? name;
  return {
    name,
    type,
    options: o.options,
    nullable: o.nullable ?? true,
    plain: true,
    integer: o.integer,
    cast: CAST[type],
    textOrder: type === 'text' || type === 'enum',
    get: (r) => r[key],
    sql: (t) => sql`${t[key]}`,
  };
}

/** A text value inside a jsonb column; only a JSON string counts (anything else is missing). */
function derived(name: string, type: FieldType, get: FieldDef['get'], build: FieldDef['sql']): FieldDef {
  return {
    name,
    type,
    nullable: true,
    plain: false,
    cast: CAST[type],
    textOrder: type === 'text' || type === 'enum',
    get,
    sql: build,
  };
}

const ADDRESS_PARTS = ['street1', 'street2', 'city', 'state', 'postcode', 'country'] as const;

const common = (): FieldDef[] => [
  column('externalId', 'text'),
  column('ownerId', 'uuid'),
  column('createdAt', 'timestamp', { nullable: false }),
  column('updatedAt', 'timestamp', { nullable: false }),
];

function leadColumns(): FieldDef[] {
  return [
    ...common(),
    ...[
      'title',
      'productInterest',
      'source',
      'campaign',
      'medium',
      'term',
      'referrer',
      'landingPage',
      'formName',
      'budgetRange',
      'authorityLevel',
      'timeline',
      'lostReason',
    ].map((n) => column(n, 'text')),
    column('contactId', 'uuid', { nullable: false }),
    column('pipelineId', 'uuid', { nullable: false }),
    column('stageId', 'uuid', { nullable: false }),
    column('status', 'enum', { nullable: false, options: LEAD_STATUSES }),
    column('priority', 'enum', { nullable: false, options: PRIORITIES }),
    column('temperature', 'enum', { options: TEMPERATURES }),
    column('marketingStage', 'enum', { options: MARKETING_STAGES }),
    column('validationStatus', 'enum', { options: VALIDATION_STATUSES }),
    column('score', 'number', { nullable: false, integer: true }),
    column('spamScore', 'number', { integer: true }),
    column('predictedProbability', 'number'),
    column('dealValue', 'number'),
    column('expectedCloseDate', 'date'),
    column('stageEnteredAt', 'timestamp', { nullable: false }),
    column('convertedAt', 'timestamp'),
    column('convertedAccountId', 'uuid'),
    column('convertedDealId', 'uuid'),
    column('isDuplicate', 'boolean', { nullable: false }),
    column('autoCreatedFromContact', 'boolean', { nullable: false }),
  ];
}

function contactColumns(): FieldDef[] {
  const firstOf = (arr: unknown, key: string) => (Array.isArray(arr) ? strOrNull(arr[0]?.[key]) : null);
  return [
    ...common(),
    ...[
      'firstName',
      'lastName',
      'companyName',
      'jobTitle',
      'department',
      'role',
      'preferredChannel',
      'source',
    ].map((n) => column(n, 'text')),
    column('company', 'text', { key: 'companyName' }),
    column('influence', 'enum', { options: ['high', 'medium', 'low'] }),
    column('status', 'enum', { nullable: false, options: CONTACT_STATUSES }),
    column('accountId', 'uuid'),
    column('isPrimaryContact', 'boolean', { nullable: false }),
    column('gdprConsent', 'boolean', { nullable: false }),
    column('doNotContact', 'boolean', { nullable: false }),
    column('isConvertedFromLead', 'boolean', { nullable: false }),
    column('optInAt', 'timestamp'),
    column('conversionDate', 'timestamp'),
    // The primary email as stored (trimmed, lower-cased): constants are normalized the same way.
    {
      ...derived(
        'email',
        'text',
        (r) => firstOf(r.emails, 'normalized'),
        (t) => sql`${t.primaryEmail}`,
      ),
      normalize: normalizeEmail,
    },
    derived(
      'phone',
      'text',
      (r) => firstOf(r.phones, 'e164'),
      (t) => sql`${t.primaryPhone}`,
    ),
    // Address parts of the first address.
    ...ADDRESS_PARTS.map((p) =>
      derived(
        p,
        'text',
        (r) => firstOf(r.addresses, p),
        (t) => jsonText(sql`(${t.addresses} -> 0 -> ${p}::text)`),
      ),
    ),
  ];
}

function accountColumns(): FieldDef[] {
  return [
    ...common(),
    ...[
      'name',
      'domain',
      'website',
      'phone',
      'industry',
      'companySize',
      'taxId',
      'lifecycleStage',
      'description',
    ].map((n) => column(n, 'text')),
    column('accountType', 'enum', { options: ACCOUNT_TYPES }),
    column('health', 'enum', { options: ACCOUNT_HEALTH }),
    column('annualRevenue', 'number'),
    ...ADDRESS_PARTS.map((p) =>
      derived(
        p,
        'text',
        (r) =>
          r.address && typeof r.address === 'object'
            ? strOrNull((r.address as Record<string, unknown>)[p])
            : null,
        (t) => jsonText(sql`(${t.address} -> ${p}::text)`),
      ),
    ),
  ];
}

function dealColumns(): FieldDef[] {
  return [
    ...common(),
    column('name', 'text', { nullable: false }),
    column('currency', 'text', { nullable: false }),
    column('description', 'text'),
    column('accountId', 'uuid'),
    column('primaryContactId', 'uuid'),
    column('originLeadId', 'uuid'),
    column('pipelineId', 'uuid', { nullable: false }),
    column('stageId', 'uuid', { nullable: false }),
    column('amount', 'number'),
    column('forecastCategory', 'enum', { options: FORECAST_CATEGORIES }),
    column('closeDate', 'date'),
  ];
}

function activityColumns(): FieldDef[] {
  return [
    column('type', 'enum', { nullable: false, options: ACTIVITY_TYPES }),
    column('subject', 'text'),
    column('body', 'text'),
    column('outcome', 'text'),
    column('durationMinutes', 'number', { integer: true }),
    column('occurredAt', 'timestamp', { nullable: false }),
    column('userId', 'uuid'),
    column('leadId', 'uuid'),
    column('contactId', 'uuid'),
    column('dealId', 'uuid'),
    column('accountId', 'uuid'),
    column('createdAt', 'timestamp', { nullable: false }),
    column('updatedAt', 'timestamp', { nullable: false }),
  ];
}

function taskColumns(): FieldDef[] {
  return [
    column('title', 'text', { nullable: false }),
    column('description', 'text'),
    column('type', 'enum', { nullable: false, options: TASK_TYPES }),
    column('priority', 'enum', { nullable: false, options: TASK_PRIORITIES }),
    column('status', 'enum', { nullable: false, options: TASK_STATUSES }),
    column('dueAt', 'timestamp'),
    column('remindAt', 'timestamp'),
    column('completedAt', 'timestamp'),
    column('assigneeId', 'uuid'),
    column('leadId', 'uuid'),
    column('contactId', 'uuid'),
    column('dealId', 'uuid'),
    column('completedBy', 'uuid'),
    column('createdBy', 'uuid'),
    column('createdAt', 'timestamp', { nullable: false }),
    column('updatedAt', 'timestamp', { nullable: false }),
  ];
}

// ---- relations ----

type Relation = {
  /** Prefix in field names: `contact.`, `account.` or `lead.`. */
  prefix: 'contact' | 'account' | 'lead';
  /** The related record in memory. */
  get: (r: ConditionRecord) => unknown;
  /** A scalar subquery selecting `expr` (over the related table's alias) for the root row. */
  wrap: (root: RootTable, expr: (t: RootTable) => SQL) => SQL;
  target: RootTable;
  /** When the related record is the one a key of the root names: the table and the key (for joins). */
  byKey?: { table: RelatedTable; fk: string };
};

const C = alias(contacts, 'cond_c') as unknown as RootTable;
const A = alias(accounts, 'cond_a') as unknown as RootTable;
const CA = alias(contacts, 'cond_ca') as unknown as RootTable;
const L = alias(leads, 'cond_l') as unknown as RootTable;
const asTable = (t: unknown) => t as RootTable;

const contactOf = (fk: string): Relation => ({
  prefix: 'contact',
  get: (r) => r.contact,
  target: C,
  byKey: { table: contacts, fk },
  wrap: (root, expr) =>
    sql`(select ${expr(C)} from ${contacts} "cond_c" where ${C.workspaceId} = ${root.workspaceId} and ${C.id} = ${root[fk]})`,
});

/** The account of a lead: its converted account when converted, else its contact's account. */
const leadAccount: Relation = {
  prefix: 'account',
  get: (r) => r.account,
  target: A,
  wrap: (root, expr) =>
    sql`(select ${expr(A)} from ${accounts} "cond_a" where ${A.workspaceId} = ${root.workspaceId} and ${A.id} = coalesce(${root.convertedAccountId}, (select ${CA.accountId} from ${contacts} "cond_ca" where ${CA.workspaceId} = ${root.workspaceId} and ${CA.id} = ${root.contactId})))`,
};

const accountOf = (fk: string): Relation => ({
  prefix: 'account',
  get: (r) => r.account,
  target: A,
  byKey: { table: accounts, fk },
  wrap: (root, expr) =>
    sql`(select ${expr(A)} from ${accounts} "cond_a" where ${A.workspaceId} = ${root.workspaceId} and ${A.id} = ${root[fk]})`,
});

/** The lead of an activity or a task (`leadId`), the origin lead of a deal (`originLeadId`). */
const leadOf = (fk: string): Relation => ({
  prefix: 'lead',
  get: (r) => r.lead,
  target: L,
  byKey: { table: leads, fk },
  wrap: (root, expr) =>
    sql`(select ${expr(L)} from ${leads} "cond_l" where ${L.workspaceId} = ${root.workspaceId} and ${L.id} = ${root[fk]})`,
});

/** The account of an activity: its own account when it has one, else its contact's account. */
const activityAccount: Relation = {
  prefix: 'account',
  get: (r) => r.account,
  target: A,
  wrap: (root, expr) =>
    sql`(select ${expr(A)} from ${accounts} "cond_a" where ${A.workspaceId} = ${root.workspaceId} and ${A.id} = coalesce(${root.accountId}, (select ${CA.accountId} from ${contacts} "cond_ca" where ${CA.workspaceId} = ${root.workspaceId} and ${CA.id} = ${root.contactId})))`,
};

/** The account of a task: its contact's account. */
const contactAccount: Relation = {
  prefix: 'account',
  get: (r) => r.account,
  target: A,
  wrap: (root, expr) =>
    sql`(select ${expr(A)} from ${accounts} "cond_a" where ${A.workspaceId} = ${root.workspaceId} and ${A.id} = (select ${CA.accountId} from ${contacts} "cond_ca" where ${CA.workspaceId} = ${root.workspaceId} and ${CA.id} = ${root.contactId}))`,
};

function through(rel: Relation, f: FieldDef): FieldDef {
  return {
    ...f,
    name: `${rel.prefix}.${f.name}`,
    // The related record may be missing (a lead without an account): every field through it may be.
    nullable: true,
    plain: false,
    container: undefined,
    get: (r, env) => {
      const related = rel.get(r);
      return related && typeof related === 'object' ? f.get(related as ConditionRecord, env) : null;
    },
    sql: (root, env) => rel.wrap(root, (t) => f.sql(t, env)),
    related: rel.byKey && { prefix: rel.prefix, ...rel.byKey, inner: f },
  };
}

// ---- the registry ----

const OWN: Record<ConditionTarget, () => FieldDef[]> = {
  lead: leadColumns,
  contact: contactColumns,
  account: accountColumns,
  deal: dealColumns,
  activity: activityColumns,
  task: taskColumns,
};

const RELATIONS: Record<ConditionTarget, Relation[]> = {
  lead: [contactOf('contactId'), leadAccount],
  contact: [accountOf('accountId')],
  account: [],
  deal: [contactOf('primaryContactId'), accountOf('accountId'), leadOf('originLeadId')],
  activity: [leadOf('leadId'), contactOf('contactId'), activityAccount],
  task: [leadOf('leadId'), contactOf('contactId'), contactAccount],
};

/** Plural nouns for messages. */
export const PLURALS: Record<ConditionTarget, string> = {
  lead: 'leads',
  contact: 'contacts',
  account: 'accounts',
  deal: 'deals',
  activity: 'activities',
  task: 'tasks',
};
const isWork = (e: ConditionTarget): e is 'activity' | 'task' => e === 'activity' || e === 'task';

/** Flat contact fields of a lead (as the lead API shows them) are the contact's. */
const LEAD_ALIASES = ['firstName', 'lastName', 'email', 'phone', 'company', 'jobTitle', ...ADDRESS_PARTS];

export type ConditionFields = {
  entity: ConditionTarget;
  /** Every static field (activity fields are resolved by pattern). */
  fields: Map<string, FieldDef>;
  /** The field of that name, or the reason it does not exist. */
  resolve(name: string): FieldDef | string;
};

/** The registry of one entity, given the workspace's custom field definitions (any entity). */
export function conditionFields(
  entity: ConditionTarget,
  customDefs: readonly CustomFieldDef[],
): ConditionFields {
  const fields = new Map<string, FieldDef>();
  const ownOf = (e: ConditionTarget) => [
    ...OWN[e](),
    ...customDefs.filter((d) => d.entity === e).map(customField),
  ];
  for (const f of ownOf(entity)) fields.set(f.name, f);
  for (const rel of RELATIONS[entity])
    for (const f of ownOf(rel.prefix)) fields.set(`${rel.prefix}.${f.name}`, through(rel, f));
  if (entity === 'lead')
    for (const a of LEAD_ALIASES) {
      const f = fields.get(`contact.${a}`)!;
      fields.set(a, { ...f, name: a });
    }
  return {
    entity,
    fields,
    resolve(name) {
      const f = fields.get(name);
      if (f) return f;
      if (name.startsWith('activities.')) return activityField(entity, name);
      if (name.startsWith('custom.') || name.includes('.custom.')) {
        if (name.startsWith('custom.') && isWork(entity))
          return `is not a field: ${PLURALS[entity]} have no custom fields`;
        return `is not a custom field of ${name.startsWith('custom.') ? PLURALS[entity] : `${name.split('.')[0]}s`}`;
      }
      return `is not a known ${entity} field`;
    },
  };
}

export const tableOf: Record<ConditionTarget, RootTable> = {
  lead: asTable(leads),
  contact: asTable(contacts),
  account: asTable(accounts),
  deal: asTable(deals),
  activity: asTable(activities),
  task: asTable(tasks),
};
