import { Alert, Badge, Button, Code, Group, NumberInput, Paper, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconInfoCircle, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { usePermissions } from '../../auth/session';
import { PageHeader } from '../../components/ListPage';
import { MemberSelect, useMemberMap } from '../../components/people';
import { ConfirmDeleteModal, RuleRow, SettingsTable, useConfirmedDelete } from '../../components/RowActions';
import { showApiError } from '../../lib/forms';
import { type AssignmentRule, AssignmentRuleModal, putJson, TYPES, useTeams } from './AssignmentRulesModal';
import { conditionSummary } from './DuplicateRulesPage';

export const canManage = (role: string) => role === 'owner' || role === 'admin' || role === 'manager';

function FallbackOwner({ editable }: { editable: boolean }) {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['assignment-settings'],
    queryFn: ({ signal }) =>
      api.get<{ fallbackUserId: string | null }>('/assignment/settings', undefined, signal),
  });
  const save = useMutation({
    mutationFn: (fallbackUserId: string | null) => putJson('/assignment/settings', { fallbackUserId }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['assignment-settings'] });
      notifications.show({ color: 'green', message: 'Fallback owner saved' });
    },
    onError: (e) => showApiError(e),
  });
  return (
    <Paper withBorder p="md">
      <Group align="flex-end">
        <MemberSelect
          label="Fallback owner"
          description="Gets a new lead when no rule assigns it (empty: the lead stays unassigned)"
          placeholder="Nobody"
          clearable
          w={360}
          disabled={!editable || q.isPending}
          value={q.data?.fallbackUserId ?? null}
          onChange={(v) => save.mutate(v)}
          data-testid="fallback-owner"
        />
      </Group>
    </Paper>
  );
}

/** How many open leads the rule's conditions select now (the server runs the compiled SQL). */
function MatchingNow({ rule }: { rule: AssignmentRule }) {
  const preview = useMutation({
    mutationFn: () => api.post<{ matching: number }>(`/assignment-rules/${rule.id}/preview`),
    onError: (e) => showApiError(e),
  });
  return preview.data ? (
    <Text size="xs" c="dimmed" data-testid="rule-matching">
      {preview.data.matching} open lead{preview.data.matching === 1 ? '' : 's'} match now
    </Text>
  ) : (
    <Button variant="subtle" size="compact-xs" loading={preview.isPending} onClick={() => preview.mutate()}>
      How many open leads match?
    </Button>
  );
}

/** Settings → Assignment rules: who gets each new lead without an owner, tried in priority order. */
export function AssignmentRulesPage() {
  const { role } = usePermissions();
  const editable = canManage(role);
  const qc = useQueryClient();
  const people = useMemberMap();
  const teams = useTeams();
  const [editing, setEditing] = useState<AssignmentRule | null>(null);
  const [creating, createModal] = useDisclosure(false);
  const q = useQuery({
    queryKey: ['assignment-rules'],
    queryFn: ({ signal }) =>
      api.get<{ data: AssignmentRule[] }>('/assignment-rules', undefined, signal).then((r) => r.data),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['assignment-rules'] });
  const patch = useMutation({
    mutationFn: ({ r, body }: { r: AssignmentRule; body: Record<string, unknown> }) =>
      api.patch(`/assignment-rules/${r.id}`, body),
    onSettled: refresh,
    onError: (e) => showApiError(e),
  });
  const del = useConfirmedDelete<AssignmentRule>('/assignment-rules', () => void refresh());
  const rules = q.data ?? [];
  const nextPriority = rules.length ? Math.max(...rules.map((r) => r.priority)) + 10 : 100;
  const teamName = (id: string) => teams.data?.find((t) => t.id === id)?.name ?? 'team';

  return (
    <Stack gap="lg">
      <PageHeader
        title="Assignment rules"
        description="Who gets each new lead created without an owner (form, API, batch, import). Rules are tried by priority; the first whose conditions hold and that has an eligible member (not paused, under its caps) picks the owner."
        actions={
          editable && (
            <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
              New rule
            </Button>
          )
        }
      />
      {!editable && (
        <Alert icon={<IconInfoCircle size={18} />} color="gray" title="Managers manage rules">
          You can see the rules; managers, admins and owners change them.
        </Alert>
      )}
      <FallbackOwner editable={editable} />
      {!q.isPending && rules.length === 0 && (
        <Text c="dimmed" size="sm">
          No rules yet: new leads without an owner go to the fallback owner, or stay unassigned.
        </Text>
      )}
      {rules.length > 0 && (
        <SettingsTable
          testId="assignment-rules-table"
          actions={editable}
          head={
            <>
              <Table.Th w={110}>Priority</Table.Th>
              <Table.Th>Rule</Table.Th>
              <Table.Th>Candidates</Table.Th>
              <Table.Th>Conditions</Table.Th>
              <Table.Th>Active</Table.Th>
            </>
          }
        >
          {rules.map((r) => (
            <RuleRow
              key={r.id}
              testId="assignment-rule-row"
              rule={r}
              editable={editable}
              switching={patch.isPending}
              onActive={(active) => patch.mutate({ r, body: { active } })}
              onEdit={() => setEditing(r)}
              onDelete={() => del.ask(r)}
            >
              <Table.Td>
                <NumberInput
                  size="xs"
                  w={80}
                  min={0}
                  max={100000}
                  aria-label={`Priority of ${r.name}`}
                  defaultValue={r.priority}
                  disabled={!editable}
                  onBlur={(e) => {
                    const p = Number(e.currentTarget.value);
                    if (Number.isInteger(p) && p !== r.priority) patch.mutate({ r, body: { priority: p } });
                  }}
                />
              </Table.Td>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {r.name}
                </Text>
                <Group gap={4}>
                  <Badge variant="light">{TYPES.find((t) => t.value === r.type)?.label}</Badge>
                  <Text size="xs" c="dimmed">
                    {r.assignedCount} assigned
                  </Text>
                </Group>
              </Table.Td>
              <Table.Td maw={320}>
                {r.teamId ? (
                  <Badge variant="outline" tt="none">
                    Team: {teamName(r.teamId)}
                  </Badge>
                ) : (
                  <Text size="sm">{r.userIds.map((u) => people.get(u)?.name ?? u).join(' → ')}</Text>
                )}
              </Table.Td>
              <Table.Td maw={320}>
                {r.conditions ? (
                  <Stack gap={2} align="flex-start">
                    <Code>{conditionSummary(r.conditions)}</Code>
                    <MatchingNow rule={r} />
                  </Stack>
                ) : (
                  <Text size="sm" c="dimmed">
                    every new lead
                  </Text>
                )}
              </Table.Td>
            </RuleRow>
          ))}
        </SettingsTable>
      )}
      <AssignmentRuleModal opened={creating} onClose={createModal.close} nextPriority={nextPriority} />
      <AssignmentRuleModal opened={!!editing} onClose={() => setEditing(null)} rule={editing} />
      <ConfirmDeleteModal {...del.modalProps}>
        The rule stops assigning leads (it can be restored through the API).
      </ConfirmDeleteModal>
    </Stack>
  );
}
