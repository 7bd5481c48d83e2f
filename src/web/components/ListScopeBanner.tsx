import { Button, Group, Loader, Paper, Text } from '@mantine/core';
import { IconFilter } from '@tabler/icons-react';
import type { Query } from '../api/client';
import { useListCount } from '../api/hooks';

const UUIDS = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|none)(,|$)/i;
const sentence = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);
const words = (k: string) =>
  k
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/_/g, ' ');

/**
 * A filter as the banner names it: `createdAtFrom=2026-01-01T00:00:00Z` → "Created from 2026-01-01",
 * `reachedStageId=…` → "Reached stage", `lostReason=Price too high` → "Lost reason: Price too high".
 */
export function scopeText(k: string, v: string): string {
  if (k === 'condition') return 'Condition';
  if (k === 'deleted') return v === 'only' ? 'Deleted only' : 'Deleted too';
  const range = /^(.+?)(At)?(From|To|Min|Max)$/.exec(k);
  if (range && !k.includes('.')) {
    const bound = { From: 'from', To: 'before', Min: 'at least', Max: 'at most' }[range[3]!]!;
    const value = range[3] === 'From' || range[3] === 'To' ? v.slice(0, 10) : v;
    return `${sentence(words(range[1]!))} ${bound} ${value}`;
  }
  if (UUIDS.test(v)) return sentence(words(k.replace(/Id$/, '')));
  const shown = v.length > 40 ? `${v.slice(0, 39)}…` : v;
  return `${k.includes('.') ? k : sentence(words(k))}: ${shown.replace(/,/g, ', ')}`;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/**
 * Above a list opened with filters the page has no control for (a report's click-through): how many
 * records the list shows — the count endpoint's figure for the very query the list pages with — which
 * filters apply, and "Clear filters" (drops those parameters; the page's own filters stay).
 */
export function ListScopeBanner(props: {
  /** API path of the list, e.g. /leads. */
  path: string;
  /** Query key of the list, e.g. ['leads', 'list']. */
  listKey: readonly unknown[];
  noun: string;
  plural: string;
  /** The list's whole query (its own filters, search and the scope). */
  query: Query;
  /** The parameters the page has no control for. */
  scope: Record<string, string>;
  onClear: () => void;
}) {
  const count = useListCount(props.path, props.listKey, props.query);
  const names = Object.entries(props.scope).map(([k, v]) => scopeText(k, v));
  return (
    <Paper
      px="md"
      py="xs"
      radius={0}
      bg="indigo.0"
      style={{ borderBottom: '1px solid var(--mantine-color-indigo-1)' }}
      data-testid="list-scope"
    >
      <Group justify="space-between" gap="sm" wrap="nowrap">
        <Group gap="xs" wrap="wrap" style={{ minWidth: 0 }}>
          <IconFilter size={16} color="var(--mantine-color-indigo-6)" />
          <Text size="sm">
            Filtered from a report:{' '}
            <Text span fw={700} data-testid="list-count">
              {count.isPending ? (
                <Loader size={12} type="dots" />
              ) : count.isError ? (
                'count unavailable'
              ) : (
                `${count.data.toLocaleString()} ${plural(count.data, props.noun, props.plural)}`
              )}
            </Text>
          </Text>
          <Text size="xs" c="dimmed" truncate="end" title={names.join(', ')}>
            {names.join(' · ')}
          </Text>
        </Group>
        <Button size="compact-sm" variant="subtle" onClick={props.onClear}>
          Clear filters
        </Button>
      </Group>
    </Paper>
  );
}
