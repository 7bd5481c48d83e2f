import { Group, MultiSelect, Paper, SegmentedControl, SimpleGrid, Table, Text, Title } from '@mantine/core';
import dayjs from 'dayjs';
import { labelize } from '../../lib/format';
import { DrillCount } from './DrillLink';
import { colorAt, ReportChart } from './ReportChart';
import { ReportFrame } from './ReportFrame';
import { type ActivityReport, useReport } from './report-api';
import type { ReportDef } from './report-def';
import { count } from './report-format';
import { savedParams, useReportUrl } from './report-params';

const ALL_TYPES = [
  'call',
  'email',
  'meeting',
  'note',
  'sms',
  'task',
  'stage_change',
  'assignment_change',
  'system',
];

const periodLabel = (p: string, interval: ActivityReport['interval']) =>
  interval === 'month'
    ? dayjs(p).format('MMM YYYY')
    : interval === 'week'
      ? `Week of ${dayjs(p).format('MMM D')}`
      : dayjs(p).format('MMM D');

export const activityDef: ReportDef<ActivityReport> = {
  kind: 'activity',
  title: 'Activity summary',
  route: '/reports/activity',
  apiPath: '/reports/activity',
  defaultRange: 'last30',
  extraKeys: ['interval', 'types'],
  chartKinds: ['bar', 'area', 'line', 'table'],
  defaultChart: 'bar',
  chartData: (d) => ({
    dataKey: 'period',
    data: d.periods.map((p) => ({
      period: periodLabel(p.period, d.interval),
      ...Object.fromEntries(d.types.map((t) => [labelize(t), p.byType[t] ?? 0])),
    })),
    series: d.types.map((t, i) => ({ name: labelize(t), color: colorAt(i) })),
    stacked: true,
    valueFormatter: count,
  }),
};

/** Activity summary: activities that occurred in the range by period and type, by user, by outcome. */
export function ActivityReportPage() {
  const state = useReportUrl(activityDef.defaultRange, activityDef.extraKeys);
  const result = useReport<ActivityReport>(activityDef.apiPath, state.query);
  const types = state.extra.types ? state.extra.types.split(',') : [];
  return (
    <ReportFrame<ActivityReport>
      kind="activity"
      title={activityDef.title}
      description="Activities that occurred in the range, by period and type, by the member who logged them, and by outcome. Owner and team filter the member; pipeline and source filter the activity's lead."
      state={state}
      filterOptions={{ rangeLabel: 'Activities occurred' }}
      controls={
        <Group gap="xs" align="flex-end">
          <MultiSelect
            label="Types"
            aria-label="Activity types"
            placeholder={types.length ? undefined : 'Calls, emails, meetings, notes, SMS'}
            data={ALL_TYPES.map((t) => ({ value: t, label: labelize(t) }))}
            value={types}
            onChange={(v) => state.set({ types: v.join(',') })}
            clearable
            w={260}
          />
          <div>
            <Text size="sm" fw={500} mb={2}>
              Interval
            </Text>
            <SegmentedControl
              aria-label="Interval"
              data={[
                { value: '', label: 'Auto' },
                { value: 'day', label: 'Day' },
                { value: 'week', label: 'Week' },
                { value: 'month', label: 'Month' },
              ]}
              value={state.extra.interval ?? ''}
              onChange={(v) => state.set({ interval: v })}
            />
          </div>
        </Group>
      }
      result={result}
      exportPath={activityDef.apiPath}
      chartKinds={activityDef.chartKinds}
      defaultChart={activityDef.defaultChart}
      chart={(d, kind) => <ReportChart data={activityDef.chartData(d, '')} kind={kind} />}
      isEmpty={(d) => d.totals.total === 0}
      emptyText="No activity in this range with these filters."
      saveParams={savedParams(state.filters, state.extra)}
    >
      {(d) => (
        <>
          <SimpleGrid cols={{ base: 2, sm: Math.min(6, d.types.length + 1) }}>
            {[...d.types, 'total'].map((t) => (
              <Paper withBorder p="sm" key={t}>
                <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                  {t === 'total' ? 'Total' : labelize(t)}
                </Text>
                <Text fz={22} fw={650} component="div">
                  <DrillCount
                    value={t === 'total' ? d.totals.total : (d.totals.byType[t] ?? 0)}
                    drill={d.totals.drills[t]}
                    testId={`activity-total-${t}`}
                  />
                </Text>
              </Paper>
            ))}
          </SimpleGrid>
          <Paper withBorder>
            <Title order={3} fz="md" p="md" pb={0}>
              By member
            </Title>
            <Table.ScrollContainer minWidth={700}>
              <Table verticalSpacing="sm" data-testid="activity-users-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Member</Table.Th>
                    {d.types.map((t) => (
                      <Table.Th key={t} ta="right">
                        {labelize(t)}
                      </Table.Th>
                    ))}
                    <Table.Th ta="right">Total</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.byUser.map((u) => (
                    <Table.Tr key={u.userId ?? 'none'}>
                      <Table.Td>
                        {u.userId ? (
                          u.name
                        ) : (
                          <Text c="dimmed" size="sm">
                            No user (system, API keys)
                          </Text>
                        )}
                      </Table.Td>
                      {d.types.map((t) => (
                        <Table.Td key={t} ta="right">
                          <DrillCount value={u.byType[t] ?? 0} drill={u.drills[t]} />
                        </Table.Td>
                      ))}
                      <Table.Td ta="right">
                        <DrillCount value={u.total} drill={u.drills.total} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Paper withBorder>
              <Title order={3} fz="md" p="md" pb={0}>
                By period
              </Title>
              <Table verticalSpacing="xs" data-testid="activity-periods-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{labelize(d.interval)}</Table.Th>
                    <Table.Th ta="right">Activities</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.periods.map((p) => (
                    <Table.Tr key={p.period}>
                      <Table.Td>{periodLabel(p.period, d.interval)}</Table.Td>
                      <Table.Td ta="right">
                        <DrillCount value={p.total} drill={p.drills.total} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
            <Paper withBorder>
              <Title order={3} fz="md" p="md" pb={0}>
                By outcome
              </Title>
              <Table verticalSpacing="xs" data-testid="activity-outcomes-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Type</Table.Th>
                    <Table.Th>Outcome</Table.Th>
                    <Table.Th ta="right">Activities</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.byOutcome.map((o) => (
                    <Table.Tr key={`${o.type}:${o.outcome ?? ''}`}>
                      <Table.Td>{labelize(o.type)}</Table.Td>
                      <Table.Td>
                        {o.outcome ? (
                          labelize(o.outcome)
                        ) : (
                          <Text c="dimmed" size="sm">
                            (none)
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td ta="right">
                        <DrillCount value={o.count} drill={o.drill} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          </SimpleGrid>
        </>
      )}
    </ReportFrame>
  );
}
