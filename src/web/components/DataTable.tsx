import {
  Alert,
  Anchor,
  Button,
  Center,
  Checkbox,
  Group,
  Loader,
  Skeleton,
  type StyleProp,
  Table,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { IconAlertCircle, IconArrowDown, IconArrowsSort, IconArrowUp } from '@tabler/icons-react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { type CSSProperties, type ReactNode, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';

export type Column<T> = {
  key: string;
  label: string;
  /** The API sort field this column sorts by, if any. */
  sort?: string;
  /** First click sorts descending (dates, amounts, scores) rather than ascending. */
  sortDesc?: boolean;
  /** Column width; a responsive object such as `{ base: 'auto', md: '20%' }` works too. */
  width?: StyleProp<CSSProperties['width']>;
  align?: 'left' | 'right';
  /** Shown only from this breakpoint up (narrow screens keep the essential columns). */
  from?: 'sm' | 'md' | 'lg';
  render: (row: T) => ReactNode;
};

type Props<T extends { id: string }> = {
  columns: Column<T>[];
  rows: T[];
  noun: string;
  sort: string;
  onSort: (sort: string) => void;
  hasMore: boolean;
  loadMore: () => void;
  loadingMore: boolean;
  loading: boolean;
  error?: unknown;
  href: (row: T) => string;
  empty: ReactNode;
  /** Changes when the query (sort, search, filters) changes: the list scrolls back to its top. */
  resetKey?: string;
  /** Row selection (a checkbox column) for bulk actions. */
  selection?: { selected: ReadonlySet<string>; onChange: (ids: Set<string>) => void };
};

const ROW_HEIGHT = 57;
const HEADER_OFFSET = 60;

function SortHeader({
  col,
  sort,
  onSort,
}: {
  col: Column<unknown>;
  sort: string;
  onSort: (s: string) => void;
}) {
  if (!col.sort) return <>{col.label}</>;
  const asc = sort === col.sort;
  const desc = sort === `-${col.sort}`;
  const next = asc ? `-${col.sort}` : desc ? col.sort : col.sortDesc ? `-${col.sort}` : col.sort;
  const Icon = asc ? IconArrowUp : desc ? IconArrowDown : IconArrowsSort;
  return (
    <UnstyledButton
      onClick={() => onSort(next)}
      aria-label={`Sort by ${col.label}`}
      data-sorted={asc ? 'asc' : desc ? 'desc' : undefined}
      style={{ font: 'inherit', color: 'inherit', textTransform: 'inherit', letterSpacing: 'inherit' }}
    >
      <Group gap={4} wrap="nowrap" justify={col.align === 'right' ? 'flex-end' : 'flex-start'}>
        <span>{col.label}</span>
        <Icon
          size={14}
          stroke={2}
          color={asc || desc ? 'var(--mantine-color-indigo-6)' : 'var(--mantine-color-gray-5)'}
        />
      </Group>
    </UnstyledButton>
  );
}

/**
 * A list that can hold a million rows: pages come from the API one cursor at a time as the user
 * scrolls (or clicks "Load more"), and only the rows on screen are rendered (TanStack Virtual).
 */
export function DataTable<T extends { id: string }>(props: Props<T>) {
  const { columns, rows, hasMore, loadMore, loadingMore } = props;
  const navigate = useNavigate();
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const [scrollMargin, setScrollMargin] = useState(0);
  useLayoutEffect(() => {
    const el = bodyRef.current;
    if (!el) return;
    const measure = () => setScrollMargin(el.getBoundingClientRect().top + window.scrollY);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(document.body);
    return () => ro.disconnect();
  }, []);

  const lastKey = useRef(props.resetKey);
  useEffect(() => {
    if (lastKey.current === props.resetKey) return;
    lastKey.current = props.resetKey;
    if (window.scrollY > 0) window.scrollTo({ top: 0 });
  }, [props.resetKey]);

  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin,
    getItemKey: (i) => rows[i]?.id ?? i,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : -1;

  useEffect(() => {
    if (hasMore && !loadingMore && rows.length > 0 && lastIndex >= rows.length - 8) loadMore();
  }, [hasMore, loadingMore, lastIndex, rows.length, loadMore]);

  const sel = props.selection;
  const selectedHere = sel ? rows.filter((r) => sel.selected.has(r.id)).length : 0;
  const toggle = (id: string, on: boolean) => {
    if (!sel) return;
    const next = new Set(sel.selected);
    if (on) next.add(id);
    else next.delete(id);
    sel.onChange(next);
  };

  const paddingTop = items.length ? items[0]!.start - scrollMargin : 0;
  const paddingBottom = items.length
    ? virtualizer.getTotalSize() - (items[items.length - 1]!.end - scrollMargin)
    : 0;

  return (
    <>
      <Table
        stickyHeader
        stickyHeaderOffset={HEADER_OFFSET}
        highlightOnHover={false}
        verticalSpacing="sm"
        horizontalSpacing="md"
        layout="fixed"
        data-testid={`${props.noun}-table`}
      >
        <Table.Thead>
          <Table.Tr>
            {sel && (
              <Table.Th w={44}>
                <Checkbox
                  aria-label={`Select all loaded ${props.noun}`}
                  checked={rows.length > 0 && selectedHere === rows.length}
                  indeterminate={selectedHere > 0 && selectedHere < rows.length}
                  onChange={(e) =>
                    sel.onChange(new Set(e.currentTarget.checked ? rows.map((r) => r.id) : []))
                  }
                />
              </Table.Th>
            )}
            {columns.map((c) => (
              <Table.Th
                key={c.key}
                visibleFrom={c.from}
                w={c.width}
                ta={c.align}
                fz="xs"
                tt="uppercase"
                c="dimmed"
                style={{ letterSpacing: 0.4, whiteSpace: 'nowrap' }}
              >
                <SortHeader col={c as Column<unknown>} sort={props.sort} onSort={props.onSort} />
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody ref={bodyRef}>
          {props.loading &&
            rows.length === 0 &&
            Array.from({ length: 8 }, (_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows
              <Table.Tr key={i}>
                {sel && <Table.Td />}
                {columns.map((c) => (
                  <Table.Td key={c.key} visibleFrom={c.from}>
                    <Skeleton h={14} w={`${50 + ((i * 17 + c.key.length * 7) % 45)}%`} />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          {paddingTop > 0 && <tr style={{ height: paddingTop }} />}
          {items.map((vi) => {
            const row = rows[vi.index]!;
            return (
              <Table.Tr
                key={vi.key}
                data-index={vi.index}
                ref={virtualizer.measureElement}
                className="lb-row"
                onClick={(e) => {
                  if ((e.target as HTMLElement).closest('a,button,input,.lb-select')) return;
                  navigate(props.href(row));
                }}
              >
                {sel && (
                  <Table.Td className="lb-select">
                    <Checkbox
                      aria-label="Select row"
                      checked={sel.selected.has(row.id)}
                      onChange={(e) => toggle(row.id, e.currentTarget.checked)}
                    />
                  </Table.Td>
                )}
                {columns.map((c) => (
                  <Table.Td key={c.key} ta={c.align} className="lb-nowrap" visibleFrom={c.from}>
                    {c.render(row)}
                  </Table.Td>
                ))}
              </Table.Tr>
            );
          })}
          {paddingBottom > 0 && <tr style={{ height: paddingBottom }} />}
        </Table.Tbody>
      </Table>
      {props.error ? (
        <Alert color="red" icon={<IconAlertCircle size={18} />} m="md" title="Could not load the list">
          {props.error instanceof Error ? props.error.message : String(props.error)}
        </Alert>
      ) : !props.loading && rows.length === 0 ? (
        props.empty
      ) : (
        <Center py="md">
          {hasMore ? (
            <Button variant="default" size="xs" onClick={loadMore} loading={loadingMore}>
              Load more
            </Button>
          ) : props.loading ? (
            <Loader size="sm" />
          ) : (
            <Text size="xs" c="dimmed">
              {rows.length} {rows.length === 1 ? props.noun.replace(/s$/, '') : props.noun} · end of list
            </Text>
          )}
        </Center>
      )}
    </>
  );
}

/** A cell with a bold link and a dimmed second line (e.g. name and email). */
export function LinkCell({ to, title, sub }: { to: string; title: string; sub?: string | null }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Anchor
        component={Link}
        to={to}
        fw={600}
        size="sm"
        c="var(--mantine-color-text)"
        display="block"
        className="lb-nowrap"
      >
        {title}
      </Anchor>
      <Text size="xs" c="dimmed" className="lb-nowrap">
        {sub || '\u00a0'}
      </Text>
    </div>
  );
}
