import {
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Loader,
  SegmentedControl,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { labelize } from '../../lib/format';
import { DecisionBadge } from './ImportBadges';
import {
  DECISIONS,
  type ImportDecision,
  type ImportOut,
  type ImportRowOut,
  recordHref,
  useImportRows,
} from './importsApi';

function Why({ row }: { row: ImportRowOut }) {
  const errors = row.errors.map((e) => (e.field ? `${e.field}: ${e.reason}` : e.reason));
  const lines = errors.length ? errors : row.reason ? [row.reason] : [];
  if (lines.length === 0)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  return (
    <Stack gap={0}>
      {lines.map((l) => (
        <Text key={l} size="sm" c={row.decision === 'error' ? 'red.8' : undefined}>
          {l}
        </Text>
      ))}
    </Stack>
  );
}

/** The record the row wrote (after the run) or matched (the preview's match); none once rolled back and deleted. */
function RecordLink({ imp, row }: { imp: ImportOut; row: ImportRowOut }) {
  const created = row.decision === 'create' || row.decision === 'duplicate';
  const id =
    row.applied && row.targetId
      ? imp.status === 'rolled_back' && created
        ? null
        : row.targetId
      : row.matchId;
  if (!id)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  const href = recordHref(imp.entity, id);
  const label = row.applied ? 'Open' : 'Match';
  return href ? (
    <Anchor component={Link} to={href} size="sm">
      {label}
    </Anchor>
  ) : (
    <Text size="xs" ff="monospace">
      {id.slice(0, 8)}
    </Text>
  );
}

/**
 * The rows of an import with their decisions (create, update, skip, duplicate, error), the reason,
 * the matched or written record and the cells as read; filtered by decision, paged with "Load more".
 */
export function ImportRowsTable({ imp }: { imp: ImportOut }) {
  const [decision, setDecision] = useState<ImportDecision | null>(null);
  // A new preview or a run changes the rows' decisions and links: refetch then.
  const version = `${imp.status}:${imp.previewedAt ?? ''}:${imp.finishedAt ?? ''}:${imp.rolledBackAt ?? ''}`;
  const q = useImportRows(imp.id, decision, version);
  const loaded = q.data?.pages.flatMap((p) => p.data) ?? [];
  // While another filter's rows load, the rows already here that match it stand in for them.
  const rows = q.isPlaceholderData && decision ? loaded.filter((r) => r.decision === decision) : loaded;
  const counts = imp.preview.counts;
  const headers = imp.headers;
  return (
    <Stack gap="sm" data-testid="import-rows">
      <SegmentedControl
        w="fit-content"
        aria-label="Show rows"
        value={decision ?? 'all'}
        onChange={(v) => setDecision(v === 'all' ? null : (v as ImportDecision))}
        data={[
          { value: 'all', label: `All (${imp.totalRows.toLocaleString()})` },
          ...DECISIONS.map((d) => ({
            value: d,
            label: `${labelize(d)}${counts ? ` (${counts[d].toLocaleString()})` : ''}`,
          })),
        ]}
      />
      {q.error ? (
        <Alert color="red" icon={<IconAlertCircle size={18} />} title="Could not load the rows">
          {(q.error as Error).message}
        </Alert>
      ) : (
        <Table.ScrollContainer minWidth={640 + headers.length * 140}>
          <Table verticalSpacing="xs" striped withTableBorder data-testid="import-rows-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={64}>Row</Table.Th>
                <Table.Th w={120}>Decision</Table.Th>
                <Table.Th w={260}>Reason</Table.Th>
                <Table.Th w={80}>Record</Table.Th>
                {headers.map((h) => (
                  <Table.Th key={h} style={{ whiteSpace: 'nowrap' }}>
                    {h}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr
                  key={r.rowNo}
                  data-testid="import-row"
                  data-row={r.rowNo}
                  data-decision={r.decision}
                >
                  <Table.Td>{r.rowNo}</Table.Td>
                  <Table.Td>
                    <DecisionBadge decision={r.decision} />
                  </Table.Td>
                  <Table.Td>
                    <Why row={r} />
                  </Table.Td>
                  <Table.Td>
                    <RecordLink imp={imp} row={r} />
                  </Table.Td>
                  {headers.map((h) => (
                    <Table.Td key={h} className="lb-nowrap" maw={240}>
                      <Text size="sm" truncate title={r.cells[h] ?? ''}>
                        {r.cells[h] ?? ''}
                      </Text>
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Center>
        {q.isPending ? (
          <Loader size="sm" />
        ) : q.hasNextPage ? (
          <Button
            variant="default"
            size="xs"
            onClick={() => q.fetchNextPage()}
            loading={q.isFetchingNextPage}
          >
            Load more
          </Button>
        ) : (
          <Group gap={4}>
            <Text size="xs" c="dimmed">
              {rows.length === 0
                ? 'No rows with this decision.'
                : `${rows.length.toLocaleString()} row${rows.length === 1 ? '' : 's'} · end of list`}
            </Text>
          </Group>
        )}
      </Center>
    </Stack>
  );
}
