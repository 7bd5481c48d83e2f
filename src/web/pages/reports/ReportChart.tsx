import { AreaChart, BarChart, DonutChart, FunnelChart, LineChart, PieChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { Center, Table, Text } from '@mantine/core';
import type { ChartKind } from './report-api';

/** A report's figures for a chart: one row per category (`dataKey`), one numeric column per series. */
export type ChartData = {
  dataKey: string;
  data: Record<string, string | number | null>[];
  series: { name: string; color?: string; label?: string }[];
  /** Series drawn on top of each other (bar, area). */
  stacked?: boolean;
  valueFormatter?: (n: number) => string;
  /** Per-category colours (pie, donut, funnel), e.g. stage colours. */
  colors?: (string | null | undefined)[];
};

export const PALETTE = [
  'indigo.6',
  'teal.6',
  'orange.6',
  'grape.6',
  'cyan.6',
  'pink.6',
  'lime.7',
  'yellow.6',
  'blue.6',
  'red.6',
  'violet.6',
  'green.6',
];

export const colorAt = (i: number) => PALETTE[i % PALETTE.length]!;

/** Which charts a report offers (every report also offers its table alone). */
export const CHART_LABELS: Record<ChartKind, string> = {
  bar: 'Bar',
  line: 'Line',
  area: 'Area',
  pie: 'Pie',
  donut: 'Donut',
  funnel: 'Funnel',
  table: 'Table only',
};

function slices(d: ChartData) {
  const s = d.series[0];
  if (!s) return [];
  return d.data
    .map((row, i) => ({
      name: String(row[d.dataKey] ?? '(none)'),
      value: Number(row[s.name] ?? 0),
      color: d.colors?.[i] || colorAt(i),
    }))
    .filter((x) => x.value > 0);
}

/**
 * Draws a report's figures as the chosen chart (@mantine/charts). Funnel, pie and donut draw the first
 * series; `table` draws a compact table (dashboard cards).
 */
export function ReportChart({ data, kind, h = 280 }: { data: ChartData; kind: ChartKind; h?: number }) {
  if (data.data.length === 0)
    return (
      <Center h={Math.min(h, 160)}>
        <Text c="dimmed" size="sm">
          Nothing to chart for these filters.
        </Text>
      </Center>
    );
  const series = data.series.map((s, i) => ({ name: s.name, label: s.label, color: s.color ?? colorAt(i) }));
  const common = {
    h,
    data: data.data as Record<string, unknown>[],
    dataKey: data.dataKey,
    series,
    valueFormatter: data.valueFormatter,
    withLegend: series.length > 1,
    tickLine: 'y' as const,
  };
  if (kind === 'funnel') {
    const cells = data.data.map((row, i) => ({
      name: String(row[data.dataKey] ?? ''),
      value: Number(row[data.series[0]!.name] ?? 0),
      color: data.colors?.[i] || colorAt(i),
    }));
    return (
      <Center>
        <FunnelChart
          data={cells}
          size={h}
          withLabels
          labelsPosition="right"
          valueFormatter={data.valueFormatter}
          withTooltip
          tooltipDataSource="segment"
        />
      </Center>
    );
  }
  switch (kind) {
    case 'bar':
      return <BarChart {...common} type={data.stacked ? 'stacked' : 'default'} />;
    case 'line':
      return <LineChart {...common} curveType="monotone" />;
    case 'area':
      return <AreaChart {...common} type={data.stacked ? 'stacked' : 'default'} curveType="monotone" />;
    case 'pie':
      return (
        <Center>
          <PieChart
            data={slices(data)}
            size={Math.min(h, 260)}
            withLabels
            labelsType="percent"
            withTooltip
            tooltipDataSource="segment"
            valueFormatter={data.valueFormatter}
          />
        </Center>
      );
    case 'donut':
      return (
        <Center>
          <DonutChart
            data={slices(data)}
            size={Math.min(h, 240)}
            thickness={28}
            withLabels
            withTooltip
            tooltipDataSource="segment"
            valueFormatter={data.valueFormatter}
          />
        </Center>
      );
    case 'table':
      return (
        <Table.ScrollContainer minWidth={300} mah={h} type="native">
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                {series.map((s) => (
                  <Table.Th key={s.name} ta="right">
                    {s.label ?? s.name}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.data.map((row, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id; the order is the report's
                <Table.Tr key={i}>
                  <Table.Td>{String(row[data.dataKey] ?? '(none)')}</Table.Td>
                  {series.map((s) => {
                    const v = row[s.name];
                    return (
                      <Table.Td key={s.name} ta="right">
                        {v === null || v === undefined
                          ? '—'
                          : data.valueFormatter
                            ? data.valueFormatter(Number(v))
                            : Number(v).toLocaleString()}
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      );
  }
}
