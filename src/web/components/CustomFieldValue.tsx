import { Anchor, Badge, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { CustomFieldEntity } from '../../core/custom-fields/custom-fields.schemas.js';
import { useWorkspace } from '../auth/session';
import { formatDate, formatMoney } from '../lib/format';
import { type CustomField, type CustomValues, useCustomFields } from './CustomFieldInput';
import { FieldList, SectionCard } from './FieldList';

const optionLabel = (def: CustomField, v: unknown) =>
  def.options.find((o) => o.value === v)?.label ?? String(v);

/** A stored custom value, shown for its type (money in the workspace currency, options by label). */
export function formatCustomValue(def: CustomField, v: unknown, currency = 'USD'): ReactNode {
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return null;
  switch (def.type) {
    case 'money':
      return formatMoney(v as string, currency);
    case 'number':
      return typeof v === 'number' ? v.toLocaleString() : String(v);
    case 'date':
      return formatDate(String(v));
    case 'boolean':
      return v === true ? 'Yes' : v === false ? 'No' : String(v);
    case 'select':
      return optionLabel(def, v);
    case 'multiselect':
      return Array.isArray(v) ? (
        <Group gap={4}>
          {v.map((x) => (
            <Badge key={String(x)} variant="light" size="sm" tt="none">
              {optionLabel(def, x)}
            </Badge>
          ))}
        </Group>
      ) : (
        String(v)
      );
    case 'url':
      return (
        <Anchor href={String(v)} target="_blank" rel="noopener noreferrer" size="sm">
          {String(v)}
        </Anchor>
      );
    case 'email':
      return (
        <Anchor href={`mailto:${String(v)}`} size="sm">
          {String(v)}
        </Anchor>
      );
    default:
      return String(v);
  }
}

/** The custom field values of a record as label/value pairs (nothing when the entity has no fields). */
export function CustomFieldValues({
  entity,
  values,
  title = 'Custom fields',
  note,
  testId,
}: {
  entity: CustomFieldEntity;
  values: CustomValues | undefined;
  title?: string;
  /** e.g. "From the contact, shared by all its leads". */
  note?: string;
  testId?: string;
}) {
  const ws = useWorkspace();
  const { data: defs } = useCustomFields(entity);
  if (!defs || defs.length === 0) return null;
  return (
    <SectionCard title={title} testId={testId ?? `custom-values-${entity}`}>
      {note && (
        <Text size="xs" c="dimmed" mb="xs">
          {note}
        </Text>
      )}
      <FieldList
        labelWidth={140}
        fields={defs.map((d) => ({
          label: d.label,
          value: formatCustomValue(d, values?.[d.key], ws.currency),
        }))}
      />
    </SectionCard>
  );
}
