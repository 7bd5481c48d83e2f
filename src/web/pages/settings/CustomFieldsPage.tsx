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
  Switch,
  Table,
  Tabs,
  Text,
  Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconArchive,
  IconArrowBackUp,
  IconChevronDown,
  IconChevronUp,
  IconForms,
  IconPencil,
  IconPlus,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { CustomFieldEntity } from '../../../core/custom-fields/custom-fields.schemas.js';
import { api } from '../../api/client';
import { usePermissions } from '../../auth/session';
import type { CustomField } from '../../components/CustomFieldInput';
import { PageHeader } from '../../components/ListPage';
import { formatDate } from '../../lib/format';
import { showApiError } from '../../lib/forms';
import { CustomFieldModal, TYPE_LABELS } from './CustomFieldsModal';

const ENTITIES: { value: CustomFieldEntity; label: string; hint: string }[] = [
  { value: 'lead', label: 'Leads', hint: 'Lead-level: belong to one lead (one sales interest).' },
  {
    value: 'contact',
    label: 'Contacts',
    hint: 'Contact-level: shared by all leads of the contact and shown, inherited, on each lead.',
  },
  { value: 'account', label: 'Accounts', hint: 'On companies.' },
  { value: 'deal', label: 'Deals', hint: 'On deals (lead conversion maps fields by key and type).' },
  { value: 'appointment', label: 'Appointments', hint: 'On appointments of a lead.' },
];

function FieldsTab({ entity, isAdmin }: { entity: CustomFieldEntity; isAdmin: boolean }) {
  const qc = useQueryClient();
  const [archived, setArchived] = useState(false);
  const [editing, setEditing] = useState<CustomField | null>(null);
  const [creating, createModal] = useDisclosure(false);
  const [archiving, setArchiving] = useState<CustomField | null>(null);
  const q = useQuery({
    queryKey: ['custom-fields', entity, archived ? 'archived' : 'live'],
    queryFn: ({ signal }) =>
      api
        .get<{ data: CustomField[] }>(
          '/custom-fields',
          { entity, sort: 'position', limit: 200, deleted: archived ? 'only' : 'exclude' },
          signal,
        )
        .then((r) => r.data),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['custom-fields'] });
  const reorder = useMutation({
    mutationFn: (ids: string[]) => api.post('/custom-fields/reorder', { entity, ids }),
    onSettled: refresh,
    onError: (e) => showApiError(e),
  });
  const setDeleted = useMutation({
    mutationFn: ({ f, deleted }: { f: CustomField; deleted: boolean }) =>
      deleted ? api.delete(`/custom-fields/${f.id}`) : api.post(`/custom-fields/${f.id}/restore`),
    onSuccess: () => {
      setArchiving(null);
      void refresh();
    },
    onError: (e) => showApiError(e),
  });
  const fields = q.data ?? [];
  const move = (i: number, by: number) => {
    const ids = fields.map((f) => f.id);
    const [id] = ids.splice(i, 1);
    ids.splice(i + by, 0, id!);
    reorder.mutate(ids);
  };
  const hint = ENTITIES.find((e) => e.value === entity)!.hint;

  return (
    <Stack gap="sm" pt="md">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {hint}
        </Text>
        <Group gap="sm">
          <Switch
            label="Archived"
            checked={archived}
            onChange={(e) => setArchived(e.currentTarget.checked)}
            aria-label="Show archived fields"
          />
          {isAdmin && !archived && (
            <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
              New field
            </Button>
          )}
        </Group>
      </Group>
      <Paper withBorder>
        {fields.length === 0 ? (
          <Text size="sm" c="dimmed" p="lg" ta="center">
            {q.isPending ? 'Loading…' : archived ? 'No archived fields.' : 'No custom fields yet.'}
          </Text>
        ) : (
          <Table verticalSpacing="sm" horizontalSpacing="md" data-testid={`custom-fields-table-${entity}`}>
            <Table.Thead>
              <Table.Tr>
                {isAdmin && !archived && <Table.Th w={70}>Order</Table.Th>}
                <Table.Th>Label</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Options</Table.Th>
                <Table.Th>{archived ? 'Archived' : 'Required'}</Table.Th>
                {isAdmin && <Table.Th w={90} />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {fields.map((f, i) => (
                <Table.Tr key={f.id} data-testid={`custom-field-row-${f.key}`}>
                  {isAdmin && !archived && (
                    <Table.Td>
                      <Group gap={2} wrap="nowrap">
                        <ActionIcon
                          variant="subtle"
                          size="sm"
                          disabled={i === 0 || reorder.isPending}
                          onClick={() => move(i, -1)}
                          aria-label={`Move ${f.label} up`}
                        >
                          <IconChevronUp size={14} />
                        </ActionIcon>
                        <ActionIcon
                          variant="subtle"
                          size="sm"
                          disabled={i === fields.length - 1 || reorder.isPending}
                          onClick={() => move(i, 1)}
                          aria-label={`Move ${f.label} down`}
                        >
                          <IconChevronDown size={14} />
                        </ActionIcon>
                      </Group>
                    </Table.Td>
                  )}
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {f.label}
                    </Text>
                    {f.description && (
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {f.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Code>{f.key}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" tt="none">
                      {TYPE_LABELS[f.type] ?? f.type}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed" lineClamp={1}>
                      {f.options.map((o) => o.label).join(', ') || '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{archived ? formatDate(f.deletedAt) : f.required ? 'Yes' : 'No'}</Text>
                  </Table.Td>
                  {isAdmin && (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap" justify="flex-end">
                        {archived ? (
                          <Tooltip label="Restore">
                            <ActionIcon
                              variant="subtle"
                              onClick={() => setDeleted.mutate({ f, deleted: false })}
                              aria-label={`Restore ${f.label}`}
                            >
                              <IconArrowBackUp size={16} />
                            </ActionIcon>
                          </Tooltip>
                        ) : (
                          <>
                            <Tooltip label="Edit">
                              <ActionIcon
                                variant="subtle"
                                onClick={() => setEditing(f)}
                                aria-label={`Edit ${f.label}`}
                              >
                                <IconPencil size={16} />
                              </ActionIcon>
                            </Tooltip>
                            <Tooltip label="Archive">
                              <ActionIcon
                                variant="subtle"
                                color="red"
                                onClick={() => setArchiving(f)}
                                aria-label={`Archive ${f.label}`}
                              >
                                <IconArchive size={16} />
                              </ActionIcon>
                            </Tooltip>
                          </>
                        )}
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      <CustomFieldModal opened={creating} onClose={createModal.close} entity={entity} />
      <CustomFieldModal opened={!!editing} onClose={() => setEditing(null)} entity={entity} field={editing} />
      <Modal opened={!!archiving} onClose={() => setArchiving(null)} title={`Archive "${archiving?.label}"?`}>
        <Text size="sm">
          The field leaves forms, lists and validation. Stored values are kept and come back if you restore
          it.
        </Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={() => setArchiving(null)}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={setDeleted.isPending}
            onClick={() => archiving && setDeleted.mutate({ f: archiving, deleted: true })}
          >
            Archive field
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

/** Settings → Custom fields: per entity, create, edit, reorder, archive and restore. */
export function CustomFieldsPage() {
  const { isAdmin } = usePermissions();
  const [params, setParams] = useSearchParams();
  const tab = (ENTITIES.find((e) => e.value === params.get('entity'))?.value ?? 'lead') as CustomFieldEntity;
  return (
    <Stack gap="lg">
      <PageHeader
        title="Custom fields"
        description="Fields of your own on leads, contacts, accounts, deals and appointments: on forms, record pages, list columns and filters, and in the API as customFields."
      />
      {!isAdmin && (
        <Alert icon={<IconForms size={18} />} color="gray" title="Admins manage fields">
          You can see the fields; owners and admins create and change them.
        </Alert>
      )}
      <Tabs
        value={tab}
        onChange={(v) => v && setParams({ entity: v }, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          {ENTITIES.map((e) => (
            <Tabs.Tab key={e.value} value={e.value}>
              {e.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {ENTITIES.map((e) => (
          <Tabs.Panel key={e.value} value={e.value}>
            <FieldsTab entity={e.value} isAdmin={isAdmin} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
