import { Alert, Button, Group, Text } from '@mantine/core';
import { IconRefreshAlert } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import type { Resource } from '../api/hooks';

/**
 * Optimistic concurrency in a form: a 412 answer means someone else saved the record since it was
 * read. The user is told so and can reload the latest version (which resets the form to it).
 */
export function useConflict<T>(resource: Resource, id: string | undefined, onFresh: (fresh: T) => void) {
  const qc = useQueryClient();
  const [conflict, setConflict] = useState(false);
  const [reloading, setReloading] = useState(false);
  const reload = async () => {
    if (!id) return;
    setReloading(true);
    try {
      const fresh = await api.getWithEtag<T>(`/${resource}/${id}`);
      qc.setQueryData([resource, 'one', id], fresh);
      onFresh(fresh.data);
      setConflict(false);
    } finally {
      setReloading(false);
    }
  };
  return {
    conflict,
    reloading,
    onConflict: () => setConflict(true),
    reload,
    dismiss: () => setConflict(false),
  };
}

export function ConflictAlert(props: {
  noun: string;
  conflict: boolean;
  reloading: boolean;
  reload: () => void;
  dismiss: () => void;
}) {
  if (!props.conflict) return null;
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconRefreshAlert size={18} />}
      title={`Someone else changed this ${props.noun}`}
      data-testid="conflict-alert"
    >
      <Text size="sm">
        It was saved by someone else after you opened it, so your changes were not saved. Reload to see the
        latest version (your edits in this form will be replaced), or keep editing and copy what you need
        first.
      </Text>
      <Group gap="xs" mt="sm">
        <Button size="xs" color="orange" onClick={props.reload} loading={props.reloading}>
          Reload latest version
        </Button>
        <Button size="xs" variant="subtle" color="gray" onClick={props.dismiss}>
          Keep editing
        </Button>
      </Group>
    </Alert>
  );
}
