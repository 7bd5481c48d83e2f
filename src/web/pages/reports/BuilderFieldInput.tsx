import { Autocomplete } from '@mantine/core';
import type { CustomFieldEntity } from '../../../core/custom-fields/custom-fields.schemas.js';
import { useCustomFields } from '../../components/CustomFieldInput';
import { BUILDER_FIELDS, type BuilderField, CUSTOM_ENTITY } from './builder-fields';
import type { BuilderEntity } from './report-api';

/** The fields of an entity the builder suggests, with the workspace's custom fields. */
export function useBuilderFields(entity: BuilderEntity): BuilderField[] {
  const custom = useCustomFields(CUSTOM_ENTITY[entity] as CustomFieldEntity | undefined);
  return [
    ...BUILDER_FIELDS[entity],
    ...(custom.data ?? []).map((c) => ({
      field: `custom.${c.key}`,
      label: c.label,
      type: (['number', 'money'].includes(c.type)
        ? 'number'
        : c.type === 'date'
          ? 'date'
          : c.type === 'boolean'
            ? 'boolean'
            : 'text') as BuilderField['type'],
    })),
  ];
}

/** A field of the entity: suggested from its fields (custom ones included); any condition field can be typed. */
export function FieldInput({
  entity,
  value,
  onChange,
  label,
  numeric,
  w = 240,
  showLabel = true,
}: {
  entity: BuilderEntity;
  value: string;
  onChange: (v: string) => void;
  label: string;
  numeric?: boolean;
  w?: number;
  /** false: the label is for screen readers only (rows that line up under a heading). */
  showLabel?: boolean;
}) {
  const fields = useBuilderFields(entity).filter((x) => !numeric || x.type === 'number');
  return (
    <Autocomplete
      label={showLabel ? label : undefined}
      aria-label={label}
      placeholder={numeric ? 'dealValue, custom.budget…' : 'source, createdAt, custom.region…'}
      data={fields.map((x) => ({ value: x.field, label: `${x.field} — ${x.label}` }))}
      value={value}
      onChange={onChange}
      w={w}
    />
  );
}
