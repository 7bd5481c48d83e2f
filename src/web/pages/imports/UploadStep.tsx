import { Alert, Anchor, Button, FileInput, Group, Paper, Select, Stack, Text } from '@mantine/core';
import { IconDownload, IconFileSpreadsheet, IconLock, IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { usePermissions } from '../../auth/session';
import {
  ENTITIES,
  type ImportEntity,
  type ImportOut,
  templateHref,
  uploadErrorText,
  uploadImport,
  useImportTemplates,
} from './importsApi';

const ACCEPT =
  '.csv,.tsv,.txt,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Step 1: what to import (entity, file, optional saved template); the upload stages and previews it. */
export function UploadStep({
  initialEntity,
  onUploaded,
}: {
  initialEntity: ImportEntity;
  onUploaded: (imp: ImportOut) => void;
}) {
  const [entity, setEntity] = useState<ImportEntity>(initialEntity);
  const [file, setFile] = useState<File | null>(null);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const templates = useImportTemplates(entity);
  const { canWrite } = usePermissions();

  const upload = async () => {
    if (!file) {
      setError('Choose a CSV or Excel file');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onUploaded(await uploadImport(file, { entity, templateId }));
    } catch (e) {
      setError(uploadErrorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (!canWrite)
    return (
      <Alert color="gray" icon={<IconLock size={18} />} maw={640}>
        Your role can see imports but not start one: ask a rep, manager or admin of this workspace.
      </Alert>
    );
  return (
    <Paper withBorder p="lg" radius="md" maw={640} data-testid="upload-step">
      <Stack gap="md">
        <Select
          label="What do the rows hold?"
          data={ENTITIES.map((e) => ({ value: e.value, label: e.label }))}
          value={entity}
          onChange={(v) => {
            if (!v) return;
            setEntity(v as ImportEntity);
            setTemplateId(null);
          }}
          allowDeselect={false}
          w={260}
        />
        <FileInput
          label="File"
          description="CSV (any delimiter, UTF-8 or Latin-1) or Excel (.xlsx); the first row holds the column names"
          placeholder="Choose a file…"
          accept={ACCEPT}
          leftSection={<IconFileSpreadsheet size={16} />}
          value={file}
          onChange={(f) => {
            setFile(f);
            setError(null);
          }}
          error={error}
          clearable
        />
        <Select
          label="Saved template"
          description="Start from a saved mapping and settings (optional)"
          placeholder={templates.data?.length ? 'None: suggest a mapping' : 'No saved templates'}
          data={(templates.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
          value={templateId}
          onChange={setTemplateId}
          disabled={!templates.data?.length}
          clearable
          w={360}
        />
        <Group justify="space-between" align="center">
          <Group gap="xs">
            <IconDownload size={16} color="var(--mantine-color-dimmed)" />
            <Text size="sm" c="dimmed">
              Template:
            </Text>
            <Anchor href={templateHref(entity, 'csv')} download size="sm">
              CSV
            </Anchor>
            <Anchor href={templateHref(entity, 'xlsx')} download size="sm">
              Excel
            </Anchor>
          </Group>
          <Button leftSection={<IconUpload size={16} />} onClick={upload} loading={busy}>
            Upload and map columns
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
