import type { ImportEntity, ImportOut, ImportSettings, TargetField } from './importsApi';

/** The mapping and settings being edited before a preview (what PATCH /imports/:id takes). */
export type Draft = Required<Pick<ImportSettings, 'mapping' | 'mode' | 'matchOn' | 'duplicatePolicy'>> & {
  defaults: { key: string | null; value: string }[];
  dateFormat: 'auto' | 'ymd' | 'dmy' | 'mdy';
  defaultCountry: string;
};

export const NONE = '__none';

export function draftOf(imp: ImportOut): Draft {
  const o = imp.options as {
    defaults?: Record<string, unknown>;
    dateFormat?: string;
    defaultCountry?: string;
  };
  return {
    mapping: Object.fromEntries(imp.headers.map((h) => [h, imp.mapping[h] ?? null])),
    mode: imp.mode,
    matchOn: imp.matchOn,
    duplicatePolicy: imp.duplicatePolicy,
    defaults: Object.entries(o.defaults ?? {}).map(([key, v]) => ({
      key,
      value: v == null ? '' : String(v),
    })),
    dateFormat: (['ymd', 'dmy', 'mdy'].includes(o.dateFormat ?? '')
      ? o.dateFormat
      : 'auto') as Draft['dateFormat'],
    defaultCountry: o.defaultCountry ?? '',
  };
}

/** The draft as import settings (PATCH /imports/:id, POST /import-templates). */
export function settingsOf(d: Draft): ImportSettings & { options: NonNullable<ImportSettings['options']> } {
  const defaults = Object.fromEntries(
    d.defaults.filter((x) => x.key && x.value.trim() !== '').map((x) => [x.key!, x.value.trim()]),
  );
  return {
    mapping: d.mapping,
    mode: d.mode,
    matchOn: d.matchOn,
    duplicatePolicy: d.duplicatePolicy,
    options: {
      ...(Object.keys(defaults).length ? { defaults } : {}),
      ...(d.dateFormat !== 'auto' ? { dateFormat: d.dateFormat } : {}),
      ...(d.defaultCountry ? { defaultCountry: d.defaultCountry.toUpperCase() } : {}),
    },
  };
}

/** Target fields mapped by more than one column. */
export function duplicateTargets(mapping: Record<string, string | null>): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const v of Object.values(mapping)) {
    if (!v) continue;
    if (seen.has(v)) twice.add(v);
    seen.add(v);
  }
  return twice;
}

const GROUP_LABELS: Record<TargetField['group'], (entity: ImportEntity) => string> = {
  record: (e) =>
    ({ leads: 'Lead', contacts: 'Contact', accounts: 'Account', deals: 'Deal', activities: 'Activity' })[e],
  contact: () => 'Contact',
  address: () => 'Address',
  custom: () => 'Custom fields',
  contact_custom: () => 'Contact custom fields',
};

/** Select data: "Don't import", then the fields grouped (record, contact, address, custom). */
export function fieldOptions(entity: ImportEntity, fields: TargetField[]) {
  const groups = new Map<string, { value: string; label: string }[]>();
  for (const f of fields) {
    const g = GROUP_LABELS[f.group](entity);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push({ value: f.key, label: f.required ? `${f.label} (required)` : f.label });
  }
  return [{ value: NONE, label: "Don't import" }, ...[...groups].map(([group, items]) => ({ group, items }))];
}

const MATCH_LABELS: Record<string, string> = {
  email: 'Email',
  phone: 'Phone',
  externalId: 'External ID',
  id: 'Leadbase ID',
};
const MATCHABLE_CUSTOM = new Set(['text', 'email', 'phone', 'url', 'number']);

/** What a row can be matched on: email, phone, external id, Leadbase id (when the entity has them), custom fields. */
export function matchOptions(fields: TargetField[]) {
  const keys = new Set(fields.map((f) => f.key));
  const base = Object.entries(MATCH_LABELS)
    .filter(([k]) => keys.has(k))
    .map(([value, label]) => ({ value, label }));
  const custom = fields
    .filter((f) => f.group === 'custom' && MATCHABLE_CUSTOM.has(f.type))
    .map((f) => ({ value: f.key, label: `${f.label} (custom field)` }));
  return [...base, ...custom];
}
