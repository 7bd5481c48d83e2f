import { ActionIcon, Button, Group, Modal, Paper, Switch, Table, Text, Tooltip } from '@mantine/core';
import { IconPencil, IconTrash } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { api } from '../api/client';
import { showApiError } from '../lib/forms';

/** A settings table in a bordered paper; `actions` adds the empty header of the row-actions column. */
export function SettingsTable({
  testId,
  head,
  actions,
  children,
}: {
  testId: string;
  /** The `Table.Th` cells. */
  head: ReactNode;
  actions: boolean;
  /** The `Table.Tr` rows. */
  children: ReactNode;
}) {
  return (
    <Paper withBorder>
      <Table verticalSpacing="sm" horizontalSpacing="md" data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            {head}
            {actions && <Table.Th w={90} />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Paper>
  );
}

/**
 * A rule's table row: its cells, then the "Active" switch (labelled `Active: <name>`) and, when
 * `editable`, the Edit and Delete icons; an inactive rule is dimmed.
 */
export function RuleRow({
  testId,
  rule,
  editable,
  switching,
  onActive,
  onEdit,
  onDelete,
  children,
}: {
  testId: string;
  rule: { name: string; active: boolean };
  editable: boolean;
  /** A change of `active` is under way (the switches wait for it). */
  switching: boolean;
  onActive: (active: boolean) => void;
  onEdit: () => void;
  onDelete: () => void;
  /** The `Table.Td` cells before "Active". */
  children: ReactNode;
}) {
  return (
    <Table.Tr data-testid={testId} opacity={rule.active ? 1 : 0.6}>
      {children}
      <Table.Td>
        <Switch
          checked={rule.active}
          disabled={!editable || switching}
          onChange={(e) => onActive(e.currentTarget.checked)}
          aria-label={`Active: ${rule.name}`}
        />
      </Table.Td>
      {editable && <RowActions name={rule.name} onEdit={onEdit} onDelete={onDelete} />}
    </Table.Tr>
  );
}

/** The Edit and Delete icons at the end of a row, labelled `Edit <name>` and `Delete <name>`. */
export function RowActions({
  name,
  onEdit,
  onDelete,
}: {
  name: string;
  onEdit: () => void;
  onDelete: () => void;
}) {
  return (
    <Table.Td>
      <Group gap={4} wrap="nowrap" justify="flex-end">
        <Tooltip label="Edit">
          <ActionIcon variant="subtle" onClick={onEdit} aria-label={`Edit ${name}`}>
            <IconPencil size={16} />
          </ActionIcon>
        </Tooltip>
        <Tooltip label="Delete">
          <ActionIcon variant="subtle" color="red" onClick={onDelete} aria-label={`Delete ${name}`}>
            <IconTrash size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
    </Table.Td>
  );
}

/** `Delete "<name>"?` with a Cancel and a red confirm button; open while `item` is set. */
export function ConfirmDeleteModal<T extends { name: string }>({
  item,
  onClose,
  onConfirm,
  loading,
  confirmLabel = 'Delete rule',
  children,
}: {
  item: T | null;
  onClose: () => void;
  onConfirm: (item: T) => void;
  loading: boolean;
  confirmLabel?: string;
  /** What deleting does. */
  children: ReactNode;
}) {
  return (
    <Modal opened={!!item} onClose={onClose} title={`Delete "${item?.name}"?`}>
      <Text size="sm">{children}</Text>
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button color="red" loading={loading} onClick={() => item && onConfirm(item)}>
          {confirmLabel}
        </Button>
      </Group>
    </Modal>
  );
}

/**
 * A delete confirmed in a `ConfirmDeleteModal`: `ask(item)` opens it, and confirming sends
 * `DELETE <path>/<id>`, closes it and hands the response to `onDeleted` (errors are shown).
 * Spread `modalProps` into the modal.
 */
export function useConfirmedDelete<T extends { id: string; name: string }, R = unknown>(
  path: string,
  onDeleted: (res: R) => void,
) {
  const [item, setItem] = useState<T | null>(null);
  const remove = useMutation({
    mutationFn: (r: T) => api.delete<R>(`${path}/${r.id}`),
    onSuccess: (res) => {
      setItem(null);
      onDeleted(res);
    },
    onError: (e) => showApiError(e),
  });
  return {
    ask: setItem,
    modalProps: {
      item,
      onClose: () => setItem(null),
      onConfirm: (r: T) => remove.mutate(r),
      loading: remove.isPending,
    },
  };
}
