import { Button, Group, Menu, Modal, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconDots, IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { Resource } from '../api/hooks';
import { showApiError } from '../lib/forms';

/** A "…" menu with a soft delete (confirmed, and undoable from the notification). */
export function RecordMenu({
  resource,
  id,
  noun,
  verb = 'Delete',
}: {
  resource: Resource;
  id: string;
  noun: string;
  verb?: string;
}) {
  const [opened, modal] = useDisclosure(false);
  const [busy, setBusy] = useState(false);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const remove = async () => {
    setBusy(true);
    try {
      await api.delete(`/${resource}/${id}`);
      modal.close();
      void qc.invalidateQueries({ queryKey: [resource] });
      navigate(`/${resource}`);
      const nid = notifications.show({
        title: `${noun.charAt(0).toUpperCase()}${noun.slice(1)} ${verb === 'Archive' ? 'archived' : 'deleted'}`,
        message: (
          <Button
            size="compact-xs"
            variant="light"
            onClick={async () => {
              await api.post(`/${resource}/${id}/restore`).catch(showApiError);
              notifications.hide(nid);
              void qc.invalidateQueries({ queryKey: [resource] });
              navigate(`/${resource}/${id}`);
            }}
          >
            Undo
          </Button>
        ),
      });
    } catch (e) {
      showApiError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Menu position="bottom-end" shadow="md">
        <Menu.Target>
          <Button variant="default" px="xs" aria-label="More actions">
            <IconDots size={18} />
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={modal.open}>
            {verb} {noun}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={opened} onClose={modal.close} title={`${verb} this ${noun}?`}>
        <Text size="sm">The {noun} is hidden from lists and can be restored later. Nothing is lost.</Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={modal.close}>
            Cancel
          </Button>
          <Button color="red" onClick={remove} loading={busy}>
            {verb}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
