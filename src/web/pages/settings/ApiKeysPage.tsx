import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconKey, IconLock, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import type { ApiKey, ApiKeyCreated } from '../../api/types';
import { usePermissions } from '../../auth/session';
import { PageHeader } from '../../components/ListPage';
import { ROLE_COLORS } from '../../lib/constants';
import { formatDate, fromNow, labelize } from '../../lib/format';
import { showApiError } from '../../lib/forms';
import { KeySecretModal, NewKeyModal } from './ApiKeyModals';

function KeysTable({ keys, onRevoke }: { keys: ApiKey[]; onRevoke: (k: ApiKey) => void }) {
  return (
    <Table verticalSpacing="sm" horizontalSpacing="md" data-testid="api-keys-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>Key</Table.Th>
          <Table.Th>Role</Table.Th>
          <Table.Th>Created</Table.Th>
          <Table.Th>Last used</Table.Th>
          <Table.Th w={60} />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {keys.map((k) => (
          <Table.Tr key={k.id} opacity={k.revokedAt ? 0.55 : 1}>
            <Table.Td>
              <Text size="sm" fw={600}>
                {k.name}
              </Text>
            </Table.Td>
            <Table.Td>
              <Code>{k.prefix}…</Code>
            </Table.Td>
            <Table.Td>
              <Badge variant="light" color={ROLE_COLORS[k.role]}>
                {labelize(k.role)}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm" c="dimmed">
                {formatDate(k.createdAt)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" c="dimmed">
                {k.lastUsedAt ? fromNow(k.lastUsedAt) : 'Never'}
              </Text>
            </Table.Td>
            <Table.Td>
              {k.revokedAt ? (
                <Badge color="gray" variant="outline" size="sm">
                  Revoked
                </Badge>
              ) : (
                <Tooltip label="Revoke">
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    onClick={() => onRevoke(k)}
                    aria-label={`Revoke ${k.name}`}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Tooltip>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function ApiKeysPage() {
  const { isAdmin } = usePermissions();
  const qc = useQueryClient();
  const [creating, createModal] = useDisclosure(false);
  const [secret, setSecret] = useState<ApiKeyCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const q = useQuery({
    queryKey: ['api-keys'],
    queryFn: ({ signal }) => api.get<{ data: ApiKey[] }>('/api-keys', undefined, signal).then((r) => r.data),
    enabled: isAdmin,
  });
  const revoke = useMutation({
    mutationFn: (k: ApiKey) => api.delete(`/api-keys/${k.id}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['api-keys'] });
      setRevoking(null);
    },
    onError: (e) => showApiError(e),
  });

  return (
    <Stack gap="lg">
      <PageHeader
        title="API keys"
        description="Keys let programs use the Leadbase API: send them as Authorization: Bearer <key>."
        actions={
          isAdmin && (
            <Button leftSection={<IconKey size={16} />} onClick={createModal.open}>
              New API key
            </Button>
          )
        }
      />
      {!isAdmin ? (
        <Alert icon={<IconLock size={18} />} color="gray" title="Admins only">
          Only owners and admins can see and create API keys.
        </Alert>
      ) : (
        <Paper withBorder>
          {q.data && q.data.length > 0 ? (
            <KeysTable keys={q.data} onRevoke={setRevoking} />
          ) : (
            <Text size="sm" c="dimmed" p="lg" ta="center">
              {q.isPending ? 'Loading…' : 'No API keys yet.'}
            </Text>
          )}
        </Paper>
      )}
      <NewKeyModal
        opened={creating}
        onClose={createModal.close}
        onCreated={(k) => {
          createModal.close();
          setSecret(k);
        }}
      />
      <KeySecretModal created={secret} onClose={() => setSecret(null)} />
      <Modal opened={!!revoking} onClose={() => setRevoking(null)} title={`Revoke "${revoking?.name}"?`}>
        <Text size="sm">Programs using this key stop working at once. This cannot be undone.</Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={() => setRevoking(null)}>
            Cancel
          </Button>
          <Button color="red" loading={revoke.isPending} onClick={() => revoking && revoke.mutate(revoking)}>
            Revoke key
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}
