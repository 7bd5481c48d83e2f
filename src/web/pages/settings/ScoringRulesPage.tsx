import { Alert, Badge, Button, Code, Paper, Progress, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconGauge, IconPlus, IconRefresh } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { JobOut } from '../../../core/jobs/jobs.service.js';
import type { ScoringRuleChangeOut } from '../../../core/scoring/scoring.schemas.js';
import { api } from '../../api/client';
import { useWorkspace } from '../../auth/session';
import { PageHeader } from '../../components/ListPage';
import { ConfirmDeleteModal, RuleRow, SettingsTable, useConfirmedDelete } from '../../components/RowActions';
import { labelize } from '../../lib/format';
import { showApiError } from '../../lib/forms';
import { CATEGORY_COLORS } from '../leads/LeadScoreCard';
import { conditionSummary } from './DuplicateRulesPage';
import { CATEGORY_HELP, type ScoringRule, ScoringRuleModal } from './ScoringRulesModal';

const MANAGERS = ['owner', 'admin', 'manager'];

/** The recompute job of the last change: "Recomputing scores… n%" while it runs, then what it did. */
function RecomputeProgress({ jobId }: { jobId: string }) {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['jobs', jobId],
    queryFn: ({ signal }) => api.get<JobOut>(`/jobs/${jobId}`, undefined, signal),
    refetchInterval: (query) => {
      const s = query.state.data?.status;
      return s === 'succeeded' || s === 'failed' ? false : 500;
    },
  });
  const job = q.data;
  const finished = job?.status === 'succeeded' || job?.status === 'failed';
  useEffect(() => {
    // Scores shown anywhere (lists, lead pages) are stale once the job is done.
    if (finished) void qc.invalidateQueries({ queryKey: ['leads'] });
  }, [finished, qc]);
  if (!job) return null;
  if (job.status === 'failed')
    return (
      <Alert color="red" title="Recomputing scores failed" data-testid="recompute-status">
        {job.error}
      </Alert>
    );
  const result = job.result as { leads?: number; changed?: number; superseded?: boolean } | null;
  if (job.status === 'succeeded')
    return (
      <Alert color={result?.superseded ? 'gray' : 'green'} data-testid="recompute-status">
        {result?.superseded
          ? 'A newer change is recomputing the scores.'
          : `Scores recomputed: ${result?.leads ?? 0} lead${result?.leads === 1 ? '' : 's'}, ${result?.changed ?? 0} changed.`}
      </Alert>
    );
  const pct = job.total ? Math.floor((100 * job.progress) / job.total) : 0;
  return (
    <Paper withBorder p="sm" data-testid="recompute-status">
      <Text size="sm" mb={6}>
        Recomputing scores… {pct}%{job.total ? ` (${job.progress} of ${job.total} leads)` : ''}
      </Text>
      <Progress value={pct} animated />
    </Paper>
  );
}

/** Settings → Scoring rules: points per condition; a lead's score is the clamped sum, explained on the lead. */
export function ScoringRulesPage() {
  const { role } = useWorkspace();
  const canEdit = MANAGERS.includes(role);
  const qc = useQueryClient();
  const [editing, setEditing] = useState<ScoringRule | null>(null);
  const [creating, createModal] = useDisclosure(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ['scoring-rules'],
    queryFn: ({ signal }) =>
      api
        .get<{ data: ScoringRule[] }>('/scoring-rules', { sort: '-points', limit: 200 }, signal)
        .then((r) => r.data),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['scoring-rules'] });
  const changed = (r: ScoringRuleChangeOut) => r.jobId && setJobId(r.jobId);
  const setActive = useMutation({
    mutationFn: ({ r, active }: { r: ScoringRule; active: boolean }) =>
      api.patch<ScoringRuleChangeOut>(`/scoring-rules/${r.id}`, { active }),
    onSuccess: (res) => changed(res.data),
    onSettled: refresh,
    onError: (e) => showApiError(e),
  });
  const del = useConfirmedDelete<ScoringRule, ScoringRuleChangeOut>('/scoring-rules', (res) => {
    changed(res);
    void refresh();
  });
  const recompute = useMutation({
    mutationFn: () => api.post<{ jobId: string }>('/scoring-rules/recompute'),
    onSuccess: (res) => setJobId(res.jobId),
    onError: (e) => showApiError(e),
  });
  const rules = q.data ?? [];

  return (
    <Stack gap="lg">
      <PageHeader
        title="Scoring rules"
        description="A lead scores the points of every active rule whose condition holds, kept within 0–100; the lead page shows which rules fired. Scores follow every change of a lead, its contact and its activities at once."
        actions={
          canEdit && (
            <>
              <Tooltip
                label="Windows such as activities.call.last_7d age as time passes: recompute to catch up"
                multiline
                w={260}
              >
                <Button
                  variant="default"
                  leftSection={<IconRefresh size={16} />}
                  loading={recompute.isPending}
                  onClick={() => recompute.mutate()}
                >
                  Recompute scores
                </Button>
              </Tooltip>
              <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
                New rule
              </Button>
            </>
          )
        }
      />
      {!canEdit && (
        <Alert icon={<IconGauge size={18} />} color="gray" title="Managers manage scoring">
          You can see the rules; owners, admins and managers create and change them.
        </Alert>
      )}
      {jobId && <RecomputeProgress key={jobId} jobId={jobId} />}
      {!q.isPending && rules.length === 0 && (
        <Alert color="gray" title="No scoring rules yet" data-testid="no-scoring-rules">
          Every lead scores 0. Add rules such as "Referral: source = referral, +20" or "Two calls this week:
          activities.call.last_7d ≥ 2, +15".
        </Alert>
      )}
      {rules.length > 0 && (
        <SettingsTable
          testId="scoring-rules-table"
          actions={canEdit}
          head={
            <>
              <Table.Th>Rule</Table.Th>
              <Table.Th>Category</Table.Th>
              <Table.Th ta="right">Points</Table.Th>
              <Table.Th>Condition</Table.Th>
              <Table.Th>Active</Table.Th>
            </>
          }
        >
          {rules.map((r) => (
            <RuleRow
              key={r.id}
              testId="scoring-rule-row"
              rule={r}
              editable={canEdit}
              switching={setActive.isPending}
              onActive={(active) => setActive.mutate({ r, active })}
              onEdit={() => setEditing(r)}
              onDelete={() => del.ask(r)}
            >
              <Table.Td>
                <Text size="sm" fw={600}>
                  {r.name}
                </Text>
              </Table.Td>
              <Table.Td>
                <Tooltip label={CATEGORY_HELP[r.category]}>
                  <Badge variant="light" color={CATEGORY_COLORS[r.category] ?? 'gray'}>
                    {labelize(r.category)}
                  </Badge>
                </Tooltip>
              </Table.Td>
              <Table.Td ta="right">
                <Text size="sm" fw={700} c={r.points < 0 ? 'red' : 'green'}>
                  {r.points > 0 ? `+${r.points}` : r.points}
                </Text>
              </Table.Td>
              <Table.Td maw={380}>
                <Code data-testid="rule-condition">{conditionSummary(r.conditions)}</Code>
              </Table.Td>
            </RuleRow>
          ))}
        </SettingsTable>
      )}
      <ScoringRuleModal opened={creating} onClose={createModal.close} onSaved={changed} />
      <ScoringRuleModal
        opened={!!editing}
        onClose={() => setEditing(null)}
        rule={editing}
        onSaved={changed}
      />
      <ConfirmDeleteModal {...del.modalProps}>
        The rule stops scoring (it can be restored through the API) and every lead is recomputed.
      </ConfirmDeleteModal>
    </Stack>
  );
}
