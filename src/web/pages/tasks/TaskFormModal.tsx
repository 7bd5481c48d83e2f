import { Button, Group, Modal, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api } from '../../api/client';
import { useSession } from '../../api/hooks';
import { MemberSelect } from '../../components/people';
import { RecordPicker } from '../../components/RecordPicker';
import { options } from '../../lib/format';
import { sel, showApiError } from '../../lib/forms';
import { invalidateTasks, TASK_PRIORITIES, TASK_STATUSES, TASK_TYPES, type Task } from './task-api';

type Values = {
  title: string;
  description: string;
  type: string;
  priority: string;
  status: string;
  dueAt: string | null;
  remindAt: string | null;
  assigneeId: string | null;
  contactId: string | null;
};

const LOCAL = 'YYYY-MM-DD HH:mm:ss';
const toLocal = (iso: string | null) => (iso ? dayjs(iso).format(LOCAL) : null);
const toIso = (local: string | null) => (local ? dayjs(local).toISOString() : null);

/**
 * Create or edit a task. On a lead (`leadId`) the lead's contact is filled in by the server; on the
 * tasks page a contact can be picked.
 */
export function TaskFormModal({
  opened,
  onClose,
  task,
  leadId,
  contactId,
}: {
  opened: boolean;
  onClose: () => void;
  task?: Task | null;
  leadId?: string;
  /** New tasks on this contact (the contact page). */
  contactId?: string;
}) {
  const qc = useQueryClient();
  const session = useSession();
  const me = session.data?.user.id ?? null;
  const initial: Values = task
    ? {
        title: task.title,
        description: task.description ?? '',
        type: task.type,
        priority: task.priority,
        status: task.status,
        dueAt: toLocal(task.dueAt),
        remindAt: toLocal(task.remindAt),
        assigneeId: task.assigneeId,
        contactId: task.contactId,
      }
    : {
        title: '',
        description: '',
        type: 'follow_up',
        priority: 'medium',
        status: 'pending',
        dueAt: dayjs().add(1, 'day').hour(9).minute(0).second(0).format(LOCAL),
        remindAt: null,
        assigneeId: me,
        contactId: contactId ?? null,
      };
  const form = useForm<Values>({
    initialValues: initial,
    validate: {
      title: (v) => (v.trim() ? null : 'Say what to do'),
      remindAt: (v, values) =>
        v && values.dueAt && dayjs(v).isAfter(dayjs(values.dueAt)) ? 'Remind before it is due' : null,
    },
  });

  const submit = form.onSubmit(async (v) => {
    const body: Record<string, unknown> = {
      title: v.title.trim(),
      description: v.description.trim() || null,
      type: v.type,
      priority: v.priority,
      dueAt: toIso(v.dueAt),
      remindAt: toIso(v.remindAt),
      assigneeId: v.assigneeId,
    };
    if (task) {
      if (v.status !== task.status) body.status = v.status;
      if (!task.leadId && v.contactId !== task.contactId) body.contactId = v.contactId;
    } else if (leadId) body.leadId = leadId;
    else if (v.contactId) body.contactId = v.contactId;
    try {
      if (task) await api.patch(`/tasks/${task.id}`, body);
      else await api.post('/tasks', body);
      notifications.show({ color: 'green', message: task ? 'Task saved' : 'Task added' });
      invalidateTasks(qc);
      form.reset();
      onClose();
    } catch (e) {
      showApiError(e, form);
    }
  });

  return (
    <Modal opened={opened} onClose={onClose} title={task ? 'Edit task' : 'New task'} size="lg">
      <form onSubmit={submit} noValidate data-testid="task-form">
        <Stack gap="sm">
          <TextInput
            label="Title"
            placeholder="Call back about the quote"
            required
            data-autofocus
            {...form.getInputProps('title')}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Select
              label="Type"
              data={options(TASK_TYPES)}
              allowDeselect={false}
              {...sel(form.getInputProps('type'))}
            />
            <Select
              label="Priority"
              data={options(TASK_PRIORITIES)}
              allowDeselect={false}
              {...sel(form.getInputProps('priority'))}
            />
            {task ? (
              <Select
                label="Status"
                data={options(TASK_STATUSES)}
                allowDeselect={false}
                {...sel(form.getInputProps('status'))}
              />
            ) : (
              <MemberSelect label="Assignee" {...form.getInputProps('assigneeId')} />
            )}
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <DateTimePicker
              label="Due"
              clearable
              valueFormat="MMM D, YYYY HH:mm"
              placeholder="No due date"
              {...form.getInputProps('dueAt')}
            />
            <DateTimePicker
              label="Remind me"
              clearable
              valueFormat="MMM D, YYYY HH:mm"
              placeholder="No reminder"
              {...form.getInputProps('remindAt')}
            />
          </SimpleGrid>
          {task && <MemberSelect label="Assignee" {...form.getInputProps('assigneeId')} />}
          {!leadId && !contactId && !task?.leadId && (
            <RecordPicker
              kind="contacts"
              label="Contact"
              placeholder="Search contacts"
              currentLabel={task?.contactName}
              {...form.getInputProps('contactId')}
            />
          )}
          <Textarea
            label="Description"
            autosize
            minRows={2}
            maxRows={6}
            {...form.getInputProps('description')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              {task ? 'Save' : 'Add task'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
