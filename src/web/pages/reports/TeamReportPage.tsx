import { Badge, Group, Paper, Table, Text, Title } from '@mantine/core';
import { useWorkspace } from '../../auth/session';
import { DrillCount } from './DrillLink';
import { ReportChart } from './ReportChart';
import { ReportFrame } from './ReportFrame';
import { HUMAN_ACTIVITY_TYPES, type TeamReport, type TeamRow, useReport } from './report-api';
import type { ReportDef } from './report-def';
import { count, dec1, money, pct } from './report-format';
import { savedParams, useReportUrl } from './report-params';

export const teamDef: ReportDef<TeamReport> = {
  kind: 'team',
  title: 'Team performance',
  route: '/reports/team',
  apiPath: '/reports/team',
  defaultRange: 'last90',
  extraKeys: [],
  chartKinds: ['bar', 'table'],
  defaultChart: 'bar',
  chartData: (d) => ({
    dataKey: 'owner',
    data: d.owners.map((o) => ({
      owner: o.name,
      'Open leads': o.openLeads,
      Wins: o.wins,
      Losses: o.losses,
      Activities: o.activities.total,
    })),
    series: [
      { name: 'Activities', color: 'gray.5' },
      { name: 'Open leads', color: 'indigo.6' },
      { name: 'Wins', color: 'teal.6' },
      { name: 'Losses', color: 'red.5' },
    ],
    valueFormatter: count,
  }),
};

const TYPE_LABEL: Record<string, string> = {
  call: 'Calls',
  email: 'Emails',
  meeting: 'Meetings',
  note: 'Notes',
  sms: 'SMS',
};

function TeamTable({
  title,
  rows,
  totals,
  testId,
}: {
  title: string;
  rows: { key: string; label: React.ReactNode; row: TeamRow }[];
  totals?: TeamRow;
  testId: string;
}) {
  const { currency } = useWorkspace();
  const line = (key: string, label: React.ReactNode, r: TeamRow, total = false) => {
    const fw = total ? 650 : undefined;
    return (
      <Table.Tr key={key} fw={fw}>
        <Table.Td>{label}</Table.Td>
        {HUMAN_ACTIVITY_TYPES.map((t) => (
          <Table.Td key={t} ta="right">
            <DrillCount value={r.activities[t]} drill={r.drills.activities[t]} fw={fw} />
          </Table.Td>
        ))}
        <Table.Td ta="right">
          <DrillCount value={r.activities.total} drill={r.drills.activities.total} fw={fw} />
        </Table.Td>
        <Table.Td ta="right">{dec1(r.firstResponse.medianHours)}</Table.Td>
        <Table.Td ta="right">
          <DrillCount value={r.firstResponse.waitingLeads} drill={r.drills.waitingLeads} fw={fw} />
        </Table.Td>
        <Table.Td ta="right">
          <DrillCount value={r.openLeads} drill={r.drills.openLeads} fw={fw} />
        </Table.Td>
        <Table.Td ta="right">
          <DrillCount value={r.wins} drill={r.drills.wins} fw={fw} />
        </Table.Td>
        <Table.Td ta="right">
          <DrillCount value={r.losses} drill={r.drills.losses} fw={fw} />
        </Table.Td>
        <Table.Td ta="right">{pct(r.winRate)}</Table.Td>
        <Table.Td ta="right">{money(r.wonValue, currency)}</Table.Td>
      </Table.Tr>
    );
  };
  return (
    <Paper withBorder>
      <Title order={3} fz="md" p="md" pb={0}>
        {title}
      </Title>
      <Table.ScrollContainer minWidth={1000}>
        <Table verticalSpacing="sm" horizontalSpacing="sm" data-testid={testId}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{title === 'Teams' ? 'Team' : 'Owner'}</Table.Th>
              {HUMAN_ACTIVITY_TYPES.map((t) => (
                <Table.Th key={t} ta="right">
                  {TYPE_LABEL[t]}
                </Table.Th>
              ))}
              <Table.Th ta="right">Activities</Table.Th>
              <Table.Th ta="right" title="Median hours from a lead's creation to its first activity">
                First response (h)
              </Table.Th>
              <Table.Th ta="right" title="Leads created in the range without any activity yet">
                Waiting
              </Table.Th>
              <Table.Th ta="right">Open leads</Table.Th>
              <Table.Th ta="right">Wins</Table.Th>
              <Table.Th ta="right">Losses</Table.Th>
              <Table.Th ta="right">Win rate</Table.Th>
              <Table.Th ta="right">Won value</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => line(r.key, r.label, r.row))}
            {totals && line('totals', 'Total', totals, true)}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

/** Team: per owner and team, activities by type, first response, open leads, wins, losses, won value. */
export function TeamReportPage() {
  const state = useReportUrl(teamDef.defaultRange);
  const result = useReport<TeamReport>(teamDef.apiPath, state.query);
  const { currency } = useWorkspace();
  return (
    <ReportFrame<TeamReport>
      kind="team"
      title={teamDef.title}
      description="Activities logged in the range by each member; first response, open leads over the leads they own created in the range; wins and losses are leads that entered a won or lost stage in the range."
      state={state}
      result={result}
      exportPath={teamDef.apiPath}
      chartKinds={teamDef.chartKinds}
      defaultChart={teamDef.defaultChart}
      chart={(d, kind) => <ReportChart data={teamDef.chartData(d, currency)} kind={kind} />}
      isEmpty={(d) => d.owners.length === 0}
      emptyText="Nothing happened in this range with these filters."
      saveParams={savedParams(state.filters)}
    >
      {(d) => (
        <>
          <TeamTable
            title="Owners"
            testId="team-owners-table"
            rows={d.owners.map((o) => ({
              key: o.ownerId ?? 'none',
              label: (
                <Group gap={6} wrap="nowrap">
                  <Text size="sm" fw={500} c={o.ownerId ? undefined : 'dimmed'}>
                    {o.ownerId ? o.name : 'Unassigned'}
                  </Text>
                  {o.removed && (
                    <Badge size="xs" color="gray" variant="light">
                      removed
                    </Badge>
                  )}
                </Group>
              ),
              row: o,
            }))}
            totals={d.totals}
          />
          {d.teams.length > 0 && (
            <TeamTable
              title="Teams"
              testId="team-teams-table"
              rows={d.teams.map((t) => ({
                key: t.teamId,
                label: (
                  <Text size="sm" fw={500}>
                    {t.name}{' '}
                    <Text span size="xs" c="dimmed">
                      ({t.memberIds.length} members)
                    </Text>
                  </Text>
                ),
                row: t,
              }))}
            />
          )}
        </>
      )}
    </ReportFrame>
  );
}
