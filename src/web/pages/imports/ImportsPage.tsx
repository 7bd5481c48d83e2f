import { Button, Center, EmptyState, Group, Paper, Stack, Text } from '@mantine/core';
import { IconFileImport, IconPlus } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { usePermissions } from '../../auth/session';
import { type Column, DataTable, LinkCell } from '../../components/DataTable';
import { PageHeader } from '../../components/ListPage';
import { Person } from '../../components/people';
import { formatDateTime, fromNow } from '../../lib/format';
import { ImportStatusBadge } from './ImportBadges';
import { entityLabel, type ImportSummary, isActive, plural, useImportList } from './importsApi';

function Counts({ imp }: { imp: ImportSummary }) {
  const r = imp.result;
  if (!r)
    return (
      <Text size="sm" c="dimmed">
        {isActive(imp.status) ? `${imp.progress.percent.toFixed(0)}% done` : plural(imp.totalRows, 'row')}
      </Text>
    );
  const part = (n: number, label: string, color?: string) => (
    <Text span size="sm" c={n ? color : 'dimmed'} fw={n ? 600 : 400}>
      {n.toLocaleString()} {label}
    </Text>
  );
  return (
    <Group gap={8} wrap="nowrap">
      {part(r.created, 'created', 'teal.7')}
      {part(r.updated, 'updated', 'blue.7')}
      {part(r.skipped, 'skipped')}
      {part(r.failed, 'failed', 'red.7')}
    </Group>
  );
}

const columns: Column<ImportSummary>[] = [
  {
    key: 'file',
    label: 'File',
    width: { base: 'auto', md: '26%' },
    render: (i) => (
      <LinkCell
        to={`/imports/${i.id}`}
        title={i.fileName ?? (i.origin.startsWith('legacy:') ? i.origin.slice(7) : 'Import')}
        sub={[i.origin === 'upload' ? null : i.origin, plural(i.totalRows, 'row')]
          .filter(Boolean)
          .join(' · ')}
      />
    ),
  },
  {
    key: 'entity',
    label: 'Entity',
    from: 'sm',
    width: 110,
    render: (i) => <Text size="sm">{entityLabel(i.entity)}</Text>,
  },
  { key: 'status', label: 'Status', width: 140, render: (i) => <ImportStatusBadge status={i.status} /> },
  { key: 'counts', label: 'Result', from: 'md', width: '30%', render: (i) => <Counts imp={i} /> },
  {
    key: 'who',
    label: 'By',
    from: 'lg',
    width: 160,
    render: (i) =>
      i.createdBy ? (
        <Person id={i.createdBy} />
      ) : (
        <Text size="sm" c="dimmed">
          {i.origin === 'cli' || i.origin.startsWith('legacy:') ? 'Command line' : '—'}
        </Text>
      ),
  },
  {
    key: 'when',
    label: 'When',
    from: 'sm',
    width: 150,
    render: (i) => (
      <Text size="sm" c="dimmed" title={formatDateTime(i.createdAt)}>
        {fromNow(i.createdAt)}
      </Text>
    ),
  },
];

/** Import history: every import of the workspace, newest first, each opening its detail. */
export function ImportsPage() {
  const { canWrite } = usePermissions();
  const q = useImportList();
  const rows = q.data?.pages.flatMap((p) => p.data) ?? [];
  const newButton = canWrite && (
    <Button component={Link} to="/imports/new" leftSection={<IconPlus size={16} />}>
      New import
    </Button>
  );
  return (
    <Stack gap="lg">
      <PageHeader
        title="Imports"
        description="Every import is a batch: preview it before anything is written, and roll it back exactly."
        actions={newButton}
      />
      <Paper withBorder radius="md">
        <DataTable
          noun="imports"
          columns={columns}
          rows={rows}
          sort="-createdAt"
          onSort={() => {}}
          hasMore={!!q.hasNextPage}
          loadMore={q.fetchNextPage}
          loadingMore={q.isFetchingNextPage}
          loading={q.isPending}
          error={q.error}
          href={(i) => `/imports/${i.id}`}
          empty={
            <Center py={60}>
              <EmptyState
                icon={<IconFileImport size={28} />}
                withIndicatorBackground
                title="No imports yet"
                description="Bring in leads, contacts, accounts, deals or activities from a CSV or Excel file."
              >
                {newButton && <EmptyState.Actions>{newButton}</EmptyState.Actions>}
              </EmptyState>
            </Center>
          }
        />
      </Paper>
    </Stack>
  );
}
