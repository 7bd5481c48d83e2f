import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Group,
  Popover,
  Select,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { LeadContact } from '../../api/types';
import { usePermissions } from '../../auth/session';
import { SectionCard } from '../../components/FieldList';
import { RecordPicker } from '../../components/RecordPicker';
import { labelize, options } from '../../lib/format';
import { showApiError } from '../../lib/forms';

const ROLES = ['secondary', 'decision_maker', 'technical', 'billing'];

function AddContact({ leadId }: { leadId: string }) {
  const qc = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [contactId, setContactId] = useState<string | null>(null);
  const [role, setRole] = useState<string | null>('secondary');
  const add = useMutation({
    mutationFn: () => api.post<{ data: LeadContact[] }>(`/leads/${leadId}/contacts`, { contactId, role }),
    onSuccess: (res) => {
      qc.setQueryData(['leads', 'contacts', leadId], res.data);
      setOpened(false);
      setContactId(null);
    },
    onError: (e) => showApiError(e),
  });
  return (
    <Popover opened={opened} onChange={setOpened} width={320} position="bottom-end" shadow="md" trapFocus>
      <Popover.Target>
        <Button
          size="compact-xs"
          variant="subtle"
          leftSection={<IconPlus size={14} />}
          onClick={() => setOpened((o) => !o)}
        >
          Add
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="sm">
          <RecordPicker
            kind="contacts"
            label="Contact"
            placeholder="Search contacts"
            value={contactId}
            onChange={setContactId}
            comboboxProps={{ withinPortal: false }}
          />
          <Select
            label="Role"
            data={options(ROLES)}
            value={role}
            onChange={setRole}
            allowDeselect={false}
            comboboxProps={{ withinPortal: false }}
          />
          <Button size="xs" disabled={!contactId} loading={add.isPending} onClick={() => add.mutate()}>
            Add to lead
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

/** All contacts on a lead with their roles; the primary one first. */
export function LeadContactsCard({ leadId }: { leadId: string }) {
  const qc = useQueryClient();
  const { canWrite } = usePermissions();
  const q = useQuery({
    queryKey: ['leads', 'contacts', leadId],
    queryFn: ({ signal }) =>
      api.get<{ data: LeadContact[] }>(`/leads/${leadId}/contacts`, undefined, signal).then((r) => r.data),
  });
  const remove = useMutation({
    mutationFn: (contactId: string) =>
      api.delete<{ data: LeadContact[] }>(`/leads/${leadId}/contacts/${contactId}`),
    onSuccess: (res) => qc.setQueryData(['leads', 'contacts', leadId], res.data),
    onError: (e) => showApiError(e),
  });
  return (
    <SectionCard
      title="Contacts on this lead"
      action={canWrite && <AddContact leadId={leadId} />}
      testId="lead-contacts"
    >
      <Stack gap="xs">
        {(q.data ?? []).map((c) => (
          <Group key={c.contactId} justify="space-between" wrap="nowrap" gap="xs">
            <div style={{ minWidth: 0 }}>
              <Anchor component={Link} to={`/contacts/${c.contactId}`} size="sm" fw={500}>
                {c.name}
              </Anchor>
              <Text size="xs" c="dimmed" className="lb-nowrap">
                {[c.jobTitle, c.email].filter(Boolean).join(' · ') || '—'}
              </Text>
            </div>
            <Group gap={4} wrap="nowrap">
              <Badge size="sm" variant={c.role === 'primary' ? 'filled' : 'light'}>
                {labelize(c.role)}
              </Badge>
              {canWrite && c.role !== 'primary' && (
                <Tooltip label="Remove from lead">
                  <ActionIcon
                    size="sm"
                    variant="subtle"
                    color="gray"
                    onClick={() => remove.mutate(c.contactId)}
                    aria-label="Remove contact"
                  >
                    <IconX size={14} />
                  </ActionIcon>
                </Tooltip>
              )}
            </Group>
          </Group>
        ))}
        {q.data?.length === 1 && (
          <Text size="xs" c="dimmed">
            Add decision makers, technical or billing contacts.
          </Text>
        )}
      </Stack>
    </SectionCard>
  );
}
