import { ColorSwatch, Group, Paper, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useWorkspace } from '../../auth/session';
import { formatDate, formatDateTime } from '../../lib/format';
import { DrillCount } from './DrillLink';
import { ReportChart } from './ReportChart';
import { ReportFrame } from './ReportFrame';
import { type HealthReport, useReport } from './report-api';
import type { ReportDef } from './report-def';
import { count, dec1, money, pct } from './report-format';
import { savedParams, useReportUrl } from './report-params';

const BUCKETS = [
  { key: 'd0_7', label: '0–7 days', color: 'teal.5' },
  { key: 'd8_30', label: '8–30 days', color: 'yellow.5' },
  { key: 'd31_90', label: '31–90 days', color: 'orange.6' },
  { key: 'd91plus', label: '91+ days', color: 'red.6' },
] as const;

export const healthDef: ReportDef<HealthReport> = {
  kind: 'health',
  title: 'Pipeline health',
  route: '/reports/health',
  apiPath: '/reports/health',
  defaultRange: 'last90',
  extraKeys: [],
  chartKinds: ['bar', 'table'],
  defaultChart: 'bar',
  chartData: (d) => ({
    dataKey: 'stage',
    data: d.stages.map((s) => ({
      stage: s.name,
      ...Object.fromEntries(BUCKETS.map((b) => [b.label, s.aging[b.key]])),
    })),
    series: BUCKETS.map((b) => ({ name: b.label, color: b.color })),
    stacked: true,
    valueFormatter: count,
  }),
};

function Figure({ label, children, hint }: { label: string; children: React.ReactNode; hint?: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fz={20} fw={650} component="div">
        {children}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

/** Pipeline health: open leads now by stage with their age, rotten leads; velocity over recent closes. */
export function HealthReportPage() {
  const state = useReportUrl(healthDef.defaultRange);
  const result = useReport<HealthReport>(healthDef.apiPath, state.query);
  const { currency } = useWorkspace();
  return (
    <ReportFrame<HealthReport>
      kind="health"
      title={healthDef.title}
      description="Open leads now, by stage: value, weighted value, how long they have been in the stage, and how many are rotten. Velocity is computed over the leads closed in the date range."
      state={state}
      filterOptions={{ pipelineRequired: true, rangeLabel: 'Velocity: leads closed' }}
      result={result}
      exportPath={healthDef.apiPath}
      chartKinds={healthDef.chartKinds}
      defaultChart={healthDef.defaultChart}
      chart={(d, kind) => <ReportChart data={healthDef.chartData(d, currency)} kind={kind} />}
      isEmpty={(d) => d.stages.length === 0}
      emptyText="This pipeline has no open stages."
      saveParams={savedParams(state.filters)}
    >
      {(d) => {
        const v = d.velocity;
        return (
          <>
            <Paper withBorder p="md">
              <Group justify="space-between" mb="xs">
                <Title order={3} fz="md">
                  Velocity
                </Title>
                <Text size="xs" c="dimmed">
                  Leads closed {formatDate(v.range.from)} – {formatDate(v.range.to)}
                </Text>
              </Group>
              <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
                <Figure label="Open leads">
                  <DrillCount value={v.openLeads} drill={v.drills.openLeads} />
                </Figure>
                <Figure label="Wins / losses">
                  <DrillCount value={v.wins} drill={v.drills.wins} /> /{' '}
                  <DrillCount value={v.losses} drill={v.drills.losses} />
                </Figure>
                <Figure label="Win rate">{pct(v.winRate)}</Figure>
                <Figure label="Average won value">{money(v.avgWonValue, currency)}</Figure>
                <Figure label="Average cycle" hint="days from creation to won">
                  {dec1(v.avgCycleDays)}
                </Figure>
                <Figure label="Velocity" hint="open × value × win rate ÷ cycle, per day">
                  {money(v.perDay, currency)}
                </Figure>
              </SimpleGrid>
            </Paper>
            <Paper withBorder>
              <Table.ScrollContainer minWidth={950}>
                <Table verticalSpacing="sm" data-testid="health-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Stage</Table.Th>
                      <Table.Th ta="right">Open</Table.Th>
                      <Table.Th ta="right">Value</Table.Th>
                      <Table.Th ta="right">Weighted</Table.Th>
                      <Table.Th ta="right">Avg days in stage</Table.Th>
                      {BUCKETS.map((b) => (
                        <Table.Th key={b.key} ta="right">
                          {b.label}
                        </Table.Th>
                      ))}
                      <Table.Th ta="right">
                        Rotten
                        {d.pipeline.rottenAfterDays ? ` (> ${d.pipeline.rottenAfterDays} d)` : ''}
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {d.stages.map((s) => (
                      <Table.Tr key={s.stageId}>
                        <Table.Td>
                          <Group gap={8} wrap="nowrap">
                            <ColorSwatch color={s.color} size={12} />
                            <Text size="sm" fw={500}>
                              {s.name}
                            </Text>
                            <Text size="xs" c="dimmed">
                              {s.probability}%
                            </Text>
                          </Group>
                        </Table.Td>
                        <Table.Td ta="right">
                          <DrillCount value={s.open} drill={s.drills.open} />
                        </Table.Td>
                        <Table.Td ta="right">{money(s.value, currency)}</Table.Td>
                        <Table.Td ta="right">{money(s.weightedValue, currency)}</Table.Td>
                        <Table.Td ta="right">{dec1(s.avgDaysInStage)}</Table.Td>
                        {BUCKETS.map((b) => (
                          <Table.Td key={b.key} ta="right">
                            <DrillCount value={s.aging[b.key]} drill={s.drills[b.key]} />
                          </Table.Td>
                        ))}
                        <Table.Td ta="right">
                          <DrillCount value={s.rotten} drill={s.drills.rotten} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                    <Table.Tr fw={650}>
                      <Table.Td>Total</Table.Td>
                      <Table.Td ta="right">{count(d.totals.open)}</Table.Td>
                      <Table.Td ta="right">{money(d.totals.value, currency)}</Table.Td>
                      <Table.Td ta="right">{money(d.totals.weightedValue, currency)}</Table.Td>
                      <Table.Td ta="right">{dec1(d.totals.avgDaysInStage)}</Table.Td>
                      {BUCKETS.map((b) => (
                        <Table.Td key={b.key} ta="right">
                          {count(d.totals.aging[b.key])}
                        </Table.Td>
                      ))}
                      <Table.Td ta="right">{count(d.totals.rotten)}</Table.Td>
                    </Table.Tr>
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Text size="xs" c="dimmed" p="sm">
                Snapshot at {formatDateTime(d.asOf)}; the date range does not apply to it.
              </Text>
            </Paper>
          </>
        );
      }}
    </ReportFrame>
  );
}
