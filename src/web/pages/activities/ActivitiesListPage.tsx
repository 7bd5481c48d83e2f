import { Anchor, Badge, Group, Select, Text } from '@mantine/core';
import { IconTimeline } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import type { Activity } from '../../api/types';
import type { Column } from '../../components/DataTable';
import { useListState } from '../../components/ListPage';
import { Person } from '../../components/people';
import { RecordListPage } from '../../components/RecordListPage';
import { formatDateTime, labelize, options } from '../../lib/format';

/** The activity types (src/core/db/schema/activities.ts). */
const ACTIVITY_TYPES: Activity['type'][] = [
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

/** Where an activity's row leads: its lead, else its contact, else its deal, else its account. */
const recordOf = (a: Activity): { to: string; label: string } | null =>
  a.leadId
    ? { to: `/leads/${a.leadId}`, label: 'Lead' }
    : a.contactId
      ? { to: `/contacts/${a.contactId}`, label: 'Contact' }
      : a.dealId
        ? { to: `/deals/${a.dealId}`, label: 'Deal' }
        : a.accountId
          ? { to: `/accounts/${a.accountId}`, label: 'Account' }
          : null;

const columns: Column<Activity>[] = [
  {
    key: 'occurredAt',
    label: 'When',
    sort: 'occurredAt',
    sortDesc: true,
    width: 180,
    render: (a) => <Text size="sm">{formatDateTime(a.occurredAt)}</Text>,
  },
  {
    key: 'type',
    label: 'Type',
    width: 130,
    render: (a) => (
      <Badge variant="light" color="gray" size="sm">
        {labelize(a.type)}
      </Badge>
    ),
  },
  {
    key: 'subject',
    label: 'Subject',
    width: { base: 'auto', md: '32%' },
    render: (a) => (
      <Text size="sm" className="lb-nowrap">
        {a.subject || a.body || labelize(a.type)}
      </Text>
    ),
  },
  {
    key: 'outcome',
    from: 'sm',
    label: 'Outcome',
    width: 150,
    render: (a) => <Text size="sm">{labelize(a.outcome)}</Text>,
  },
  { key: 'user', from: 'md', label: 'By', width: 160, render: (a) => <Person id={a.userId} /> },
  {
    key: 'record',
    from: 'sm',
    label: 'On',
    width: 100,
    render: (a) => {
      const r = recordOf(a);
      return r ? (
        <Anchor component={Link} to={r.to} size="sm">
          {r.label}
        </Anchor>
      ) : (
        <Text size="sm">—</Text>
      );
    },
  },
];

/**
 * Every activity of the workspace (the timelines' entries), newest first: where the activity report's
 * figures click through to (`/activities?type=call&userId=…&occurredAtFrom=…`). Activities are logged on
 * a lead's or contact's page, so the list offers no "New".
 */
export function ActivitiesListPage() {
  const list = useListState('-occurredAt');
  const type = list.get('type');
  return (
    <RecordListPage<Activity>
      title="Activities"
      description="Calls, emails, meetings, notes and the pipeline's own events, across every record."
      noun="activity"
      plural="activities"
      path="/activities"
      list={list}
      filters={{ type }}
      columns={columns}
      searchPlaceholder="Search subject and notes…"
      toolbar={
        <Group gap="sm">
          <Select
            aria-label="Type"
            placeholder="Any type"
            data={options(ACTIVITY_TYPES)}
            value={type ?? null}
            onChange={(v) => list.set({ type: v })}
            clearable
            w={170}
          />
        </Group>
      }
      href={(a) => recordOf(a)?.to ?? '/activities'}
      emptyIcon={<IconTimeline size={28} />}
      emptyHint="Activities are logged on a lead's or a contact's page."
    />
  );
}
