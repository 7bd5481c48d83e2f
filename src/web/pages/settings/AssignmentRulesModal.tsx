import {
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AssignmentRuleOut } from '../../../core/assignment/assignment.schemas.js';
import type { TeamOut } from '../../../core/teams/teams.schemas.js';
import { ApiError, api, BASE } from '../../api/client';
import { useMembers } from '../../api/hooks';
import {
  ConditionJsonInput,
  conditionJsonError,
  parseConditionJson,
  showConditionErrors,
} from '../../components/ConditionJsonInput';
import { FormFooter, useResetOnOpen } from '../../components/ModalForm';

export type AssignmentRule = AssignmentRuleOut;
export type Team = TeamOut;

export const TYPES = [
  {
    value: 'round_robin',
    label: 'Round robin',
    help: 'Each new lead goes to the next eligible user in rotation.',
  },
  {
    value: 'least_loaded',
    label: 'Least loaded',
    help: 'The eligible user with the fewest open leads (ties: next in rotation).',
  },
  { value: 'specific_user', label: 'Specific user', help: 'Always this one user (if not paused or capped).' },
] as const;

/** PUT with JSON (the shared client has get/post/patch/delete). */
export async function putJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${BASE}${path}`, {
    method: 'PUT',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return data as T;
}

export function useTeams() {
  return useQuery({
    queryKey: ['teams'],
    queryFn: ({ signal }) => api.get<{ data: Team[] }>('/teams', undefined, signal).then((r) => r.data),
  });
}

type Values = {
  name: string;
  type: string;
  source: 'users' | 'team';
  userIds: string[];
  teamId: string | null;
  priority: number;
  active: boolean;
  conditions: string;
};

const initialOf = (rule?: AssignmentRule | null, priority = 100): Values => ({
  name: rule?.name ?? '',
  type: rule?.type ?? 'round_robin',
  source: rule?.teamId ? 'team' : 'users',
  userIds: rule?.userIds ?? [],
  teamId: rule?.teamId ?? null,
  priority: rule?.priority ?? priority,
  active: rule?.active ?? true,
  conditions: rule?.conditions ? JSON.stringify(rule.conditions, null, 2) : '',
});

/** Create or edit an assignment rule: type, users in rotation order or a team, conditions, priority. */
export function AssignmentRuleModal({
  opened,
  onClose,
  rule,
  nextPriority = 100,
}: {
  opened: boolean;
  onClose: () => void;
  rule?: AssignmentRule | null;
  nextPriority?: number;
}) {
  const qc = useQueryClient();
  const members = useMembers();
  const teams = useTeams();
  const form = useForm<Values>({
    initialValues: initialOf(rule, nextPriority),
    validate: {
      name: (v) => (v.trim() ? null : 'A name is required'),
      conditions: (v) =>
        conditionJsonError(v, {
          notObject: 'Conditions are a JSON object, e.g. {"field": "source", "op": "eq", "value": "website"}',
        }),
    },
  });
  useResetOnOpen(form, opened, rule?.id, () => initialOf(rule, nextPriority));

  const specific = form.values.type === 'specific_user';
  const useTeam = !specific && form.values.source === 'team';
  const submit = form.onSubmit(async (v) => {
    const body = {
      name: v.name.trim(),
      type: v.type,
      userIds: useTeam ? [] : v.userIds,
      teamId: useTeam ? v.teamId : null,
      priority: v.priority,
      active: v.active,
      conditions: parseConditionJson(v.conditions),
    };
    try {
      if (rule) await api.patch(`/assignment-rules/${rule.id}`, body);
      else await api.post('/assignment-rules', body);
      void qc.invalidateQueries({ queryKey: ['assignment-rules'] });
      notifications.show({ color: 'green', message: rule ? 'Rule saved' : `Rule "${body.name}" created` });
      onClose();
    } catch (e) {
      showConditionErrors(e, form, 'conditions', {
        mapField: (f) => (f.startsWith('userIds') ? 'userIds' : f),
      });
    }
  });

  const memberData = (members.data ?? [])
    .filter((m) => m.active)
    .map((m) => ({ value: m.id, label: m.name }));
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={rule ? `Edit "${rule.name}"` : 'New assignment rule'}
      size="lg"
    >
      <form onSubmit={submit} noValidate aria-label="Assignment rule" data-testid="assignment-rule-form">
        <Stack gap="sm">
          <TextInput label="Name" withAsterisk data-autofocus {...form.getInputProps('name')} />
          <Select
            label="Type"
            data={TYPES.map((t) => ({ value: t.value, label: t.label }))}
            allowDeselect={false}
            description={TYPES.find((t) => t.value === form.values.type)?.help}
            {...form.getInputProps('type')}
          />
          {!specific && (
            <SegmentedControl
              aria-label="Candidates"
              data={[
                { value: 'users', label: 'Users' },
                { value: 'team', label: 'A team' },
              ]}
              {...form.getInputProps('source')}
            />
          )}
          {useTeam ? (
            <Select
              label="Team"
              description="Its members are the candidates (rotation by member id)"
              data={(teams.data ?? []).map((t) => ({
                value: t.id,
                label: `${t.name} (${t.members.length})`,
              }))}
              {...form.getInputProps('teamId')}
            />
          ) : (
            <MultiSelect
              label={specific ? 'User' : 'Users, in rotation order'}
              placeholder="Pick members"
              data={memberData}
              maxValues={specific ? 1 : undefined}
              searchable
              withAsterisk
              {...form.getInputProps('userIds')}
            />
          )}
          <Group grow align="flex-start">
            <NumberInput
              label="Priority"
              description="Lower is tried first"
              min={0}
              max={100000}
              {...form.getInputProps('priority')}
            />
            <Switch mt="lg" label="Active" {...form.getInputProps('active', { type: 'checkbox' })} />
          </Group>
          <ConditionJsonInput
            label="Conditions (optional)"
            description='JSON in the condition language over lead fields; empty: every new lead. E.g. {"all": [{"field": "source", "op": "eq", "value": "website"}]}'
            {...form.getInputProps('conditions')}
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
