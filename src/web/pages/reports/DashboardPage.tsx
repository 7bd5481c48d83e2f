import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  Menu,
  Paper,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconArrowLeft,
  IconArrowRight,
  IconDots,
  IconExternalLink,
  IconLayoutDashboard,
  IconTrash,
  IconX,
} from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { useWorkspace } from '../../auth/session';
import { PageHeader } from '../../components/ListPage';
import { Person } from '../../components/people';
import { formatDate } from '../../lib/format';
import { showApiError } from '../../lib/forms';
import { type BuilderDef, builderChartData } from './BuilderPage';
import { ReportChart } from './ReportChart';
import { ReportError } from './ReportFrame';
import {
  type BuilderBody,
  type DashboardItem,
  type SavedReport,
  useBuilderRun,
  useDashboard,
  useReport,
  useSaveDashboard,
  useSavedReports,
} from './report-api';
import { queryOfSaved } from './report-params';
import { KIND_LABELS, REPORT_DEFS, savedReportHref } from './report-registry';

const WIDTHS = [
  { value: 4, label: 'Small (⅓)' },
  { value: 6, label: 'Half' },
  { value: 8, label: 'Large (⅔)' },
  { value: 12, label: 'Full width' },
];

/** The saved range of a report, as a short text ("All time" when it has none). */
function rangeText(r: SavedReport): string {
  const p = (r.kind === 'builder' ? (r.params.filters ?? {}) : r.params) as Record<string, unknown>;
  const from = typeof p.from === 'string' ? p.from : null;
  const to = typeof p.to === 'string' ? p.to : null;
  if (!from && !to)
    return r.kind === 'forecast'
      ? 'This month and the next 5'
      : r.kind === 'health'
        ? 'Velocity: last 90 days'
        : 'All time';
  return `${from ? formatDate(from) : '…'} – ${to ? formatDate(to) : '…'}`;
}

function StandardChart({
  report,
}: {
  report: SavedReport & { kind: Exclude<SavedReport['kind'], 'builder'> };
}) {
  const def = REPORT_DEFS[report.kind];
  const { currency } = useWorkspace();
  const q = useReport<unknown>(def.apiPath, queryOfSaved(report.params));
  if (q.error) return <ReportError error={q.error} />;
  if (!q.data) return <Skeleton h={220} />;
  return <ReportChart data={def.chartData(q.data, currency)} kind={report.chart} h={220} />;
}

function BuilderChart({ report }: { report: SavedReport }) {
  const body = report.params as unknown as BuilderBody & BuilderDef;
  const q = useBuilderRun(body);
  if (q.error) return <ReportError error={q.error} />;
  if (!q.data) return <Skeleton h={220} />;
  return <ReportChart data={builderChartData(q.data)} kind={report.chart} h={220} />;
}

function DashboardCard({
  item,
  index,
  last,
  onMove,
  onWidth,
  onRemove,
}: {
  item: DashboardItem;
  index: number;
  last: boolean;
  onMove: (to: number) => void;
  onWidth: (w: number) => void;
  onRemove: () => void;
}) {
  const r = item.report;
  return (
    <Paper withBorder p="md" h="100%" data-testid="dashboard-card" data-report-name={r.name}>
      <Group justify="space-between" wrap="nowrap" mb="sm">
        <div style={{ minWidth: 0 }}>
          <Anchor component={Link} to={savedReportHref(r.kind, r.params, r.chart)} fw={600} lineClamp={1}>
            {r.name}
          </Anchor>
          <Group gap={6}>
            <Badge size="xs" variant="light">
              {KIND_LABELS[r.kind]}
            </Badge>
            {r.shared && (
              <Badge size="xs" variant="light" color="teal">
                shared
              </Badge>
            )}
            <Text size="xs" c="dimmed">
              {rangeText(r)}
            </Text>
          </Group>
        </div>
        <Menu position="bottom-end" shadow="md">
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" aria-label={`Card menu: ${r.name}`}>
              <IconDots size={18} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item
              component={Link}
              to={savedReportHref(r.kind, r.params, r.chart)}
              leftSection={<IconExternalLink size={16} />}
            >
              Open report
            </Menu.Item>
            <Menu.Divider />
            <Menu.Item
              leftSection={<IconArrowLeft size={16} />}
              disabled={index === 0}
              onClick={() => onMove(index - 1)}
            >
              Move earlier
            </Menu.Item>
            <Menu.Item
              leftSection={<IconArrowRight size={16} />}
              disabled={last}
              onClick={() => onMove(index + 1)}
            >
              Move later
            </Menu.Item>
            <Menu.Label>Width</Menu.Label>
            {WIDTHS.map((w) => (
              <Menu.Item
                key={w.value}
                onClick={() => onWidth(w.value)}
                fw={item.width === w.value ? 700 : undefined}
              >
                {w.label}
              </Menu.Item>
            ))}
            <Menu.Divider />
            <Menu.Item color="red" leftSection={<IconX size={16} />} onClick={onRemove}>
              Remove from dashboard
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </Group>
      {r.kind === 'builder' ? <BuilderChart report={r} /> : <StandardChart report={r as never} />}
    </Paper>
  );
}

function SavedReportsTable({ onDashboard, add }: { onDashboard: Set<string>; add: (id: string) => void }) {
  const saved = useSavedReports();
  const qc = useQueryClient();
  const [busy, setBusy] = useState<string | null>(null);
  const remove = async (r: SavedReport) => {
    setBusy(r.id);
    try {
      await api.delete(`/reports/saved/${r.id}`);
      void qc.invalidateQueries({ queryKey: ['reports', 'saved'] });
      void qc.invalidateQueries({ queryKey: ['reports', 'dashboard'] });
      notifications.show({ color: 'green', message: `Report "${r.name}" deleted` });
    } catch (e) {
      showApiError(e);
    } finally {
      setBusy(null);
    }
  };
  const rows = saved.data ?? [];
  return (
    <Paper withBorder>
      <Title order={2} fz="md" p="md" pb={0}>
        Saved reports
      </Title>
      {saved.error ? (
        <Stack p="md">
          <ReportError error={saved.error} />
        </Stack>
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed" p="md">
          {saved.isPending ? 'Loading…' : 'No saved reports yet: open a report and choose "Save report".'}
        </Text>
      ) : (
        <Table verticalSpacing="xs" data-testid="saved-reports-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Report</Table.Th>
              <Table.Th>Owner</Table.Th>
              <Table.Th>Saved</Table.Th>
              <Table.Th w={200} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Anchor component={Link} to={savedReportHref(r.kind, r.params, r.chart)} size="sm">
                    {r.name}
                  </Anchor>
                  {r.shared && (
                    <Badge size="xs" variant="light" color="teal" ml={6}>
                      shared
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{KIND_LABELS[r.kind]}</Table.Td>
                <Table.Td>
                  {r.ownerName ? <Text size="sm">{r.ownerName}</Text> : <Person id={r.ownerId} size="xs" />}
                </Table.Td>
                <Table.Td>{formatDate(r.updatedAt ?? r.createdAt)}</Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    {!onDashboard.has(r.id) && (
                      <Button size="compact-xs" variant="light" onClick={() => add(r.id)}>
                        Add to dashboard
                      </Button>
                    )}
                    {r.canEdit && (
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Delete ${r.name}`}
                        loading={busy === r.id}
                        onClick={() => void remove(r)}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

/** The user's dashboard: their saved reports as cards (order and width kept by PUT /reports/dashboard). */
export function DashboardPage() {
  const dash = useDashboard();
  const saved = useSavedReports();
  const save = useSaveDashboard();
  const items = dash.data?.items ?? [];
  const put = (next: { savedReportId: string; width: number }[]) =>
    save.mutate(next, {
      onError: (e) => showApiError(e, undefined, { title: 'The dashboard was not saved' }),
    });
  const plain = () => items.map((i) => ({ savedReportId: i.savedReportId, width: i.width }));
  const onDashboard = new Set(items.map((i) => i.savedReportId));
  const add = (id: string) => put([...plain(), { savedReportId: id, width: 6 }]);
  const addable = (saved.data ?? []).filter((r) => !onDashboard.has(r.id));
  return (
    <Stack gap="md">
      <PageHeader
        title="Reports"
        description="Your dashboard of saved reports. Open a report from the tabs above, filter it, and save it here."
        actions={
          <Select
            aria-label="Add a saved report"
            placeholder={addable.length ? 'Add a saved report…' : 'No other saved reports'}
            data={addable.map((r) => ({ value: r.id, label: r.name }))}
            value={null}
            onChange={(v) => v && add(v)}
            disabled={addable.length === 0}
            searchable
            w={260}
          />
        }
      />
      {dash.error ? (
        <ReportError error={dash.error} />
      ) : dash.isPending ? (
        <Grid>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Skeleton h={280} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Skeleton h={280} />
          </Grid.Col>
        </Grid>
      ) : items.length === 0 ? (
        <Paper withBorder p="xl" data-testid="dashboard-empty">
          <Stack align="center" gap="xs">
            <IconLayoutDashboard size={32} stroke={1.4} />
            <Text fw={600}>Your dashboard is empty</Text>
            <Text size="sm" c="dimmed" ta="center">
              Open a report (funnel, sources, team…), set its filters and choose "Save report" to put it here.
            </Text>
            <Button component={Link} to="/reports/funnel" variant="light">
              Open the funnel
            </Button>
          </Stack>
        </Paper>
      ) : (
        <Grid data-testid="dashboard">
          {items.map((item, i) => (
            <Grid.Col key={item.savedReportId} span={{ base: 12, md: item.width }}>
              <DashboardCard
                item={item}
                index={i}
                last={i === items.length - 1}
                onMove={(to) => {
                  const next = plain();
                  const [moved] = next.splice(i, 1);
                  next.splice(to, 0, moved!);
                  put(next);
                }}
                onWidth={(w) => put(plain().map((x, j) => (j === i ? { ...x, width: w } : x)))}
                onRemove={() => put(plain().filter((_, j) => j !== i))}
              />
            </Grid.Col>
          ))}
        </Grid>
      )}
      <SavedReportsTable onDashboard={onDashboard} add={add} />
    </Stack>
  );
}
