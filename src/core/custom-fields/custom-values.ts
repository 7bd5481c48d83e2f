import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { type Db, isTransaction } from '../db/client.js';
import { customFieldDefinitions } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError, type FieldError } from '../shared/errors.js';
import { normalizePhone } from '../shared/normalize.js';
import { countryOf } from '../workspaces/workspace-settings.js';
import {
  type CustomFieldEntity,
  type CustomFieldType,
  type CustomValues,
  MAX_TEXT,
} from './custom-fields.schemas.js';

/** A definition as validation and lists need it. Archived definitions are kept (their values stay). */
export type FieldDef = {
  key: string;
  label: string;
  type: CustomFieldType;
  options: { value: string; label: string }[];
  required: boolean;
  archived: boolean;
  position: number;
};

/**
 * Definitions are read once per transaction (a batch of 1,000 records reads them once) and never
 * outside one from a cache: a definition changed by another request or process is seen by the next
 * transaction. `generation` also drops what this process cached when it changes a definition itself.
 */
const perTx = new WeakMap<Db, { generation: number; byEntity: Map<CustomFieldEntity, FieldDef[]> }>();
let generation = 0;
export const definitionsChanged = (): void => {
  generation += 1;
};

/**
 * The entity's definitions (archived ones included, flagged), in form order. One query reads every
 * entity's (a lead write needs the lead's and its contact's), cached for the rest of the transaction.
 */
export async function loadDefinitions(db: Db, ctx: Ctx, entity: CustomFieldEntity): Promise<FieldDef[]> {
  let cache = isTransaction(db) ? perTx.get(db) : undefined;
  if (cache && cache.generation !== generation) cache = undefined;
  if (cache) return cache.byEntity.get(entity) ?? [];
  const rows = await db
    .select({
      entity: customFieldDefinitions.entity,
      key: customFieldDefinitions.key,
      label: customFieldDefinitions.label,
      type: customFieldDefinitions.type,
      options: customFieldDefinitions.options,
      required: customFieldDefinitions.required,
      deletedAt: customFieldDefinitions.deletedAt,
      position: customFieldDefinitions.position,
    })
    .from(customFieldDefinitions)
    .where(eq(customFieldDefinitions.workspaceId, ctx.workspaceId))
    .orderBy(asc(customFieldDefinitions.position), asc(customFieldDefinitions.key));
  const byEntity = new Map<CustomFieldEntity, FieldDef[]>();
  for (const r of rows) {
    const list = byEntity.get(r.entity) ?? [];
    list.push({
      key: r.key,
      label: r.label,
      type: r.type,
      options: r.options ?? [],
      required: r.required,
      archived: r.deletedAt !== null,
      position: r.position,
    });
    byEntity.set(r.entity, list);
  }
  if (isTransaction(db)) perTx.set(db, { generation, byEntity });
  return byEntity.get(entity) ?? [];
}

type Checked = { value: unknown } | { reason: string };

const MONEY_RE = /^-?\d{1,14}(\.\d{1,2})?$/;
const NUMBER_RE = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const zEmail = z.email();

function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(2000, mo, 0)).getUTCDate(); // days in month (leap year base)
  if (d > days) return false;
  if (mo === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return true;
}

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v;

/**
 * Checks one value against its definition and returns it normalized (what is stored):
 * numbers as JSON numbers, money as exact decimal strings, dates as YYYY-MM-DD, phones as E.164,
 * multiselect values de-duplicated in option order. `{value: null}` means "no value" (blank text,
 * empty multiselect).
 */
export function checkValue(def: FieldDef, raw: unknown, country: string): Checked {
  switch (def.type) {
    case 'text': {
      if (typeof raw !== 'string') return { reason: `must be text, not ${describe(raw)}` };
      const v = raw.trim();
      if (v.length > MAX_TEXT)
        return { reason: `must be at most ${MAX_TEXT.toLocaleString('en')} characters` };
      return { value: v === '' ? null : v };
    }
    case 'number': {
      let n: number;
      if (typeof raw === 'number') n = raw;
      else if (typeof raw === 'string' && NUMBER_RE.test(raw.trim())) n = Number(raw.trim());
      else return { reason: `must be a number, not ${describe(raw)}` };
      if (!Number.isFinite(n)) return { reason: 'must be a finite number' };
      return { value: Object.is(n, -0) ? 0 : n };
    }
    case 'money': {
      if (typeof raw !== 'number' && typeof raw !== 'string')
        return { reason: `must be an amount (a decimal string or number), not ${describe(raw)}` };
      const s = typeof raw === 'number' ? (Number.isFinite(raw) ? String(raw) : 'x') : raw.trim();
      if (!MONEY_RE.test(s)) return { reason: 'must be an amount with at most 2 decimals' };
      return { value: s.replace(/^(-?)0+(?=\d)/, '$1') };
    }
    case 'date': {
      if (typeof raw !== 'string' || !isCalendarDate(raw.trim()))
        return { reason: 'must be a date as YYYY-MM-DD' };
      return { value: raw.trim() };
    }
    case 'boolean':
      return typeof raw === 'boolean' ? { value: raw } : { reason: 'must be true or false' };
    case 'select': {
      if (typeof raw !== 'string') return { reason: `must be one of the options, not ${describe(raw)}` };
      if (!def.options.some((o) => o.value === raw))
        return { reason: `must be one of: ${def.options.map((o) => o.value).join(', ')}` };
      return { value: raw };
    }
    case 'multiselect': {
      if (!Array.isArray(raw)) return { reason: 'must be an array of options' };
      const bad = raw.find((x) => typeof x !== 'string' || !def.options.some((o) => o.value === x));
      if (bad !== undefined)
        return {
          reason: `${JSON.stringify(bad)} is not one of: ${def.options.map((o) => o.value).join(', ')}`,
        };
      const chosen = new Set(raw as string[]);
      const v = def.options.filter((o) => chosen.has(o.value)).map((o) => o.value);
      return { value: v.length ? v : null };
    }
    case 'url': {
      if (typeof raw !== 'string') return { reason: 'must be a URL' };
      const s = raw.trim();
      if (s.length > 2000) return { reason: 'must be at most 2,000 characters' };
      try {
        const u = new URL(s);
        if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname) return { value: s };
      } catch {}
      return { reason: 'must be an http(s) URL, e.g. https://example.com' };
    }
    case 'email': {
      if (typeof raw !== 'string') return { reason: 'must be an email address' };
      const s = raw.trim();
      if (s.length > 254 || !zEmail.safeParse(s).success) return { reason: 'must be an email address' };
      return { value: s };
    }
    case 'phone': {
      if (typeof raw !== 'string') return { reason: 'must be a phone number' };
      const s = raw.trim();
      const e164 = s.length <= 40 && /^[+0-9 ().\-/x]+$/i.test(s) ? normalizePhone(s, country) : null;
      if (!e164)
        return {
          reason: `is not a valid phone number${s.startsWith('+') ? '' : ` for ${country} (add +country code)`}`,
        };
      return { value: e164 };
    }
  }
}

export type ValidateOptions = {
  /** The stored values when updating; absent for a create (required fields are then enforced). */
  current?: CustomValues | null;
  /** Where errors point, e.g. `customFields` or `contactCustomFields`. */
  field?: string;
};

/**
 * Validates `customFields` of a write against the entity's definitions and returns the whole new
 * `custom` object to store. Unknown and archived keys are refused; `null` (or a blank value) removes a
 * value; required fields must have a value after a create and cannot be removed by an update. Every
 * problem is reported at once, as `customFields.<key>`.
 */
export async function validateCustomValues(
  db: Db,
  ctx: Ctx,
  entity: CustomFieldEntity,
  input: unknown,
  opts: ValidateOptions = {},
): Promise<CustomValues> {
  const field = opts.field ?? 'customFields';
  const creating = opts.current === undefined;
  const base: CustomValues = { ...(opts.current ?? {}) };
  if (input === undefined || input === null) {
    if (!creating) return base;
    input = {};
  }
  if (typeof input !== 'object' || Array.isArray(input))
    throw AppError.invalid(field, 'must be an object of custom field values by key');
  const entries = Object.entries(input as Record<string, unknown>);
  const defs = await loadDefinitions(db, ctx, entity);
  // Nothing to check: no definitions and no values (the common case without custom fields).
  if (entries.length === 0 && !(creating && defs.some((d) => d.required && !d.archived))) return base;
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const needsCountry = entries.some(([k, v]) => v !== null && byKey.get(k)?.type === 'phone');
  const country = needsCountry ? await countryOf(db, ctx) : 'US';
  const errors: FieldError[] = [];
  for (const [key, raw] of entries) {
    const at = `${field}.${key}`;
    const def = byKey.get(key);
    if (!def) {
      errors.push({ field: at, reason: `is not a custom field of ${entity}s` });
      continue;
    }
    if (raw === null) {
      if (def.required && !def.archived) errors.push({ field: at, reason: 'is required' });
      else delete base[key];
      continue;
    }
    if (def.archived) {
      errors.push({ field: at, reason: 'is archived; restore the field to set it' });
      continue;
    }
    const r = checkValue(def, raw, country);
    if ('reason' in r) errors.push({ field: at, reason: r.reason });
    else if (r.value === null) {
      if (def.required) errors.push({ field: at, reason: 'is required' });
      else delete base[key];
    } else base[key] = r.value;
  }
  if (creating)
    for (const d of defs)
      if (
        d.required &&
        !d.archived &&
        base[d.key] === undefined &&
        !errors.some((e) => e.field === `${field}.${d.key}`)
      )
        errors.push({ field: `${field}.${d.key}`, reason: 'is required' });
  if (errors.length)
    throw new AppError('validation_failed', errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors);
  return base;
}

/** Renames error fields of a nested write, e.g. the contact's `customFields.x` → `contactCustomFields.x`. */
export async function renamingCustomErrors<T>(from: string, to: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AppError && e.errors.some((x) => x.field.startsWith(`${from}.`))) {
      const errors = e.errors.map((x) =>
        x.field.startsWith(`${from}.`) ? { ...x, field: `${to}${x.field.slice(from.length)}` } : x,
      );
      throw new AppError(e.code, errors.map((x) => `${x.field} ${x.reason}`).join('; '), errors, e.extra);
    }
    throw e;
  }
}
