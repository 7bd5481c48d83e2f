import { Button, Center, EmptyState, Modal, Select, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBuilding, IconPlus } from '@tabler/icons-react';
import { useNavigate } from 'react-router-dom';
import { useInfiniteList } from '../../api/hooks';
import type { Account } from '../../api/types';
import { usePermissions, useWorkspace } from '../../auth/session';
import { HealthBadge } from '../../components/badges';
import { type Column, DataTable, LinkCell } from '../../components/DataTable';
import { ListPage, SearchBox, useListState } from '../../components/ListPage';
import { Person } from '../../components/people';
import { ACCOUNT_HEALTH, ACCOUNT_TYPES } from '../../lib/constants';
import { formatDate, formatMoney, labelize, options } from '../../lib/format';
import { AccountForm } from './AccountForm';

function columns(currency: string): Column<Account>[] {
  return [
    {
      key: 'name',
      label: 'Name',
      sort: 'name',
      width: { base: 'auto', md: '22%' },
      render: (a) => <LinkCell to={`/accounts/${a.id}`} title={a.name} sub={a.domain} />,
    },
    {
      key: 'size',
      from: 'lg',
      label: 'Size',
      width: 100,
      render: (a) => <Text size="sm">{a.companySize ?? '—'}</Text>,
    },
    {
      key: 'type',
      from: 'md',
      label: 'Type',
      width: 110,
      render: (a) => <Text size="sm">{labelize(a.accountType)}</Text>,
    },
    {
      key: 'industry',
      from: 'md',
      label: 'Industry',
      width: '14%',
      render: (a) => <Text size="sm">{a.industry ?? '—'}</Text>,
    },
    { key: 'health', label: 'Health', width: 100, render: (a) => <HealthBadge health={a.health} /> },
    {
      key: 'revenue',
      from: 'sm',
      label: 'Revenue',
      sort: 'annualRevenue',
      sortDesc: true,
      width: 130,
      align: 'right',
      render: (a) => <Text size="sm">{formatMoney(a.annualRevenue, currency)}</Text>,
    },
    { key: 'owner', from: 'lg', label: 'Owner', width: 150, render: (a) => <Person id={a.ownerId} /> },
    {
      key: 'created',
      from: 'lg',
      label: 'Created',
      sort: 'createdAt',
      sortDesc: true,
      width: 120,
      render: (a) => (
        <Text size="sm" c="dimmed">
          {formatDate(a.createdAt)}
        </Text>
      ),
    },
  ];
}

export function AccountsListPage() {
  const list = useListState('name');
  const { canWrite } = usePermissions();
  const ws = useWorkspace();
  const navigate = useNavigate();
  const [creating, createModal] = useDisclosure(false);
  const filters = { accountType: list.get('accountType'), health: list.get('health') };
  const query = useInfiniteList<Account>('/accounts', ['accounts', 'list'], {
    sort: list.sort,
    q: list.q,
    ...filters,
  });
  const rows = query.data?.pages.flatMap((p) => p.data) ?? [];
  const filtered = !!(list.q || filters.accountType || filters.health);

  return (
    <ListPage
      title="Accounts"
      description="Companies you sell to, partner with or compete against."
      actions={
        canWrite && (
          <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
            New account
          </Button>
        )
      }
      toolbar={
        <>
          <SearchBox value={list.q} onChange={(q) => list.set({ q })} placeholder="Search name or domain…" />
          <Select
            aria-label="Type"
            placeholder="Any type"
            data={options(ACCOUNT_TYPES)}
            value={filters.accountType ?? null}
            onChange={(v) => list.set({ accountType: v })}
            clearable
            w={150}
          />
          <Select
            aria-label="Health"
            placeholder="Any health"
            data={options(ACCOUNT_HEALTH)}
            value={filters.health ?? null}
            onChange={(v) => list.set({ health: v })}
            clearable
            w={140}
          />
        </>
      }
    >
      <DataTable
        noun="accounts"
        columns={columns(ws.currency)}
        rows={rows}
        sort={list.sort}
        resetKey={list.key}
        onSort={(sort) => list.set({ sort })}
        hasMore={!!query.hasNextPage}
        loadMore={query.fetchNextPage}
        loadingMore={query.isFetchingNextPage}
        loading={query.isPending || (query.isPlaceholderData && query.isFetching)}
        error={query.error}
        href={(a) => `/accounts/${a.id}`}
        empty={
          <Center py={60}>
            <EmptyState
              icon={<IconBuilding size={28} />}
              withIndicatorBackground
              title={filtered ? 'No accounts match' : 'No accounts yet'}
              description={
                filtered
                  ? 'Try another search or clear the filters.'
                  : 'Accounts are created when leads convert, or here.'
              }
            />
          </Center>
        }
      />
      <Modal opened={creating} onClose={createModal.close} title="New account" size="xl">
        <AccountForm
          onCancel={createModal.close}
          onSaved={(a) => {
            createModal.close();
            navigate(`/accounts/${a.id}`);
          }}
        />
      </Modal>
    </ListPage>
  );
}
