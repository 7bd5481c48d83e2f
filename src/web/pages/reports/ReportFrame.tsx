import {
  Alert,
  Button,
  Group,
  Loader,
  Menu,
  Paper,
  SegmentedControl,
  Skeleton,
  Stack,
  Text,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconAlertTriangle,
  IconDeviceFloppy,
  IconDownload,
  IconFileSpreadsheet,
  IconFileTypeCsv,
} from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../../api/client';
import { PageHeader } from '../../components/ListPage';
import { CHART_LABELS } from './ReportChart';
import { type FilterBarOptions, ReportFilterBar } from './ReportFilterBar';
import { type ChartKind, downloadReport, type ReportKind } from './report-api';
import type { ReportUrlState } from './report-params';
import { SaveReportModal } from './SaveReportModal';

/** A problem+json answer shown where the report would be: its title, detail and field reasons. */
export function ReportError({ error }: { error: unknown }) {
  const e = error instanceof ApiError ? error : null;
  const raw = typeof e?.extra.title === 'string' ? e.extra.title : null;
  const title = raw ? raw.charAt(0).toUpperCase() + raw.slice(1) : 'The report could not be loaded';
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} title={title} data-testid="report-error">
      <Text size="sm">{e ? e.detail : String(error)}</Text>
      {e && e.errors.length > 0 && (
        <Stack gap={2} mt={6}>
          {e.errors.map((x) => (
            <Text key={`${x.field}:${x.reason}`} size="sm">
              <b>{x.field}</b>: {x.reason}
            </Text>
          ))}
        </Stack>
      )}
    </Alert>
  );
}

/** Export → CSV / Excel of the report as it is filtered now. */
export function ExportMenu({ onExport }: { onExport: (format: 'csv' | 'xlsx') => Promise<void> }) {
  const run = (format: 'csv' | 'xlsx') =>
    onExport(format).catch((e) =>
      notifications.show({
        color: 'red',
        title: 'Export failed',
        message: e instanceof ApiError ? e.detail : String(e),
      }),
    );
  return (
    <Menu position="bottom-end" shadow="md">
      <Menu.Target>
        <Button variant="default" leftSection={<IconDownload size={16} />}>
          Export
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>This report, as filtered</Menu.Label>
        <Menu.Item leftSection={<IconFileTypeCsv size={16} />} onClick={() => void run('csv')}>
          CSV
        </Menu.Item>
        <Menu.Item leftSection={<IconFileSpreadsheet size={16} />} onClick={() => void run('xlsx')}>
          Excel
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export type ReportFrameProps<T> = {
  kind: ReportKind;
  title: string;
  description: ReactNode;
  state: ReportUrlState;
  filterOptions?: FilterBarOptions;
  /** The report's own controls (e.g. the activity interval), next to the filters. */
  controls?: ReactNode;
  result: UseQueryResult<T>;
  /** GET path of the report (exports add `format=csv|xlsx`); or `onExport` for others. */
  exportPath?: string;
  onExport?: (format: 'csv' | 'xlsx') => Promise<void>;
  chartKinds: ChartKind[];
  defaultChart: ChartKind;
  chart: (data: T, kind: ChartKind) => ReactNode;
  isEmpty: (data: T) => boolean;
  emptyText: string;
  /** The tables under the chart. */
  children: (data: T) => ReactNode;
  /** What a saved report of this view keeps (filters with the preset, and the report's own params). */
  saveParams: Record<string, unknown>;
  actions?: ReactNode;
  /** A panel between the filters and the chart (the builder's definition form). */
  panel?: ReactNode;
  /** Shown instead of the result before there is anything to show (the builder before its first run). */
  idle?: ReactNode;
};

/**
 * The frame every report shares: title, filter bar, chart (type chosen, kept in the URL), tables whose
 * counts link to their records, Export (CSV, Excel) and "Save report"; loading, error and empty states.
 */
export function ReportFrame<T>(p: ReportFrameProps<T>) {
  const [saving, save] = useDisclosure(false);
  const urlChart = p.state.get('chart') as ChartKind | null;
  const chartKind = urlChart && p.chartKinds.includes(urlChart) ? urlChart : p.defaultChart;
  const { data, error, isPending, isFetching } = p.result;
  const exportFn =
    p.onExport ??
    (p.exportPath ? (f: 'csv' | 'xlsx') => downloadReport(p.exportPath!, p.state.query, f) : null);
  return (
    <Stack gap="md">
      <PageHeader
        title={
          <Group gap="sm">
            {p.title}
            {isFetching && !isPending && <Loader size="xs" aria-label="Updating" />}
          </Group>
        }
        description={p.description}
        actions={
          <>
            {p.actions}
            {exportFn && <ExportMenu onExport={exportFn} />}
            <Button leftSection={<IconDeviceFloppy size={16} />} onClick={save.open}>
              Save report
            </Button>
          </>
        }
      />
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <ReportFilterBar state={p.state} options={p.filterOptions} />
        {p.controls}
      </Group>
      {p.panel}
      {p.idle && !data && !error && !isFetching ? (
        p.idle
      ) : error && !data ? (
        <ReportError error={error} />
      ) : isPending || !data ? (
        <Stack gap="md" data-testid="report-loading">
          <Skeleton h={280} />
          <Skeleton h={160} />
        </Stack>
      ) : (
        <>
          {error && <ReportError error={error} />}
          {p.isEmpty(data) ? (
            <Paper withBorder p="xl" data-testid="report-empty">
              <Text c="dimmed" ta="center">
                {p.emptyText}
              </Text>
            </Paper>
          ) : (
            <>
              <Paper withBorder p="md">
                <Group justify="flex-end" mb="xs">
                  <SegmentedControl
                    size="xs"
                    aria-label="Chart"
                    data={p.chartKinds.map((k) => ({ value: k, label: CHART_LABELS[k] }))}
                    value={chartKind}
                    onChange={(v) => p.state.set({ chart: v === p.defaultChart ? null : v })}
                  />
                </Group>
                {chartKind === 'table' ? (
                  <Text size="sm" c="dimmed">
                    Table only: the figures are below.
                  </Text>
                ) : (
                  <div data-testid="report-chart">{p.chart(data, chartKind)}</div>
                )}
              </Paper>
              {p.children(data)}
            </>
          )}
        </>
      )}
      <SaveReportModal
        opened={saving}
        onClose={save.close}
        kind={p.kind}
        defaultName={p.title}
        params={p.saveParams}
        chart={chartKind}
        chartKinds={p.chartKinds}
      />
    </Stack>
  );
}
