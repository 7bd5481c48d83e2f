import { Group, Modal, NumberInput, Select, Stack, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import {
  MAX_POINTS,
  SCORING_CATEGORIES,
  type ScoringRuleChangeOut,
  type ScoringRuleOut,
} from '../../../core/scoring/scoring.schemas.js';
import { api } from '../../api/client';
import {
  ConditionJsonInput,
  conditionJsonError,
  showConditionErrors,
} from '../../components/ConditionJsonInput';
import { FormFooter, useResetOnOpen } from '../../components/ModalForm';
import { labelize } from '../../lib/format';

export type ScoringRule = ScoringRuleOut;

export const CATEGORY_HELP: Record<string, string> = {
  demographic: 'Who the lead is: title, company, location, budget',
  behavioural: 'What they did: source, campaign, form, product interest',
  engagement: 'How much you are in touch: calls, emails, meetings in a window',
  progression: 'Where they are: stage, status, expected close',
};

type Values = {
  name: string;
  category: string;
  points: number | string;
  active: boolean;
  conditions: string;
};

const EXAMPLE = '{"field": "source", "op": "eq", "value": "referral"}';

const initialOf = (rule?: ScoringRule | null): Values => ({
  name: rule?.name ?? '',
  category: rule?.category ?? 'demographic',
  points: rule?.points ?? 10,
  active: rule?.active ?? true,
  conditions: rule ? JSON.stringify(rule.conditions, null, 2) : '',
});

/** Create or edit a scoring rule; the condition is JSON checked by the server (errors shown on it). */
export function ScoringRuleModal({
  opened,
  onClose,
  rule,
  onSaved,
}: {
  opened: boolean;
  onClose: () => void;
  rule?: ScoringRule | null;
  /** The saved rule with the id of the recompute job it started (if any). */
  onSaved: (r: ScoringRuleChangeOut) => void;
}) {
  const qc = useQueryClient();
  const form = useForm<Values>({
    initialValues: initialOf(rule),
    validate: {
      name: (v) => (v.trim() ? null : 'A name is required'),
      points: (v) =>
        typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= MAX_POINTS
          ? null
          : `Whole points between -${MAX_POINTS} and ${MAX_POINTS}`,
      conditions: (v) =>
        conditionJsonError(v, {
          notObject: `A condition is a JSON object, e.g. ${EXAMPLE}`,
          required: `A condition is required, e.g. ${EXAMPLE}`,
        }),
    },
  });
  useResetOnOpen(form, opened, rule?.id, () => initialOf(rule));

  const submit = form.onSubmit(async (v) => {
    const body = {
      name: v.name.trim(),
      category: v.category,
      points: Number(v.points),
      active: v.active,
      conditions: JSON.parse(v.conditions),
    };
    try {
      const saved = rule
        ? (await api.patch<ScoringRuleChangeOut>(`/scoring-rules/${rule.id}`, body)).data
        : await api.post<ScoringRuleChangeOut>('/scoring-rules', body);
      void qc.invalidateQueries({ queryKey: ['scoring-rules'] });
      notifications.show({ color: 'green', message: rule ? 'Rule saved' : `Rule "${body.name}" created` });
      onSaved(saved);
      onClose();
    } catch (e) {
      showConditionErrors(e, form, 'conditions');
    }
  });

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={rule ? `Edit "${rule.name}"` : 'New scoring rule'}
      size="lg"
    >
      <form onSubmit={submit} noValidate data-testid="scoring-rule-form" aria-label="Scoring rule">
        <Stack gap="sm">
          <TextInput label="Name" withAsterisk data-autofocus {...form.getInputProps('name')} />
          <Group grow align="flex-start">
            <Select
              label="Category"
              data={SCORING_CATEGORIES.map((c) => ({ value: c, label: labelize(c) }))}
              allowDeselect={false}
              description={CATEGORY_HELP[form.values.category]}
              {...form.getInputProps('category')}
            />
            <NumberInput
              label="Points"
              description="Negative points subtract"
              min={-MAX_POINTS}
              max={MAX_POINTS}
              allowDecimal={false}
              withAsterisk
              {...form.getInputProps('points')}
            />
          </Group>
          <ConditionJsonInput
            label="Condition"
            withAsterisk
            description={`JSON in the condition language over lead fields, contact.*, account.*, custom.* and activity counts such as activities.call.last_7d. E.g. ${EXAMPLE}`}
            minRows={3}
            maxRows={14}
            {...form.getInputProps('conditions')}
          />
          <Switch label="Active" {...form.getInputProps('active', { type: 'checkbox' })} />
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
