import { Button, Group, Modal, NumberInput, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api } from '../../api/client';
import { useSession } from '../../api/hooks';
import {
  CustomFieldsSection,
  type CustomValues,
  useCustomBody,
  withCustom,
} from '../../components/CustomFieldInput';
import { MemberSelect } from '../../components/people';
import { formatDateTime } from '../../lib/format';
import { showApiError } from '../../lib/forms';
import { type Appointment, refreshAfterAppointment } from './AppointmentsCard';

/** Mantine date pickers hold local wall-clock text; the API takes ISO instants. */
export const LOCAL = 'YYYY-MM-DD HH:mm:ss';
export const toLocal = (iso: string | null) => (iso ? dayjs(iso).format(LOCAL) : null);
export const toIso = (local: string | null) => (local ? dayjs(local).toISOString() : null);

type ScheduleValues = {
  title: string;
  scheduledAt: string | null;
  durationMinutes: number | string;
  location: string;
  assigneeId: string | null;
  customFields: CustomValues;
};

const duration = (v: number | string) =>
  v === ''
    ? 'How long it takes'
    : Number(v) < 5 || Number(v) > 1440
      ? 'Between 5 minutes and 24 hours'
      : null;

/** Schedules an appointment on a lead (assignee: the lead's owner, else you). */
export function AppointmentScheduleModal({
  leadId,
  ownerId,
  onClose,
}: {
  leadId: string;
  ownerId: string | null;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const me = useSession().data?.user.id ?? null;
  const custom = useCustomBody('appointment');
  const form = useForm<ScheduleValues>({
    initialValues: {
      title: '',
      scheduledAt: dayjs().add(1, 'day').hour(10).minute(0).second(0).format(LOCAL),
      durationMinutes: 60,
      location: '',
      assigneeId: ownerId ?? me,
      customFields: {},
    },
    validate: {
      scheduledAt: (v) => (v ? null : 'Pick a date and time'),
      durationMinutes: duration,
    },
  });
  const submit = form.onSubmit(async (v) => {
    const body = withCustom(
      {
        leadId,
        scheduledAt: toIso(v.scheduledAt),
        durationMinutes: Number(v.durationMinutes),
        title: v.title.trim() || null,
        location: v.location.trim() || null,
        assigneeId: v.assigneeId,
      },
      { customFields: custom(v.customFields) },
    );
    try {
      await api.post('/appointments', body);
      notifications.show({ color: 'green', message: 'Appointment scheduled' });
      refreshAfterAppointment(qc, leadId);
      onClose();
    } catch (e) {
      showApiError(e, form);
    }
  });
  return (
    <Modal opened onClose={onClose} title="Schedule an appointment" size="lg">
      <form onSubmit={submit} noValidate data-testid="appointment-schedule-form">
        <Stack gap="sm">
          <TextInput label="Title" placeholder="Site visit" data-autofocus {...form.getInputProps('title')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <DateTimePicker
              label="When"
              required
              valueFormat="MMM D, YYYY HH:mm"
              data-testid="appointment-when-input"
              {...form.getInputProps('scheduledAt')}
            />
            <NumberInput
              label="Duration (minutes)"
              min={5}
              max={1440}
              step={15}
              allowDecimal={false}
              {...form.getInputProps('durationMinutes')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput
              label="Location"
              placeholder="Address or meeting link"
              {...form.getInputProps('location')}
            />
            <MemberSelect label="Assignee" {...form.getInputProps('assigneeId')} />
          </SimpleGrid>
          <CustomFieldsSection
            entity="appointment"
            form={form}
            title="Appointment fields"
            cols={{ base: 1, sm: 2 }}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Schedule
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Moves an appointment; the move and its reason go on the timeline. */
export function AppointmentRescheduleModal({
  appointment: a,
  onClose,
}: {
  appointment: Appointment;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const form = useForm({
    initialValues: {
      scheduledAt: toLocal(a.scheduledAt) as string | null,
      durationMinutes: a.durationMinutes as number | string,
      reason: '',
    },
    validate: {
      scheduledAt: (v) => (v ? null : 'Pick the new date and time'),
      durationMinutes: duration,
    },
  });
  const submit = form.onSubmit(async (v) => {
    const body: Record<string, unknown> = {
      scheduledAt: toIso(v.scheduledAt),
      reason: v.reason.trim() || null,
    };
    if (Number(v.durationMinutes) !== a.durationMinutes) body.durationMinutes = Number(v.durationMinutes);
    try {
      await api.post(`/appointments/${a.id}/reschedule`, body);
      notifications.show({ color: 'green', message: 'Appointment rescheduled' });
      refreshAfterAppointment(qc, a.leadId);
      onClose();
    } catch (e) {
      showApiError(e, form);
    }
  });
  return (
    <Modal opened onClose={onClose} title="Reschedule the appointment" size="md">
      <form onSubmit={submit} noValidate data-testid="appointment-reschedule-form">
        <Stack gap="sm">
          <TextInput label="Now" value={formatDateTime(a.scheduledAt)} readOnly variant="filled" />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <DateTimePicker
              label="New time"
              required
              valueFormat="MMM D, YYYY HH:mm"
              {...form.getInputProps('scheduledAt')}
            />
            <NumberInput
              label="Duration (minutes)"
              min={5}
              max={1440}
              step={15}
              allowDecimal={false}
              {...form.getInputProps('durationMinutes')}
            />
          </SimpleGrid>
          <Textarea
            label="Reason"
            autosize
            minRows={2}
            placeholder="Shown on the timeline"
            {...form.getInputProps('reason')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Reschedule
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
