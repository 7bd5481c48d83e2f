import { Button, Group, NumberInput, Paper, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { checkEmail } from '../../lib/constants';
import { createBody, moneyOut, showApiError } from '../../lib/forms';
import { type BoardQuery, useQuickAdd } from './boardApi';

/** "Ada Lovelace" → first and last name; one word is a first name. */
export function splitName(full: string): { firstName?: string; lastName?: string } {
  const parts = full.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return {};
  if (parts.length === 1) return { firstName: parts[0] };
  return { firstName: parts.slice(0, -1).join(' '), lastName: parts[parts.length - 1] };
}

/** A small form on top of a column: a new lead in this stage, without leaving the board. */
export function QuickAddCard(props: {
  pipelineId: string;
  stageId: string;
  stageName: string;
  filters: BoardQuery;
  onClose: () => void;
}) {
  const add = useQuickAdd(props.pipelineId, props.filters);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: '', company: '', title: '', email: '', dealValue: '' as string | number },
    validate: {
      name: (v, values) =>
        !v.trim() && !values.company.trim() && !values.email.trim()
          ? 'Give a name, a company or an email'
          : null,
      email: checkEmail,
    },
  });
  const submit = form.onSubmit((v) => {
    const body = {
      ...createBody({ company: v.company, title: v.title, email: v.email }),
      ...splitName(v.name),
      ...(moneyOut(v.dealValue) ? { dealValue: moneyOut(v.dealValue) } : {}),
      pipelineId: props.pipelineId,
      stageId: props.stageId,
    };
    add.mutate(body, {
      onSuccess: (lead) => {
        notifications.show({
          color: 'green',
          title: 'Lead added',
          message: `${lead.name || lead.company || 'The lead'} is in ${props.stageName}.`,
        });
        form.reset();
        props.onClose();
      },
      onError: (e) =>
        showApiError(e, form, {
          mapField: (f) => (f === 'firstName' || f === 'lastName' || f === 'contactId' ? 'name' : f),
        }),
    });
  });
  return (
    <Paper withBorder radius="md" p="xs" mb={8} shadow="xs">
      <form
        onSubmit={submit}
        aria-label={`Add a lead to ${props.stageName}`}
        onKeyDown={(e) => e.key === 'Escape' && props.onClose()}
      >
        <Stack gap={6}>
          <TextInput
            size="xs"
            placeholder="Contact name"
            aria-label="Contact name"
            data-autofocus
            autoFocus
            {...form.getInputProps('name')}
            key={form.key('name')}
          />
          <TextInput
            size="xs"
            placeholder="Company"
            aria-label="Company"
            {...form.getInputProps('company')}
            key={form.key('company')}
          />
          <TextInput
            size="xs"
            placeholder="Lead title, e.g. Kitchen remodel"
            aria-label="Lead title"
            {...form.getInputProps('title')}
            key={form.key('title')}
          />
          <TextInput
            size="xs"
            placeholder="Email"
            aria-label="Email"
            {...form.getInputProps('email')}
            key={form.key('email')}
          />
          <NumberInput
            size="xs"
            placeholder="Value"
            aria-label="Value"
            min={0}
            decimalScale={2}
            thousandSeparator=","
            hideControls
            {...form.getInputProps('dealValue')}
            key={form.key('dealValue')}
          />
          <Group justify="flex-end" gap={6}>
            <Button size="compact-sm" variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button size="compact-sm" type="submit" loading={add.isPending}>
              Add lead
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
