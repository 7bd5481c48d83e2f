import { Text } from '@mantine/core';
import { IconBriefcase } from '@tabler/icons-react';
import { useNavigate } from 'react-router-dom';
import type { Deal } from '../../api/types';
import { StageBadge } from '../../components/badges';
import { type Column, LinkCell } from '../../components/DataTable';
import { useListState } from '../../components/ListPage';
import { Person } from '../../components/people';
import { RecordListPage } from '../../components/RecordListPage';
import { StageSelect } from '../../components/StageSelect';
import { formatDate, formatMoney, labelize } from '../../lib/format';
import { DealForm } from './DealForm';

const columns: Column<Deal>[] = [
  {
    key: 'name',
    label: 'Deal',
    sort: 'name',
    width: { base: 'auto', md: '26%' },
    render: (d) => <LinkCell to={`/deals/${d.id}`} title={d.name} sub={d.description} />,
  },
  {
    key: 'stage',
    label: 'Stage',
    width: 140,
    render: (d) => <StageBadge stageId={d.stageId} name={d.stageName} />,
  },
  {
    key: 'amount',
    from: 'sm',
    label: 'Amount',
    sort: 'amount',
    sortDesc: true,
    width: 140,
    align: 'right',
    render: (d) => <Text size="sm">{formatMoney(d.amount, d.currency)}</Text>,
  },
  {
    key: 'probability',
    from: 'lg',
    label: 'Prob.',
    width: 80,
    align: 'right',
    render: (d) => <Text size="sm">{d.probability}%</Text>,
  },
  {
    key: 'forecast',
    from: 'lg',
    label: 'Forecast',
    width: 110,
    render: (d) => <Text size="sm">{labelize(d.forecastCategory)}</Text>,
  },
  {
    key: 'close',
    from: 'md',
    label: 'Close date',
    sort: 'closeDate',
    width: 130,
    render: (d) => <Text size="sm">{formatDate(d.closeDate)}</Text>,
  },
  { key: 'owner', from: 'md', label: 'Owner', width: 150, render: (d) => <Person id={d.ownerId} /> },
  {
    key: 'created',
    from: 'lg',
    label: 'Created',
    sort: 'createdAt',
    sortDesc: true,
    width: 120,
    render: (d) => (
      <Text size="sm" c="dimmed">
        {formatDate(d.createdAt)}
      </Text>
    ),
  },
];

export function DealsListPage() {
  const list = useListState('-createdAt');
  const navigate = useNavigate();
  const stageId = list.get('stage');
  return (
    <RecordListPage<Deal>
      title="Deals"
      description="Opportunities after conversion, with amount, stage and close date."
      noun="deal"
      plural="deals"
      path="/deals"
      list={list}
      filters={{ stageId }}
      columns={columns}
      searchPlaceholder="Search deals…"
      toolbar={
        <StageSelect
          aria-label="Stage"
          placeholder="Any stage"
          value={stageId ?? null}
          onChange={(v) => list.set({ stage: v })}
          clearable
          allowDeselect
          w={170}
        />
      }
      emptyIcon={<IconBriefcase size={28} />}
      emptyHint="Deals are created when leads convert, or here."
      createForm={(close) => (
        <DealForm
          onCancel={close}
          onSaved={(d) => {
            close();
            navigate(`/deals/${d.id}`);
          }}
        />
      )}
    />
  );
}
