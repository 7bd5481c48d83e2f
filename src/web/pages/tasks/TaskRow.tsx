import { Anchor, Badge, Checkbox, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { Link } from 'react-router-dom';
import { Person } from '../../components/people';
import { labelize } from '../../lib/format';
import { DueBadge, TaskPriorityBadge } from './TaskBadges';
import type { Task } from './task-api';

/** One task: a checkbox that completes it, what and for whom, priority, due date and assignee. */
export function TaskRow({
  task,
  onToggle,
  onEdit,
  showAssignee = true,
  showRelated = true,
  readOnly = false,
}: {
  task: Task;
  onToggle: (t: Task) => void;
  onEdit?: (t: Task) => void;
  showAssignee?: boolean;
  showRelated?: boolean;
  readOnly?: boolean;
}) {
  const done = task.status === 'completed';
  const related = task.leadId
    ? `/leads/${task.leadId}`
    : task.contactId
      ? `/contacts/${task.contactId}`
      : null;
  return (
    <Group gap="sm" wrap="nowrap" align="flex-start" py={8} data-testid="task-row" data-task-id={task.id}>
      <Checkbox
        mt={2}
        radius="xl"
        color="green"
        checked={done}
        disabled={readOnly || task.status === 'cancelled'}
        onChange={() => onToggle(task)}
        aria-label={`${done ? 'Reopen' : 'Complete'} ${task.title}`}
      />
      <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
        <UnstyledButton onClick={onEdit ? () => onEdit(task) : undefined} disabled={!onEdit}>
          <Text
            size="sm"
            fw={600}
            td={done ? 'line-through' : undefined}
            c={done ? 'dimmed' : undefined}
            truncate
          >
            {task.title}
          </Text>
        </UnstyledButton>
        <Group gap={6}>
          <Badge size="sm" variant="outline" color="gray">
            {labelize(task.type)}
          </Badge>
          <TaskPriorityBadge priority={task.priority} />
          <DueBadge task={task} />
          {task.status === 'in_progress' && (
            <Badge size="sm" variant="light" color="cyan">
              In progress
            </Badge>
          )}
          {task.status === 'cancelled' && (
            <Badge size="sm" variant="light" color="gray">
              Cancelled
            </Badge>
          )}
          {showRelated && related && (
            <Anchor component={Link} to={related} size="xs">
              {task.leadId ? `Lead · ${task.contactName ?? 'open'}` : (task.contactName ?? 'Contact')}
            </Anchor>
          )}
        </Group>
      </Stack>
      {showAssignee && <Person id={task.assigneeId} size="xs" />}
    </Group>
  );
}
