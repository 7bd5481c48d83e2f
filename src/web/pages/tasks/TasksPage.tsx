import {
  Alert,
  Button,
  Card,
  Center,
  Group,
  Loader,
  Select,
  Stack,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import { useInfiniteList, useMembers } from '../../api/hooks';
import { useWorkspace } from '../../auth/session';
import { ExportButton } from '../../components/ExportButton';
import { ListScopeBanner } from '../../components/ListScopeBanner';
import { options } from '../../lib/format';
import { showApiError } from '../../lib/forms';
import { TaskFormModal } from './TaskFormModal';
import { TaskRow } from './TaskRow';
import {
  browserTz,
  invalidateTasks,
  TASK_PRIORITIES,
  TASK_STATUSES,
  TASK_TYPES,
  type Task,
  useCompleteTask,
} from './task-api';

const TABS = [
  { value: 'my', label: 'My tasks' },
  { value: 'overdue', label: 'Overdue' },
  { value: 'today', label: 'Due today' },
  { value: 'upcoming', label: 'Upcoming' },
  { value: 'all', label: 'All' },
] as const;

/** A long list stays smooth: only the rows on screen are rendered; the next page loads near the end. */
function TaskList({
  query,
  onEdit,
  readOnly,
}: {
  query: Record<string, string | undefined>;
  onEdit: (t: Task) => void;
  readOnly: boolean;
}) {
  const q = useInfiniteList<Task>('/tasks', ['tasks', 'list'], query);
  const items = q.data?.pages.flatMap((p) => p.data) ?? [];
  const complete = useCompleteTask();
  const qc = useQueryClient();
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: items.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 64,
    overscan: 8,
  });
  const virtual = v.getVirtualItems();
  const lastIndex = virtual[virtual.length - 1]?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= items.length - 5 && q.hasNextPage && !q.isFetchingNextPage) void q.fetchNextPage();
  }, [lastIndex, items.length, q.hasNextPage, q.isFetchingNextPage, q.fetchNextPage]);

  const toggle = async (t: Task) => {
    if (t.status !== 'completed') return complete.mutate(t);
    try {
      await api.post(`/tasks/${t.id}/reopen`);
    } catch (e) {
      showApiError(e);
    }
    invalidateTasks(qc);
  };

  if (q.isPending)
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    );
  if (q.error) return <Alert color="red">Could not load the tasks: {q.error.message}</Alert>;
  if (items.length === 0)
    return (
      <Text c="dimmed" size="sm" ta="center" py="xl" data-testid="tasks-empty">
        Nothing here. Well done.
      </Text>
    );
  return (
    <div
      ref={parent}
      style={{ height: 'calc(100vh - 300px)', minHeight: 320, overflow: 'auto' }}
      data-testid="task-list"
    >
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {virtual.map((row) => {
          const t = items[row.index]!;
          return (
            <div
              key={t.id}
              data-index={row.index}
              ref={v.measureElement}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                transform: `translateY(${row.start}px)`,
                borderBottom: '1px solid var(--mantine-color-gray-2)',
              }}
            >
              <TaskRow
                task={t}
                onToggle={toggle}
                onEdit={readOnly ? undefined : onEdit}
                readOnly={readOnly}
              />
            </div>
          );
        })}
      </div>
      {q.isFetchingNextPage && (
        <Center py="xs">
          <Loader size="xs" />
        </Center>
      )}
    </div>
  );
}

/**
 * Tasks: mine, overdue, due today, upcoming and all, with filters; complete with one click (undo).
 * Opened with other URL parameters than `view` (a report's click-through, e.g.
 * `/tasks?assigneeId=…&status=completed&completedAtFrom=…`), it lists all tasks with those filters
 * (passed to the API as they are, with their count above the list) until they are cleared.
 */
export function TasksPage() {
  const ws = useWorkspace();
  const readOnly = ws.role === 'viewer';
  const [params, setParams] = useSearchParams();
  const scope: Record<string, string> = {};
  for (const [k, v] of params.entries()) if (k !== 'view' && v !== '') scope[k] = v;
  const scoped = Object.keys(scope).length > 0;
  const home = scoped ? 'all' : 'my';
  const tab = params.get('view') ?? home;
  const [assignee, setAssignee] = useState<string | null>(scoped ? null : 'me');
  const [priority, setPriority] = useState<string | null>(null);
  const [type, setType] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [editing, setEditing] = useState<Task | null>(null);
  const [formOpen, form] = useDisclosure(false);
  const members = useMembers();

  const query: Record<string, string | undefined> = {
    view: tab === 'all' ? undefined : tab,
    tz: tab === 'today' || tab === 'upcoming' ? browserTz() : undefined,
    assigneeId: tab === 'my' ? undefined : (assignee ?? undefined),
    priority: priority ?? undefined,
    type: type ?? undefined,
    status: tab === 'all' ? (status ?? undefined) : undefined,
    sort: tab === 'all' && status === 'completed' ? '-updatedAt' : 'dueAt',
    q: q || undefined,
    ...scope,
  };
  // A filter of the scope replaces the page's control for it.
  const shows = (k: string) => !(k in scope);
  const clearScope = () =>
    setParams(
      (prev) => {
        const next = new URLSearchParams();
        const view = prev.get('view');
        if (view && view !== 'my') next.set('view', view);
        return next;
      },
      { replace: true },
    );
  const assigneeOptions = [
    { value: 'me', label: 'Me' },
    ...(members.data ?? []).filter((m) => m.active).map((m) => ({ value: m.id, label: m.name })),
  ];

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Tasks</Title>
        <Group gap="xs" ml="auto">
          <ExportButton path="/tasks" plural="tasks" query={query} />
        </Group>
        {!readOnly && (
          <Button
            leftSection={<IconPlus size={16} />}
            onClick={() => {
              setEditing(null);
              form.open();
            }}
          >
            New task
          </Button>
        )}
      </Group>
      <Card p={0}>
        <Tabs
          value={tab}
          onChange={(v) =>
            setParams(
              (prev) => {
                const next = new URLSearchParams(prev);
                if (!v || v === home) next.delete('view');
                else next.set('view', v);
                return next;
              },
              { replace: true },
            )
          }
          keepMounted={false}
        >
          <Tabs.List px="md">
            {TABS.map((t) => (
              <Tabs.Tab key={t.value} value={t.value}>
                {t.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {scoped && (
            <ListScopeBanner
              path="/tasks"
              listKey={['tasks', 'list']}
              noun="task"
              plural="tasks"
              query={query}
              scope={scope}
              onClear={clearScope}
            />
          )}
          <Group p="md" gap="sm" wrap="wrap">
            {shows('q') && (
              <TextInput
                placeholder="Search tasks"
                leftSection={<IconSearch size={14} />}
                value={search}
                onChange={(e) => setSearch(e.currentTarget.value)}
                w={220}
              />
            )}
            {tab !== 'my' && shows('assigneeId') && (
              <Select
                aria-label="Assignee"
                placeholder="Anyone"
                data={assigneeOptions}
                value={assignee}
                onChange={setAssignee}
                clearable
                searchable
                w={180}
              />
            )}
            {shows('priority') && (
              <Select
                aria-label="Priority"
                placeholder="Any priority"
                data={options(TASK_PRIORITIES)}
                value={priority}
                onChange={setPriority}
                clearable
                w={150}
              />
            )}
            {shows('type') && (
              <Select
                aria-label="Type"
                placeholder="Any type"
                data={options(TASK_TYPES)}
                value={type}
                onChange={setType}
                clearable
                w={150}
              />
            )}
            {tab === 'all' && shows('status') && (
              <Select
                aria-label="Status"
                placeholder="Any status"
                data={options(TASK_STATUSES)}
                value={status}
                onChange={setStatus}
                clearable
                w={150}
              />
            )}
          </Group>
          <Tabs.Panel value={tab} px="md" pb="md">
            <TaskList
              query={query}
              readOnly={readOnly}
              onEdit={(t) => {
                setEditing(t);
                form.open();
              }}
            />
          </Tabs.Panel>
        </Tabs>
      </Card>
      {formOpen && <TaskFormModal opened={formOpen} onClose={form.close} task={editing} />}
    </Stack>
  );
}
