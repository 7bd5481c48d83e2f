import { Divider, MultiSelect, NumberInput, Select, SimpleGrid, Textarea, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { CustomFieldEntity, CustomFieldOut } from '../../core/custom-fields/custom-fields.schemas.js';
import { api } from '../api/client';

export type CustomField = CustomFieldOut;
export type CustomValues = Record<string, unknown>;

/** The live custom fields of an entity, in form order (admins change them rarely: cached a minute). */
export function useCustomFields(entity: CustomFieldEntity | undefined) {
  return useQuery({
    queryKey: ['custom-fields', entity],
    queryFn: ({ signal }) =>
      api
        .get<{ data: CustomField[] }>('/custom-fields', { entity, sort: 'position', limit: 200 }, signal)
        .then((r) => r.data),
    enabled: !!entity,
    staleTime: 60_000,
  });
}

const isEmpty = (v: unknown) =>
  v === null ||
  v === undefined ||
  (typeof v === 'string' && v.trim() === '') ||
  (Array.isArray(v) && v.length === 0);

/** A form value as the API takes it: blanks are null, text trimmed, money as an exact string. */
export function toApiValue(def: CustomField | undefined, v: unknown): unknown {
  if (isEmpty(v)) return null;
  if (typeof v === 'string') v = v.trim();
  if (def?.type === 'money') return String(v);
  if (def?.type === 'number' && typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)))
    return Number(v);
  return v;
}

/** The custom values to send: on create the non-blank ones, on update only those changed (null clears). */
export function customBody(
  defs: CustomField[] | undefined,
  values: CustomValues,
  initial?: CustomValues,
): CustomValues | undefined {
  const byKey = new Map((defs ?? []).map((d) => [d.key, d]));
  const out: CustomValues = {};
  for (const [k, raw] of Object.entries(values)) {
    const v = toApiValue(byKey.get(k), raw);
    if (!initial) {
      if (v !== null) out[k] = v;
    } else if (JSON.stringify(v) !== JSON.stringify(toApiValue(byKey.get(k), initial[k]))) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

type InputProps = {
  def: CustomField;
  value: unknown;
  onChange: (v: unknown) => void;
  error?: React.ReactNode;
};

/** The Mantine input that fits a custom field's type. */
export function CustomFieldInput({ def, value, onChange, error }: InputProps) {
  const common = {
    label: def.label,
    description: def.description ?? undefined,
    withAsterisk: def.required,
    error,
    'data-custom-field': def.key,
  };
  const text = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  switch (def.type) {
    case 'number':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' || typeof value === 'string' ? value : ''}
          onChange={(v) => onChange(v)}
          hideControls
          thousandSeparator=","
        />
      );
    case 'money':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' || typeof value === 'string' ? value : ''}
          onChange={(v) => onChange(v === '' ? '' : String(v))}
          decimalScale={2}
          thousandSeparator=","
          hideControls
        />
      );
    case 'date':
      return (
        <DateInput
          {...common}
          clearable
          valueFormat="MMM D, YYYY"
          value={text || null}
          onChange={(v) => onChange(v ?? '')}
        />
      );
    case 'boolean':
      return (
        <Select
          {...common}
          data={[
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]}
          clearable
          value={value === true ? 'true' : value === false ? 'false' : null}
          onChange={(v) => onChange(v === 'true' ? true : v === 'false' ? false : null)}
        />
      );
    case 'select':
      return (
        <Select
          {...common}
          data={def.options}
          clearable
          searchable
          value={text || null}
          onChange={(v) => onChange(v ?? '')}
        />
      );
    case 'multiselect':
      return (
        <MultiSelect
          {...common}
          data={def.options}
          clearable
          searchable
          value={Array.isArray(value) ? (value as string[]) : []}
          onChange={(v) => onChange(v)}
        />
      );
    case 'url':
      return (
        <TextInput
          {...common}
          type="url"
          placeholder="https://"
          value={text}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    case 'email':
      return (
        <TextInput {...common} type="email" value={text} onChange={(e) => onChange(e.currentTarget.value)} />
      );
    case 'phone':
      return (
        <TextInput
          {...common}
          type="tel"
          placeholder="+1 415 555 0100"
          value={text}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    default:
      return text.length > 80 ? (
        <Textarea
          {...common}
          autosize
          minRows={2}
          value={text}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      ) : (
        <TextInput {...common} value={text} onChange={(e) => onChange(e.currentTarget.value)} />
      );
  }
}

/** The slice of a Mantine form the section needs (values under `path`, errors at `path.key`). */
type FormLike = {
  getValues: () => Record<string, unknown>;
  setFieldValue: (path: never, value: never) => void;
  errors: Record<string, React.ReactNode>;
};

/**
 * The custom fields of an entity as inputs of a form, under `path` (e.g. `customFields`). Every live
 * field gets a key in the form values (so server errors such as `customFields.budget` land on it).
 */
export function CustomFieldsSection({
  entity,
  form,
  path = 'customFields',
  title,
  cols = { base: 1, sm: 2, md: 3 },
}: {
  entity: CustomFieldEntity;
  form: FormLike;
  path?: string;
  title: string;
  /** Columns of inputs (one in narrow places such as a sidebar card). */
  cols?: number | Record<string, number>;
}) {
  const { data: defs } = useCustomFields(entity);
  const values = (form.getValues()[path] ?? {}) as CustomValues;
  // biome-ignore lint/correctness/useExhaustiveDependencies: add keys when the definitions arrive
  useEffect(() => {
    for (const d of defs ?? [])
      if (!(d.key in values))
        form.setFieldValue(`${path}.${d.key}` as never, (d.type === 'multiselect' ? [] : null) as never);
  }, [defs]);
  if (!defs || defs.length === 0) return null;
  return (
    <>
      <Divider label={title} labelPosition="left" />
      <SimpleGrid cols={cols} spacing="sm" data-testid={`custom-fields-${entity}`}>
        {defs.map((d) => (
          <CustomFieldInput
            key={d.id}
            def={d}
            value={values[d.key]}
            onChange={(v) => form.setFieldValue(`${path}.${d.key}` as never, v as never)}
            error={form.errors[`${path}.${d.key}`]}
          />
        ))}
      </SimpleGrid>
    </>
  );
}

/** For forms that only know the entity: the definitions to turn form values into an API body. */
export function useCustomBody(entity: CustomFieldEntity) {
  const { data } = useCustomFields(entity);
  return (values: unknown, initial?: unknown) =>
    customBody(data, (values ?? {}) as CustomValues, initial as CustomValues | undefined);
}

/** Adds the non-empty custom parts (`customFields`, `contactCustomFields`) to a request body. */
export function withCustom(
  body: Record<string, unknown>,
  parts: Record<string, CustomValues | undefined>,
): Record<string, unknown> {
  for (const [k, v] of Object.entries(parts)) if (v) body[k] = v;
  return body;
}
