import { Avatar, Badge, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconPlus, IconSelector } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { sessionKey, useSession } from '../api/hooks';
import type { Session } from '../api/types';
import { initials, labelize } from '../lib/format';
import { showApiError } from '../lib/forms';
import { CreateWorkspaceModal } from './CreateWorkspaceModal';

export function WorkspaceSwitcher() {
  const { data: session } = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [creating, createModal] = useDisclosure(false);
  if (!session?.workspace) return null;
  const current = session.workspace;

  const switchTo = async (workspaceId: string) => {
    if (workspaceId === current.id) return;
    try {
      const next = await api.post<Session>('/auth/switch-workspace', { workspaceId });
      qc.clear();
      qc.setQueryData(sessionKey, next);
      navigate('/leads');
      notifications.show({ message: `Switched to ${next.workspace?.name}` });
    } catch (e) {
      showApiError(e);
    }
  };

  return (
    <>
      <Menu width={280} position="bottom-start" shadow="md">
        <Menu.Target>
          <UnstyledButton
            aria-label="Switch workspace"
            data-testid="workspace-switcher"
            px="xs"
            py={6}
            style={{
              borderRadius: 'var(--mantine-radius-md)',
              border: '1px solid var(--mantine-color-gray-3)',
            }}
          >
            <Group gap="xs" wrap="nowrap">
              <Avatar size={26} radius="sm" color="indigo" variant="filled">
                {initials(current.name)}
              </Avatar>
              <Text size="sm" fw={600} maw={180} className="lb-nowrap">
                {current.name}
              </Text>
              <IconSelector size={16} color="var(--mantine-color-gray-6)" />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Workspaces</Menu.Label>
          {session.workspaces.map((w) => (
            <Menu.Item
              key={w.id}
              onClick={() => switchTo(w.id)}
              leftSection={
                <Avatar
                  size={22}
                  radius="sm"
                  color="indigo"
                  variant={w.id === current.id ? 'filled' : 'light'}
                >
                  {initials(w.name)}
                </Avatar>
              }
              rightSection={
                w.id === current.id ? (
                  <IconCheck size={16} />
                ) : (
                  <Badge size="xs" variant="light" color="gray">
                    {labelize(w.role)}
                  </Badge>
                )
              }
            >
              <Text size="sm" className="lb-nowrap" maw={170}>
                {w.name}
              </Text>
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item leftSection={<IconPlus size={16} />} onClick={createModal.open}>
            Create workspace
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <CreateWorkspaceModal opened={creating} onClose={createModal.close} />
    </>
  );
}
