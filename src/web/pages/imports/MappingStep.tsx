import {
  Alert,
  Button,
  Center,
  Divider,
  Group,
  Loader,
  Paper,
  Popover,
  Stack,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconDeviceFloppy, IconEye } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { usePermissions } from '../../auth/session';
import { showApiError } from '../../lib/forms';
import { ImportSettingsForm } from './ImportSettingsForm';
import { type Draft, draftOf, duplicateTargets, settingsOf } from './importDraft';
import { type ImportOut, type ImportTemplateOut, useImportFields } from './importsApi';
import { MappingTable } from './MappingTable';

function SaveTemplate({ imp, draft }: { imp: ImportOut; draft: Draft }) {
  const qc = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [name, setName] = useState(imp.fileName?.replace(/\.[^.]+$/, '') ?? '');
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const t = await api.post<ImportTemplateOut>('/import-templates', {
        entity: imp.entity,
        name: name.trim(),
        ...settingsOf(draft),
      });
      notifications.show({ color: 'green', message: `Template “${t.name}” saved` });
      void qc.invalidateQueries({ queryKey: ['import-templates'] });
      setOpened(false);
    } catch (e) {
      showApiError(e, undefined, { title: 'The template was not saved' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Popover opened={opened} onChange={setOpened} position="top-start" withArrow trapFocus>
      <Popover.Target>
        <Button
          variant="default"
          leftSection={<IconDeviceFloppy size={16} />}
          onClick={() => setOpened((o) => !o)}
        >
          Save as template
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Group gap="xs" align="flex-end">
          <TextInput
            label="Template name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Enter' && name.trim() && void save()}
            w={240}
            data-autofocus
          />
          <Button onClick={save} loading={busy} disabled={!name.trim()}>
            Save
          </Button>
        </Group>
      </Popover.Dropdown>
    </Popover>
  );
}

/** Step 2: the column mapping (suggested, editable) and the settings; "Preview" re-previews the whole file. */
export function MappingStep({ imp, onPreviewed }: { imp: ImportOut; onPreviewed: (imp: ImportOut) => void }) {
  const { canWrite } = usePermissions();
  const fields = useImportFields(imp.entity);
  const [draft, setDraft] = useState<Draft>(() => draftOf(imp));
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const twice = duplicateTargets(draft.mapping);
  const badCountry = !!draft.defaultCountry && !/^[A-Z]{2}$/.test(draft.defaultCountry);

  const preview = async () => {
    setBusy(true);
    try {
      const r = await api.patch<ImportOut>(`/imports/${imp.id}`, settingsOf(draft));
      onPreviewed(r.data);
    } catch (e) {
      showApiError(e, undefined, { title: 'The preview could not run' });
    } finally {
      setBusy(false);
    }
  };

  if (fields.isPending)
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  if (fields.error)
    return (
      <Alert color="red" icon={<IconAlertCircle size={18} />} title="Could not load the fields">
        {(fields.error as Error).message}
      </Alert>
    );
  return (
    <Stack gap="md" data-testid="mapping-step">
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <MappingTable
            imp={imp}
            fields={fields.data}
            mapping={draft.mapping}
            onChange={(h, f) => set({ mapping: { ...draft.mapping, [h]: f } })}
          />
        </Stack>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <ImportSettingsForm fields={fields.data} draft={draft} set={set} />
      </Paper>
      <Divider />
      <Group justify="space-between">
        {canWrite ? <SaveTemplate imp={imp} draft={draft} /> : <span />}
        <Button
          leftSection={<IconEye size={16} />}
          onClick={preview}
          loading={busy}
          disabled={!canWrite || twice.size > 0 || badCountry}
        >
          Preview
        </Button>
      </Group>
    </Stack>
  );
}
