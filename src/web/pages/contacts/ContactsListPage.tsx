import { Select, Text } from '@mantine/core';
import { IconAddressBook } from '@tabler/icons-react';
import { useNavigate } from 'react-router-dom';
import type { Contact } from '../../api/types';
import { StatusBadge } from '../../components/badges';
import { type Column, LinkCell } from '../../components/DataTable';
import { useListState } from '../../components/ListPage';
import { Person } from '../../components/people';
import { RecordListPage } from '../../components/RecordListPage';
import { CONTACT_STATUSES } from '../../lib/constants';
import { formatDate, options } from '../../lib/format';
import { ImportButton } from '../imports/ImportButton';
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
  const navigate = useNavigate();
  const status = list.get('status');
  return (
    <RecordListPage<Contact>
      title="Contacts"
      description="People: contact information lives here and only here."
      noun="contact"
      plural="contacts"
      path="/contacts"
      list={list}
      filters={{ status }}
      columns={columns}
      searchPlaceholder="Search name, email, phone, company…"
      toolbar={
        <Select
          aria-label="Status"
          placeholder="Any status"
          data={options(CONTACT_STATUSES)}
          value={status ?? null}
          onChange={(v) => list.set({ status: v })}
          clearable
          w={150}
        />
      }
      actions={<ImportButton entity="contacts" />}
      emptyIcon={<IconAddressBook size={28} />}
      emptyHint="Contacts are created with leads, or here."
      createForm={(close) => (
        <ContactForm
          onCancel={close}
          onSaved={(c) => {
            close();
            navigate(`/contacts/${c.id}`);
          }}
        />
      )}
    />
  );
}
