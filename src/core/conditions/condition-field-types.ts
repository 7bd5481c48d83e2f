import { type Column, type SQL, sql, type Table } from 'drizzle-orm';
import type { customFieldDefinitions } from '../db/schema/index.js';

/** The types shared by the field registry, the evaluator and the SQL compiler. */

/** Records with a timeline: they take `activities.*` counts and are what `contact.*`/`account.*` reach. */
export const CONDITION_ENTITIES = ['lead', 'contact', 'account', 'deal'] as const;
export type ConditionEntity = (typeof CONDITION_ENTITIES)[number];
/** Timeline entries and follow-ups: their own columns plus their lead's, contact's and account's fields. */
export const WORK_ENTITIES = ['activity', 'task'] as const;
export type WorkEntity = (typeof WORK_ENTITIES)[number];
/** Every entity a condition can be written for. */
export const CONDITION_TARGETS = [...CONDITION_ENTITIES, ...WORK_ENTITIES] as const;
export type ConditionTarget = ConditionEntity | WorkEntity;
export type FieldType = 'text' | 'number' | 'date' | 'timestamp' | 'boolean' | 'enum' | 'uuid' | 'array';

/**
 * A record as the evaluator reads it: the entity's row with camelCase keys (as Drizzle returns it;
 * timestamps as Dates or ISO strings, numerics as decimal strings, `custom` the jsonb object) plus
 * `contact` (lead: its contact; deal: its primary contact; activity and task: theirs), `account` (lead:
 * its converted account, else its contact's account; contact and deal: their account; activity: its
 * own account, else its contact's; task: its contact's), `lead` (activity and task: theirs; deal: its
 * origin lead) and, for leads, contacts, accounts and deals, `activities` ([{type, outcome, occurredAt,
 * deletedAt?}]). `loadConditionRecord` builds exactly this.
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
  /**
   * A field of the record a key of the root names (`lead.source` by `leadId`): `sql` reaches it by a
   * correlated subquery; a set-based query over many rows (a report) may instead left-join `table` on
   * its (workspace_id, id) = the root's (workspace_id, `fk`) and read `inner` over the joined table —
   * the same value, since the key selects at most one row.
   */
  related?: { prefix: string; table: RelatedTable; fk: string; inner: FieldDef };
};

/** A related table (contacts, accounts, leads). */
export type RelatedTable = Table & { workspaceId: Column; id: Column };

export type CustomFieldDef = Pick<
  typeof customFieldDefinitions.$inferSelect,
  'entity' | 'key' | 'type' | 'options'
>;

/** SQL cast of bound constants, per field type. */
export const CAST: Record<FieldType, FieldDef['cast']> = {
  text: '',
  enum: '',
  array: '',
  number: '::numeric',
  date: '::date',
  timestamp: '::timestamptz',
  uuid: '::uuid',
  boolean: '::boolean',
};

/** A text value inside a jsonb value; only a JSON string counts (anything else is missing). */
export const jsonText = (expr: SQL): SQL =>
  sql`(case when jsonb_typeof(${expr}) = 'string' then ${expr} #>> '{}' end)`;
export const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
