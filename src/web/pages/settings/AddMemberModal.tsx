import { Button, Group, Modal, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Member } from '../../api/types';
import { checkEmail, MEMBER_ROLES } from '../../lib/constants';
import { options } from '../../lib/format';
import { createBody, sel, showApiError } from '../../lib/forms';

export function AddMemberModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const form = useForm({
    initialValues: { email: '', name: '', role: 'rep', password: '' },
    validate: {
      email: (v) => (!v.trim() ? 'Is required' : checkEmail(v)),
      name: (v) => (!v.trim() ? 'Is required' : null),
      password: (v) => (v && v.length < 10 ? 'Must be at least 10 characters' : null),
    },
  });
  const submit = form.onSubmit(async (values) => {
    try {
      const m = await api.post<Member>('/members', createBody(values));
      void qc.invalidateQueries({ queryKey: ['members'] });
      notifications.show({ color: 'green', title: 'Member added', message: `${m.name} is now a ${m.role}.` });
      form.reset();
      onClose();
    } catch (e) {
      showApiError(e, form);
    }
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Add a member">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            An existing Leadbase user is added by email; anyone else gets an account.
          </Text>
          <TextInput label="Email" type="email" data-autofocus {...form.getInputProps('email')} />
          <TextInput label="Name" {...form.getInputProps('name')} />
          <Select
            label="Role"
            data={options(MEMBER_ROLES)}
            allowDeselect={false}
            {...sel(form.getInputProps('role'))}
          />
          <PasswordInput
            label="Initial password"
            description="Optional. Without one, the person cannot sign in yet."
            {...form.getInputProps('password')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Add member
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
