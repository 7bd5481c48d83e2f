import { BarChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { Badge, Group, NumberInput, Paper, Stack, Switch, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { WorkloadOut } from '../../../core/assignment/assignment.schemas.js';
import { api } from '../../api/client';
import { usePermissions } from '../../auth/session';
import { PageHeader } from '../../components/ListPage';
import { showApiError } from '../../lib/forms';
import { putJson } from '../settings/AssignmentRulesModal';
import { canManage } from '../settings/AssignmentRulesPage';

type Row = WorkloadOut['data'][number];
type Capacity = { paused: boolean; maxOpen: number | null; maxPer30d: number | null };

const cap = (v: string | number) => (v === '' || v === null ? null : Number(v));

/** Workload: per member open leads, leads assigned in 30 days and their share, caps and pause. */
export function WorkloadPage() {
  const { role } = usePermissions();
  const editable = canManage(role);
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['workload'],
    queryFn: ({ signal }) => api.get<WorkloadOut>('/assignment/workload', undefined, signal),
  });
  const save = useMutation({
    mutationFn: ({ r, c }: { r: Row; c: Partial<Capacity> }) =>
      putJson(`/members/${r.userId}/capacity`, {
        paused: r.paused,
        maxOpen: r.maxOpen,
        maxPer30d: r.maxPer30d,
        ...c,
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['workload'] });
      notifications.show({ color: 'green', message: 'Capacity saved' });
    },
    onError: (e) => showApiError(e),
  });
  const rows = q.data?.data ?? [];
  return (
    <Stack gap="lg">
      <PageHeader
        title="Workload"
        description="Open leads and recent assignments per member. Assignment rules skip paused members and members at a cap."
      />
      <Paper withBorder p="md">
        <Text fw={600} size="sm" mb="xs">
          Open leads per member
          {q.data ? ` (${q.data.unassignedOpen} open leads unassigned)` : ''}
        </Text>
        <BarChart
          h={240}
          data={rows.map((r) => ({
            member: r.name,
            'Open leads': r.openLeads,
            'Assigned (30 d)': r.assigned30d,
          }))}
          dataKey="member"
          withLegend
          series={[
            { name: 'Open leads', color: 'blue.6' },
            { name: 'Assigned (30 d)', color: 'teal.5' },
          ]}
          data-testid="workload-chart"
        />
      </Paper>
      <Paper withBorder>
        <Table verticalSpacing="sm" horizontalSpacing="md" data-testid="workload-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Member</Table.Th>
              <Table.Th>Teams</Table.Th>
              <Table.Th>Open leads</Table.Th>
              <Table.Th>Assigned (30 d)</Table.Th>
              <Table.Th>Share</Table.Th>
              <Table.Th>Max open</Table.Th>
              <Table.Th>Max per 30 d</Table.Th>
              <Table.Th>Paused</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.userId} data-testid="workload-row">
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {r.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {r.role}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {r.teams.map((t) => (
                      <Badge key={t.id} variant="light" tt="none">
                        {t.name}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={r.maxOpen !== null && r.openLeads >= r.maxOpen ? 'red' : undefined}>
                    {r.openLeads}
                  </Text>
                </Table.Td>
                <Table.Td>{r.assigned30d}</Table.Td>
                <Table.Td>{(r.share30d * 100).toFixed(0)}%</Table.Td>
                <Table.Td>
                  <NumberInput
                    size="xs"
                    w={90}
                    min={0}
                    placeholder="none"
                    aria-label={`Max open leads of ${r.name}`}
                    disabled={!editable}
                    defaultValue={r.maxOpen ?? ''}
                    onBlur={(e) => {
                      const v = cap(e.currentTarget.value);
                      if (v !== r.maxOpen) save.mutate({ r, c: { maxOpen: v } });
                    }}
                  />
                </Table.Td>
                <Table.Td>
                  <NumberInput
                    size="xs"
                    w={90}
                    min={0}
                    placeholder="none"
                    aria-label={`Max leads per 30 days of ${r.name}`}
                    disabled={!editable}
                    defaultValue={r.maxPer30d ?? ''}
                    onBlur={(e) => {
                      const v = cap(e.currentTarget.value);
                      if (v !== r.maxPer30d) save.mutate({ r, c: { maxPer30d: v } });
                    }}
                  />
                </Table.Td>
                <Table.Td>
                  <Switch
                    checked={r.paused}
                    disabled={!editable || save.isPending}
                    aria-label={`Pause ${r.name}`}
                    onChange={(e) => save.mutate({ r, c: { paused: e.currentTarget.checked } })}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
