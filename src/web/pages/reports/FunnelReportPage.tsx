import { Badge, ColorSwatch, Group, Paper, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useWorkspace } from '../../auth/session';
import { DrillCount } from './DrillLink';
import { ReportChart } from './ReportChart';
import { ReportFrame } from './ReportFrame';
import { type FunnelReport, useReport } from './report-api';
import type { ReportDef } from './report-def';
import { count, dec1, money, pct } from './report-format';
import { savedParams, useReportUrl } from './report-params';

export const funnelDef: ReportDef<FunnelReport> = {
  kind: 'funnel',
  title: 'Conversion funnel',
  route: '/reports/funnel',
  apiPath: '/reports/funnel',
  defaultRange: 'last90',
  extraKeys: [],
  chartKinds: ['funnel', 'bar', 'area', 'table'],
  defaultChart: 'funnel',
  chartData: (d) => ({
    dataKey: 'stage',
    data: d.stages.map((s) => ({ stage: s.name, Reached: s.reached })),
    series: [{ name: 'Reached', color: 'indigo.6' }],
    colors: d.stages.map((s) => s.color),
    valueFormatter: count,
  }),
};

function Figure({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fz={24} fw={650} component="div">
        {children}
      </Text>
    </Paper>
  );
}

/** Funnel: leads created in the range that reached each stage, conversion, drop-off, time in stage, losses. */
export function FunnelReportPage() {
  const state = useReportUrl(funnelDef.defaultRange);
  const result = useReport<FunnelReport>(funnelDef.apiPath, state.query);
  const { currency } = useWorkspace();
  return (
    <ReportFrame<FunnelReport>
      kind="funnel"
      title={funnelDef.title}
      description="Leads created in the range (now in the pipeline): how many reached each stage, how many went on to the next, how long a stay lasted, and why leads were lost."
      state={state}
      filterOptions={{ pipelineRequired: true, rangeLabel: 'Leads created' }}
      result={result}
      exportPath={funnelDef.apiPath}
      chartKinds={funnelDef.chartKinds}
      defaultChart={funnelDef.defaultChart}
      chart={(d, kind) => <ReportChart data={funnelDef.chartData(d, currency)} kind={kind} />}
      isEmpty={(d) => d.total === 0}
      emptyText="No leads were created in this range with these filters."
      saveParams={savedParams(state.filters)}
    >
      {(d) => (
        <>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Figure label={`Leads in ${d.pipeline.name}`}>
              <DrillCount value={d.total} drill={d.totalDrill} testId="funnel-total" />
            </Figure>
            <Figure label="Won">
              {(() => {
                const won = d.stages.filter((s) => s.type === 'won');
                const n = won.reduce((a, s) => a + s.reached, 0);
                return `${count(n)} (${pct(d.total ? n / d.total : null)})`;
              })()}
            </Figure>
            <Figure label="Lost">
              <Group gap="xs" align="baseline">
                <DrillCount value={d.lost.count} drill={d.lost.drill} testId="funnel-lost" />
                <Text size="sm" c="dimmed">
                  {money(d.lost.value, currency)}
                </Text>
              </Group>
            </Figure>
          </SimpleGrid>
          <Paper withBorder>
            <Table verticalSpacing="sm" horizontalSpacing="md" data-testid="funnel-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Stage</Table.Th>
                  <Table.Th ta="right">Reached</Table.Th>
                  <Table.Th ta="right">Of all</Table.Th>
                  <Table.Th ta="right">Conversion to next</Table.Th>
                  <Table.Th ta="right">Drop-off</Table.Th>
                  <Table.Th ta="right">Median days in stage</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.stages.map((s) => (
                  <Table.Tr key={s.stageId} data-testid="funnel-row" data-stage-name={s.name}>
                    <Table.Td>
                      <Group gap={8} wrap="nowrap">
                        <ColorSwatch color={s.color ?? 'gray'} size={12} />
                        <Text size="sm" fw={500}>
                          {s.name}
                        </Text>
                        {s.type === 'won' && (
                          <Badge color="green" variant="light" size="sm">
                            won
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right">
                      <DrillCount value={s.reached} drill={s.drill} testId={`funnel-reached-${s.name}`} />
                    </Table.Td>
                    <Table.Td ta="right">{pct(s.fromStartRate)}</Table.Td>
                    <Table.Td ta="right">{pct(s.conversionRate)}</Table.Td>
                    <Table.Td ta="right">{s.dropOff === null ? '—' : count(s.dropOff)}</Table.Td>
                    <Table.Td ta="right">
                      {dec1(s.medianDaysInStage)}
                      {s.stays !== undefined && s.medianDaysInStage !== null && (
                        <Text span size="xs" c="dimmed">
                          {' '}
                          ({count(s.stays)} stays)
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
          <Paper withBorder p="md">
            <Title order={3} fz="md" mb="xs">
              Lost reasons
            </Title>
            {d.lost.reasons.length === 0 ? (
              <Text size="sm" c="dimmed">
                No lead of this range was lost.
              </Text>
            ) : (
              <Table verticalSpacing="xs" data-testid="funnel-lost-reasons">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Reason</Table.Th>
                    <Table.Th ta="right">Leads</Table.Th>
                    <Table.Th ta="right">Share</Table.Th>
                    <Table.Th ta="right">Value</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.lost.reasons.map((r) => (
                    <Table.Tr key={r.reason ?? '(none)'}>
                      <Table.Td>
                        {r.reason ?? (
                          <Text span size="sm" c="dimmed">
                            (no reason)
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td ta="right">
                        <DrillCount value={r.count} drill={r.drill} />
                      </Table.Td>
                      <Table.Td ta="right">{pct(d.lost.count ? r.count / d.lost.count : null)}</Table.Td>
                      <Table.Td ta="right">{money(r.value, currency)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
        </>
      )}
    </ReportFrame>
  );
}
