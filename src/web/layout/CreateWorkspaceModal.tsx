import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { Session, Workspace } from '../api/types';
import { showApiError } from '../lib/forms';

export function CreateWorkspaceForm({ onDone }: { onDone?: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const form = useForm({
    initialValues: { name: '' },
    validate: { name: (v) => (!v.trim() ? 'Give the workspace a name' : null) },
  });
  const submit = form.onSubmit(async ({ name }) => {
    try {
      const ws = await api.post<Workspace>('/workspaces', { name: name.trim() });
      // The new workspace is now the current one: everything cached belongs to the old one.
      const session = await api.get<Session>('/auth/me');
      qc.clear();
      qc.setQueryData(['session'], session);
      notifications.show({
        color: 'green',
        title: 'Workspace created',
        message: `You are now working in ${ws.name}.`,
      });
      form.reset();
      onDone?.();
      navigate('/leads');
    } catch (e) {
      showApiError(e, form);
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label="Workspace name"
          placeholder="Acme Inc."
          data-autofocus
          {...form.getInputProps('name')}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={form.submitting}>
            Create workspace
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function CreateWorkspaceModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Create a workspace">
      <CreateWorkspaceForm onDone={onClose} />
    </Modal>
  );
}
