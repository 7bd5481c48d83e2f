import { Alert, Badge, Button, Center, Group, Loader, Stack, Text, ThemeIcon, Timeline } from '@mantine/core';
import {
  IconArrowRight,
  IconCalendarEvent,
  IconChecklist,
  IconMail,
  IconMessage,
  IconNote,
  IconPhone,
  IconSparkles,
  IconUserCheck,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { useInfiniteList } from '../api/hooks';
import type { Activity } from '../api/types';
import { formatDateTime, fromNow, labelize } from '../lib/format';
import { useMemberMap } from './people';

const ICONS: Record<string, { icon: ComponentType<{ size?: number }>; color: string }> = {
  note: { icon: IconNote, color: 'yellow' },
  call: { icon: IconPhone, color: 'teal' },
  email: { icon: IconMail, color: 'blue' },
  meeting: { icon: IconCalendarEvent, color: 'grape' },
  sms: { icon: IconMessage, color: 'cyan' },
  task: { icon: IconChecklist, color: 'lime' },
  stage_change: { icon: IconArrowRight, color: 'indigo' },
  assignment_change: { icon: IconUserCheck, color: 'violet' },
  system: { icon: IconSparkles, color: 'gray' },
};

function ActivityItem({ a }: { a: Activity }) {
  const members = useMemberMap();
  const who = a.userId ? (members.get(a.userId)?.name ?? 'Former member') : 'Leadbase';
  const title = a.subject || (a.type === 'note' ? 'Note' : labelize(a.type));
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="nowrap" justify="space-between" align="flex-start">
        <Text size="sm" fw={600}>
          {title}
        </Text>
        <Text size="xs" c="dimmed" title={formatDateTime(a.occurredAt)} style={{ whiteSpace: 'nowrap' }}>
          {fromNow(a.occurredAt)}
        </Text>
      </Group>
      {a.body && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {a.body}
        </Text>
      )}
      <Group gap={6}>
        <Text size="xs" c="dimmed">
          {labelize(a.type)} · {who}
        </Text>
        {a.outcome && (
          <Badge size="xs" variant="light" color="teal">
            {labelize(a.outcome)}
          </Badge>
        )}
        {a.via === 'contact' && (
          <Badge size="xs" variant="outline" color="gray" title="Logged on the contact, not on a lead">
            Via contact
          </Badge>
        )}
        {a.durationMinutes !== null && (
          <Badge size="xs" variant="light" color="gray">
            {a.durationMinutes} min
          </Badge>
        )}
      </Group>
    </Stack>
  );
}

/**
 * The timeline of a lead or contact, newest first, loaded page by page. A lead's merges its own items,
 * its contact's (marked "Via contact"), stage/owner/conversion/merge events and completed tasks.
 */
export function ActivityTimeline({ path, queryKey }: { path: string; queryKey: readonly unknown[] }) {
  const q = useInfiniteList<Activity>(path, queryKey, { sort: '-occurredAt' });
  const items = q.data?.pages.flatMap((p) => p.data) ?? [];
  if (q.isPending)
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    );
  if (q.error) return <Alert color="red">Could not load the timeline: {q.error.message}</Alert>;
  if (items.length === 0)
    return (
      <Text c="dimmed" size="sm" ta="center" py="xl">
        Nothing has happened yet.
      </Text>
    );
  return (
    <Stack gap="md" data-testid="timeline">
      <Timeline bulletSize={28} lineWidth={2}>
        {items.map((a) => {
          const { icon: Icon, color } = ICONS[a.type] ?? ICONS.system!;
          return (
            <Timeline.Item
              key={a.id}
              bullet={
                <ThemeIcon size={28} radius="xl" color={color} variant="light">
                  <Icon size={15} />
                </ThemeIcon>
              }
              data-testid="timeline-item"
            >
              <ActivityItem a={a} />
            </Timeline.Item>
          );
        })}
      </Timeline>
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
