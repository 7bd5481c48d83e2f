import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Indicator,
  Popover,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { NotificationOut } from '../../core/notifications/notifications.schemas.js';
import { api } from '../api/client';
import { fromNow } from '../lib/format';
import { showApiError } from '../lib/forms';

type Inbox = { data: NotificationOut[]; nextCursor: string | null; unreadCount: number };

/** Where a notification leads. */
const linkOf = (n: NotificationOut): string | null =>
  n.entity === 'task' ? '/tasks' : n.entity === 'lead' && n.entityId ? `/leads/${n.entityId}` : null;

/** The header bell: unread count, the latest notifications, mark one or all read. Polled each minute. */
export function NotificationsBell() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const inbox = useQuery({
    queryKey: ['notifications', 'inbox'],
    queryFn: ({ signal }) => api.get<Inbox>('/notifications', { limit: 20 }, signal),
    refetchInterval: 60_000,
  });
  const done = () => void qc.invalidateQueries({ queryKey: ['notifications'] });
  const readOne = useMutation({
    mutationFn: (id: string) => api.post(`/notifications/${id}/read`),
    onSuccess: done,
    onError: (e) => showApiError(e),
  });
  const readAll = useMutation({
    mutationFn: () => api.post('/notifications/read-all'),
    onSuccess: done,
    onError: (e) => showApiError(e),
  });
  const unread = inbox.data?.unreadCount ?? 0;
  const items = inbox.data?.data ?? [];
  return (
    <Popover width={360} position="bottom-end" shadow="md" opened={opened} onChange={setOpened}>
      <Popover.Target>
        <Indicator
          label={unread > 99 ? '99+' : unread}
          size={16}
          disabled={unread === 0}
          color="red"
          offset={4}
        >
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            aria-label={`Notifications${unread ? ` (${unread} unread)` : ''}`}
            onClick={() => setOpened((o) => !o)}
            data-testid="notifications-bell"
          >
            <IconBell size={20} stroke={1.7} />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0}>
        <Group justify="space-between" px="md" py="xs">
          <Text fw={600} size="sm">
            Notifications
          </Text>
          <Button size="compact-xs" variant="subtle" disabled={unread === 0} onClick={() => readAll.mutate()}>
            Mark all read
          </Button>
        </Group>
        <ScrollArea.Autosize mah={400}>
          <Stack gap={0} data-testid="notifications-list">
            {items.length === 0 && (
              <Text size="sm" c="dimmed" px="md" pb="md">
                No notifications yet.
              </Text>
            )}
            {items.map((n) => (
              <UnstyledButton
                key={n.id}
                px="md"
                py="xs"
                style={{
                  borderTop: '1px solid var(--mantine-color-gray-2)',
                  background: n.readAt ? undefined : 'var(--mantine-color-blue-0)',
                }}
                onClick={() => {
                  if (!n.readAt) readOne.mutate(n.id);
                  const to = linkOf(n);
                  if (to) {
                    setOpened(false);
                    navigate(to);
                  }
                }}
              >
                <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
                  <Text size="sm" fw={n.readAt ? 400 : 600} lineClamp={2}>
                    {n.title}
                  </Text>
                  {!n.readAt && (
                    <Badge size="xs" variant="filled" color="blue">
                      New
                    </Badge>
                  )}
                </Group>
                {n.body && (
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {n.body}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  {fromNow(n.createdAt)}
                </Text>
              </UnstyledButton>
            ))}
          </Stack>
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
