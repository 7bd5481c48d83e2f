import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { IconArrowBackUp, IconCopy, IconGitMerge } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { usePermissions } from '../../auth/session';
import { type Entity, type MergeOut, pathOf, useDuplicates, useMerges, useUndoMerge } from './duplicatesApi';

function UndoButton({ m }: { m: MergeOut }) {
  const undo = useUndoMerge();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size="compact-sm"
      variant="light"
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
  );
}

/**
 * On a record page: "possible duplicate" when open candidate pairs exist (linking to the side-by-side
 * review), "merged into …" on a merged record, and the latest merge into this record with its undo.
 */
export function DuplicateBanner({ entity, id, deleted }: { entity: Entity; id: string; deleted: boolean }) {
  const path = pathOf(entity);
  const { canWrite } = usePermissions();
  const pairs = useDuplicates(entity, { recordId: id, enabled: !deleted });
  const merges = useMerges({ entity, recordId: id });
  const live = (merges.data?.data ?? []).filter((m) => !m.undoneAt);
  const into = deleted ? live.find((m) => m.mergedIds.includes(id)) : undefined;
  const latest = live.find((m) => m.survivorId === id);
  const others = (pairs.data?.data ?? []).map((p) => {
    const other = p.recordIds.find((x) => x !== id)!;
    return {
      id: other,
      name: p.records.find((r) => r.id === other)?.name ?? 'another record',
      score: p.score,
    };
  });
  return (
    <Stack gap="xs">
      {into && (
        <Alert color="gray" icon={<IconGitMerge size={18} />} data-testid="merged-into-banner">
          <Group justify="space-between">
            <Text size="sm">
              This {entity} was merged into{' '}
              <Anchor component={Link} to={`/${path}/${into.survivorId}`}>
                {into.survivorName}
              </Anchor>
              .
            </Text>
            {canWrite && <UndoButton m={into} />}
          </Group>
        </Alert>
      )}
      {others.length > 0 && (
        <Alert
          color="orange"
          icon={<IconCopy size={18} />}
          data-testid="duplicate-banner"
          title="Possible duplicate"
        >
          <Stack gap={4}>
            {others.map((o) => (
              <Group key={o.id} justify="space-between">
                <Text size="sm">
                  Looks like{' '}
                  <Anchor component={Link} to={`/${path}/${o.id}`}>
                    {o.name}
                  </Anchor>{' '}
                  ({Math.round(o.score * 100)}% match)
                </Text>
                <Button component={Link} to={`/duplicates/${path}/merge?ids=${id},${o.id}`} size="compact-sm">
                  Review
                </Button>
              </Group>
            ))}
          </Stack>
        </Alert>
      )}
      {latest && !deleted && (
        <Alert color="teal" icon={<IconGitMerge size={18} />} data-testid="merged-here-banner">
          <Group justify="space-between">
            <Text size="sm">
              {latest.mergedNames.join(', ')} {latest.mergedNames.length > 1 ? 'were' : 'was'} merged into
              this {entity} on {new Date(latest.createdAt).toLocaleString()}.
            </Text>
            {canWrite && <UndoButton m={latest} />}
          </Group>
        </Alert>
      )}
    </Stack>
  );
}
