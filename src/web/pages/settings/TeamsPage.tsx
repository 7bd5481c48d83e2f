import {
  Badge,
  Button,
  Group,
  Modal,
  MultiSelect,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { useMembers } from '../../api/hooks';
import { usePermissions } from '../../auth/session';
import { PageHeader } from '../../components/ListPage';
import { FormFooter, useResetOnOpen } from '../../components/ModalForm';
import { RowActions, SettingsTable } from '../../components/RowActions';
import { showApiError } from '../../lib/forms';
import { type Team, useTeams } from './AssignmentRulesModal';
import { canManage } from './AssignmentRulesPage';

type Values = { name: string; description: string; userIds: string[] };

function TeamModal({ opened, onClose, team }: { opened: boolean; onClose: () => void; team?: Team | null }) {
  const qc = useQueryClient();
  const members = useMembers();
  const initial = (): Values => ({
    name: team?.name ?? '',
    description: team?.description ?? '',
    userIds: team?.members.map((m) => m.userId) ?? [],
  });
  const form = useForm<Values>({
    initialValues: initial(),
    validate: { name: (v) => (v.trim() ? null : 'A name is required') },
  });
  useResetOnOpen(form, opened, team?.id, () => initial());
  const submit = form.onSubmit(async (v) => {
    const body = { name: v.name.trim(), description: v.description.trim() || null, userIds: v.userIds };
    try {
      if (team) await api.patch(`/teams/${team.id}`, body);
      else await api.post('/teams', body);
      void qc.invalidateQueries({ queryKey: ['teams'] });
      notifications.show({ color: 'green', message: team ? 'Team saved' : `Team "${body.name}" created` });
      onClose();
    } catch (e) {
      showApiError(e, form, { mapField: (f) => (f.startsWith('userIds') ? 'userIds' : f) });
    }
  });
  const data = (members.data ?? [])
    .filter((m) => m.active || team?.members.some((x) => x.userId === m.id))
    .map((m) => ({ value: m.id, label: m.name }));
  return (
    <Modal opened={opened} onClose={onClose} title={team ? `Edit "${team.name}"` : 'New team'}>
      <form onSubmit={submit} noValidate aria-label="Team">
        <Stack gap="sm">
          <TextInput label="Name" withAsterisk data-autofocus {...form.getInputProps('name')} />
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <MultiSelect label="Members" searchable data={data} {...form.getInputProps('userIds')} />
          <FormFooter
            onCancel={onClose}
            submitting={form.submitting}
            submitLabel={team ? 'Save' : 'Create team'}
          />
        </Stack>
      </form>
    </Modal>
  );
}

/** Settings → Teams: groups of members that assignment rules can rotate over. */
export function TeamsPage() {
  const { role } = usePermissions();
  const editable = canManage(role);
  const qc = useQueryClient();
  const q = useTeams();
  const [editing, setEditing] = useState<Team | null>(null);
  const [creating, setCreating] = useState(false);
  const remove = useMutation({
    mutationFn: (t: Team) => api.delete(`/teams/${t.id}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['teams'] }),
    onError: (e) => showApiError(e),
  });
  const teams = q.data ?? [];
  return (
    <Stack gap="lg">
      <PageHeader
        title="Teams"
        description="Groups of members, e.g. Inbound EMEA. An assignment rule can hand leads out over a team's members."
        actions={
          editable && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              New team
            </Button>
          )
        }
      />
      {!q.isPending && teams.length === 0 && (
        <Text c="dimmed" size="sm">
          No teams yet.
        </Text>
      )}
      {teams.length > 0 && (
        <SettingsTable
          testId="teams-table"
          actions={editable}
          head={
            <>
              <Table.Th>Team</Table.Th>
              <Table.Th>Members</Table.Th>
            </>
          }
        >
          {teams.map((t) => (
            <Table.Tr key={t.id} data-testid="team-row">
              <Table.Td>
                <Text size="sm" fw={600}>
                  {t.name}
                </Text>
                {t.description && (
                  <Text size="xs" c="dimmed">
                    {t.description}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {t.members.map((m) => (
                    <Badge key={m.userId} variant="light" tt="none" color={m.active ? 'blue' : 'gray'}>
                      {m.name}
                      {m.active ? '' : ' (removed)'}
                    </Badge>
                  ))}
                  {t.members.length === 0 && (
                    <Text size="sm" c="dimmed">
                      no members
                    </Text>
                  )}
                </Group>
              </Table.Td>
              {editable && (
                <RowActions name={t.name} onEdit={() => setEditing(t)} onDelete={() => remove.mutate(t)} />
              )}
            </Table.Tr>
          ))}
        </SettingsTable>
      )}
      <TeamModal opened={creating} onClose={() => setCreating(false)} />
      <TeamModal opened={!!editing} onClose={() => setEditing(null)} team={editing} />
    </Stack>
  );
}
