import { Button, Center, EmptyState, Modal, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBriefcase, IconPlus } from '@tabler/icons-react';
import { useNavigate } from 'react-router-dom';
import { useInfiniteList } from '../../api/hooks';
import type { Deal } from '../../api/types';
import { usePermissions } from '../../auth/session';
import { StageBadge } from '../../components/badges';
import { type Column, DataTable, LinkCell } from '../../components/DataTable';
import { ListPage, SearchBox, useListState } from '../../components/ListPage';
import { Person } from '../../components/people';
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
  const { canWrite } = usePermissions();
  const navigate = useNavigate();
  const [creating, createModal] = useDisclosure(false);
  const stageId = list.get('stage');
  const query = useInfiniteList<Deal>('/deals', ['deals', 'list'], { sort: list.sort, q: list.q, stageId });
  const rows = query.data?.pages.flatMap((p) => p.data) ?? [];
  const filtered = !!(list.q || stageId);

  return (
    <ListPage
      title="Deals"
      description="Opportunities after conversion, with amount, stage and close date."
      actions={
        canWrite && (
          <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
            New deal
          </Button>
        )
      }
      toolbar={
        <>
          <SearchBox value={list.q} onChange={(q) => list.set({ q })} placeholder="Search deals…" />
          <StageSelect
            aria-label="Stage"
            placeholder="Any stage"
            value={stageId ?? null}
            onChange={(v) => list.set({ stage: v })}
            clearable
            allowDeselect
            w={170}
          />
        </>
      }
    >
      <DataTable
        noun="deals"
        columns={columns}
        rows={rows}
        sort={list.sort}
        resetKey={list.key}
        onSort={(sort) => list.set({ sort })}
        hasMore={!!query.hasNextPage}
        loadMore={query.fetchNextPage}
        loadingMore={query.isFetchingNextPage}
        loading={query.isPending || (query.isPlaceholderData && query.isFetching)}
        error={query.error}
        href={(d) => `/deals/${d.id}`}
        empty={
          <Center py={60}>
            <EmptyState
              icon={<IconBriefcase size={28} />}
              withIndicatorBackground
              title={filtered ? 'No deals match' : 'No deals yet'}
              description={
                filtered
                  ? 'Try another search or clear the filter.'
                  : 'Deals are created when leads convert, or here.'
              }
            />
          </Center>
        }
      />
      <Modal opened={creating} onClose={createModal.close} title="New deal" size="xl">
        <DealForm
          onCancel={createModal.close}
          onSaved={(d) => {
            createModal.close();
            navigate(`/deals/${d.id}`);
          }}
        />
      </Modal>
    </ListPage>
  );
}
