import { ActionIcon, Button, Checkbox, Group, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { options } from '../../lib/format';
import { sel } from '../../lib/forms';
import type { ContactFormValues } from './contactValues';

type Form = UseFormReturnType<ContactFormValues>;

function PrimaryBox({ form, list, index }: { form: Form; list: 'emails' | 'phones'; index: number }) {
  const checked = form.values[list][index]?.primary ?? false;
  return (
    <Tooltip label="Primary">
      <Checkbox
        mt={30}
        aria-label="Primary"
        checked={checked}
        onChange={() =>
          form.setFieldValue(
            list,
            // exactly one primary
            form.values[list].map((row, i) => ({ ...row, primary: i === index })) as never,
          )
        }
      />
    </Tooltip>
  );
}

function RemoveButton({ onClick }: { onClick: () => void }) {
  return (
    <ActionIcon variant="subtle" color="gray" mt={26} onClick={onClick} aria-label="Remove">
      <IconTrash size={16} />
    </ActionIcon>
  );
}

export function EmailFields({ form }: { form: Form }) {
  return (
    <Stack gap={6}>
      {form.values.emails.map((_row, i) => (
        <Group key={form.key(`emails.${i}`)} gap="xs" wrap="nowrap" align="flex-start">
          <TextInput
            label={i === 0 ? 'Email' : `Email ${i + 1}`}
            type="email"
            style={{ flex: 1 }}
            {...form.getInputProps(`emails.${i}.email`)}
          />
          <TextInput label="Label" placeholder="work" w={110} {...form.getInputProps(`emails.${i}.label`)} />
          <PrimaryBox form={form} list="emails" index={i} />
          <RemoveButton onClick={() => form.removeListItem('emails', i)} />
        </Group>
      ))}
      <Button
        variant="subtle"
        size="compact-sm"
        w="fit-content"
        leftSection={<IconPlus size={14} />}
        onClick={() =>
          form.insertListItem('emails', { email: '', label: '', primary: form.values.emails.length === 0 })
        }
      >
        Add email
      </Button>
    </Stack>
  );
}

export function PhoneFields({ form }: { form: Form }) {
  return (
    <Stack gap={6}>
      {form.values.phones.map((_row, i) => (
        <Group key={form.key(`phones.${i}`)} gap="xs" wrap="nowrap" align="flex-start">
          <TextInput
            label={i === 0 ? 'Phone' : `Phone ${i + 1}`}
            placeholder="+1 415 555 0100"
            style={{ flex: 1 }}
            {...form.getInputProps(`phones.${i}.phone`)}
          />
          <TextInput
            label="Label"
            placeholder="mobile"
            w={110}
            {...form.getInputProps(`phones.${i}.label`)}
          />
          <PrimaryBox form={form} list="phones" index={i} />
          <RemoveButton onClick={() => form.removeListItem('phones', i)} />
        </Group>
      ))}
      <Button
        variant="subtle"
        size="compact-sm"
        w="fit-content"
        leftSection={<IconPlus size={14} />}
        onClick={() =>
          form.insertListItem('phones', { phone: '', label: '', primary: form.values.phones.length === 0 })
        }
      >
        Add phone
      </Button>
    </Stack>
  );
}

export function AddressFields({ form }: { form: Form }) {
  return (
    <Stack gap="sm">
      {form.values.addresses.map((_row, i) => (
        <Stack
          key={form.key(`addresses.${i}`)}
          gap={6}
          p="sm"
          style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}
        >
          <Group justify="space-between">
            <Select
              aria-label="Address type"
              data={options(['personal', 'business', 'mailing'])}
              allowDeselect={false}
              w={150}
              size="xs"
              {...sel(form.getInputProps(`addresses.${i}.type`))}
            />
            <ActionIcon
              variant="subtle"
              color="gray"
              onClick={() => form.removeListItem('addresses', i)}
              aria-label="Remove address"
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
          <TextInput
            placeholder="Street"
            aria-label="Street"
            {...form.getInputProps(`addresses.${i}.street1`)}
          />
          <Group gap="xs" grow>
            <TextInput placeholder="City" aria-label="City" {...form.getInputProps(`addresses.${i}.city`)} />
            <TextInput
              placeholder="State"
              aria-label="State"
              {...form.getInputProps(`addresses.${i}.state`)}
            />
          </Group>
          <Group gap="xs" grow>
            <TextInput
              placeholder="Postcode"
              aria-label="Postcode"
              {...form.getInputProps(`addresses.${i}.postcode`)}
            />
            <TextInput
              placeholder="Country"
              aria-label="Country"
              {...form.getInputProps(`addresses.${i}.country`)}
            />
          </Group>
        </Stack>
      ))}
      {form.values.addresses.length === 0 && (
        <Text size="xs" c="dimmed">
          No address.
        </Text>
      )}
      <Button
        variant="subtle"
        size="compact-sm"
        w="fit-content"
        leftSection={<IconPlus size={14} />}
        onClick={() =>
          form.insertListItem('addresses', {
            type: 'business',
            street1: '',
            city: '',
            state: '',
            postcode: '',
            country: '',
          })
        }
      >
        Add address
      </Button>
    </Stack>
  );
}
