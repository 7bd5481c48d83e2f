import { Badge } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { browserTz } from './task-api';

/** The nav's count of my open tasks due by the end of today (red when some are overdue). */
export function TasksNavBadge() {
  const q = useQuery({
    queryKey: ['tasks', 'counts'],
    queryFn: ({ signal }) =>
      api.get<{ overdue: number; dueToday: number; total: number }>(
        '/tasks/counts',
        { tz: browserTz() },
        signal,
      ),
    refetchInterval: 60_000,
  });
  if (!q.data?.total) return null;
  return (
    <Badge
      size="sm"
      circle={q.data.total < 10}
      color={q.data.overdue ? 'red' : 'orange'}
      title={`${q.data.overdue} overdue, ${q.data.dueToday} due today`}
      data-testid="tasks-due-count"
    >
      {q.data.total}
    </Badge>
  );
}
