import { Paper, Table, Text, Title } from '@mantine/core';
import dayjs from 'dayjs';
import { useWorkspace } from '../../auth/session';
import { DrillCount } from './DrillLink';
import { ReportChart } from './ReportChart';
import { ReportFrame } from './ReportFrame';
import { type ForecastReport, type ForecastStage, useReport } from './report-api';
import type { ReportDef } from './report-def';
import { money, moneyShort, num } from './report-format';
import { FORWARD_PRESETS, savedParams, useReportUrl } from './report-params';

const monthLabel = (m: string) => dayjs(`${m}-01`).format('MMM YYYY');

export const forecastDef: ReportDef<ForecastReport> = {
  kind: 'forecast',
  title: 'Forecast',
  route: '/reports/forecast',
  apiPath: '/reports/forecast',
  defaultRange: 'next6m',
  extraKeys: [],
  chartKinds: ['bar', 'line', 'area', 'table'],
  defaultChart: 'bar',
  chartData: (d, currency) => ({
    dataKey: 'month',
    data: d.months.map((m) => ({
      month: monthLabel(m.month),
      Value: num(m.value),
      Weighted: num(m.weighted),
    })),
    series: [
      { name: 'Value', color: 'indigo.3' },
      { name: 'Weighted', color: 'indigo.7' },
    ],
    valueFormatter: moneyShort(currency),
  }),
};

/** Forecast: open leads by expected close month, their value and value weighted by stage probability. */
export function ForecastReportPage() {
  const state = useReportUrl(forecastDef.defaultRange);
  const result = useReport<ForecastReport>(forecastDef.apiPath, state.query);
  const { currency } = useWorkspace();
  return (
    <ReportFrame<ForecastReport>
      kind="forecast"
      title={forecastDef.title}
      description="Open leads by the month they are expected to close: value, and value weighted by the stage's probability. Overdue: expected before today and still open; undated: no expected close date."
      state={state}
      filterOptions={{ pipelineRequired: true, presets: FORWARD_PRESETS, rangeLabel: 'Expected close' }}
      result={result}
      exportPath={forecastDef.apiPath}
      chartKinds={forecastDef.chartKinds}
      defaultChart={forecastDef.defaultChart}
      chart={(d, kind) => <ReportChart data={forecastDef.chartData(d, currency)} kind={kind} />}
      isEmpty={(d) => d.totals.leads === 0}
      emptyText="No open lead is expected to close in this range, and none is overdue or undated."
      saveParams={savedParams(state.filters)}
    >
      {(d) => {
        const rows: {
          key: string;
          label: string;
          r: ForecastReport['totals'] & { byStage?: ForecastStage[] };
        }[] = [
          ...d.months.map((m) => ({ key: m.month, label: monthLabel(m.month), r: m })),
          { key: 'overdue', label: 'Overdue', r: d.overdue },
          { key: 'undated', label: 'No date', r: d.undated },
        ];
        const stages = new Map<string, string>();
        for (const row of rows) for (const s of row.r.byStage ?? []) stages.set(s.stageId, s.name);
        return (
          <>
            <Paper withBorder>
              <Table verticalSpacing="sm" data-testid="forecast-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Expected close</Table.Th>
                    <Table.Th ta="right">Leads</Table.Th>
                    <Table.Th ta="right">Value</Table.Th>
                    <Table.Th ta="right">Weighted</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map(({ key, label, r }) => (
                    <Table.Tr key={key}>
                      <Table.Td>{label}</Table.Td>
                      <Table.Td ta="right">
                        <DrillCount value={r.leads} drill={r.drill} />
                      </Table.Td>
                      <Table.Td ta="right">{money(r.value, currency)}</Table.Td>
                      <Table.Td ta="right">{money(r.weighted, currency)}</Table.Td>
                    </Table.Tr>
                  ))}
                  <Table.Tr fw={650}>
                    <Table.Td>Total</Table.Td>
                    <Table.Td ta="right">
                      <DrillCount value={d.totals.leads} drill={d.totals.drill} fw={650} />
                    </Table.Td>
                    <Table.Td ta="right">{money(d.totals.value, currency)}</Table.Td>
                    <Table.Td ta="right">{money(d.totals.weighted, currency)}</Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
              <Text size="xs" c="dimmed" p="sm">
                A lead expected in a past month of the range is in that month and in overdue; the total counts
                it once.
              </Text>
            </Paper>
            {stages.size > 0 && (
              <Paper withBorder>
                <Title order={3} fz="md" p="md" pb={0}>
                  Weighted value by stage
                </Title>
                <Table.ScrollContainer minWidth={600}>
                  <Table verticalSpacing="xs" data-testid="forecast-stages-table">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Stage</Table.Th>
                        {rows.map((r) => (
                          <Table.Th key={r.key} ta="right">
                            {r.label}
                          </Table.Th>
                        ))}
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {[...stages].map(([id, name]) => (
                        <Table.Tr key={id}>
                          <Table.Td>{name}</Table.Td>
                          {rows.map((r) => {
                            const s = r.r.byStage?.find((x) => x.stageId === id);
                            return (
                              <Table.Td key={r.key} ta="right">
                                {s ? (
                                  <>
                                    {money(s.weighted, currency)}{' '}
                                    <Text span size="xs" c="dimmed">
                                      (<DrillCount value={s.leads} drill={s.drill} />)
                                    </Text>
                                  </>
                                ) : (
                                  '—'
                                )}
                              </Table.Td>
                            );
                          })}
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Paper>
            )}
          </>
        );
      }}
    </ReportFrame>
  );
}
