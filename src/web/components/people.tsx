import { Avatar, Group, Select, type SelectProps, Text } from '@mantine/core';
import { useMemo } from 'react';
import { useMembers } from '../api/hooks';
import type { Member } from '../api/types';
import { initials } from '../lib/format';

export function useMemberMap(): Map<string, Member> {
  const { data } = useMembers();
  return useMemo(() => new Map((data ?? []).map((m) => [m.id, m])), [data]);
}

/** A member by id, with an avatar; "Unassigned" when there is none. */
export function Person({ id, size = 'sm' }: { id: string | null; size?: 'xs' | 'sm' }) {
  const members = useMemberMap();
  if (!id)
    return (
      <Text size={size} c="dimmed">
        Unassigned
      </Text>
    );
  const m = members.get(id);
  const name = m?.name ?? 'Former member';
  return (
    <Group gap={8} wrap="nowrap">
      <Avatar size={size === 'xs' ? 20 : 24} radius="xl" color="violet">
        {initials(name)}
      </Avatar>
      <Text size={size} className="lb-nowrap">
        {name}
      </Text>
    </Group>
  );
}

/** Select of workspace members (owner, assignee). */
export function MemberSelect(props: Omit<SelectProps, 'data'> & { withUnassigned?: boolean }) {
  const { data } = useMembers();
  const { withUnassigned, ...rest } = props;
  const options = [
    ...(withUnassigned ? [{ value: 'none', label: 'Unassigned' }] : []),
    ...(data ?? []).filter((m) => m.active).map((m) => ({ value: m.id, label: m.name })),
  ];
  return <Select data={options} searchable clearable nothingFoundMessage="No such member" {...rest} />;
}
