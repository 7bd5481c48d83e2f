import { Select, Text } from '@mantine/core';
import { IconBuilding } from '@tabler/icons-react';
import { useNavigate } from 'react-router-dom';
import type { Account } from '../../api/types';
import { useWorkspace } from '../../auth/session';
import { HealthBadge } from '../../components/badges';
import { type Column, LinkCell } from '../../components/DataTable';
import { useListState } from '../../components/ListPage';
import { Person } from '../../components/people';
import { RecordListPage } from '../../components/RecordListPage';
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
  const ws = useWorkspace();
  const navigate = useNavigate();
  const filters = { accountType: list.get('accountType'), health: list.get('health') };
  return (
    <RecordListPage<Account>
      title="Accounts"
      description="Companies you sell to, partner with or compete against."
      noun="account"
      plural="accounts"
      path="/accounts"
      list={list}
      filters={filters}
      columns={columns(ws.currency)}
      searchPlaceholder="Search name or domain…"
      toolbar={
        <>
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
      emptyIcon={<IconBuilding size={28} />}
      emptyHint="Accounts are created when leads convert, or here."
      createForm={(close) => (
        <AccountForm
          onCancel={close}
          onSaved={(a) => {
            close();
            navigate(`/accounts/${a.id}`);
          }}
        />
      )}
    />
  );
}
