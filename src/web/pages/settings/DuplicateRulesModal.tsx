import {
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  Select,
  Slider,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import {
  type DuplicateEntity,
  type DuplicateRuleOut,
  RULE_FIELDS,
} from '../../../core/duplicates/duplicates.schemas.js';
import { api } from '../../api/client';
import {
  ConditionJsonInput,
  conditionJsonError,
  parseConditionJson,
  showConditionErrors,
} from '../../components/ConditionJsonInput';
import { FormFooter, useResetOnOpen } from '../../components/ModalForm';

export type DuplicateRule = DuplicateRuleOut;

/** What each rule field compares (the server's RULE_FIELDS). */
export const FIELD_LABELS: Record<string, string> = {
  person: 'Person (overall score)',
  email: 'Email',
  phone: 'Phone',
  name: 'Name',
  firstName: 'First name',
  lastName: 'Last name',
  company: 'Company',
  street: 'Street',
  city: 'City',
  postcode: 'Postcode',
  state: 'State',
  domain: 'Domain',
};

export const ACTIONS = [
  {
    value: 'block',
    label: 'Block',
    help: 'Refuse the create or update (409) and list the existing records it duplicates.',
  },
  {
    value: 'flag',
    label: 'Flag',
    help: 'Save it, and list the pair on the Duplicates page for review (a lead is marked duplicate).',
  },
  {
    value: 'link',
    label: 'Link to existing',
    help: 'Use the existing record instead of creating one (a new lead attaches to the existing contact; only missing data is added). On updates it flags.',
  },
] as const;

type Values = {
  name: string;
  fields: string[];
  matches: Record<string, 'exact' | 'fuzzy'>;
  threshold: number;
  action: string;
  active: boolean;
  position: number;
  condition: string;
};

const initialOf = (rule?: DuplicateRule | null, position = 0): Values => ({
  name: rule?.name ?? '',
  fields: rule?.fields.map((f) => f.field) ?? [],
  matches: Object.fromEntries(rule?.fields.map((f) => [f.field, f.match]) ?? []),
  threshold: rule?.threshold ?? 0.9,
  action: rule?.action ?? 'flag',
  active: rule?.active ?? true,
  position: rule?.position ?? position,
  condition: rule?.condition ? JSON.stringify(rule.condition, null, 2) : '',
});

/** Create or edit a duplicate rule: fields (exact or fuzzy), threshold, action, optional condition. */
export function DuplicateRuleModal({
  opened,
  onClose,
  entity,
  rule,
  nextPosition = 0,
}: {
  opened: boolean;
  onClose: () => void;
  entity: DuplicateEntity;
  rule?: DuplicateRule | null;
  nextPosition?: number;
}) {
  const qc = useQueryClient();
  const form = useForm<Values>({
    initialValues: initialOf(rule, nextPosition),
    validate: {
      name: (v) => (v.trim() ? null : 'A name is required'),
      fields: (v) => (v.length ? null : 'Pick at least one field'),
      condition: (v) =>
        conditionJsonError(v, {
          notObject: 'A condition is a JSON object, e.g. {"field": "source", "op": "eq", "value": "partner"}',
        }),
    },
  });
  useResetOnOpen(form, opened, rule?.id, () => initialOf(rule, nextPosition));

  const submit = form.onSubmit(async (v) => {
    const weights = Object.fromEntries(rule?.fields.map((f) => [f.field, f.weight]) ?? []);
    const body = {
      name: v.name.trim(),
      fields: v.fields.map((field) => ({
        field,
        match: v.matches[field] ?? (field === 'person' ? 'fuzzy' : 'exact'),
        ...(weights[field] !== undefined ? { weight: weights[field] } : {}),
      })),
      threshold: v.threshold,
      action: v.action,
      active: v.active,
      position: v.position,
      condition: parseConditionJson(v.condition),
    };
    try {
      if (rule) await api.patch(`/duplicate-rules/${rule.id}`, body);
      else await api.post('/duplicate-rules', { ...body, entity });
      void qc.invalidateQueries({ queryKey: ['duplicate-rules'] });
      notifications.show({ color: 'green', message: rule ? 'Rule saved' : `Rule "${body.name}" created` });
      onClose();
    } catch (e) {
      showConditionErrors(e, form, 'condition', { mapField: (f) => (f.startsWith('fields') ? 'fields' : f) });
    }
  });

  const action = ACTIONS.find((a) => a.value === form.values.action);
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={rule ? `Edit "${rule.name}"` : `New ${entity} duplicate rule`}
      size="lg"
    >
      <form onSubmit={submit} noValidate data-testid="duplicate-rule-form" aria-label="Duplicate rule">
        <Stack gap="sm">
          <TextInput label="Name" withAsterisk data-autofocus {...form.getInputProps('name')} />
          <MultiSelect
            label="Fields"
            placeholder="Pick fields"
            description="A rule fires when every exact field is equal and the mean similarity reaches the threshold"
            data={RULE_FIELDS[entity].map((f) => ({ value: f, label: FIELD_LABELS[f] ?? f }))}
            withAsterisk
            {...form.getInputProps('fields')}
          />
          {form.values.fields.map((f) => (
            <Group key={f} justify="space-between" data-testid={`rule-field-${f}`}>
              <Text size="sm">{FIELD_LABELS[f] ?? f}</Text>
              <SegmentedControl
                size="xs"
                aria-label={`Match ${FIELD_LABELS[f] ?? f}`}
                data={[
                  { value: 'exact', label: 'Exact' },
                  { value: 'fuzzy', label: 'Fuzzy' },
                ]}
                value={form.values.matches[f] ?? (f === 'person' ? 'fuzzy' : 'exact')}
                onChange={(m) => form.setFieldValue(`matches.${f}`, m as 'exact' | 'fuzzy')}
              />
            </Group>
          ))}
          <Stack gap={4}>
            <Group justify="space-between" align="flex-end">
              <Text size="sm" fw={500}>
                Threshold
              </Text>
              <NumberInput
                aria-label="Threshold"
                min={0}
                max={1}
                step={0.01}
                decimalScale={2}
                w={90}
                size="xs"
                {...form.getInputProps('threshold')}
              />
            </Group>
            <Slider
              min={0}
              max={1}
              step={0.01}
              label={(x) => x.toFixed(2)}
              thumbLabel="Threshold slider"
              {...form.getInputProps('threshold')}
            />
            <Text size="xs" c="dimmed">
              0..1: the weighted mean of the field similarities (1 = equal after normalization; the person
              score is the probability that both are the same).
            </Text>
          </Stack>
          <Select
            label="Action"
            data={ACTIONS.map((a) => ({ value: a.value, label: a.label }))}
            allowDeselect={false}
            description={action?.help}
            {...form.getInputProps('action')}
          />
          <Group grow align="flex-start">
            <NumberInput
              label="Position"
              description="Rules are tried in ascending position"
              min={0}
              max={10000}
              {...form.getInputProps('position')}
            />
            <Switch mt="lg" label="Active" {...form.getInputProps('active', { type: 'checkbox' })} />
          </Group>
          <ConditionJsonInput
            label="Condition (optional)"
            description={`JSON in the condition language over ${entity} fields: the rule applies only to records meeting it. E.g. {"field": "source", "op": "eq", "value": "partner"}`}
            {...form.getInputProps('condition')}
          />
          <FormFooter
            onCancel={onClose}
            submitting={form.submitting}
            submitLabel={rule ? 'Save' : 'Create rule'}
          />
        </Stack>
      </form>
    </Modal>
  );
}
