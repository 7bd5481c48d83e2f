import { Button, Center, EmptyState, Modal, Select, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAddressBook, IconPlus } from '@tabler/icons-react';
import { useNavigate } from 'react-router-dom';
import { useInfiniteList } from '../../api/hooks';
import type { Contact } from '../../api/types';
import { usePermissions } from '../../auth/session';
import { StatusBadge } from '../../components/badges';
import { type Column, DataTable, LinkCell } from '../../components/DataTable';
import { ListPage, SearchBox, useListState } from '../../components/ListPage';
import { Person } from '../../components/people';
import { CONTACT_STATUSES } from '../../lib/constants';
import { formatDate, options } from '../../lib/format';
import { ContactForm } from './ContactForm';

const columns: Column<Contact>[] = [
  {
    key: 'name',
    label: 'Name',
    sort: 'lastName',
    width: { base: 'auto', md: '20%' },
    render: (c) => <LinkCell to={`/contacts/${c.id}`} title={c.name || 'Unnamed'} sub={c.jobTitle} />,
  },
  {
    key: 'email',
    from: 'sm',
    label: 'Email',
    width: '22%',
    render: (c) => <Text size="sm">{c.email ?? '—'}</Text>,
  },
  {
    key: 'phone',
    from: 'md',
    label: 'Phone',
    width: 150,
    render: (c) => <Text size="sm">{c.phone ?? '—'}</Text>,
  },
  {
    key: 'company',
    from: 'md',
    label: 'Company',
    sort: 'companyName',
    width: '16%',
    render: (c) => <Text size="sm">{c.companyName ?? '—'}</Text>,
  },
  { key: 'status', label: 'Status', width: 110, render: (c) => <StatusBadge status={c.status} /> },
  { key: 'owner', from: 'lg', label: 'Owner', width: 150, render: (c) => <Person id={c.ownerId} /> },
  {
    key: 'created',
    from: 'lg',
    label: 'Created',
    sort: 'createdAt',
    sortDesc: true,
    width: 120,
    render: (c) => (
      <Text size="sm" c="dimmed">
        {formatDate(c.createdAt)}
      </Text>
    ),
  },
];

export function ContactsListPage() {
  const list = useListState('-createdAt');
  const { canWrite } = usePermissions();
  const navigate = useNavigate();
  const [creating, createModal] = useDisclosure(false);
  const status = list.get('status');
  const query = useInfiniteList<Contact>('/contacts', ['contacts', 'list'], {
    sort: list.sort,
    q: list.q,
    status,
  });
  const rows = query.data?.pages.flatMap((p) => p.data) ?? [];
  const filtered = !!(list.q || status);

  return (
    <ListPage
      title="Contacts"
      description="People: contact information lives here and only here."
      actions={
        canWrite && (
          <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
            New contact
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
            data={options(CONTACT_STATUSES)}
            value={status ?? null}
            onChange={(v) => list.set({ status: v })}
            clearable
            w={150}
          />
        </>
      }
    >
      <DataTable
        noun="contacts"
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
        href={(c) => `/contacts/${c.id}`}
        empty={
          <Center py={60}>
            <EmptyState
              icon={<IconAddressBook size={28} />}
              withIndicatorBackground
              title={filtered ? 'No contacts match' : 'No contacts yet'}
              description={
                filtered
                  ? 'Try another search or clear the filter.'
                  : 'Contacts are created with leads, or here.'
              }
            />
          </Center>
        }
      />
      <Modal opened={creating} onClose={createModal.close} title="New contact" size="xl">
        <ContactForm
          onCancel={createModal.close}
          onSaved={(c) => {
            createModal.close();
            navigate(`/contacts/${c.id}`);
          }}
        />
      </Modal>
    </ListPage>
  );
}
