import { Avatar, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconKey, IconLogout, IconUsers } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { sessionKey, useSession } from '../api/hooks';
import { initials, labelize } from '../lib/format';

export function UserMenu() {
  const { data: session } = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  if (!session) return null;
  const signOut = async () => {
    await api.post('/auth/logout').catch(() => {});
    qc.clear();
    qc.setQueryData(sessionKey, null);
    navigate('/signin', { replace: true });
  };
  return (
    <Menu width={240} position="bottom-end" shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label="User menu" data-testid="user-menu">
          <Group gap={8} wrap="nowrap">
            <Avatar size={32} radius="xl" color="violet">
              {initials(session.user.name)}
            </Avatar>
            <div style={{ lineHeight: 1.1 }}>
              <Text size="sm" fw={600} visibleFrom="sm">
                {session.user.name}
              </Text>
              <Text size="xs" c="dimmed" visibleFrom="sm">
                {labelize(session.workspace?.role)}
              </Text>
            </div>
            <IconChevronDown size={14} color="var(--mantine-color-gray-6)" />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="var(--mantine-color-text)">
            {session.user.name}
          </Text>
          <Text size="xs" c="dimmed" className="lb-nowrap">
            {session.user.email}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item component={Link} to="/settings/members" leftSection={<IconUsers size={16} />}>
          Members
        </Menu.Item>
        <Menu.Item component={Link} to="/settings/api-keys" leftSection={<IconKey size={16} />}>
          API keys
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" leftSection={<IconLogout size={16} />} onClick={signOut}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
