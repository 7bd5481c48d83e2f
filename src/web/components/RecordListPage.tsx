import { Button, Center, EmptyState, Group, Modal, Paper, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { type ReactNode, useEffect, useState } from 'react';
import type { Query } from '../api/client';
import { useInfiniteList } from '../api/hooks';
import { usePermissions } from '../auth/session';
import { LIST_ENTITIES, useCustomListColumns } from './CustomFieldListControls';
import { type Column, DataTable } from './DataTable';
import { ExportButton } from './ExportButton';
import { ListPage, SearchBox, type useListState } from './ListPage';
import { ListScopeBanner } from './ListScopeBanner';

type Props<T extends { id: string }> = {
  title: string;
  description: string;
  /** Singular and plural nouns: "lead", "leads". */
  noun: string;
  plural: string;
  /** API path of the list, e.g. /leads; also the web path of a record page. */
  path: string;
  list: ReturnType<typeof useListState>;
  /** Filter query parameters (besides sort and q), as the API names them. */
  filters: Query;
  columns: Column<T>[];
  searchPlaceholder: string;
  /** The filter inputs after the search box. */
  toolbar?: ReactNode;
  emptyIcon: ReactNode;
  emptyHint: string;
  /** Offer "New …" in the empty state too. */
  emptyAction?: boolean;
  /** The create form, given a function that closes the modal; without one the list offers no "New …". */
  createForm?: (close: () => void) => ReactNode;
  /** Where a row leads (default: the record page, `<path>/<id>`). */
  href?: (row: T) => string;
  /** Row selection with these bulk actions (given the selected ids and a function that clears them). */
  bulkActions?: (ids: string[], clear: () => void) => ReactNode;
  /** More header buttons, before Export and New (e.g. Import). */
  actions?: ReactNode;
};

/** A searchable, filterable, sortable, paged list of one kind of record with its "New …" modal. */
export function RecordListPage<T extends { id: string }>(p: Props<T>) {
  const { canWrite } = usePermissions();
  const [creating, createModal] = useDisclosure(false);
  // Custom fields as columns and filters (cf.<key>[op] in the URL).
  const custom = useCustomListColumns<T>(LIST_ENTITIES[p.path]);
  // Parameters without a control on this page (e.g. a report's click-through) go to the API as they are.
  const scope = p.list.scope((k) => k in custom.filters || (!!LIST_ENTITIES[p.path] && k.startsWith('cf.')));
  const listQuery: Query = { sort: p.list.sort, q: p.list.q, ...scope, ...p.filters, ...custom.filters };
  const listKey = [p.plural, 'list'] as const;
  const query = useInfiniteList<T>(p.path, listKey, listQuery);
  const rows = query.data?.pages.flatMap((page) => page.data) ?? [];
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  // A new query (search, filters, sort) starts with nothing selected.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on a new list key only
  useEffect(() => setSelected(new Set()), [p.list.key]);
  const bulk = p.bulkActions && canWrite;
  const scoped = Object.keys(scope).length > 0;
  const filtered =
    !!p.list.q ||
    scoped ||
    Object.values({ ...p.filters, ...custom.filters }).some((v) => v !== undefined && v !== null && v !== '');
  const newButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
      New {p.noun}
    </Button>
  );

  return (
    <ListPage
      title={p.title}
      description={p.description}
      actions={
        <>
          {p.actions}
          <ExportButton path={p.path} plural={p.plural} query={listQuery} />
          {canWrite && p.createForm && newButton}
        </>
      }
      toolbar={
        <>
          <SearchBox value={p.list.q} onChange={(q) => p.list.set({ q })} placeholder={p.searchPlaceholder} />
          {p.toolbar}
          {custom.toolbar}
        </>
      }
    >
      {scoped && (
        <ListScopeBanner
          path={p.path}
          listKey={listKey}
          noun={p.noun}
          plural={p.plural}
          query={listQuery}
          scope={scope}
          onClear={() => p.list.set(Object.fromEntries(Object.keys(scope).map((k) => [k, null])))}
        />
      )}
      {bulk && selected.size > 0 && (
        <Paper withBorder p="xs" mb="xs" data-testid="bulk-bar">
          <Group gap="sm">
            <Text size="sm" fw={600}>
              {selected.size} selected
            </Text>
            {p.bulkActions!([...selected], () => setSelected(new Set()))}
            <Button variant="subtle" size="xs" onClick={() => setSelected(new Set())}>
              Clear selection
            </Button>
          </Group>
        </Paper>
      )}
      <DataTable
        selection={bulk ? { selected, onChange: setSelected } : undefined}
        noun={p.plural}
        columns={[...p.columns, ...custom.columns]}
        rows={rows}
        sort={p.list.sort}
        resetKey={p.list.key}
        onSort={(sort) => p.list.set({ sort })}
        hasMore={!!query.hasNextPage}
        loadMore={query.fetchNextPage}
        loadingMore={query.isFetchingNextPage}
        loading={query.isPending || (query.isPlaceholderData && query.isFetching)}
        error={query.error}
        href={p.href ?? ((r) => `${p.path}/${r.id}`)}
        empty={
          <Center py={60}>
            <EmptyState
              icon={p.emptyIcon}
              withIndicatorBackground
              title={filtered ? `No ${p.plural} match` : `No ${p.plural} yet`}
              description={filtered ? 'Try another search or clear the filters.' : p.emptyHint}
            >
              {p.emptyAction && canWrite && p.createForm && !filtered && (
                <EmptyState.Actions>{newButton}</EmptyState.Actions>
              )}
            </EmptyState>
          </Center>
        }
      />
      {p.createForm && (
        <Modal opened={creating} onClose={createModal.close} title={`New ${p.noun}`} size="xl">
          {p.createForm(createModal.close)}
        </Modal>
      )}
    </ListPage>
  );
}
