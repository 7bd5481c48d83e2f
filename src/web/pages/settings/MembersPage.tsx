import {
  ActionIcon,
  Avatar,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconTrash, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { useMembers, useSession } from '../../api/hooks';
import type { Member } from '../../api/types';
import { usePermissions } from '../../auth/session';
import { PageHeader } from '../../components/ListPage';
import { MEMBER_ROLES, ROLE_COLORS } from '../../lib/constants';
import { formatDate, initials, labelize, options } from '../../lib/format';
import { showApiError } from '../../lib/forms';
import { AddMemberModal } from './AddMemberModal';

function RoleCell({ m, editable }: { m: Member; editable: boolean }) {
  const qc = useQueryClient();
  const change = useMutation({
    mutationFn: (role: string) => api.patch<Member>(`/members/${m.id}`, { role }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['members'] });
      notifications.show({
        color: 'green',
        message: `${m.name} is now ${labelize(r.data.role).toLowerCase()}`,
      });
    },
    onError: (e) => showApiError(e),
  });
  if (!editable || m.role === 'owner')
    return (
      <Badge variant="light" color={ROLE_COLORS[m.role]}>
        {labelize(m.role)}
      </Badge>
    );
  return (
    <Select
      aria-label={`Role of ${m.name}`}
      size="xs"
      w={130}
      data={options(MEMBER_ROLES)}
      value={m.role}
      allowDeselect={false}
      onChange={(v) => v && v !== m.role && change.mutate(v)}
      disabled={change.isPending}
    />
  );
}

export function MembersPage() {
  const { data: members, isPending } = useMembers();
  const { data: session } = useSession();
  const { isAdmin } = usePermissions();
  const qc = useQueryClient();
  const [adding, addModal] = useDisclosure(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const remove = useMutation({
    mutationFn: (m: Member) => api.delete(`/members/${m.id}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['members'] });
      setRemoving(null);
    },
    onError: (e) => showApiError(e),
  });

  return (
    <Stack gap="lg">
      <PageHeader
        title="Members"
        description="People in this workspace and what they may do."
        actions={
          isAdmin && (
            <Button leftSection={<IconUserPlus size={16} />} onClick={addModal.open}>
              Add member
            </Button>
          )
        }
      />
      <Paper withBorder>
        <Table verticalSpacing="sm" horizontalSpacing="md" data-testid="members-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Member</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Joined</Table.Th>
              <Table.Th w={60} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(members ?? []).map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>
                  <Group gap="sm" wrap="nowrap">
                    <Avatar radius="xl" color="violet">
                      {initials(m.name)}
                    </Avatar>
                    <div>
                      <Text size="sm" fw={600}>
                        {m.name}{' '}
                        {m.id === session?.user.id && (
                          <Text span c="dimmed" size="xs">
                            (you)
                          </Text>
                        )}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {m.email}
                      </Text>
                    </div>
                    {!m.active && (
                      <Badge color="gray" size="xs">
                        Inactive
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <RoleCell m={m} editable={isAdmin && m.id !== session?.user.id} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    {formatDate(m.joinedAt)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {isAdmin && m.role !== 'owner' && m.id !== session?.user.id && (
                    <Tooltip label="Remove from workspace">
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        onClick={() => setRemoving(m)}
                        aria-label={`Remove ${m.name}`}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            {isPending && (
              <Table.Tr>
                <Table.Td colSpan={4}>
                  <Text size="sm" c="dimmed">
                    Loading…
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      <AddMemberModal opened={adding} onClose={addModal.close} />
      <Modal opened={!!removing} onClose={() => setRemoving(null)} title={`Remove ${removing?.name}?`}>
        <Text size="sm">
          They lose access to this workspace at once. Records they own keep them as owner.
        </Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={() => setRemoving(null)}>
            Cancel
          </Button>
          <Button color="red" loading={remove.isPending} onClick={() => removing && remove.mutate(removing)}>
            Remove
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}
