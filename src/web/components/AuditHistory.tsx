import { Alert, Avatar, Badge, Button, Center, Group, List, Loader, Paper, Stack, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { AuditEntry, Member, Page } from '../api/types';
import { auditValue, formatDateTime, fromNow, initials, labelize } from '../lib/format';
import { useMemberMap } from './people';

/** Fields that change on every write or only mirror another field: not worth showing. */
const HIDDEN = new Set([
  'id',
  'version',
  'contactVersion',
  'updatedAt',
  'createdAt',
  'createdBy',
  'stageEnteredAt',
  'stageId',
  'pipelineId',
  'probability',
  'stageType',
]);

const FIELD_LABELS: Record<string, string> = {
  stageName: 'Stage',
  ownerId: 'Owner',
  contactId: 'Contact',
  accountId: 'Account',
};

/** `expectedCloseDate` → `Expected close date`. */
export const fieldLabel = (k: string): string =>
  FIELD_LABELS[k] ?? labelize(k.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase());

export type Change = { field: string; from: string; to: string };

/** Leads and contacts carry a display name derived from first and last name. */
const DERIVED_NAME = new Set(['lead', 'contact']);

/** The fields an update changed, as readable before → after pairs. */
export function changesOf(e: AuditEntry, members: Map<string, Member>): Change[] {
  const before = e.before ?? {};
  const after = e.after ?? {};
  const show = (k: string, v: unknown) =>
    k === 'ownerId' && typeof v === 'string' ? (members.get(v)?.name ?? 'Former member') : auditValue(v);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => !HIDDEN.has(k) && !(k === 'name' && DERIVED_NAME.has(e.entity)),
  );
  return keys
    .filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null))
    .map((k) => ({ field: fieldLabel(k), from: show(k, before[k]), to: show(k, after[k]) }));
}

const VERBS: Record<string, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  restore: 'restored',
};

function Entry({ e, noun }: { e: AuditEntry; noun: string }) {
  const members = useMemberMap();
  const who = e.actorUserId
    ? (members.get(e.actorUserId)?.name ?? 'Former member')
    : e.actorApiKeyId
      ? 'API key'
      : 'Leadbase';
  const changes = e.action === 'update' ? changesOf(e, members) : [];
  return (
    <Paper withBorder p="sm" data-testid="audit-entry">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Group gap="xs" wrap="nowrap">
          <Avatar size={26} radius="xl" color="violet">
            {initials(who)}
          </Avatar>
          <Text size="sm">
            <b>{who}</b> {VERBS[e.action] ?? labelize(e.action)} the {noun}
            {e.actorApiKeyId && (
              <Badge size="xs" variant="light" ml={6}>
                via API
              </Badge>
            )}
          </Text>
        </Group>
        <Text size="xs" c="dimmed" title={formatDateTime(e.at)} style={{ whiteSpace: 'nowrap' }}>
          {fromNow(e.at)}
        </Text>
      </Group>
      {changes.length > 0 && (
        <List size="sm" mt="xs" ml={34} spacing={2} listStyleType="none">
          {changes.map((c) => (
            <List.Item key={c.field} data-testid="audit-change">
              <Text span size="sm" fw={600}>
                {c.field}:
              </Text>{' '}
              <Text span size="sm" c="dimmed" td={c.from === '∅' ? undefined : 'line-through'}>
                {c.from}
              </Text>{' '}
              →{' '}
              <Text span size="sm">
                {c.to}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </Paper>
  );
}

/** The audit trail of one record: who changed what, and when (GET /audit?entity=…&id=…). */
export function AuditHistory({ entity, id, noun = entity }: { entity: string; id: string; noun?: string }) {
  const q = useInfiniteQuery({
    queryKey: ['audit', entity, id],
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<AuditEntry>>('/audit', { entity, id, limit: 50, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = q.data?.pages.flatMap((p) => p.data) ?? [];
  if (q.isPending)
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    );
  if (q.error) return <Alert color="red">Could not load the history: {q.error.message}</Alert>;
  if (items.length === 0)
    return (
      <Text c="dimmed" size="sm" ta="center" py="xl">
        No changes recorded.
      </Text>
    );
  return (
    <Stack gap="xs" data-testid="audit-history">
      {items.map((e) => (
        <Entry key={e.id} e={e} noun={noun} />
      ))}
      {q.hasNextPage && (
        <Center>
          <Button
            variant="default"
            size="xs"
            onClick={() => q.fetchNextPage()}
            loading={q.isFetchingNextPage}
          >
            Show older
          </Button>
        </Center>
      )}
    </Stack>
  );
}
