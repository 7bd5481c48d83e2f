import {
  Anchor,
  Autocomplete,
  Button,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { Contact, Lead, Page } from '../../api/types';
import { usePermissions, useWorkspace } from '../../auth/session';
import { StageBadge } from '../../components/badges';
import { SectionCard } from '../../components/FieldList';
import { MemberSelect, Person } from '../../components/people';
import { LEAD_SOURCES, PRIORITIES } from '../../lib/constants';
import { formatDate, formatMoney, options } from '../../lib/format';
import { createBody, sel, showApiError } from '../../lib/forms';
import { leadName } from '../leads/LeadsListPage';

/** A second (third, …) product interest of a contact: a new lead linked to it. */
function NewLeadForContact({ contact, onClose }: { contact: Contact; onClose: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const form = useForm({
    initialValues: {
      title: '',
      productInterest: '',
      source: '',
      priority: 'medium',
      ownerId: contact.ownerId ?? '',
      dealValue: '' as string | number,
    },
    validate: {
      title: (v, values) =>
        !v.trim() && !values.productInterest.trim() ? 'Say what this lead is about' : null,
    },
  });
  const submit = form.onSubmit(async (values) => {
    try {
      const lead = await api.post<Lead>('/leads', { contactId: contact.id, ...createBody(values) });
      void qc.invalidateQueries({ queryKey: ['contacts'] });
      void qc.invalidateQueries({ queryKey: ['leads'] });
      notifications.show({
        color: 'green',
        title: 'Lead created',
        message: `${leadName(lead)} for ${contact.name}`,
      });
      onClose();
      navigate(`/leads/${lead.id}`);
    } catch (e) {
      showApiError(e, form);
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Title"
            placeholder="e.g. Solar panels"
            data-autofocus
            {...form.getInputProps('title')}
          />
          <TextInput label="Product interest" {...form.getInputProps('productInterest')} />
          <Autocomplete label="Source" data={LEAD_SOURCES} {...form.getInputProps('source')} />
          <Select
            label="Priority"
            data={options(PRIORITIES)}
            allowDeselect={false}
            {...sel(form.getInputProps('priority'))}
          />
          <MemberSelect label="Owner" placeholder="Unassigned" {...sel(form.getInputProps('ownerId'))} />
          <NumberInput
            label="Deal value"
            min={0}
            decimalScale={2}
            thousandSeparator=","
            hideControls
            {...form.getInputProps('dealValue')}
          />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={form.submitting}>
            Create lead
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The contact's leads (its product interests), with a way to start another one. */
export function ContactLeads({ contact }: { contact: Contact }) {
  const { canWrite } = usePermissions();
  const ws = useWorkspace();
  const [opened, modal] = useDisclosure(false);
  const q = useQuery({
    queryKey: ['contacts', 'leads', contact.id],
    queryFn: ({ signal }) => api.get<Page<Lead>>(`/contacts/${contact.id}/leads`, undefined, signal),
  });
  const leads = q.data?.data ?? [];
  return (
    <SectionCard
      title={`Leads${leads.length ? ` (${leads.length})` : ''}`}
      testId="contact-leads"
      action={
        canWrite && (
          <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={modal.open}>
            New lead for this contact
          </Button>
        )
      }
    >
      {leads.length === 0 ? (
        <Text size="sm" c="dimmed">
          {q.isPending ? 'Loading…' : 'No leads yet.'}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="xs" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Lead</Table.Th>
                <Table.Th>Stage</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th ta="right">Value</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {leads.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/leads/${l.id}`} size="sm" fw={500}>
                      {leadName(l)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <StageBadge stageId={l.stageId} name={l.stageName} size="sm" />
                  </Table.Td>
                  <Table.Td>
                    <Person id={l.ownerId} size="xs" />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm">{formatMoney(l.dealValue, ws.currency)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      {formatDate(l.createdAt)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={opened} onClose={modal.close} title={`New lead for ${contact.name}`} size="lg">
        <NewLeadForContact contact={contact} onClose={modal.close} />
      </Modal>
    </SectionCard>
  );
}
