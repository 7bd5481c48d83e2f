import type { Condition } from '../conditions/conditions.schemas.js';
import type { FieldError } from '../shared/errors.js';
import type { DateBucket } from './report-builder.schemas.js';
import type { Dim, EntityDef } from './report-builder-plan.js';
import type { Drill, ReportScope } from './report-filters.js';

/**
 * How the report builder's filters and groups become list queries: the report filters as condition
 * leaves (what the report's statement applies) and as the entity list's own parameters where it has
 * them (the rest go into the drill's condition), and each group's values as condition leaves.
 */

// ---- report filters as condition leaves and list parameters ----

export type FilterParts = {
  /** Every filter as condition leaves: what the query applies. */
  leaves: Condition[];
  /** The filters the entity's list takes as parameters, for drills. */
  params: Record<string, string>;
  /** The filters it does not take, as condition leaves, for drills. */
  drillLeaves: Condition[];
};

export function filterParts(def: EntityDef, scope: ReportScope, errors: FieldError[]): FilterParts {
  const out: FilterParts = { leaves: [], params: {}, drillLeaves: [] };
  const add = (leaf: Condition, asParam: boolean, params: Record<string, string>) => {
    out.leaves.push(leaf);
    if (asParam) Object.assign(out.params, params);
    else out.drillLeaves.push(leaf);
  };
  if (scope.fromTs)
    add({ field: def.range, op: 'gte', value: scope.fromTs }, def.params.range, {
      [`${def.range}From`]: scope.fromTs,
    });
  if (scope.toTs)
    add({ field: def.range, op: 'lt', value: scope.toTs }, def.params.range, {
      [`${def.range}To`]: scope.toTs,
    });
  if (scope.ownerIds) {
    const ids = scope.ownerIds.filter((o) => o !== 'none');
    const none = scope.ownerIds.includes('none');
    const anyOf: Condition[] = [];
    if (ids.length) anyOf.push({ field: def.owner, op: 'in', value: ids });
    if (none) anyOf.push({ field: def.owner, op: 'is_empty' });
    const leaf: Condition = anyOf.length === 1 ? anyOf[0]! : { any: anyOf };
    add(leaf, def.params.owner && (def.params.ownerNone || !none), { [def.owner]: scope.ownerIds.join(',') });
  }
  if (scope.pipelineId) {
    if (!def.pipeline)
      errors.push({
        field: 'filters.pipelineId',
        reason: `${def.path} have no pipeline; leave it out (or filter their leads' pipeline in a leads report)`,
      });
    else
      add({ field: def.pipeline, op: 'eq', value: scope.pipelineId }, def.params.pipeline, {
        pipelineId: scope.pipelineId,
      });
  }
  if (scope.sources)
    add({ field: def.source, op: 'in', value: scope.sources }, def.params.source, {
      source: scope.sources.join(','),
    });
  return out;
}

// ---- group values: display labels and drill leaves ----

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The label of a date bucket starting on `day` (YYYY-MM-DD). */
export function bucketLabel(bucket: DateBucket, day: string): string {
  const y = day.slice(0, 4);
  const m = Number(day.slice(5, 7));
  switch (bucket) {
    case 'day':
      return day;
    case 'week':
      return `Week of ${day}`;
    case 'month':
      return `${MONTHS[m - 1] ?? day.slice(5, 7)} ${y}`;
    case 'quarter':
      return `Q${Math.floor((m - 1) / 3) + 1} ${y}`;
    case 'year':
      return y;
  }
}

/** The instant one microsecond before midnight UTC starting `day`, as the condition language writes it. */
const justBefore = (day: string): string => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMilliseconds(-1);
  return `${d.toISOString().slice(0, 23)}999Z`;
};
const dayBefore = (day: string): string => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
};

/**
 * The condition leaves selecting a group's records: `is_empty` for the (none) group, `eq` for a value,
 * `between` the bucket's first and last day (instant) for a date bucket, `gte`/`lt` for a number bin.
 * `next` is the next bucket's first day or the bin's upper bound.
 */
export function groupLeaves(d: Dim, key: string | boolean | null, next: string | null): Condition[] {
  const field = d.field.name;
  if (key === null) return [{ field, op: 'is_empty' }];
  if (d.bucket && typeof key === 'string' && next) {
    const hi = d.dateKind === 'timestamp' ? justBefore(next) : dayBefore(next);
    const lo = d.dateKind === 'timestamp' ? `${key}T00:00:00Z` : key;
    return [{ field, op: 'between', value: [lo, hi] }];
  }
  if (d.width && typeof key === 'string' && next)
    return [
      { field, op: 'gte', value: key },
      { field, op: 'lt', value: next },
    ];
  return [{ field, op: 'eq', value: key }];
}

/** A drill: the entity's list with the filters as parameters and everything else as one condition. */
export function drillOf(def: EntityDef, params: Record<string, string>, leaves: Condition[]): Drill {
  const query: Record<string, string> = { ...params };
  if (leaves.length) query.condition = JSON.stringify({ all: leaves });
  return { entity: def.path, query };
}
