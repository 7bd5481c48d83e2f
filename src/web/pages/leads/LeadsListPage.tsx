import { Anchor, Autocomplete, Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTargetArrow } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { Lead } from '../../api/types';
import { useWorkspace } from '../../auth/session';
import { StageBadge } from '../../components/badges';
import { type Column, LinkCell } from '../../components/DataTable';
import { useListState } from '../../components/ListPage';
import { MemberSelect, Person, useMemberMap } from '../../components/people';
import { RecordListPage } from '../../components/RecordListPage';
import { LEAD_SOURCES, LEAD_STATUSES } from '../../lib/constants';
import { formatDate, formatMoney, labelize, options } from '../../lib/format';
import { showApiError } from '../../lib/forms';
import { ImportButton } from '../imports/ImportButton';
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

/** Bulk "Assign to…": the selected leads get one owner in one request (all or nothing). */
function BulkAssign({ ids, clear }: { ids: string[]; clear: () => void }) {
  const qc = useQueryClient();
  const people = useMemberMap();
  const [busy, setBusy] = useState(false);
  const assign = async (v: string | null) => {
    if (!v) return;
    const ownerId = v === 'none' ? null : v;
    setBusy(true);
    try {
      const r = await api.post<{ updated: number; unchanged: number }>('/leads/bulk-assign', {
        leadIds: ids,
        ownerId,
      });
      const who = ownerId ? (people.get(ownerId)?.name ?? 'the new owner') : 'nobody (unassigned)';
      notifications.show({
        color: 'green',
        message: `${r.updated} lead${r.updated === 1 ? '' : 's'} assigned to ${who}${r.unchanged ? ` (${r.unchanged} already were)` : ''}`,
      });
      clear();
      void qc.invalidateQueries({ queryKey: ['leads'] });
    } catch (e) {
      showApiError(e, undefined, { title: 'Nothing was reassigned' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <MemberSelect
      aria-label="Assign to"
      placeholder="Assign to…"
      withUnassigned
      value={null}
      disabled={busy}
      onChange={(v) => void assign(v)}
      w={200}
      size="xs"
    />
  );
}

export function LeadsListPage() {
  const list = useListState('-createdAt');
  const ws = useWorkspace();
  const navigate = useNavigate();
  const filters = { status: list.get('status'), source: list.get('source'), ownerId: list.get('owner') };
  return (
    <RecordListPage<Lead>
      title="Leads"
      description="Every sales interest of every contact, with its stage and owner."
      noun="lead"
      plural="leads"
      path="/leads"
      list={list}
      filters={filters}
      columns={columns(ws.currency)}
      searchPlaceholder="Search name, email, phone, company…"
      toolbar={
        <>
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
      actions={<ImportButton entity="leads" />}
      bulkActions={(ids, clear) => <BulkAssign ids={ids} clear={clear} />}
      emptyIcon={<IconTargetArrow size={28} />}
      emptyHint="Create your first lead to start your pipeline."
      emptyAction
      createForm={(close) => (
        <LeadForm
          onCancel={close}
          onSaved={(lead) => {
            close();
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
      )}
    />
  );
}
