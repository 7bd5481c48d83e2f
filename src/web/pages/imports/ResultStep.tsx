import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  ThemeIcon,
} from '@mantine/core';
import {
  IconAlertCircle,
  IconArrowBackUp,
  IconCircleCheck,
  IconDownload,
  IconPlayerPlay,
  IconPlayerStop,
} from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { usePermissions } from '../../auth/session';
import { formatDateTime } from '../../lib/format';
import { showApiError } from '../../lib/forms';
import { ImportRowsTable } from './ImportRowsTable';
import { entityLabel, errorFileHref, type ImportOut, plural } from './importsApi';

function Stat({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <Paper withBorder p="sm" radius="md" data-testid={`result-${label.toLowerCase()}`}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fz={26} fw={700} c={value ? color : 'dimmed'}>
        {value.toLocaleString()}
      </Text>
    </Paper>
  );
}

function RollbackButton({ imp, onChange }: { imp: ImportOut; onChange: (imp: ImportOut) => void }) {
  const [opened, setOpened] = useState(false);
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState(false);
  const r = imp.result;
  const rollback = async () => {
    setBusy(true);
    try {
      onChange(await api.post<ImportOut>(`/imports/${imp.id}/rollback`, { force }));
      setOpened(false);
    } catch (e) {
      showApiError(e, undefined, { title: 'The import was not rolled back' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button
        color="red"
        variant="light"
        leftSection={<IconArrowBackUp size={16} />}
        onClick={() => setOpened(true)}
      >
        Roll back
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title="Roll back this import?">
        <Stack gap="md">
          <Text size="sm">
            Deletes the {plural(r?.created ?? 0, 'record')} it created and restores the{' '}
            {plural(r?.updated ?? 0, 'record')} it updated to what they were before. Records changed since the
            import are left alone and reported, unless you also undo them.
          </Text>
          <Checkbox
            label="Also undo records changed since the import"
            description="Their later changes are lost"
            checked={force}
            onChange={(e) => setForce(e.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)}>
              Keep the import
            </Button>
            <Button color="red" onClick={rollback} loading={busy}>
              Roll back
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** A failed run goes on from its first row not written (rows already written are not redone). */
function ResumeButton({ imp, onChange }: { imp: ImportOut; onChange: (imp: ImportOut) => void }) {
  const [busy, setBusy] = useState(false);
  const resume = async () => {
    setBusy(true);
    try {
      onChange(await api.post<ImportOut>(`/imports/${imp.id}/run`));
    } catch (e) {
      showApiError(e, undefined, { title: 'The import could not resume' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button leftSection={<IconPlayerPlay size={16} />} onClick={resume} loading={busy}>
      Resume import
    </Button>
  );
}

function RolledBack({ imp }: { imp: ImportOut }) {
  const rb = imp.result?.rolledBack;
  if (!rb) return null;
  return (
    <Alert
      color={rb.conflicts ? 'orange' : 'grape'}
      icon={<IconArrowBackUp size={18} />}
      title={`Rolled back${imp.rolledBackAt ? ` ${formatDateTime(imp.rolledBackAt)}` : ''}`}
      data-testid="rollback-result"
    >
      {plural(rb.deleted, 'record')} deleted, {plural(rb.restored, 'record')} restored
      {rb.conflicts
        ? rb.forced
          ? `; ${plural(rb.conflicts, 'record')} changed since the import were overwritten.`
          : `; ${plural(rb.conflicts, 'record')} changed since the import were left as they are.`
        : '.'}
    </Alert>
  );
}

const OUTCOME: Partial<Record<ImportOut['status'], [typeof IconCircleCheck, string]>> = {
  failed: [IconAlertCircle, 'red'],
  cancelled: [IconPlayerStop, 'orange'],
  rolled_back: [IconArrowBackUp, 'grape'],
};

/** Step 5: what the run did, the error file, and rollback; then the rows with what happened to each. */
export function ResultStep({ imp, onChange }: { imp: ImportOut; onChange: (imp: ImportOut) => void }) {
  const { canWrite } = usePermissions();
  const r = imp.result ?? { created: 0, updated: 0, skipped: 0, failed: 0 };
  const wrote = r.created + r.updated > 0;
  const canRollback = canWrite && imp.status !== 'rolled_back' && wrote;
  const [Icon, color] = OUTCOME[imp.status] ?? [IconCircleCheck, 'teal'];
  return (
    <Stack gap="md" data-testid="result-step">
      <Paper withBorder p="md" radius="md">
        <Stack gap="md">
          <Group gap="sm">
            <ThemeIcon color={color} variant="light" radius="xl" size="lg">
              <Icon size={20} />
            </ThemeIcon>
            <div>
              <Text fw={600}>
                {imp.status === 'failed'
                  ? 'The import failed'
                  : imp.status === 'cancelled'
                    ? 'The import was cancelled'
                    : imp.status === 'rolled_back'
                      ? 'The import was rolled back'
                      : 'Import finished'}
              </Text>
              <Text size="xs" c="dimmed">
                {imp.finishedAt ? `Finished ${formatDateTime(imp.finishedAt)}` : ''}
              </Text>
            </div>
          </Group>
          {imp.error && (
            <Alert color="red" icon={<IconAlertCircle size={18} />}>
              {imp.error}
            </Alert>
          )}
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            <Stat label="Created" value={r.created} color="teal.7" />
            <Stat label="Updated" value={r.updated} color="blue.7" />
            <Stat label="Skipped" value={r.skipped} />
            <Stat label="Failed" value={r.failed} color="red.7" />
          </SimpleGrid>
          {(r.contactsCreated || r.contactsUpdated) && imp.entity === 'leads' ? (
            <Text size="sm" c="dimmed">
              Their contacts: {plural(r.contactsCreated ?? 0, 'contact')} created,{' '}
              {(r.contactsUpdated ?? 0).toLocaleString()} updated.
            </Text>
          ) : null}
          <RolledBack imp={imp} />
          <Group justify="space-between">
            <Group gap="xs">
              {r.failed > 0 && (
                <Button
                  component="a"
                  href={errorFileHref(imp.id)}
                  download
                  variant="default"
                  leftSection={<IconDownload size={16} />}
                >
                  Download error file
                </Button>
              )}
              {imp.entity !== 'activities' && (
                <Anchor component={Link} to={`/${imp.entity}`} size="sm">
                  Open {entityLabel(imp.entity).toLowerCase()}
                </Anchor>
              )}
            </Group>
            <Group gap="xs">
              {canWrite && imp.status === 'failed' && <ResumeButton imp={imp} onChange={onChange} />}
              {canRollback && <RollbackButton imp={imp} onChange={onChange} />}
            </Group>
          </Group>
        </Stack>
      </Paper>
      <ImportRowsTable imp={imp} />
    </Stack>
  );
}
