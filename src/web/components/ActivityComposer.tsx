import {
  Button,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconCalendarEvent, IconMail, IconMessage, IconNote, IconPhone } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import type { ComponentType } from 'react';
import { api } from '../api/client';
import { CALL_OUTCOMES } from '../lib/constants';
import { options } from '../lib/format';
import { createBody, sel, showApiError } from '../lib/forms';

type Kind = 'call' | 'email' | 'meeting' | 'note' | 'sms';
type Values = {
  type: Kind;
  subject: string;
  body: string;
  outcome: string;
  durationMinutes: number | string;
};

const MEETING_OUTCOMES = ['held', 'no_show', 'rescheduled', 'follow_up_required'] as const;

/** What each kind of entry asks for, and how it is called. */
const KINDS: Record<
  Kind,
  {
    label: string;
    icon: ComponentType<{ size?: number }>;
    subject: boolean;
    outcomes: readonly string[] | null;
    duration: boolean;
    bodyLabel: string;
    placeholder: string;
    submit: string;
    done: string;
  }
> = {
  call: {
    label: 'Call',
    icon: IconPhone,
    subject: true,
    outcomes: CALL_OUTCOMES,
    duration: true,
    bodyLabel: 'Call notes',
    placeholder: 'What was said, next steps…',
    submit: 'Log call',
    done: 'Call logged',
  },
  email: {
    label: 'Email',
    icon: IconMail,
    subject: true,
    outcomes: null,
    duration: false,
    bodyLabel: 'Email',
    placeholder: 'What the email said…',
    submit: 'Log email',
    done: 'Email logged',
  },
  meeting: {
    label: 'Meeting',
    icon: IconCalendarEvent,
    subject: true,
    outcomes: MEETING_OUTCOMES,
    duration: true,
    bodyLabel: 'Meeting notes',
    placeholder: 'Who was there, what was agreed…',
    submit: 'Log meeting',
    done: 'Meeting logged',
  },
  note: {
    label: 'Note',
    icon: IconNote,
    subject: false,
    outcomes: null,
    duration: false,
    bodyLabel: 'Note',
    placeholder: 'Write a note…',
    submit: 'Add note',
    done: 'Note added',
  },
  sms: {
    label: 'SMS',
    icon: IconMessage,
    subject: false,
    outcomes: null,
    duration: false,
    bodyLabel: 'Text message',
    placeholder: 'The message…',
    submit: 'Log SMS',
    done: 'SMS logged',
  },
};

const empty = (type: Kind): Values => ({ type, subject: '', body: '', outcome: '', durationMinutes: '' });

/**
 * One-click logging of a call (outcome, duration), email, meeting, note or SMS on a lead or contact;
 * the entry appears on the timeline at once.
 */
export function ActivityComposer({ target }: { target: { leadId: string } | { contactId: string } }) {
  const qc = useQueryClient();
  const form = useForm<Values>({
    initialValues: empty('note'),
    validate: {
      body: (v, values) =>
        (values.type === 'note' || values.type === 'sms') && !v.trim()
          ? values.type === 'note'
            ? 'Write the note first'
            : 'Write the message first'
          : null,
      subject: (v, values) =>
        KINDS[values.type].subject && !v.trim() && !values.body.trim()
          ? `Say what the ${values.type} was about`
          : null,
      durationMinutes: (v) =>
        v !== '' && (Number(v) < 0 || Number(v) > 1440) ? 'Between 0 and 1440 minutes' : null,
    },
  });
  const kind = KINDS[form.values.type];

  const submit = form.onSubmit(async (values) => {
    const k = KINDS[values.type];
    const body = createBody({ ...values, ...target });
    if (!k.subject) delete body.subject;
    if (!k.outcomes) delete body.outcome;
    if (!k.duration) delete body.durationMinutes;
    try {
      await api.post('/activities', body);
      form.setValues(empty(values.type));
      form.resetDirty();
      notifications.show({ color: 'green', message: k.done });
      void qc.invalidateQueries({ queryKey: ['leads', 'timeline'] });
      void qc.invalidateQueries({ queryKey: ['contacts', 'timeline'] });
    } catch (e) {
      showApiError(e, form);
    }
  });

  return (
    <Paper withBorder p="md" bg="var(--mantine-color-gray-0)" data-testid="activity-composer">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <SegmentedControl
            size="xs"
            w="fit-content"
            value={form.values.type}
            onChange={(v) => {
              form.setFieldValue('type', v as Kind);
              form.clearErrors();
            }}
            data={(Object.keys(KINDS) as Kind[]).map((k) => {
              const { icon: Icon, label } = KINDS[k];
              return {
                value: k,
                label: (
                  <Group gap={6} wrap="nowrap">
                    <Icon size={14} />
                    {label}
                  </Group>
                ),
              };
            })}
          />
          {(kind.subject || kind.outcomes || kind.duration) && (
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              {kind.subject && (
                <TextInput
                  label="Subject"
                  placeholder={form.values.type === 'email' ? 'Quote sent' : 'Discovery call'}
                  {...form.getInputProps('subject')}
                />
              )}
              {kind.outcomes && (
                <Select
                  label="Outcome"
                  data={options(kind.outcomes)}
                  clearable
                  {...sel(form.getInputProps('outcome'))}
                />
              )}
              {kind.duration && (
                <NumberInput
                  label="Duration (min)"
                  min={0}
                  max={1440}
                  allowDecimal={false}
                  {...form.getInputProps('durationMinutes')}
                />
              )}
            </SimpleGrid>
          )}
          <Textarea
            aria-label={kind.bodyLabel}
            placeholder={kind.placeholder}
            autosize
            minRows={2}
            maxRows={8}
            {...form.getInputProps('body')}
          />
          <Group justify="flex-end">
            <Button type="submit" size="xs" loading={form.submitting}>
              {kind.submit}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
