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
import { IconNote, IconPhone } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { CALL_OUTCOMES } from '../lib/constants';
import { options } from '../lib/format';
import { createBody, sel, showApiError } from '../lib/forms';

type Values = {
  type: 'note' | 'call';
  subject: string;
  body: string;
  outcome: string;
  durationMinutes: number | string;
};

const empty = (type: Values['type']): Values => ({
  type,
  subject: '',
  body: '',
  outcome: '',
  durationMinutes: '',
});

/** Log a note or a call on a lead or contact; it appears on the timeline at once. */
export function ActivityComposer({ target }: { target: { leadId: string } | { contactId: string } }) {
  const qc = useQueryClient();
  const form = useForm<Values>({
    initialValues: empty('note'),
    validate: {
      body: (v, values) => (values.type === 'note' && !v.trim() ? 'Write the note first' : null),
      subject: (v, values) =>
        values.type === 'call' && !v.trim() && !values.body.trim() ? 'Say what the call was about' : null,
    },
  });
  const isCall = form.values.type === 'call';

  const submit = form.onSubmit(async (values) => {
    const body = createBody({ ...values, ...target });
    if (values.type === 'note') {
      delete body.outcome;
      delete body.durationMinutes;
    }
    try {
      await api.post('/activities', body);
      form.setValues(empty(values.type));
      form.resetDirty();
      notifications.show({ color: 'green', message: values.type === 'call' ? 'Call logged' : 'Note added' });
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
            onChange={(v) => form.setFieldValue('type', v as Values['type'])}
            data={[
              {
                value: 'note',
                label: (
                  <Group gap={6} wrap="nowrap">
                    <IconNote size={14} />
                    Note
                  </Group>
                ),
              },
              {
                value: 'call',
                label: (
                  <Group gap={6} wrap="nowrap">
                    <IconPhone size={14} />
                    Call
                  </Group>
                ),
              },
            ]}
          />
          {isCall && (
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <TextInput label="Subject" placeholder="Discovery call" {...form.getInputProps('subject')} />
              <Select
                label="Outcome"
                data={options(CALL_OUTCOMES)}
                clearable
                {...sel(form.getInputProps('outcome'))}
              />
              <NumberInput
                label="Duration (min)"
                min={0}
                max={1440}
                allowDecimal={false}
                {...form.getInputProps('durationMinutes')}
              />
            </SimpleGrid>
          )}
          <Textarea
            aria-label={isCall ? 'Call notes' : 'Note'}
            placeholder={isCall ? 'What was said, next steps…' : 'Write a note…'}
            autosize
            minRows={2}
            maxRows={8}
            {...form.getInputProps('body')}
          />
          <Group justify="flex-end">
            <Button type="submit" size="xs" loading={form.submitting}>
              {isCall ? 'Log call' : 'Add note'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
