import {
  ActionIcon,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import {
  CUSTOM_FIELD_TYPES,
  type CustomFieldEntity,
} from '../../../core/custom-fields/custom-fields.schemas.js';
import { api } from '../../api/client';
import type { CustomField } from '../../components/CustomFieldInput';
import { labelize } from '../../lib/format';
import { showApiError } from '../../lib/forms';

export const TYPE_LABELS: Record<string, string> = {
  text: 'Text',
  number: 'Number',
  money: 'Money',
  date: 'Date',
  boolean: 'Yes / no',
  select: 'Choice',
  multiselect: 'Several choices',
  url: 'Link (URL)',
  email: 'Email',
  phone: 'Phone',
};

type Values = {
  label: string;
  key: string;
  type: string;
  required: boolean;
  description: string;
  options: { value: string; label: string }[];
};

/** `Budget (USD)` → `budget_usd`: what the key is derived from until the admin types one. */
export const toKey = (label: string): string =>
  label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 63);

const isChoice = (t: string) => t === 'select' || t === 'multiselect';

/** Create or edit a custom field: label, key (fixed once created), type (fixed), required, options. */
export function CustomFieldModal({
  opened,
  onClose,
  entity,
  field,
}: {
  opened: boolean;
  onClose: () => void;
  entity: CustomFieldEntity;
  /** The field to edit; absent to create one. */
  field?: CustomField | null;
}) {
  const qc = useQueryClient();
  const initial = (): Values => ({
    label: field?.label ?? '',
    key: field?.key ?? '',
    type: field?.type ?? 'text',
    required: field?.required ?? false,
    description: field?.description ?? '',
    options: field?.options.map((o) => ({ ...o })) ?? [],
  });
  const form = useForm<Values>({
    initialValues: initial(),
    validate: {
      label: (v) => (v.trim() ? null : 'A label is required'),
      key: (v) =>
        /^[a-z][a-z0-9_]{0,62}$/.test(v) ? null : 'Lower snake case: a letter, then letters, digits or _',
      options: (v, values) =>
        isChoice(values.type) && v.filter((o) => o.label.trim()).length === 0
          ? 'Add at least one option'
          : null,
    },
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when another field is opened
  useEffect(() => {
    if (!opened) return;
    form.setInitialValues(initial());
    form.setValues(initial());
    form.clearErrors();
  }, [opened, field?.id]);

  const submit = form.onSubmit(async (v) => {
    const options = isChoice(v.type)
      ? v.options
          .filter((o) => o.label.trim() || o.value.trim())
          .map((o) => ({
            value: o.value.trim() || toKey(o.label) || o.label.trim(),
            label: o.label.trim() || o.value.trim(),
          }))
      : null;
    const body = {
      label: v.label.trim(),
      required: v.required,
      description: v.description.trim() || null,
      ...(isChoice(v.type) ? { options } : {}),
    };
    try {
      if (field) await api.patch(`/custom-fields/${field.id}`, body);
      else await api.post('/custom-fields', { ...body, entity, key: v.key, type: v.type });
      void qc.invalidateQueries({ queryKey: ['custom-fields'] });
      notifications.show({
        color: 'green',
        message: field ? 'Field saved' : `Field "${body.label}" created`,
      });
      onClose();
    } catch (e) {
      showApiError(e, form);
    }
  });

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={field ? `Edit "${field.label}"` : `New ${labelize(entity).toLowerCase()} field`}
      size="lg"
    >
      <form onSubmit={submit} noValidate data-testid="custom-field-form">
        <Stack gap="sm">
          <TextInput
            label="Label"
            withAsterisk
            data-autofocus
            {...form.getInputProps('label')}
            onChange={(e) => {
              const label = e.currentTarget.value;
              if (!field && (form.values.key === '' || form.values.key === toKey(form.values.label)))
                form.setFieldValue('key', toKey(label));
              form.setFieldValue('label', label);
            }}
          />
          <Group grow align="flex-start">
            <TextInput
              label="Key"
              description={
                field ? 'Fixed: values are stored under it' : 'Used by the API, filters and imports'
              }
              disabled={!!field}
              {...form.getInputProps('key')}
            />
            <Select
              label="Type"
              description={field ? 'Fixed once created' : undefined}
              data={CUSTOM_FIELD_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] ?? t }))}
              allowDeselect={false}
              disabled={!!field}
              {...form.getInputProps('type')}
            />
          </Group>
          <Textarea label="Help text" autosize minRows={1} {...form.getInputProps('description')} />
          <Switch
            label="Required"
            description="New records must have a value; it cannot be removed later"
            {...form.getInputProps('required', { type: 'checkbox' })}
          />
          {isChoice(form.values.type) && (
            <Stack gap={6} data-testid="custom-field-options">
              <Text size="sm" fw={500}>
                Options
              </Text>
              {form.values.options.map((_, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
                <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
                  <TextInput
                    placeholder="Label"
                    aria-label={`Option ${i + 1} label`}
                    style={{ flex: 2 }}
                    {...form.getInputProps(`options.${i}.label`)}
                  />
                  <TextInput
                    placeholder={toKey(form.values.options[i]?.label ?? '') || 'value'}
                    aria-label={`Option ${i + 1} value`}
                    style={{ flex: 1 }}
                    {...form.getInputProps(`options.${i}.value`)}
                  />
                  <Tooltip label="Remove option">
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      mt={4}
                      aria-label={`Remove option ${i + 1}`}
                      onClick={() => form.removeListItem('options', i)}
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Group>
              ))}
              {form.errors.options && (
                <Text size="xs" c="red">
                  {form.errors.options}
                </Text>
              )}
              <Group>
                <Button
                  size="xs"
                  variant="light"
                  leftSection={<IconPlus size={14} />}
                  onClick={() => form.insertListItem('options', { value: '', label: '' })}
                >
                  Add option
                </Button>
              </Group>
            </Stack>
          )}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              {field ? 'Save' : 'Create field'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
