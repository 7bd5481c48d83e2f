import { type Column, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { ACCOUNT_HEALTH, ACCOUNT_TYPES } from '../accounts/accounts.schemas.js';
import { CONTACT_STATUSES } from '../contacts/contacts.schemas.js';
import {
  ACTIVITY_TYPES,
  accounts,
  activities,
  contacts,
  type customFieldDefinitions,
  deals,
  LEAD_STATUSES,
  leads,
} from '../db/schema/index.js';
import { FORECAST_CATEGORIES } from '../deals/deals.schemas.js';
import { MARKETING_STAGES, PRIORITIES, TEMPERATURES, VALIDATION_STATUSES } from '../leads/leads.schemas.js';
import { normalizeEmail } from '../shared/normalize.js';
import {
  addDays,
  DATE_RE,
  DATE_SQL_RE,
  DECIMAL_SQL_RE,
  foldAscii,
  microsToIso,
  toMicros,
} from './condition-values.js';

/**
 * The field registry: for each entity, the names a condition may use, each with its type, how to read
 * it from an in-memory record (`get`) and the SQL expression of the same value (`sql`). Both evaluators
 * work from these definitions, so they cannot disagree about what a field is.
 */

export const CONDITION_ENTITIES = ['lead', 'contact', 'account', 'deal'] as const;
export type ConditionEntity = (typeof CONDITION_ENTITIES)[number];
export type FieldType = 'text' | 'number' | 'date' | 'timestamp' | 'boolean' | 'enum' | 'uuid' | 'array';

/**
 * A record as the evaluator reads it: the entity's row with camelCase keys (as Drizzle returns it;
 * timestamps as Dates or ISO strings, numerics as decimal strings, `custom` the jsonb object) plus
 * `contact` (lead: its contact; deal: its primary contact), `account` (lead: its converted account, else
 * its contact's account; contact and deal: their account) and `activities` ([{type, outcome,
 * occurredAt, deletedAt?}]). `loadConditionRecord` builds exactly this.
 */
export type ConditionRecord = Record<string, unknown>;
export type ConditionActivity = {
  type: string;
  outcome: string | null;
  occurredAt: string | Date;
  deletedAt?: string | Date | null;
};

export type FieldEnv = { nowMicros: bigint };
/** The root table of the compiled SQL (the entity's table, or an alias of it). */
export type RootTable = Record<string, Column>;

export type FieldDef = {
  name: string;
  type: FieldType;
  /** Allowed values of an enum (or of a multiselect's elements). */
  options?: readonly string[];
  /** False when the value is never missing (NOT NULL columns, counts). */
  nullable: boolean;
  /** A plain column of the root table: predicates stay index-friendly (`leads.status = $1`). */
  plain: boolean;
  /** An integer column: integral constants bind as plain parameters. */
  integer?: boolean;
  /** SQL cast of bound constants. */
  cast: '' | '::numeric' | '::date' | '::timestamptz' | '::uuid' | '::boolean';
  /** Ordered as text (COLLATE "C"): text fields and dates stored as text in jsonb. */
  textOrder: boolean;
  /** Applied to text constants before comparing (e.g. emails are stored lower-cased). */
  normalize?: (s: string) => string;
  get(rec: ConditionRecord, env: FieldEnv): unknown;
  sql(root: RootTable, env: FieldEnv): SQL;
  /** A custom field of the root entity: equality can use the GIN index on `custom` (`@>`). */
  container?: { column: (root: RootTable) => SQL; key: string };
};

export type CustomFieldDef = Pick<
  typeof customFieldDefinitions.$inferSelect,
  'entity' | 'key' | 'type' | 'options'
>;

const CAST: Record<FieldType, FieldDef['cast']> = {
  text: '',
  enum: '',
  array: '',
  number: '::numeric',
  date: '::date',
  timestamp: '::timestamptz',
  uuid: '::uuid',
  boolean: '::boolean',
};

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
const jsonText = (expr: SQL): SQL =>
  sql`(case when jsonb_typeof(${expr}) = 'string' then ${expr} #>> '{}' end)`;
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

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

// ---- custom fields ----

const CUSTOM_TYPES: Record<string, FieldType> = {
  text: 'text',
  url: 'text',
  email: 'text',
  phone: 'text',
  number: 'number',
  money: 'number',
  date: 'date',
  boolean: 'boolean',
  select: 'enum',
  multiselect: 'array',
};

/**
 * A custom field read from the `custom` jsonb. Only a value of the field's JSON type counts; any other
 * value is treated as missing, identically in memory and in SQL:
 * text/select: a string; number/money: a number or a decimal string; date: a "YYYY-MM-DD" string
 * (compared as text, which orders such dates correctly); boolean: true/false; multiselect: an array.
 */
function customField(def: CustomFieldDef): FieldDef {
  const type = CUSTOM_TYPES[def.type] ?? 'text';
  const key = def.key;
  const raw = (t: RootTable) => sql`(${t.custom} -> ${key}::text)`;
  const customValueOf = (r: ConditionRecord) => {
    const c = r.custom;
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>)[key] : undefined;
  };
  const base = {
    name: `custom.${key}`,
    type,
    options: def.options?.map((o) => o.value),
    nullable: true,
    plain: false,
    cast: type === 'date' ? ('' as const) : CAST[type],
    textOrder: type === 'text' || type === 'enum' || type === 'date',
  };
  switch (type) {
    case 'number':
      return {
        ...base,
        get: customValueOf,
        sql: (t) =>
          sql`(case jsonb_typeof(${raw(t)}) when 'number' then (${raw(t)})::numeric when 'string' then (case when (${raw(t)} #>> '{}') ~ ${sql.raw(`'${DECIMAL_SQL_RE}'`)} then (${raw(t)} #>> '{}')::numeric end) end)`,
      };
    case 'date':
      return {
        ...base,
        get: (r) => {
          const v = customValueOf(r);
          return typeof v === 'string' && DATE_RE.test(v) ? v : null;
        },
        sql: (t) =>
          sql`(case when jsonb_typeof(${raw(t)}) = 'string' and (${raw(t)} #>> '{}') ~ ${sql.raw(`'${DATE_SQL_RE}'`)} then ${raw(t)} #>> '{}' end)`,
      };
    case 'boolean':
      return {
        ...base,
        get: customValueOf,
        sql: (t) => sql`(case when jsonb_typeof(${raw(t)}) = 'boolean' then (${raw(t)})::boolean end)`,
        container: { column: (t) => sql`${t.custom}`, key },
      };
    case 'array':
      return {
        ...base,
        get: (r) => {
          const v = customValueOf(r);
          return Array.isArray(v) ? v : null;
        },
        sql: (t) => sql`(case when jsonb_typeof(${raw(t)}) = 'array' then ${raw(t)} end)`,
        container: { column: (t) => sql`${t.custom}`, key },
      };
    default:
      return {
        ...base,
        get: (r) => strOrNull(customValueOf(r)),
        sql: (t) => jsonText(raw(t)),
        container: { column: (t) => sql`${t.custom}`, key },
      };
  }
}

// ---- relations ----

type Relation = {
  /** Prefix in field names: `contact.` or `account.`. */
  prefix: 'contact' | 'account';
  /** The related record in memory. */
  get: (r: ConditionRecord) => unknown;
  /** A scalar subquery selecting `expr` (over the related table's alias) for the root row. */
  wrap: (root: RootTable, expr: (t: RootTable) => SQL) => SQL;
  target: RootTable;
};

const C = alias(contacts, 'cond_c') as unknown as RootTable;
const A = alias(accounts, 'cond_a') as unknown as RootTable;
const CA = alias(contacts, 'cond_ca') as unknown as RootTable;
const asTable = (t: unknown) => t as RootTable;

const contactOf = (fk: string): Relation => ({
  prefix: 'contact',
  get: (r) => r.contact,
  target: C,
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
  wrap: (root, expr) =>
    sql`(select ${expr(A)} from ${accounts} "cond_a" where ${A.workspaceId} = ${root.workspaceId} and ${A.id} = ${root[fk]})`,
});

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
  };
}

// ---- activity counts ----

const ACTIVITY_FK: Record<ConditionEntity, string> = {
  lead: 'leadId',
  contact: 'contactId',
  account: 'accountId',
  deal: 'dealId',
};
const ACT = alias(activities, 'cond_act') as unknown as RootTable;
const ACTIVITY_TYPE_LIST = [...ACTIVITY_TYPES].sort((a, b) => b.length - a.length);
const ACTIVITY_RE = /^activities\.([a-z0-9_]+)\.(count|last_([0-9]{1,4})d)$/;

/**
 * `activities.<what>.count` (all time) or `activities.<what>.last_<N>d` (occurred in [now − N days,
 * now]), where <what> is an activity type, `any`, or `<type>_<outcome>` (outcome compared to the word
 * case-insensitively, ASCII). Soft-deleted activities do not count.
 */
export function activityField(entity: ConditionEntity, name: string): FieldDef | string {
  const m = ACTIVITY_RE.exec(name);
  if (!m) return 'must be activities.<type>.count or activities.<type>.last_<N>d';
  const what = m[1]!;
  const days = m[3] === undefined ? null : Number(m[3]);
  if (days !== null && (days < 1 || days > 3650)) return 'the window must be 1 to 3650 days (last_<N>d)';
  let type: string | null = null;
  let outcome: string | null = null;
  for (const t of ['any', ...ACTIVITY_TYPE_LIST]) {
    if (what === t) {
      type = t;
      break;
    }
    if (what.startsWith(`${t}_`) && what.length > t.length + 1) {
      type = t;
      outcome = what.slice(t.length + 1);
      break;
    }
  }
  if (!type)
    return `the activity type must be any or one of ${ACTIVITY_TYPES.join(', ')} (optionally _<outcome>)`;
  const fk = ACTIVITY_FK[entity];
  const windowOf = (env: FieldEnv) =>
    days === null ? null : { from: addDays(env.nowMicros, -days), to: env.nowMicros };
  return {
    name,
    type: 'number',
    nullable: false,
    plain: false,
    cast: '::numeric',
    textOrder: false,
    get: (r, env) => {
      const list = Array.isArray(r.activities) ? (r.activities as ConditionActivity[]) : [];
      const w = windowOf(env);
      let n = 0;
      for (const a of list) {
        if (a.deletedAt) continue;
        if (type !== 'any' && a.type !== type) continue;
        if (outcome !== null && (typeof a.outcome !== 'string' || foldAscii(a.outcome) !== outcome)) continue;
        if (w) {
          const at = toMicros(a.occurredAt);
          if (at === null || at < w.from || at > w.to) continue;
        }
        n++;
      }
      return n;
    },
    sql: (root, env) => {
      const w = windowOf(env);
      return sql`(select count(*) from ${activities} "cond_act" where ${ACT.workspaceId} = ${root.workspaceId} and ${ACT[fk]} = ${root.id} and ${ACT.deletedAt} is null${
        type === 'any' ? sql`` : sql` and ${ACT.type} = ${type}`
      }${outcome === null ? sql`` : sql` and lower(${ACT.outcome} collate "C") = ${outcome}`}${
        w
          ? sql` and ${ACT.occurredAt} >= ${microsToIso(w.from)}::timestamptz and ${ACT.occurredAt} <= ${microsToIso(w.to)}::timestamptz`
          : sql``
      })`;
    },
  };
}

// ---- the registry ----

const OWN: Record<ConditionEntity, () => FieldDef[]> = {
  lead: leadColumns,
  contact: contactColumns,
  account: accountColumns,
  deal: dealColumns,
};

const RELATIONS: Record<ConditionEntity, Relation[]> = {
  lead: [contactOf('contactId'), leadAccount],
  contact: [accountOf('accountId')],
  account: [],
  deal: [contactOf('primaryContactId'), accountOf('accountId')],
};

/** Flat contact fields of a lead (as the lead API shows them) are the contact's. */
const LEAD_ALIASES = ['firstName', 'lastName', 'email', 'phone', 'company', 'jobTitle', ...ADDRESS_PARTS];

export type ConditionFields = {
  entity: ConditionEntity;
  /** Every static field (activity fields are resolved by pattern). */
  fields: Map<string, FieldDef>;
  /** The field of that name, or the reason it does not exist. */
  resolve(name: string): FieldDef | string;
};

/** The registry of one entity, given the workspace's custom field definitions (any entity). */
export function conditionFields(
  entity: ConditionEntity,
  customDefs: readonly CustomFieldDef[],
): ConditionFields {
  const fields = new Map<string, FieldDef>();
  const ownOf = (e: ConditionEntity) => [
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
      if (name.startsWith('custom.') || name.includes('.custom.'))
        return `is not a custom field of ${name.startsWith('custom.') ? entity : name.split('.')[0]}s`;
      return `is not a known ${entity} field`;
    },
  };
}

export const tableOf: Record<ConditionEntity, RootTable> = {
  lead: asTable(leads),
  contact: asTable(contacts),
  account: asTable(accounts),
  deal: asTable(deals),
};
