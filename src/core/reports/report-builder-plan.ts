import { type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type {
  ConditionFields,
  ConditionTarget,
  FieldDef,
  RelatedTable,
  RootTable,
} from '../conditions/condition-fields.js';
import { toDecimal } from '../conditions/condition-values.js';
import type { FieldError } from '../shared/errors.js';
import {
  type BuilderColumn,
  type BuilderEntity,
  DATE_BUCKETS,
  type DateBucket,
  MEASURE_OPS,
  type MeasureOp,
} from './report-builder.schemas.js';

/**
 * The report builder's definition checked against the entity's condition fields: which dimensions and
 * measures, over which SQL expressions (the fields' own, so grouping, filtering and drills agree), and
 * how the report filters become condition leaves (for the query) and list parameters (for drills).
 */

export type EntityDef = {
  path: BuilderEntity;
  target: ConditionTarget;
  title: string;
  /** The condition fields the report filters apply to (null: the entity has none). */
  range: string;
  owner: string;
  pipeline: string | null;
  source: string;
  /** Which filters the entity's list takes as parameters (the rest go into the drill's condition). */
  params: { range: boolean; owner: boolean; ownerNone: boolean; pipeline: boolean; source: boolean };
};

export const ENTITIES: Record<BuilderEntity, EntityDef> = {
  leads: {
    path: 'leads',
    target: 'lead',
    title: 'Leads',
    range: 'createdAt',
    owner: 'ownerId',
    pipeline: 'pipelineId',
    source: 'source',
    params: { range: true, owner: true, ownerNone: true, pipeline: true, source: true },
  },
  contacts: {
    path: 'contacts',
    target: 'contact',
    title: 'Contacts',
    range: 'createdAt',
    owner: 'ownerId',
    pipeline: null,
    source: 'source',
    params: { range: true, owner: true, ownerNone: true, pipeline: false, source: true },
  },
  deals: {
    path: 'deals',
    target: 'deal',
    title: 'Deals',
    range: 'createdAt',
    owner: 'ownerId',
    pipeline: 'pipelineId',
    source: 'lead.source',
    params: { range: true, owner: true, ownerNone: true, pipeline: true, source: false },
  },
  activities: {
    path: 'activities',
    target: 'activity',
    title: 'Activities',
    range: 'occurredAt',
    owner: 'userId',
    pipeline: 'lead.pipelineId',
    source: 'lead.source',
    params: { range: true, owner: true, ownerNone: true, pipeline: false, source: false },
  },
  tasks: {
    path: 'tasks',
    target: 'task',
    title: 'Tasks',
    range: 'dueAt',
    owner: 'assigneeId',
    pipeline: 'lead.pipelineId',
    source: 'lead.source',
    params: { range: true, owner: true, ownerNone: true, pipeline: false, source: false },
  },
};

export type DimKind = 'text' | 'choice' | 'id' | 'boolean' | 'number' | 'date';
export type Dim = {
  key: string;
  label: string;
  field: FieldDef;
  kind: DimKind;
  bucket: DateBucket | null;
  /** Bin width of a number dimension (a canonical decimal string). */
  width: string | null;
  /** How a date dimension is stored: a timestamp, a date column, or a `YYYY-MM-DD` string in jsonb. */
  dateKind: 'timestamp' | 'date' | 'text' | null;
};
export type Measure = {
  key: string;
  label: string;
  op: MeasureOp;
  field: FieldDef | null;
  type: 'integer' | 'decimal' | 'number';
};

const KIND_OF: Partial<Record<FieldDef['type'], DimKind>> = {
  text: 'text',
  enum: 'choice',
  uuid: 'id',
  boolean: 'boolean',
  number: 'number',
  date: 'date',
  timestamp: 'date',
};

export type LabelSource = {
  /** Custom field labels and option labels by `<entity>.<key>`. */
  custom: Map<string, { label: string; options: Map<string, string> }>;
};

const RELATION_LABELS: Record<string, string> = { lead: 'Lead', contact: 'Contact', account: 'Account' };
const OP_LABELS: Record<MeasureOp, string> = {
  count: 'Count',
  sum: 'Sum',
  avg: 'Average',
  median: 'Median',
  min: 'Minimum',
  max: 'Maximum',
};

/** `dealValue` → `Deal value`, `ownerId` → `Owner`. */
export function humanize(name: string): string {
  const words = name
    .replace(/Id$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A field's display label: `Lead source`, `Contact country`, a custom field's own label. */
export function fieldLabel(name: string, entity: ConditionTarget, labels: LabelSource): string {
  const dot = name.indexOf('.');
  if (dot > 0) {
    const head = name.slice(0, dot);
    const rest = name.slice(dot + 1);
    if (head === 'custom') return labels.custom.get(`${entity}.${rest}`)?.label ?? rest;
    if (RELATION_LABELS[head]) {
      const inner = fieldLabel(rest, head as ConditionTarget, labels);
      return `${RELATION_LABELS[head]} ${rest.startsWith('custom.') ? inner : inner.toLowerCase()}`;
    }
    return name;
  }
  return humanize(name);
}

/** The custom field definition behind a field name (`custom.tier`, `lead.custom.tier`), if any. */
export function customKeyOf(name: string, entity: ConditionTarget): string | null {
  const m = /^(?:(lead|contact|account)\.)?custom\.(.+)$/.exec(name);
  return m ? `${m[1] ?? entity}.${m[2]}` : null;
}

type RawDim = { field?: unknown; bucket?: unknown; width?: unknown };
type RawMeasure = { op?: unknown; field?: unknown };

/** `createdAt:month` → {field, bucket}; `score:10` → {field, width}; `source` → {field}. */
function shortDim(s: string): RawDim {
  const i = s.lastIndexOf(':');
  if (i < 0) return { field: s };
  const suffix = s.slice(i + 1);
  return /^[0-9.]+$/.test(suffix)
    ? { field: s.slice(0, i), width: suffix }
    : { field: s.slice(0, i), bucket: suffix };
}
/** `count` → {op}; `sum:dealValue` → {op, field}. */
function shortMeasure(s: string): RawMeasure {
  const i = s.indexOf(':');
  return i < 0 ? { op: s } : { op: s.slice(0, i), field: s.slice(i + 1) };
}

const widthSchema = z.union([z.number(), z.string()]);

export function planDims(
  raw: readonly unknown[],
  fields: ConditionFields,
  labels: LabelSource,
  errors: FieldError[],
): Dim[] {
  const out: Dim[] = [];
  raw.forEach((item, i) => {
    const g: RawDim = typeof item === 'string' ? shortDim(item) : (item as RawDim);
    const at = `groupBy.${i}`;
    if (typeof g.field !== 'string' || g.field === '') {
      errors.push({ field: `${at}.field`, reason: 'is required (a field name)' });
      return;
    }
    const f = fields.resolve(g.field);
    if (typeof f === 'string') {
      errors.push({ field: `${at}.field`, reason: `${g.field} ${f}` });
      return;
    }
    const kind = KIND_OF[f.type];
    if (!kind) {
      errors.push({
        field: `${at}.field`,
        reason: `${g.field} is a multi-choice field; group by a text, choice, id, yes/no, number, date or timestamp field`,
      });
      return;
    }
    let bucket: DateBucket | null = null;
    let width: string | null = null;
    if (g.bucket !== undefined) {
      if (kind !== 'date')
        errors.push({
          field: `${at}.bucket`,
          reason: `only dates and timestamps take a bucket; ${g.field} is not one`,
        });
      else if (!DATE_BUCKETS.includes(g.bucket as DateBucket))
        errors.push({ field: `${at}.bucket`, reason: `must be one of ${DATE_BUCKETS.join(', ')}` });
      else bucket = g.bucket as DateBucket;
    }
    if (g.width !== undefined) {
      const w = widthSchema.safeParse(g.width).success ? toDecimal(g.width) : null;
      if (kind !== 'number')
        errors.push({
          field: `${at}.width`,
          reason: `only numbers take a width; ${g.field} is not a number field`,
        });
      else if (w === null || w.startsWith('-') || w === '0' || w.replace(/^[0-9]*\.?/, '').length > 6)
        errors.push({ field: `${at}.width`, reason: 'must be a positive number (at most 6 decimals)' });
      else width = w;
    }
    if (kind === 'date' && !bucket) bucket = 'day';
    const dateKind =
      kind !== 'date' ? null : f.type === 'timestamp' ? 'timestamp' : f.textOrder ? 'text' : 'date';
    const base = fieldLabel(g.field, fields.entity, labels);
    out.push({
      key: bucket ? `${g.field}:${bucket}` : width ? `${g.field}:${width}` : g.field,
      label: bucket ? `${base} (${bucket})` : width ? `${base} (bins of ${width})` : base,
      field: f,
      kind,
      bucket,
      width,
      dateKind,
    });
  });
  return out;
}

export function planMeasures(
  raw: readonly unknown[],
  fields: ConditionFields,
  labels: LabelSource,
  errors: FieldError[],
): Measure[] {
  const out: Measure[] = [];
  raw.forEach((item, i) => {
    const m: RawMeasure = typeof item === 'string' ? shortMeasure(item) : (item as RawMeasure);
    const at = `measures.${i}`;
    if (!MEASURE_OPS.includes(m.op as MeasureOp)) {
      errors.push({ field: `${at}.op`, reason: `must be one of ${MEASURE_OPS.join(', ')}` });
      return;
    }
    const op = m.op as MeasureOp;
    if (op === 'count') {
      if (m.field !== undefined) errors.push({ field: `${at}.field`, reason: 'count takes no field' });
      else out.push({ key: 'count', label: 'Count', op, field: null, type: 'integer' });
      return;
    }
    if (typeof m.field !== 'string' || m.field === '') {
      errors.push({ field: `${at}.field`, reason: `is required: ${op} of which number field` });
      return;
    }
    const f = fields.resolve(m.field);
    if (typeof f === 'string') {
      errors.push({ field: `${at}.field`, reason: `${m.field} ${f}` });
      return;
    }
    if (f.type !== 'number') {
      errors.push({ field: `${at}.field`, reason: `${op} needs a number field; ${m.field} is not one` });
      return;
    }
    const label = fieldLabel(m.field, fields.entity, labels);
    out.push({
      key: `${op}:${m.field}`,
      label: `${OP_LABELS[op]} of ${customKeyOf(m.field, fields.entity) ? label : label.toLowerCase()}`,
      op,
      field: f,
      type: op === 'avg' || op === 'median' ? 'number' : f.integer ? 'integer' : 'decimal',
    });
  });
  return out;
}

export const dimColumn = (d: Dim): BuilderColumn => ({
  key: d.key,
  label: d.label,
  kind: 'group',
  type: d.kind,
});
export const measureColumn = (m: Measure): BuilderColumn => ({
  key: m.key,
  label: m.label,
  kind: 'measure',
  type: m.type,
});

// ---- related fields by joins ----

export type JoinedFields = {
  /** The entity's condition fields, related ones (`lead.source`) read over joined tables. */
  fields: ConditionFields;
  /** The LEFT JOINs the fields resolved so far need, over the root table (call it after resolving). */
  joins(root: RootTable): SQL[];
};

/**
 * A report reads many rows: a field of a related record reached by a key (`lead.*` of an activity by
 * its `leadId`, `contact.*` of a lead) is read over a LEFT JOIN of that record's table instead of a
 * correlated subquery per row — the same value (the key selects at most one row), so grouping,
 * filtering and drills agree. Relations that are not one key (a lead's account) stay subqueries.
 */
export function joinedFields(base: ConditionFields): JoinedFields {
  const used = new Map<string, { table: RelatedTable; fk: string; name: string; alias: RootTable }>();
  const aliasOf = (r: NonNullable<FieldDef['related']>): RootTable => {
    const key = `${r.prefix}:${r.fk}`;
    let u = used.get(key);
    if (!u) {
      const name = `rb_${r.prefix}`;
      u = { table: r.table, fk: r.fk, name, alias: alias(r.table as never, name) as unknown as RootTable };
      used.set(key, u);
    }
    return u.alias;
  };
  return {
    fields: {
      entity: base.entity,
      fields: base.fields,
      resolve(name) {
        const f = base.resolve(name);
        if (typeof f === 'string' || !f.related) return f;
        // The join is registered when the field is resolved, before any SQL is built.
        const a = aliasOf(f.related);
        const inner = f.related.inner;
        return { ...f, sql: (_root, env) => inner.sql(a, env) };
      },
    },
    joins: (root) =>
      [...used.values()].map(
        (u) =>
          sql`left join ${u.table} ${sql.raw(`"${u.name}"`)} on ${u.alias.workspaceId} = ${root.workspaceId} and ${u.alias.id} = ${root[u.fk]}`,
      ),
  };
}
