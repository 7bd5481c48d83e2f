import { Badge, Group, Stack, Table, Text, Timeline } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { CandidateOut, LeadAssignmentOut } from '../../../core/assignment/assignment.schemas.js';
import { api } from '../../api/client';
import { SectionCard } from '../../components/FieldList';
import { formatDateTime } from '../../lib/format';

const REASONS: Record<string, string> = {
  rule: 'Assignment rule',
  fallback: 'Fallback owner',
  manual: 'Changed by hand',
  bulk: 'Bulk reassignment',
  import: 'Import',
  merge: 'Merge',
  create: 'Owner given at creation',
};

const TYPE_NAMES: Record<string, string> = {
  round_robin: 'round robin',
  least_loaded: 'least loaded',
  specific_user: 'specific user',
};

function why(a: LeadAssignmentOut): string {
  const d = a.details as Record<string, unknown>;
  if (a.reason === 'rule')
    return `Rule '${String(d.ruleName)}' (${TYPE_NAMES[String(d.type)] ?? d.type}, position ${d.position} of ${d.of})`;
  if (a.reason === 'fallback') return `Fallback owner: ${String(d.why ?? 'no rule matched')}`;
  return REASONS[a.reason] ?? a.reason;
}

function Candidates({ list }: { list: CandidateOut[] }) {
  return (
    <Table fz="xs" verticalSpacing={2} horizontalSpacing={6} data-testid="assignment-candidates">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Candidate</Table.Th>
          <Table.Th>Open</Table.Th>
          <Table.Th>30 d</Table.Th>
          <Table.Th>Status</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {list.map((c) => (
          <Table.Tr key={c.userId}>
            <Table.Td>{c.name ?? c.userId.slice(0, 8)}</Table.Td>
            <Table.Td>
              {c.openLeads}
              {c.maxOpen !== null ? `/${c.maxOpen}` : ''}
            </Table.Td>
            <Table.Td>
              {c.assigned30d}
              {c.maxPer30d !== null ? `/${c.maxPer30d}` : ''}
            </Table.Td>
            <Table.Td c={c.eligible ? undefined : 'dimmed'}>{c.reason}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Lead page: every owner change with its reason (rule and rotation position, each candidate's load). */
export function LeadAssignmentsCard({ leadId, ownerId }: { leadId: string; ownerId: string | null }) {
  const q = useQuery({
    queryKey: ['lead-assignments', leadId, ownerId],
    queryFn: ({ signal }) =>
      api
        .get<{ data: LeadAssignmentOut[] }>(`/leads/${leadId}/assignments`, undefined, signal)
        .then((r) => r.data),
  });
  const list = q.data ?? [];
  return (
    <SectionCard title="Assignment history" testId="lead-assignments">
      {list.length === 0 ? (
        <Text size="sm" c="dimmed">
          {q.isPending ? 'Loading…' : 'Never assigned.'}
        </Text>
      ) : (
        <Timeline bulletSize={12} lineWidth={2}>
          {list.map((a) => {
            const candidates = (a.details as { candidates?: CandidateOut[] }).candidates;
            return (
              <Timeline.Item
                key={a.id}
                title={
                  <Group gap={6}>
                    <Text size="sm" fw={600}>
                      {a.toName ?? 'Unassigned'}
                    </Text>
                    <Badge size="xs" variant="light">
                      {a.reason}
                    </Badge>
                  </Group>
                }
              >
                <Stack gap={4}>
                  <Text size="xs" data-testid="assignment-reason">
                    {why(a)}
                    {a.fromName ? ` · from ${a.fromName}` : ''}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(a.createdAt)}
                  </Text>
                  {candidates && candidates.length > 0 && <Candidates list={candidates} />}
                </Stack>
              </Timeline.Item>
            );
          })}
        </Timeline>
      )}
    </SectionCard>
  );
}
