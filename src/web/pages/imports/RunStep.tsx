import { Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { IconPlayerStop } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../../api/client';
import { usePermissions } from '../../auth/session';
import { showApiError } from '../../lib/forms';
import type { ImportOut } from './importsApi';

/** Step 4: the run's live progress (the page polls the import every ~700 ms), with Cancel. */
export function RunStep({ imp, onChange }: { imp: ImportOut; onChange: (imp: ImportOut) => void }) {
  const { canWrite } = usePermissions();
  const [busy, setBusy] = useState(false);
  const { done, total, percent } = imp.progress;
  const cancel = async () => {
    setBusy(true);
    try {
      onChange(await api.post<ImportOut>(`/imports/${imp.id}/cancel`));
    } catch (e) {
      showApiError(e, undefined, { title: 'Could not cancel' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="lg" radius="md" data-testid="run-step">
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fw={600}>
            {imp.status === 'queued'
              ? 'Waiting to start…'
              : imp.cancelRequested
                ? 'Cancelling…'
                : 'Importing…'}
          </Text>
          <Text size="sm" c="dimmed" data-testid="run-progress-text">
            {done.toLocaleString()} of {total.toLocaleString()} rows · {Math.round(percent)}%
          </Text>
        </Group>
        <Progress
          value={Math.max(percent, imp.status === 'queued' ? 2 : 0)}
          animated
          size="lg"
          aria-label="Import progress"
        />
        <Text size="xs" c="dimmed">
          The import runs on the server: you can leave this page and come back from Imports.
        </Text>
        {canWrite && (
          <Group justify="flex-end">
            <Button
              color="red"
              variant="light"
              leftSection={<IconPlayerStop size={16} />}
              onClick={cancel}
              loading={busy}
              disabled={imp.cancelRequested}
            >
              Cancel import
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
