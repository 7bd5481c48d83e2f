import { Anchor, Autocomplete, Button, Center, EmptyState, Modal, Select, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTargetArrow } from '@tabler/icons-react';
import { useNavigate } from 'react-router-dom';
import { useInfiniteList } from '../../api/hooks';
import type { Lead } from '../../api/types';
import { usePermissions, useWorkspace } from '../../auth/session';
import { StageBadge } from '../../components/badges';
import { type Column, DataTable, LinkCell } from '../../components/DataTable';
import { ListPage, SearchBox, useListState } from '../../components/ListPage';
import { MemberSelect, Person } from '../../components/people';
import { LEAD_SOURCES, LEAD_STATUSES } from '../../lib/constants';
import { formatDate, formatMoney, labelize, options } from '../../lib/format';
import { LeadForm } from './LeadForm';

export const leadName = (l: Lead) => l.title || l.productInterest || 'Untitled lead';

function columns(currency: string): Column<Lead>[] {
  return [
    {
      key: 'name',
      label: 'Contact',
      sort: 'lastName',
      width: { base: 'auto', md: '22%' },
      render: (l) => <LinkCell to={`/leads/${l.id}`} title={l.name || 'Unnamed'} sub={l.email ?? l.phone} />,
    },
    {
      key: 'title',
      from: 'sm',
      label: 'Lead',
      width: '18%',
      render: (l) => <Text size="sm">{leadName(l)}</Text>,
    },
    {
      key: 'company',
      from: 'md',
      label: 'Company',
      sort: 'company',
      width: '14%',
      render: (l) => <Text size="sm">{l.company ?? '—'}</Text>,
    },
    {
      key: 'stage',
      label: 'Stage',
      width: 156,
      render: (l) => <StageBadge stageId={l.stageId} name={l.stageName} />,
    },
    {
      key: 'source',
      from: 'lg',
      label: 'Source',
      width: 100,
      render: (l) => <Text size="sm">{labelize(l.source)}</Text>,
    },
    { key: 'owner', from: 'md', label: 'Owner', width: 150, render: (l) => <Person id={l.ownerId} /> },
    {
      key: 'score',
      from: 'lg',
      label: 'Score',
      sort: 'score',
      sortDesc: true,
      width: 80,
      align: 'right',
      render: (l) => <Text size="sm">{l.score}</Text>,
    },
    {
      key: 'value',
      from: 'sm',
      label: 'Value',
      sort: 'dealValue',
      sortDesc: true,
      width: 112,
      align: 'right',
      render: (l) => <Text size="sm">{formatMoney(l.dealValue, currency)}</Text>,
    },
    {
      key: 'created',
      from: 'lg',
      label: 'Created',
      sort: 'createdAt',
      sortDesc: true,
      width: 120,
      render: (l) => (
        <Text size="sm" c="dimmed">
          {formatDate(l.createdAt)}
        </Text>
      ),
    },
  ];
}

export function LeadsListPage() {
  const list = useListState('-createdAt');
  const { canWrite } = usePermissions();
  const ws = useWorkspace();
  const navigate = useNavigate();
  const [creating, createModal] = useDisclosure(false);
  const filters = { status: list.get('status'), source: list.get('source'), ownerId: list.get('owner') };
  const query = useInfiniteList<Lead>('/leads', ['leads', 'list'], {
    sort: list.sort,
    q: list.q,
    ...filters,
  });
  const rows = query.data?.pages.flatMap((p) => p.data) ?? [];
  const filtered = !!(list.q || filters.status || filters.source || filters.ownerId);

  return (
    <ListPage
      title="Leads"
      description="Every sales interest of every contact, with its stage and owner."
      actions={
        canWrite && (
          <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
            New lead
          </Button>
        )
      }
      toolbar={
        <>
          <SearchBox
            value={list.q}
            onChange={(q) => list.set({ q })}
            placeholder="Search name, email, phone, company…"
          />
          <Select
            aria-label="Status"
            placeholder="Any status"
            data={options(LEAD_STATUSES)}
            value={filters.status ?? null}
            onChange={(v) => list.set({ status: v })}
            clearable
            w={150}
          />
          <Autocomplete
            aria-label="Source"
            placeholder="Any source"
            data={LEAD_SOURCES}
            defaultValue={filters.source ?? ''}
            onChange={(v) => list.set({ source: v.trim() })}
            w={150}
          />
          <MemberSelect
            aria-label="Owner"
            placeholder="Any owner"
            withUnassigned
            value={filters.ownerId ?? null}
            onChange={(v) => list.set({ owner: v })}
            w={170}
          />
        </>
      }
    >
      <DataTable
        noun="leads"
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
        href={(l) => `/leads/${l.id}`}
        empty={
          <Center py={60}>
            <EmptyState
              icon={<IconTargetArrow size={28} />}
              withIndicatorBackground
              title={filtered ? 'No leads match' : 'No leads yet'}
              description={
                filtered
                  ? 'Try another search or clear the filters.'
                  : 'Create your first lead to start your pipeline.'
              }
            >
              {canWrite && !filtered && (
                <EmptyState.Actions>
                  <Button onClick={createModal.open} leftSection={<IconPlus size={16} />}>
                    New lead
                  </Button>
                </EmptyState.Actions>
              )}
            </EmptyState>
          </Center>
        }
      />
      <Modal opened={creating} onClose={createModal.close} title="New lead" size="xl">
        <Stack>
          <LeadForm
            onCancel={createModal.close}
            onSaved={(lead) => {
              createModal.close();
              notifications.show({
                color: 'green',
                title: 'Lead created',
                message: (
                  <Anchor size="sm" onClick={() => navigate(`/leads/${lead.id}`)}>
                    Open {lead.name || leadName(lead)}
                  </Anchor>
                ),
              });
            }}
          />
        </Stack>
      </Modal>
    </ListPage>
  );
}
