import { Alert, Button, Code, CopyButton, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiKeyCreated } from '../../api/types';
import { MEMBER_ROLES } from '../../lib/constants';
import { options } from '../../lib/format';
import { sel, showApiError } from '../../lib/forms';

export function NewKeyModal(props: {
  opened: boolean;
  onClose: () => void;
  onCreated: (k: ApiKeyCreated) => void;
}) {
  const qc = useQueryClient();
  const form = useForm({
    initialValues: { name: '', role: 'admin' },
    validate: { name: (v) => (!v.trim() ? 'Name the key after the program that uses it' : null) },
  });
  const submit = form.onSubmit(async (values) => {
    try {
      const created = await api.post<ApiKeyCreated>('/api-keys', {
        name: values.name.trim(),
        role: values.role,
      });
      void qc.invalidateQueries({ queryKey: ['api-keys'] });
      form.reset();
      props.onCreated(created);
    } catch (e) {
      showApiError(e, form);
    }
  });
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="New API key">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Name"
            placeholder="e.g. Website form"
            data-autofocus
            {...form.getInputProps('name')}
          />
          <Select
            label="Role"
            description="What programs using the key may do"
            data={options(MEMBER_ROLES)}
            allowDeselect={false}
            {...sel(form.getInputProps('role'))}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Create key
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The secret of a new key, shown this once. */
export function KeySecretModal({ created, onClose }: { created: ApiKeyCreated | null; onClose: () => void }) {
  return (
    <Modal
      opened={!!created}
      onClose={onClose}
      title={`API key "${created?.name ?? ''}" created`}
      size="lg"
      closeOnClickOutside={false}
    >
      <Stack>
        <Alert color="yellow" icon={<IconAlertTriangle size={18} />} variant="light">
          Copy the key now. It is shown only once and cannot be recovered; if you lose it, revoke it and
          create another.
        </Alert>
        <Group gap="xs" wrap="nowrap" align="center">
          <Code
            block
            style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
            data-testid="api-key-secret"
          >
            {created?.key}
          </Code>
          <CopyButton value={created?.key ?? ''}>
            {({ copied, copy }) => (
              <Button
                color={copied ? 'teal' : 'indigo'}
                leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                onClick={copy}
                w={110}
              >
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Text size="sm" c="dimmed">
          Use it as <Code>Authorization: Bearer {created?.prefix}…</Code>
        </Text>
        <Group justify="flex-end">
          <Button onClick={onClose}>I have copied it</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
