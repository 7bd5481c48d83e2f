import { AppError } from '../shared/errors.js';

/**
 * Field-by-field choice of values for a merge. Records come in order: the survivor first, then the
 * merged records as listed. A field's value comes from the record the user picked for it; without
 * a pick, from the survivor when its value is not empty, else from the first merged record whose
 * value is not empty. Empty means null, '', false, [] or {} (so a true flag such as doNotContact
 * survives a merge unless a record with false is picked explicitly).
 */

type Rec = { id: string } & Record<string, unknown>;

/** A pickable field: its API name and the row properties it carries together (e.g. a stage). */
export type FieldSpec = { name: string; props: string[] };

export const field = (name: string, ...props: string[]): FieldSpec => ({
  name,
  props: props.length ? props : [name],
});

export const isEmpty = (v: unknown): boolean =>
  v === null ||
  v === undefined ||
  v === '' ||
  v === false ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !(v instanceof Date) && Object.keys(v as object).length === 0);

const same = (a: unknown, b: unknown): boolean =>
  a instanceof Date && b instanceof Date
    ? a.getTime() === b.getTime()
    : JSON.stringify(a) === JSON.stringify(b);

export type Picked = {
  /** Row properties to set on the survivor. */
  values: Record<string, unknown>;
  /** For each field whose values differ between the records: the id of the record that won. */
  picks: Record<string, string>;
};

/** Checks the user's picks: known fields, and ids among the records being merged. */
export function checkPicks(
  entity: string,
  picks: Record<string, string>,
  known: Set<string>,
  records: Rec[],
): void {
  const ids = new Set(records.map((r) => r.id));
  const errors: { field: string; reason: string }[] = [];
  for (const [name, id] of Object.entries(picks)) {
    const custom = name.startsWith('custom.') ? name.slice(7) : null;
    if (custom !== null) {
      if (!records.some((r) => Object.hasOwn((r.custom as object) ?? {}, custom)))
        errors.push({
          field: `fields.${name}`,
          reason: `no record being merged has the custom value ${custom}`,
        });
    } else if (!known.has(name))
      errors.push({ field: `fields.${name}`, reason: `is not a field of a ${entity} that can be picked` });
    if (!ids.has(id))
      errors.push({ field: `fields.${name}`, reason: 'must be the survivor or one of mergedIds' });
  }
  if (errors.length)
    throw new AppError(
      'validation_failed',
      `Invalid field picks: ${errors.map((e) => `${e.field} ${e.reason}`).join('; ')}`,
      errors,
    );
}

/** The winning record for one field. */
function winner(records: Rec[], get: (r: Rec) => unknown, pickedId: string | undefined): Rec {
  if (pickedId) return records.find((r) => r.id === pickedId)!;
  return records.find((r) => !isEmpty(get(r))) ?? records[0]!;
}

/** Resolves plain fields and custom values (`custom.<key>` each). */
export function pickFields(specs: FieldSpec[], records: Rec[], userPicks: Record<string, string>): Picked {
  const out: Picked = { values: {}, picks: {} };
  for (const spec of specs) {
    const get = (r: Rec) => r[spec.props[0]!];
    const w = winner(records, get, userPicks[spec.name]);
    for (const p of spec.props) out.values[p] = w[p];
    if (records.some((r) => spec.props.some((p) => !same(r[p], records[0]![p])))) out.picks[spec.name] = w.id;
  }
  const keys = [...new Set(records.flatMap((r) => Object.keys((r.custom as object) ?? {})))];
  if (keys.length || records.some((r) => r.custom !== undefined)) {
    const custom: Record<string, unknown> = {};
    for (const key of keys) {
      const get = (r: Rec) => (r.custom as Record<string, unknown>)?.[key];
      const w = winner(records, get, userPicks[`custom.${key}`]);
      const v = get(w);
      if (v !== undefined) custom[key] = v;
      if (records.some((r) => !same(get(r), get(records[0]!)))) out.picks[`custom.${key}`] = w.id;
    }
    out.values.custom = custom;
  }
  return out;
}

/**
 * The union of list values (emails, phones, addresses): no two with the same `keyOf`; the record
 * picked for `primaryField` (default: the first with any) provides the primary entry.
 */
export function unionList<T extends Record<string, unknown>>(
  records: Rec[],
  prop: string,
  keyOf: (v: T) => string,
  primaryField: string | null,
  userPicks: Record<string, string>,
  picks: Record<string, string>,
): T[] {
  const lists = records.map((r) => ((r[prop] as T[] | undefined) ?? []) as T[]);
  let first = 0;
  if (primaryField) {
    const w = winner(records, (r) => (r[prop] as T[] | undefined)?.[0], userPicks[primaryField]);
    first = records.indexOf(w);
    const primaries = lists.map((l) => (l[0] ? keyOf(l[0]) : null));
    if (primaries.some((p) => p !== primaries[0])) picks[primaryField] = w.id;
  }
  const ordered = [lists[first]!, ...lists.filter((_, i) => i !== first)];
  const seen = new Set<string>();
  const out: T[] = [];
  for (const list of ordered)
    for (const v of list) {
      const k = keyOf(v);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(v);
    }
  if (primaryField) return out.map((v, i) => ({ ...v, primary: i === 0 }));
  return out;
}
