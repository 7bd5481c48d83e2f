import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Radio,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconGitMerge } from '@tabler/icons-react';
import { keepPreviousData, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, api } from '../../api/client';
import { useMembers } from '../../api/hooks';
import { usePermissions } from '../../auth/session';
import { RecordHeader, RecordState } from '../../components/RecordHeader';
import { showApiError } from '../../lib/forms';
import { entityOfPath, type MergeResult, useUndoMerge } from './duplicatesApi';
import { fieldsOf, movesText, type Rec } from './mergeFields';

const nameOf = (r: Rec) => String(r.name ?? r.title ?? r.id);

/**
 * Side by side merge: the records in columns, a radio per field to pick whose value wins, which
 * record survives, and the server's preview of the result and of what moves; then Merge (undoable).
 */
export function MergePage() {
  const { entity: entityPath } = useParams();
  const e = entityOfPath(entityPath);
  const [params] = useSearchParams();
  const ids = useMemo(() => (params.get('ids') ?? '').split(',').filter(Boolean), [params]);
  const { canWrite } = usePermissions();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const undo = useUndoMerge();
  const members = useMembers();
  const [survivorId, setSurvivorId] = useState<string>(ids[0] ?? '');
  const [picks, setPicks] = useState<Record<string, string>>({});
  const [showAll, setShowAll] = useState(false);
  const [busy, setBusy] = useState(false);

  const recordQs = useQueries({
    queries: ids.map((id) => ({
      queryKey: [e.path, 'one', id],
      queryFn: ({ signal }: { signal: AbortSignal }) => api.getWithEtag<Rec>(`/${e.path}/${id}`, signal),
    })),
  });
  const records = recordQs.map((q) => q.data?.data).filter((r): r is Rec => !!r);
  const loaded = records.length === ids.length && ids.length >= 2;
  const mergedIds = ids.filter((id) => id !== survivorId);
  const body = { survivorId, mergedIds, fields: picks };
  const preview = useQuery({
    queryKey: ['merge-preview', e.entity, body],
    queryFn: () => api.post<MergeResult<Rec>>(`/${e.path}/merge`, { ...body, preview: true }),
    enabled: loaded && records.every((r) => !r.deletedAt),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const accountIds = [
    ...new Set(records.map((r) => r.accountId).filter((x): x is string => typeof x === 'string')),
  ];
  const accounts = useQueries({
    queries: accountIds.map((id) => ({
      queryKey: ['accounts', 'one', id],
      queryFn: ({ signal }: { signal: AbortSignal }) => api.getWithEtag<Rec>(`/accounts/${id}`, signal),
    })),
  });

  if (ids.length < 2)
    return (
      <Alert color="yellow" icon={<IconAlertCircle size={18} />}>
        Pick two or more records to merge from the duplicates list.
      </Alert>
    );
  const failed = recordQs.find((q) => q.error);
  if (!loaded) return <RecordState error={failed?.error ?? null} what={e.entity} />;

  const fields = fieldsOf(e.entity, records);
  const display = (pick: string, r: Rec, show: (r: Rec) => string) => {
    if (pick === 'ownerId' && r.ownerId)
      return members.data?.find((m) => m.id === r.ownerId)?.name ?? String(r.ownerId);
    if (pick === 'accountId' && r.accountId) {
      const i = accountIds.indexOf(String(r.accountId));
      return String(accounts[i]?.data?.data.name ?? r.accountId);
    }
    return show(r);
  };
  const differs = (pick: string, show: (r: Rec) => string) =>
    new Set(records.map((r) => display(pick, r, show))).size > 1;
  const visible = fields.filter((f) => showAll || differs(f.pick, f.show));
  const result = preview.data;
  const chosen = (pick: string) => picks[pick] ?? result?.picks[pick] ?? survivorId;
  const gone = records.filter((r) => r.deletedAt);

  const merge = async () => {
    setBusy(true);
    try {
      const r = await api.post<MergeResult<Rec>>(`/${e.path}/merge`, body);
      for (const k of ['duplicates', 'merges', e.path, 'audit']) void qc.invalidateQueries({ queryKey: [k] });
      navigate(`/${e.path}/${survivorId}`);
      const nid = notifications.show({
        color: 'green',
        title: 'Merged',
        autoClose: 15_000,
        message: (
          <Group gap="xs">
            <Text size="sm">
              {records
                .filter((x) => x.id !== survivorId)
                .map(nameOf)
                .join(', ')}{' '}
              merged into {nameOf(r.survivor)}.
            </Text>
            <Button
              size="compact-xs"
              variant="light"
              onClick={async () => {
                notifications.hide(nid);
                await undo({ id: r.mergeId! });
              }}
            >
              Undo
            </Button>
          </Group>
        ),
      });
    } catch (err) {
      showApiError(err, undefined, { title: 'The merge failed' });
    } finally {
      setBusy(false);
    }
  };

  const moves = movesText(result?.moves ?? {});
  const previewError = preview.error instanceof ApiError ? preview.error : null;
  return (
    <Stack gap="lg">
      <RecordHeader
        crumb={{ label: 'Duplicates', to: `/duplicates/${e.path}` }}
        title={`Merge ${records.length} ${e.label.toLowerCase()}`}
        subtitle="Choose the record that stays and, for each field that differs, whose value wins. Everything linked to the others moves to it; the merge can be undone."
      />
      {gone.length > 0 && (
        <Alert color="yellow" icon={<IconAlertCircle size={18} />}>
          {gone.map(nameOf).join(', ')} {gone.length > 1 ? 'are' : 'is'} deleted or already merged.
        </Alert>
      )}
      <Paper withBorder p={0} style={{ overflowX: 'auto' }}>
        <Table verticalSpacing="sm" horizontalSpacing="md" striped data-testid="merge-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={180}>Field</Table.Th>
              {records.map((r) => (
                <Table.Th key={r.id}>
                  <Stack gap={4}>
                    <Anchor component={Link} to={`/${e.path}/${r.id}`} fw={600}>
                      {nameOf(r)}
                    </Anchor>
                    <Radio
                      size="xs"
                      label="Keep this record"
                      aria-label={`Keep ${nameOf(r)}`}
                      checked={survivorId === r.id}
                      onChange={() => setSurvivorId(r.id)}
                    />
                    {survivorId === r.id && (
                      <Badge size="xs" color="teal" variant="light" w="fit-content">
                        Survivor
                      </Badge>
                    )}
                  </Stack>
                </Table.Th>
              ))}
              <Table.Th>Result</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {visible.map((f) => (
              <Table.Tr key={f.pick}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {f.label}
                  </Text>
                </Table.Td>
                {records.map((r) => {
                  const value = display(f.pick, r, f.show);
                  return (
                    <Table.Td key={r.id}>
                      {differs(f.pick, f.show) ? (
                        <Radio
                          size="sm"
                          name={f.pick}
                          aria-label={`${f.label} from ${nameOf(r)}`}
                          label={
                            value || (
                              <Text span c="dimmed" size="sm">
                                —
                              </Text>
                            )
                          }
                          checked={chosen(f.pick) === r.id}
                          onChange={() => setPicks((p) => ({ ...p, [f.pick]: r.id }))}
                        />
                      ) : (
                        <Text size="sm">{value || '—'}</Text>
                      )}
                    </Table.Td>
                  );
                })}
                <Table.Td data-testid={`result-${f.pick}`}>
                  <Text size="sm" fw={600}>
                    {result ? display(f.pick, result.survivor, f.show) || '—' : '…'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
            {visible.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={records.length + 2}>
                  <Text c="dimmed" size="sm">
                    No field differs between these records.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      <Group justify="space-between" align="flex-start">
        <Switch
          label="Show fields that are the same"
          checked={showAll}
          onChange={(ev) => setShowAll(ev.currentTarget.checked)}
        />
        <Paper withBorder p="md" maw={520}>
          <Stack gap={6}>
            <Title order={4}>What moves to the survivor</Title>
            {previewError ? (
              <Text c="red" size="sm">
                {previewError.detail}
              </Text>
            ) : moves ? (
              <Text size="sm" data-testid="merge-moves">
                {moves}
              </Text>
            ) : (
              <Text size="sm" c="dimmed">
                {result ? 'Nothing else is linked to the merged records.' : 'Working out the preview…'}
              </Text>
            )}
            <Text size="xs" c="dimmed">
              Emails, phones and addresses of all records are kept (the picked one first). The merged records
              are deleted (restorable by undoing the merge).
            </Text>
            {canWrite && (
              <Group justify="flex-end" mt="xs">
                <Button
                  leftSection={<IconGitMerge size={16} />}
                  onClick={merge}
                  loading={busy}
                  disabled={!result || !!previewError || gone.length > 0}
                >
                  Merge
                </Button>
              </Group>
            )}
          </Stack>
        </Paper>
      </Group>
    </Stack>
  );
}
