import {
  ActionIcon,
  Autocomplete,
  Button,
  Group,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { usePermissions, useWorkspace } from '../../auth/session';
import { FormFooter, useResetOnOpen } from '../../components/ModalForm';
import { ConfirmDeleteModal, RowActions, useConfirmedDelete } from '../../components/RowActions';
import { LEAD_SOURCES } from '../../lib/constants';
import { formatDate } from '../../lib/format';
import { showApiError } from '../../lib/forms';
import { canManage } from '../settings/AssignmentRulesPage';
import type { Campaign } from './report-api';
import { money } from './report-format';

type CampaignOut = Campaign & { totalCost?: string };
type CostValues = { periodStart: string | null; periodEnd: string | null; amount: string; note: string };
type Values = { name: string; source: string; description: string; costs: CostValues[] };

const AMOUNT = /^\d{1,14}(\.\d{1,2})?$/;

export function useCampaigns() {
  return useQuery({
    queryKey: ['campaigns'],
    queryFn: ({ signal }) =>
      api.get<{ data: CampaignOut[] }>('/campaigns', { limit: 200 }, signal).then((r) => r.data),
  });
}

function CampaignModal({
  opened,
  onClose,
  campaign,
}: {
  opened: boolean;
  onClose: () => void;
  campaign: CampaignOut | null;
}) {
  const qc = useQueryClient();
  const initial = (): Values => ({
    name: campaign?.name ?? '',
    source: campaign?.source ?? '',
    description: campaign?.description ?? '',
    costs: (campaign?.costs ?? []).map((c) => ({
      periodStart: c.periodStart,
      periodEnd: c.periodEnd,
      amount: c.amount,
      note: c.note ?? '',
    })),
  });
  const form = useForm<Values>({
    initialValues: initial(),
    validate: {
      name: (v) => (v.trim() ? null : 'A name is required'),
      costs: {
        periodStart: (v) => (v ? null : 'Required'),
        periodEnd: (v, values, path) => {
          if (!v) return 'Required';
          const i = Number(path.split('.')[1]);
          const start = values.costs[i]?.periodStart;
          return start && v < start ? 'Before the start' : null;
        },
        amount: (v) => (AMOUNT.test(v.trim()) ? null : 'An amount such as 1200 or 99.50'),
      },
    },
  });
  useResetOnOpen(form, opened, campaign?.id, initial);
  const submit = form.onSubmit(async (v) => {
    const body = {
      name: v.name.trim(),
      source: v.source.trim() || null,
      description: v.description.trim() || null,
      costs: v.costs.map((c) => ({
        periodStart: c.periodStart,
        periodEnd: c.periodEnd,
        amount: c.amount.trim(),
        note: c.note.trim() || null,
      })),
    };
    try {
      if (campaign) await api.patch(`/campaigns/${campaign.id}`, body, `W/"${campaign.version}"`);
      else await api.post('/campaigns', body);
      void qc.invalidateQueries({ queryKey: ['campaigns'] });
      void qc.invalidateQueries({ queryKey: ['reports'] });
      notifications.show({
        color: 'green',
        message: campaign ? 'Campaign saved' : `Campaign "${body.name}" created`,
      });
      onClose();
    } catch (e) {
      showApiError(e, form);
    }
  });
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={campaign ? `Edit "${campaign.name}"` : 'New campaign'}
      size="xl"
    >
      <form onSubmit={submit} noValidate aria-label="Campaign">
        <Stack gap="sm">
          <Group grow align="flex-start">
            <TextInput
              label="Name"
              description="As leads carry it in their campaign field"
              withAsterisk
              data-autofocus
              {...form.getInputProps('name')}
            />
            <Autocomplete
              label="Source"
              description="Its spend counts towards this source"
              data={LEAD_SOURCES}
              {...form.getInputProps('source')}
            />
          </Group>
          <Textarea label="Description" autosize minRows={1} {...form.getInputProps('description')} />
          <Text fw={600} size="sm">
            Costs
          </Text>
          {form.values.costs.length === 0 && (
            <Text size="sm" c="dimmed">
              No costs yet. Add the money spent per period; reports prorate it by day over their range.
            </Text>
          )}
          {form.values.costs.map((_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the rows are the form's list, edited in place
            <Group key={i} align="flex-start" gap="xs" wrap="nowrap" data-testid="campaign-cost-row">
              <DateInput
                aria-label={`Cost ${i + 1} from`}
                placeholder="From"
                valueFormat="MMM D, YYYY"
                w={150}
                {...form.getInputProps(`costs.${i}.periodStart`)}
              />
              <DateInput
                aria-label={`Cost ${i + 1} to`}
                placeholder="To"
                valueFormat="MMM D, YYYY"
                w={150}
                {...form.getInputProps(`costs.${i}.periodEnd`)}
              />
              <TextInput
                aria-label={`Cost ${i + 1} amount`}
                placeholder="Amount"
                inputMode="decimal"
                w={130}
                {...form.getInputProps(`costs.${i}.amount`)}
              />
              <TextInput
                aria-label={`Cost ${i + 1} note`}
                placeholder="Note"
                style={{ flex: 1 }}
                {...form.getInputProps(`costs.${i}.note`)}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                mt={6}
                aria-label={`Remove cost ${i + 1}`}
                onClick={() => form.removeListItem('costs', i)}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Group>
            <Button
              variant="light"
              size="xs"
              leftSection={<IconPlus size={14} />}
              onClick={() =>
                form.insertListItem('costs', { periodStart: null, periodEnd: null, amount: '', note: '' })
              }
            >
              Add cost
            </Button>
          </Group>
          <FormFooter
            onCancel={onClose}
            submitting={form.submitting}
            submitLabel={campaign ? 'Save' : 'Create campaign'}
          />
        </Stack>
      </form>
    </Modal>
  );
}

/** The campaigns and their spend per period: what cost per lead and per won lead are computed from. */
export function CampaignsPanel() {
  // Managers and above change campaigns (the API's rule); others read them.
  const canWrite = canManage(usePermissions().role);
  const { currency } = useWorkspace();
  const qc = useQueryClient();
  const campaigns = useCampaigns();
  const [editing, setEditing] = useState<CampaignOut | null | 'new'>(null);
  const del = useConfirmedDelete<CampaignOut>('/campaigns', () => {
    void qc.invalidateQueries({ queryKey: ['campaigns'] });
    void qc.invalidateQueries({ queryKey: ['reports'] });
  });
  const rows = campaigns.data ?? [];
  return (
    <Paper withBorder p="md" mt="md">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={2} fz="lg">
            Campaigns and costs
          </Title>
          <Text size="sm" c="dimmed">
            Leads are matched to a campaign by name (their campaign field, ignoring case).
          </Text>
        </div>
        {canWrite && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            New campaign
          </Button>
        )}
      </Group>
      {campaigns.error ? (
        <Text c="red" size="sm">
          {(campaigns.error as Error).message}
        </Text>
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {campaigns.isPending ? 'Loading…' : 'No campaigns yet.'}
        </Text>
      ) : (
        <Table verticalSpacing="sm" data-testid="campaigns-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Campaign</Table.Th>
              <Table.Th>Source</Table.Th>
              <Table.Th>Cost periods</Table.Th>
              <Table.Th ta="right">Total cost</Table.Th>
              {canWrite && <Table.Th w={90} />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {c.name}
                  </Text>
                  {c.description && (
                    <Text size="xs" c="dimmed">
                      {c.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{c.source ?? '—'}</Table.Td>
                <Table.Td>
                  {c.costs.length === 0
                    ? '—'
                    : c.costs.length === 1
                      ? `${formatDate(c.costs[0]!.periodStart)} – ${formatDate(c.costs[0]!.periodEnd)}`
                      : `${c.costs.length} periods, ${formatDate(c.costs[0]!.periodStart)} – ${formatDate(c.costs[c.costs.length - 1]!.periodEnd)}`}
                </Table.Td>
                <Table.Td ta="right">{money(c.totalCost ?? null, currency)}</Table.Td>
                {canWrite && (
                  <RowActions name={c.name} onEdit={() => setEditing(c)} onDelete={() => del.ask(c)} />
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <CampaignModal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        campaign={editing === 'new' ? null : editing}
      />
      <ConfirmDeleteModal {...del.modalProps} confirmLabel="Delete campaign">
        Its costs stop counting in reports. Leads keep their campaign name.
      </ConfirmDeleteModal>
    </Paper>
  );
}
