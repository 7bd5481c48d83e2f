import { Badge, Tooltip } from '@mantine/core';
import dayjs from 'dayjs';
import { formatDateTime, labelize } from '../../lib/format';
import type { Task } from './task-api';

const PRIORITY_COLORS: Record<string, string> = {
  low: 'gray',
  medium: 'blue',
  high: 'orange',
  urgent: 'red',
};

export function TaskPriorityBadge({ priority }: { priority: string }) {
  return (
    <Badge size="sm" variant="light" color={PRIORITY_COLORS[priority] ?? 'gray'}>
      {labelize(priority)}
    </Badge>
  );
}

/** When it is due: red when overdue, orange when due today. */
export function DueBadge({ task }: { task: Task }) {
  if (!task.dueAt) return null;
  const due = dayjs(task.dueAt);
  const today = due.isSame(dayjs(), 'day');
  const color = task.overdue ? 'red' : today && task.status !== 'completed' ? 'orange' : 'gray';
  const label = task.overdue
    ? `Overdue · ${due.fromNow()}`
    : today
      ? `Today ${due.format('HH:mm')}`
      : due.isSame(dayjs().add(1, 'day'), 'day')
        ? `Tomorrow ${due.format('HH:mm')}`
        : due.format('MMM D, HH:mm');
  return (
    <Tooltip label={`Due ${formatDateTime(task.dueAt)}`}>
      <Badge size="sm" variant={task.overdue ? 'filled' : 'light'} color={color} data-testid="task-due">
        {label}
      </Badge>
    </Tooltip>
  );
}
