import { Alert, Anchor, Badge, Button, Center, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconArrowBackUp, IconGitMerge } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useMembers } from '../../api/hooks';
import { usePermissions } from '../../auth/session';
import { type Entity, type MergeOut, pathOf, useMerges, useUndoMerge } from './duplicatesApi';
import { movesText } from './mergeFields';

function MergeItem({ m }: { m: MergeOut }) {
  const { canWrite } = usePermissions();
  const undo = useUndoMerge();
  const members = useMembers();
  const [busy, setBusy] = useState(false);
  const path = pathOf(m.entity);
  const moved = movesText(m.moves);
  const who = members.data?.find((x) => x.id === m.createdBy)?.name;
  return (
    <Paper withBorder p="sm" data-testid="merge-item">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Stack gap={2}>
          <Group gap="xs">
            <IconGitMerge size={16} />
            <Text size="sm">
              {m.mergedNames.join(', ')} merged into{' '}
              <Anchor component={Link} to={`/${path}/${m.survivorId}`}>
                {m.survivorName}
              </Anchor>
            </Text>
            {m.undoneAt && (
              <Badge size="sm" color="gray" variant="light">
                Undone
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {new Date(m.createdAt).toLocaleString()}
            {who ? ` by ${who}` : ''}
            {moved ? ` · moved ${moved}` : ''}
            {Object.keys(m.picks).length ? ` · picked ${Object.keys(m.picks).length} field(s)` : ''}
          </Text>
        </Stack>
        {canWrite && !m.undoneAt && (
          <Button
            size="xs"
            variant="default"
            leftSection={<IconArrowBackUp size={14} />}
            loading={busy}
            onClick={async () => {
              setBusy(true);
              await undo(m);
              setBusy(false);
            }}
          >
            Undo merge
          </Button>
        )}
      </Group>
    </Paper>
  );
}

/** Merges of an entity (or of one record), newest first, each undoable until something changed since. */
export function MergeHistory({ entity, recordId }: { entity: Entity; recordId?: string }) {
  const q = useMerges({ entity, recordId });
  if (q.isLoading)
    return (
      <Center py="md">
        <Loader size="sm" />
      </Center>
    );
  if (q.error)
    return (
      <Alert color="red" icon={<IconAlertCircle size={18} />}>
        Could not load the merges
      </Alert>
    );
  const data = q.data?.data ?? [];
  if (data.length === 0)
    return (
      <Text c="dimmed" size="sm">
        No merges yet.
      </Text>
    );
  return (
    <Stack gap="xs">
      {data.map((m) => (
        <MergeItem key={m.id} m={m} />
      ))}
    </Stack>
  );
}
