import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Paper,
  Progress,
  SegmentedControl,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { IconAlertCircle, IconCopy, IconHistory, IconScan } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import { usePermissions } from '../../auth/session';
import { showApiError } from '../../lib/forms';
import {
  type DuplicatePair,
  ENTITIES,
  type Entity,
  entityOfPath,
  type Job,
  reasonLabel,
  useDuplicates,
} from './duplicatesApi';
import { MergeHistory } from './MergeHistory';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** "Scan now": a background job over the whole workspace, with its progress. */
function ScanButton({ entity }: { entity: Entity }) {
  const [job, setJob] = useState<Job | null>(null);
  const qc = useQueryClient();
  const running = job && (job.status === 'queued' || job.status === 'running');
  const scan = async () => {
    try {
      const { jobId } = await api.post<{ jobId: string }>('/duplicates/scan', { entity });
      let j = await api.get<Job>(`/jobs/${jobId}`);
      setJob(j);
      while (j.status === 'queued' || j.status === 'running') {
        await sleep(400);
        j = await api.get<Job>(`/jobs/${jobId}`);
        setJob(j);
      }
      void qc.invalidateQueries({ queryKey: ['duplicates'] });
    } catch (e) {
      showApiError(e, undefined, { title: 'The scan could not start' });
    }
  };
  const pct = job?.total ? Math.round((100 * job.progress) / job.total) : running ? 5 : 100;
  return (
    <Stack gap={4} w={240}>
      <Button leftSection={<IconScan size={16} />} onClick={scan} loading={!!running} variant="light">
        Scan now
      </Button>
      {job && (
        <>
          <Progress value={pct} animated={!!running} color={job.status === 'failed' ? 'red' : 'teal'} />
          <Text size="xs" c="dimmed" data-testid="scan-status">
            {running
              ? `${job.phase ?? 'Scanning'}… ${job.progress}${job.total ? ` of ${job.total}` : ''}`
              : job.status === 'succeeded'
                ? 'Scan finished'
                : `Scan ${job.status}${job.error ? `: ${job.error}` : ''}`}
          </Text>
        </>
      )}
    </Stack>
  );
}

function PairRow({ pair, path, entity }: { pair: DuplicatePair; path: string; entity: Entity }) {
  const { canWrite } = usePermissions();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const byId = new Map(pair.records.map((r) => [r.id, r]));
  const dismiss = async () => {
    setBusy(true);
    try {
      await api.post('/duplicates/dismiss', { entity, recordIds: pair.recordIds });
      void qc.invalidateQueries({ queryKey: ['duplicates'] });
    } catch (e) {
      showApiError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Table.Tr data-testid="duplicate-pair">
      {pair.recordIds.map((id) => {
        const r = byId.get(id);
        return (
          <Table.Td key={id}>
            <Anchor component={Link} to={`/${path}/${id}`} fw={600}>
              {r?.name ?? id}
            </Anchor>
            <Text size="xs" c="dimmed">
              {[r?.email, r?.phone, r?.company].filter(Boolean).join(' · ')}
            </Text>
          </Table.Td>
        );
      })}
      <Table.Td>
        <Text fw={700} size="sm" c={pair.score >= 0.9 ? 'red' : pair.score >= 0.7 ? 'orange' : 'yellow.8'}>
          {Math.round(pair.score * 100)}%
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {pair.reasons.map((r) => (
            <Badge key={`${r.field}-${r.method}`} variant="outline" color="gray" tt="none">
              {reasonLabel(r)}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>
        {canWrite && (
          <Group gap="xs" wrap="nowrap">
            <Button
              size="xs"
              onClick={() => navigate(`/duplicates/${path}/merge?ids=${pair.recordIds.join(',')}`)}
            >
              Review &amp; merge
            </Button>
            <Button size="xs" variant="default" onClick={dismiss} loading={busy}>
              Not a duplicate
            </Button>
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** Duplicate candidate pairs per entity, best first, with their reasons; and the merge history. */
export function DuplicatesPage() {
  const { entity: entityPath } = useParams();
  const e = entityOfPath(entityPath);
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'pairs';
  const { canWrite } = usePermissions();
  const q = useDuplicates(e.entity);
  const pairs = q.data?.data ?? [];
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1} fz={26}>
            Duplicates
          </Title>
          <Text c="dimmed" size="sm">
            Records that look like the same {e.entity}, best match first. Merging keeps one and moves
            everything linked to the others onto it; every merge can be undone.
          </Text>
        </Stack>
        {canWrite && <ScanButton key={e.entity} entity={e.entity} />}
      </Group>
      <SegmentedControl
        w="fit-content"
        value={e.path}
        onChange={(v) => navigate(`/duplicates/${v}${tab === 'pairs' ? '' : `?tab=${tab}`}`)}
        data={ENTITIES.map((x) => ({ value: x.path, label: x.label }))}
      />
      <Tabs value={tab} onChange={(t) => setParams(t === 'pairs' ? {} : { tab: t ?? '' }, { replace: true })}>
        <Tabs.List mb="md">
          <Tabs.Tab value="pairs" leftSection={<IconCopy size={16} />}>
            Possible duplicates{q.data ? ` (${pairs.length}${q.data.nextCursor ? '+' : ''})` : ''}
          </Tabs.Tab>
          <Tabs.Tab value="history" leftSection={<IconHistory size={16} />}>
            Merge history
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="pairs">
          {q.isLoading ? (
            <Center py="xl">
              <Loader />
            </Center>
          ) : q.error ? (
            <Alert color="red" icon={<IconAlertCircle size={18} />} title="Could not load the duplicates">
              {String((q.error as Error).message)}
            </Alert>
          ) : pairs.length === 0 ? (
            <Paper withBorder p="xl">
              <Text c="dimmed" ta="center">
                No open duplicate {e.entity}s. New records are checked as they are created; “Scan now” checks
                them all.
              </Text>
            </Paper>
          ) : (
            <Paper withBorder p={0} style={{ overflowX: 'auto' }}>
              <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Record</Table.Th>
                    <Table.Th>Looks like</Table.Th>
                    <Table.Th>Score</Table.Th>
                    <Table.Th>Why</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {pairs.map((p) => (
                    <PairRow key={p.recordIds.join()} pair={p} path={e.path} entity={e.entity} />
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="history">
          <MergeHistory entity={e.entity} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
