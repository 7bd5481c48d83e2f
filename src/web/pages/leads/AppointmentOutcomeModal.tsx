import {
  Button,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api } from '../../api/client';
import {
  CustomFieldsSection,
  type CustomValues,
  useCustomBody,
  withCustom,
} from '../../components/CustomFieldInput';
import { formatDateTime, options } from '../../lib/format';
import { sel, showApiError } from '../../lib/forms';
import { toIso } from './AppointmentScheduleModal';
import { APPOINTMENT_RESULTS, type Appointment, refreshAfterAppointment } from './AppointmentsCard';

type Values = {
  status: 'completed' | 'no_show' | 'cancelled';
  result: string | null;
  outcomeNotes: string;
  objections: string;
  quoteValue: string | number;
  nextContactAt: string | null;
  customFields: CustomValues;
};

/** Records how an appointment went: held (with its result), no-show or cancelled. */
export function AppointmentOutcomeModal({
  appointment: a,
  onClose,
}: {
  appointment: Appointment;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const custom = useCustomBody('appointment');
  const form = useForm<Values>({
    initialValues: {
      status: 'completed',
      result: null,
      outcomeNotes: '',
      objections: '',
      quoteValue: '',
      nextContactAt: null,
      customFields: { ...a.customFields },
    },
    validate: {
      result: (v, values) => (values.status === 'completed' && !v ? 'What came of it?' : null),
      nextContactAt: (v, values) =>
        v && !dayjs(v).isAfter(dayjs())
          ? 'Must be in the future'
          : values.result === 'follow_up' && !v
            ? 'When to follow up'
            : null,
      quoteValue: (v) => (v !== '' && Number(v) < 0 ? 'Cannot be negative' : null),
    },
  });
  const held = form.values.status === 'completed';
  const submit = form.onSubmit(async (v) => {
    const body = withCustom(
      {
        status: v.status,
        result: v.result,
        outcomeNotes: v.outcomeNotes.trim() || null,
        objections: v.objections.trim() || null,
        quoteValue: v.quoteValue === '' ? null : String(v.quoteValue),
        nextContactAt: toIso(v.nextContactAt),
      },
      { customFields: custom(v.customFields, a.customFields) },
    );
    try {
      await api.post(`/appointments/${a.id}/outcome`, body);
      notifications.show({ color: 'green', message: 'Outcome recorded' });
      refreshAfterAppointment(qc, a.leadId);
      onClose();
    } catch (e) {
      showApiError(e, form);
    }
  });
  return (
    <Modal opened onClose={onClose} title="Record the outcome" size="lg">
      <form onSubmit={submit} noValidate data-testid="appointment-outcome-form">
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {a.title ? `${a.title} · ` : ''}
            {formatDateTime(a.scheduledAt)}
          </Text>
          <SegmentedControl
            data={[
              { value: 'completed', label: 'Held' },
              { value: 'no_show', label: 'No-show' },
              { value: 'cancelled', label: 'Cancelled' },
            ]}
            {...form.getInputProps('status')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label="Result"
              data={options(APPOINTMENT_RESULTS)}
              withAsterisk={held}
              clearable={!held}
              data-testid="appointment-result-input"
              {...sel(form.getInputProps('result'))}
            />
            <NumberInput
              label="Quote value"
              min={0}
              decimalScale={2}
              thousandSeparator=","
              hideControls
              data-testid="appointment-quote-input"
              {...form.getInputProps('quoteValue')}
            />
          </SimpleGrid>
          <Textarea label="Notes" autosize minRows={2} maxRows={8} {...form.getInputProps('outcomeNotes')} />
          <Textarea
            label="Objections"
            autosize
            minRows={1}
            maxRows={6}
            {...form.getInputProps('objections')}
          />
          <DateTimePicker
            label="Next contact"
            clearable
            valueFormat="MMM D, YYYY HH:mm"
            placeholder="None"
            {...form.getInputProps('nextContactAt')}
          />
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
              Record outcome
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
