import { notifications } from '@mantine/notifications';
import { createElement } from 'react';
import { ApiError } from '../api/client';
import { blockedCandidates, DuplicateBlockedMessage } from '../pages/settings/DuplicateRulesBlocked';

type FormLike = {
  getValues: () => Record<string, unknown>;
  setFieldError: (path: never, error: React.ReactNode) => void;
};

/** `emails[0].email` → `emails.0.email` (Mantine form paths). */
export const toFormPath = (field: string): string => field.replace(/\[(\d+)\]/g, '.$1');

function hasPath(values: unknown, path: string): boolean {
  let cur: unknown = values;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(seg in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return true;
}

const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export type ErrorOptions = {
  /** Called on 412 (the record changed since it was read) instead of showing an error. */
  onConflict?: () => void;
  /** Server field → form field, for fields the form names differently (e.g. list rows left out). */
  mapField?: (field: string) => string;
  title?: string;
};

/**
 * Shows an API error where it belongs: each `errors[].field` the form has is set on that field
 * (`form.setFieldError`), and the `detail` is shown in a notification when some error has no field.
 * Returns true when every error landed on a field.
 */
export function showApiError(err: unknown, form?: FormLike, opts: ErrorOptions = {}): boolean {
  if (!(err instanceof ApiError)) {
    notifications.show({ color: 'red', title: opts.title ?? 'Something went wrong', message: String(err) });
    return false;
  }
  if (err.status === 412 && opts.onConflict) {
    opts.onConflict();
    return false;
  }
  // A duplicate rule blocked the write: list the existing records it duplicates.
  const candidates = blockedCandidates(err);
  if (candidates) {
    notifications.show({
      color: 'red',
      title: 'Duplicate refused',
      message: createElement(DuplicateBlockedMessage, { detail: err.detail, candidates }),
      autoClose: false,
    });
    return false;
  }
  const values = form?.getValues();
  let unplaced = err.errors.length === 0;
  for (const e of err.errors) {
    const path = toFormPath(opts.mapField ? opts.mapField(e.field) : e.field);
    if (form && hasPath(values, path)) form.setFieldError(path as never, sentence(e.reason));
    else unplaced = true;
  }
  if (unplaced)
    notifications.show({
      color: 'red',
      title: opts.title ?? (err.status === 403 ? 'Not allowed' : 'Could not save'),
      message: err.detail,
    });
  return !unplaced;
}

type Plain = Record<string, unknown>;

const norm = (v: unknown): unknown => {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return v ?? null;
};

/** Form values as a create body: blanks left out, text trimmed. */
export function createBody(values: Plain): Plain {
  const out: Plain = {};
  for (const [k, v] of Object.entries(values)) {
    const n = norm(v);
    if (n !== null) out[k] = n;
  }
  return out;
}

/** Only the fields the user changed, blanks as null (clears the field). */
export function changedBody(values: Plain, initial: Plain): Plain {
  const out: Plain = {};
  for (const [k, v] of Object.entries(values)) {
    const n = norm(v);
    if (JSON.stringify(n) !== JSON.stringify(norm(initial[k]))) out[k] = n;
  }
  return out;
}

/** Money for the API: exact decimal strings. */
export const moneyOut = (v: string | number | null | undefined): string | null =>
  v === '' || v === null || v === undefined ? null : String(v);

/** API value → form text value. */
export const txt = (v: string | number | null | undefined): string =>
  v === null || v === undefined ? '' : String(v);

/** Mantine's Select wants `null` for "nothing chosen" (else it shows a clear button); forms keep ''. */
export const sel = <P extends { value?: unknown }>(p: P): P => ({
  ...p,
  value: p.value === '' ? null : p.value,
});
