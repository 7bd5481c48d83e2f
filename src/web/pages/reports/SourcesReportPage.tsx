import { Paper, Table, Text } from '@mantine/core';
import { useWorkspace } from '../../auth/session';
import { labelize } from '../../lib/format';
import { CampaignsPanel } from './CampaignsPanel';
import { DrillCount } from './DrillLink';
import { ReportChart } from './ReportChart';
import { ReportFrame } from './ReportFrame';
import { type AcquisitionReport, type AcquisitionRow, useReport } from './report-api';
import type { ReportDef } from './report-def';
import { count, dec1, money, pct } from './report-format';
import { savedParams, useReportUrl } from './report-params';

type By = 'source' | 'campaign';

const nameOf = (r: AcquisitionRow) => {
  if ('campaign' in r) return r.campaign ?? '(none)';
  return r.source ? labelize(r.source) : '(none)';
};
const keyOf = (r: AcquisitionRow) =>
  'campaign' in r ? (r.campaignId ?? r.campaign ?? '') : (r.source ?? '');

const chartData = (by: By) => (d: AcquisitionReport) => ({
  dataKey: by,
  data: (d.data as AcquisitionRow[]).map((r) => ({
    [by]: nameOf(r),
    Leads: r.leads,
    Qualified: r.qualified,
    Won: r.won,
  })),
  series: [
    { name: 'Leads', color: 'indigo.6' },
    { name: 'Qualified', color: 'cyan.6' },
    { name: 'Won', color: 'teal.6' },
  ],
  valueFormatter: count,
});

export const sourcesDef: ReportDef<AcquisitionReport> = {
  kind: 'sources',
  title: 'Sources',
  route: '/reports/sources',
  apiPath: '/reports/sources',
  defaultRange: 'last90',
  extraKeys: [],
  chartKinds: ['bar', 'pie', 'donut', 'table'],
  defaultChart: 'bar',
  chartData: chartData('source'),
};

export const campaignsDef: ReportDef<AcquisitionReport> = {
  kind: 'campaigns',
  title: 'Campaigns',
  route: '/reports/campaigns',
  apiPath: '/reports/campaigns',
  defaultRange: 'last90',
  extraKeys: [],
  chartKinds: ['bar', 'pie', 'donut', 'table'],
  defaultChart: 'bar',
  chartData: chartData('campaign'),
};

function SourcesTable({ d, by }: { d: AcquisitionReport; by: By }) {
  const { currency } = useWorkspace();
  const row = (
    r: AcquisitionReport['totals'] & { drills?: AcquisitionRow['drills'] },
    name: string,
    key: string,
    total = false,
  ) => (
    <Table.Tr key={key} data-testid={total ? `${by}-totals` : `${by}-row`} fw={total ? 650 : undefined}>
      <Table.Td>{name}</Table.Td>
      <Table.Td ta="right">
        <DrillCount value={r.leads} drill={r.drills?.leads} fw={total ? 650 : undefined} />
      </Table.Td>
      <Table.Td ta="right">
        <DrillCount value={r.qualified} drill={r.drills?.qualified} fw={total ? 650 : undefined} />
      </Table.Td>
      <Table.Td ta="right">
        <DrillCount value={r.won} drill={r.drills?.won} fw={total ? 650 : undefined} />
      </Table.Td>
      <Table.Td ta="right">{count(r.lost)}</Table.Td>
      <Table.Td ta="right">{pct(r.conversionRate)}</Table.Td>
      <Table.Td ta="right">{money(r.wonValue, currency)}</Table.Td>
      <Table.Td ta="right">{dec1(r.medianDaysToWin)}</Table.Td>
      <Table.Td ta="right">{money(r.cost, currency)}</Table.Td>
      <Table.Td ta="right">{money(r.costPerLead, currency)}</Table.Td>
      <Table.Td ta="right">{money(r.costPerWonLead, currency)}</Table.Td>
    </Table.Tr>
  );
  return (
    <Paper withBorder>
      <Table.ScrollContainer minWidth={900}>
        <Table verticalSpacing="sm" horizontalSpacing="md" data-testid={`${by}-table`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{by === 'source' ? 'Source' : 'Campaign'}</Table.Th>
              <Table.Th ta="right">Leads</Table.Th>
              <Table.Th ta="right">Qualified</Table.Th>
              <Table.Th ta="right">Won</Table.Th>
              <Table.Th ta="right">Lost</Table.Th>
              <Table.Th ta="right">Conversion</Table.Th>
              <Table.Th ta="right">Won value</Table.Th>
              <Table.Th ta="right">Median days to win</Table.Th>
              <Table.Th ta="right">Cost</Table.Th>
              <Table.Th ta="right">Cost per lead</Table.Th>
              <Table.Th ta="right">Cost per won lead</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(d.data as AcquisitionRow[]).map((r) => row(r, nameOf(r), keyOf(r)))}
            {row(d.totals, 'Total', 'totals', true)}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="xs" c="dimmed" p="sm">
        Qualified: reached a qualified, proposal or won stage; won and lost: status now; conversion is won /
        leads. Costs come from the campaigns' cost periods, prorated by day over the range
        {by === 'source' ? " (a campaign's spend counts towards its source)" : ''}.
        {!d.costsApplicable &&
          ' Costs are not shown while an owner, team or pipeline filter is on: spend is not split by owner or pipeline.'}
      </Text>
    </Paper>
  );
}

function SourcesLikePage({ def, by }: { def: ReportDef<AcquisitionReport>; by: By }) {
  const state = useReportUrl(def.defaultRange);
  const result = useReport<AcquisitionReport>(def.apiPath, state.query);
  const { currency } = useWorkspace();
  return (
    <ReportFrame<AcquisitionReport>
      kind={def.kind}
      title={def.title}
      description={
        by === 'source'
          ? 'Leads created in the range by source: how many qualified and won, what the wins were worth, how long they took, and what they cost where campaign costs are entered.'
          : "Leads created in the range by campaign (the lead's campaign name), with the campaign's costs over the range."
      }
      state={state}
      filterOptions={{ rangeLabel: 'Leads created' }}
      result={result}
      exportPath={def.apiPath}
      chartKinds={def.chartKinds}
      defaultChart={def.defaultChart}
      chart={(d, kind) => <ReportChart data={def.chartData(d, currency)} kind={kind} />}
      isEmpty={(d) => d.data.length === 0}
      emptyText="No leads were created in this range with these filters."
      saveParams={savedParams(state.filters)}
    >
      {(d) => <SourcesTable d={d} by={by} />}
    </ReportFrame>
  );
}

export function SourcesReportPage() {
  return <SourcesLikePage def={sourcesDef} by="source" />;
}

export function CampaignsReportPage() {
  return (
    <>
      <SourcesLikePage def={campaignsDef} by="campaign" />
      <CampaignsPanel />
    </>
  );
}
