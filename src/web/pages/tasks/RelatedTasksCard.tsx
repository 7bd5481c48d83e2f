import { Button, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import type { Page } from '../../api/types';
import { usePermissions } from '../../auth/session';
import { SectionCard } from '../../components/FieldList';
import { showApiError } from '../../lib/forms';
import { TaskFormModal } from './TaskFormModal';
import { TaskRow } from './TaskRow';
import { invalidateTasks, type Task, useCompleteTask } from './task-api';

/**
 * Open tasks of a lead or a contact (soonest due first): add one, complete one with its checkbox.
 * A contact's include those on its leads (a lead's task carries the lead's contact).
 */
export function RelatedTasksCard({ target }: { target: { leadId: string } | { contactId: string } }) {
  const leadId = 'leadId' in target ? target.leadId : undefined;
  const contactId = 'contactId' in target ? target.contactId : undefined;
  const { canWrite } = usePermissions();
  const qc = useQueryClient();
  const [formOpen, form] = useDisclosure(false);
  const [editing, setEditing] = useState<Task | null>(null);
  const complete = useCompleteTask();
  const tasks = useQuery({
    queryKey: ['tasks', 'lead', leadId],
    queryFn: ({ signal }) =>
      api.get<Page<Task>>(
        '/tasks',
        { leadId, status: 'pending,in_progress', sort: 'dueAt', limit: 50 },
        signal,
      ),
  });
  const items = tasks.data?.data ?? [];
  const toggle = async (t: Task) => {
    if (t.status !== 'completed') return complete.mutate(t);
    try {
      await api.post(`/tasks/${t.id}/reopen`);
    } catch (e) {
      showApiError(e);
    }
    invalidateTasks(qc);
  };
  return (
    <SectionCard
      title="Tasks"
      testId={leadId ? 'lead-tasks' : 'contact-tasks'}
      action={
        canWrite && (
          <Button
            size="compact-sm"
            variant="light"
            leftSection={<IconPlus size={14} />}
            onClick={() => {
              setEditing(null);
              form.open();
            }}
          >
            Add task
          </Button>
        )
      }
    >
      <Stack gap={0}>
        {items.length === 0 && !tasks.isPending && (
          <Text size="sm" c="dimmed">
            No open tasks.
          </Text>
        )}
        {items.map((t) => (
          <TaskRow
            key={t.id}
            task={t}
            onToggle={toggle}
            onEdit={
              canWrite
                ? (x) => {
                    setEditing(x);
                    form.open();
                  }
                : undefined
            }
            showRelated={!leadId && !!t.leadId}
            readOnly={!canWrite}
          />
        ))}
        {tasks.data?.nextCursor && (
          <Text size="xs" c="dimmed">
            More on the Tasks page.
          </Text>
        )}
      </Stack>
      {formOpen && (
        <TaskFormModal
          opened={formOpen}
          onClose={form.close}
          task={editing}
          leadId={leadId}
          contactId={contactId}
        />
      )}
    </SectionCard>
  );
}
