import { ActionIcon, Badge, Button, Divider, Group, Menu, Paper, Stack, Text } from '@mantine/core';
import { IconCalendarPlus, IconClock, IconDots, IconMapPin, IconPencil } from '@tabler/icons-react';
import { type QueryClient, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { AppointmentOut } from '../../../core/appointments/appointments.schemas.js';
import { api } from '../../api/client';
import type { Page } from '../../api/types';
import { usePermissions, useWorkspace } from '../../auth/session';
import { useCustomFields } from '../../components/CustomFieldInput';
import { formatCustomValue } from '../../components/CustomFieldValue';
import { SectionCard } from '../../components/FieldList';
import { Person } from '../../components/people';
import { formatDateTime, formatMoney, labelize } from '../../lib/format';
import { AppointmentOutcomeModal } from './AppointmentOutcomeModal';
import { AppointmentRescheduleModal, AppointmentScheduleModal } from './AppointmentScheduleModal';

export type Appointment = AppointmentOut;

export const APPOINTMENT_RESULTS = [
  'sold',
  'quoted',
  'follow_up',
  'not_interested',
  'rescheduled',
  'other',
] as const satisfies readonly NonNullable<Appointment['result']>[];

const STATUS_COLORS: Record<Appointment['status'], string> = {
  scheduled: 'blue',
  completed: 'green',
  cancelled: 'gray',
  no_show: 'orange',
};
const RESULT_COLORS: Record<string, string> = {
  sold: 'green',
  quoted: 'violet',
  follow_up: 'cyan',
  not_interested: 'red',
  rescheduled: 'yellow',
  other: 'gray',
};

export const appointmentsKey = (leadId: string) => ['appointments', 'lead', leadId] as const;

/** After a change: the card, the lead's and contact's timelines and the history. */
export function refreshAfterAppointment(qc: QueryClient, leadId: string) {
  void qc.invalidateQueries({ queryKey: ['appointments'] });
  void qc.invalidateQueries({ queryKey: ['leads', 'timeline', leadId] });
  void qc.invalidateQueries({ queryKey: ['contacts', 'timeline'] });
  void qc.invalidateQueries({ queryKey: ['audit'] });
}

function AppointmentItem({
  a,
  onReschedule,
  onOutcome,
}: {
  a: Appointment;
  onReschedule: () => void;
  onOutcome: () => void;
}) {
  const { canWrite } = usePermissions();
  const ws = useWorkspace();
  const { data: defs } = useCustomFields('appointment');
  const overdue = a.status === 'scheduled' && Date.parse(a.endsAt) < Date.now();
  const custom = (defs ?? [])
    .map((d) => ({ d, v: formatCustomValue(d, a.customFields[d.key], ws.currency) }))
    .filter((x) => x.v !== null);
  return (
    <Paper withBorder p="xs" radius="sm" data-testid="appointment-item" data-appointment-id={a.id}>
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Text size="sm" fw={600} data-testid="appointment-when">
            {formatDateTime(a.scheduledAt)}
          </Text>
          {a.title && (
            <Text size="sm" className="lb-nowrap">
              {a.title}
            </Text>
          )}
        </Stack>
        <Group gap={4} wrap="nowrap">
          <Badge size="sm" variant="light" color={STATUS_COLORS[a.status]} data-testid="appointment-status">
            {overdue ? 'Outcome due' : labelize(a.status)}
          </Badge>
          {canWrite && a.status !== 'completed' && a.status !== 'cancelled' && (
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <ActionIcon variant="subtle" color="gray" aria-label="Appointment actions">
                  <IconDots size={16} />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item leftSection={<IconClock size={14} />} onClick={onReschedule}>
                  Reschedule
                </Menu.Item>
                {a.status === 'scheduled' && (
                  <Menu.Item leftSection={<IconPencil size={14} />} onClick={onOutcome}>
                    Record outcome
                  </Menu.Item>
                )}
              </Menu.Dropdown>
            </Menu>
          )}
        </Group>
      </Group>
      <Group gap="sm" mt={4} wrap="wrap">
        <Text size="xs" c="dimmed">
          {a.durationMinutes} min
          {a.rescheduleCount > 0 && ` · moved ${a.rescheduleCount}×`}
        </Text>
        {a.location && (
          <Group gap={2} wrap="nowrap">
            <IconMapPin size={12} color="var(--mantine-color-dimmed)" />
            <Text size="xs" c="dimmed" className="lb-nowrap">
              {a.location}
            </Text>
          </Group>
        )}
        <Person id={a.assigneeId} size="xs" />
      </Group>
      {(a.result || a.quoteValue !== null || a.nextContactAt) && (
        <Group gap="xs" mt={6}>
          {a.result && (
            <Badge
              size="sm"
              variant="outline"
              color={RESULT_COLORS[a.result] ?? 'gray'}
              data-testid="appointment-result"
            >
              {labelize(a.result)}
            </Badge>
          )}
          {a.quoteValue !== null && (
            <Text size="xs" fw={600} data-testid="appointment-quote">
              Quote {formatMoney(a.quoteValue, ws.currency)}
            </Text>
          )}
          {a.nextContactAt && (
            <Text size="xs" c="dimmed">
              Next contact {formatDateTime(a.nextContactAt)}
            </Text>
          )}
        </Group>
      )}
      {a.outcomeNotes && (
        <Text size="xs" mt={4} style={{ whiteSpace: 'pre-wrap' }}>
          {a.outcomeNotes}
        </Text>
      )}
      {a.objections && (
        <Text size="xs" mt={2} c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
          Objections: {a.objections}
        </Text>
      )}
      {custom.length > 0 && (
        <Stack gap={0} mt={4} data-testid="appointment-custom">
          {custom.map(({ d, v }) => (
            <Text key={d.key} size="xs">
              <Text span c="dimmed" size="xs">
                {d.label}:
              </Text>{' '}
              {v}
            </Text>
          ))}
        </Stack>
      )}
    </Paper>
  );
}

/** The lead's appointments: upcoming first (soonest on top), then the past ones (latest on top). */
export function AppointmentsCard({ leadId, ownerId }: { leadId: string; ownerId: string | null }) {
  const { canWrite } = usePermissions();
  const [scheduling, setScheduling] = useState(false);
  const [moving, setMoving] = useState<Appointment | null>(null);
  const [recording, setRecording] = useState<Appointment | null>(null);
  const q = useQuery({
    queryKey: appointmentsKey(leadId),
    queryFn: ({ signal }) =>
      api.get<Page<Appointment>>('/appointments', { leadId, sort: 'scheduledAt', limit: 200 }, signal),
  });
  const rows = q.data?.data ?? [];
  const upcoming = rows.filter((a) => a.status === 'scheduled');
  const past = rows.filter((a) => a.status !== 'scheduled').reverse();
  const item = (a: Appointment) => (
    <AppointmentItem key={a.id} a={a} onReschedule={() => setMoving(a)} onOutcome={() => setRecording(a)} />
  );
  return (
    <SectionCard
      title="Appointments"
      testId="appointments-card"
      action={
        canWrite && (
          <Button
            size="xs"
            variant="light"
            leftSection={<IconCalendarPlus size={14} />}
            onClick={() => setScheduling(true)}
          >
            Schedule
          </Button>
        )
      }
    >
      <Stack gap="xs">
        {rows.length === 0 && (
          <Text size="sm" c="dimmed">
            {q.isPending ? 'Loading…' : 'No appointments yet.'}
          </Text>
        )}
        {upcoming.length > 0 && (
          <Stack gap={6} data-testid="appointments-upcoming">
            <Text size="xs" fw={600} c="dimmed" tt="uppercase">
              Upcoming
            </Text>
            {upcoming.map(item)}
          </Stack>
        )}
        {upcoming.length > 0 && past.length > 0 && <Divider />}
        {past.length > 0 && (
          <Stack gap={6} data-testid="appointments-past">
            <Text size="xs" fw={600} c="dimmed" tt="uppercase">
              Past
            </Text>
            {past.map(item)}
          </Stack>
        )}
        {q.data?.nextCursor && (
          <Text size="xs" c="dimmed">
            Showing the first {rows.length}.
          </Text>
        )}
      </Stack>
      {scheduling && (
        <AppointmentScheduleModal leadId={leadId} ownerId={ownerId} onClose={() => setScheduling(false)} />
      )}
      {moving && <AppointmentRescheduleModal appointment={moving} onClose={() => setMoving(null)} />}
      {recording && <AppointmentOutcomeModal appointment={recording} onClose={() => setRecording(null)} />}
    </SectionCard>
  );
}
