import { Textarea, type TextareaProps } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { ApiError } from '../api/client';
import { type ErrorOptions, showApiError } from '../lib/forms';

/**
 * Checks a condition typed as JSON: empty is fine unless `required` (its message) is given; else it must
 * parse to a JSON object (`notObject` is the message when it parses to something else).
 */
export function conditionJsonError(v: string, opts: { required?: string; notObject: string }): string | null {
  if (!v.trim()) return opts.required ?? null;
  try {
    const parsed = JSON.parse(v);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? null : opts.notObject;
  } catch (e) {
    return `Not valid JSON: ${(e as Error).message}`;
  }
}

/** The typed condition as the API takes it: the parsed JSON, or null when empty. */
export const parseConditionJson = (v: string): unknown => (v.trim() ? JSON.parse(v) : null);

/**
 * Shows a save error: the server's reasons for the condition (`conditions.all.0.value: …`) go on the
 * condition box `field`; any other error is shown as usual (`showApiError`).
 */
export function showConditionErrors<V extends Record<string, unknown>>(
  e: unknown,
  form: UseFormReturnType<V>,
  field: keyof V & string,
  opts?: ErrorOptions,
) {
  const cond = e instanceof ApiError ? e.errors.filter((x) => x.field.startsWith(field)) : [];
  if (cond.length) form.setFieldError(field, cond.map((x) => `${x.field}: ${x.reason}`).join('; '));
  const rest = e instanceof ApiError ? e.errors.filter((x) => !x.field.startsWith(field)) : [];
  if (!cond.length || rest.length) showApiError(e, form, opts);
}

/** A monospace, growing textarea for a condition in JSON (spread `form.getInputProps(field)` into it). */
export function ConditionJsonInput({ minRows = 2, maxRows = 12, ...props }: TextareaProps) {
  return (
    <Textarea
      autosize
      minRows={minRows}
      maxRows={maxRows}
      styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
      {...props}
    />
  );
}
