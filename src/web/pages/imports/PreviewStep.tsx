import { Alert, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconArrowLeft, IconInfoCircle, IconPlayerPlay } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../../api/client';
import { usePermissions } from '../../auth/session';
import { showApiError } from '../../lib/forms';
import { CountBadges } from './ImportBadges';
import { ImportRowsTable } from './ImportRowsTable';
import { entityLabel, type ImportOut, plural } from './importsApi';

/** Rows the run writes: created, updated, and duplicates created flagged. */
export const rowsToWrite = (imp: ImportOut) => {
  const c = imp.preview.counts;
  return c ? c.create + c.update + c.duplicate : 0;
};

/** Step 3: what the import would do, row by row, before anything is written; "Import N rows" runs it. */
export function PreviewStep({
  imp,
  onBack,
  onStarted,
}: {
  imp: ImportOut;
  onBack: () => void;
  onStarted: (imp: ImportOut) => void;
}) {
  const { canWrite } = usePermissions();
  const [busy, setBusy] = useState(false);
  const n = rowsToWrite(imp);
  const counts = imp.preview.counts;
  const run = async () => {
    setBusy(true);
    try {
      onStarted(await api.post<ImportOut>(`/imports/${imp.id}/run`));
    } catch (e) {
      showApiError(e, undefined, { title: 'The import could not start' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="md" data-testid="preview-step">
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {plural(imp.totalRows, 'row')} of {entityLabel(imp.entity).toLowerCase()} in{' '}
            {imp.fileName ?? 'the file'}. Nothing is written until you run the import.
          </Text>
          {counts ? <CountBadges counts={counts} /> : <Text size="sm">The preview has not run yet.</Text>}
          {counts && counts.error > 0 && (
            <Alert color="yellow" icon={<IconInfoCircle size={18} />} p="xs">
              Rows with errors are not imported: they go to an error file you can download after the run, fix
              and import again.
            </Alert>
          )}
        </Stack>
      </Paper>
      <ImportRowsTable imp={imp} />
      <Group justify="space-between">
        <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={onBack}>
          Back to mapping
        </Button>
        {canWrite && (
          <Button leftSection={<IconPlayerPlay size={16} />} onClick={run} loading={busy} disabled={n === 0}>
            Import {plural(n, 'row')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
