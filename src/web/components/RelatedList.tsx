import { Anchor, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api, type Query } from '../api/client';
import type { Page } from '../api/types';
import { SectionCard } from './FieldList';

/** A short list of related records (the first 20) linking to their pages. */
export function RelatedList<T extends { id: string; name: string }>(props: {
  title: string;
  path: string;
  query: Query;
  to: (row: T) => string;
  meta?: (row: T) => ReactNode;
  empty: string;
  action?: ReactNode;
}) {
  const q = useQuery({
    queryKey: [props.path.slice(1), 'list', 'related', props.query],
    queryFn: ({ signal }) => api.get<Page<T>>(props.path, { ...props.query, limit: 20 }, signal),
  });
  const rows = q.data?.data ?? [];
  return (
    <SectionCard title={props.title} action={props.action}>
      <Stack gap={8}>
        {rows.map((r) => (
          <Group key={r.id} justify="space-between" wrap="nowrap" gap="xs">
            <Anchor component={Link} to={props.to(r)} size="sm" fw={500} className="lb-nowrap">
              {r.name || 'Unnamed'}
            </Anchor>
            {props.meta && <div style={{ flexShrink: 0 }}>{props.meta(r)}</div>}
          </Group>
        ))}
        {rows.length === 0 && (
          <Text size="sm" c="dimmed">
            {q.isPending ? 'Loading…' : props.empty}
          </Text>
        )}
        {q.data?.nextCursor && (
          <Text size="xs" c="dimmed">
            Showing the first {rows.length}.
          </Text>
        )}
      </Stack>
    </SectionCard>
  );
}
