import { Anchor, Button, Checkbox, Group, Menu, Modal, SegmentedControl, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconColumns,
  IconDownload,
  IconFileSpreadsheet,
  IconFileTypeCsv,
  IconServer,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, BASE, type Query, withQuery } from '../api/client';
import { download, exportInBackground } from './export-job';

type Format = 'csv' | 'xlsx';
type ExportColumn = { key: string; label: string; default: boolean };

/**
 * "Export" on a list page: the list as it is filtered, searched and sorted now, to CSV or Excel, with
 * the default columns or chosen ones. A plain download of GET /api/v1/<resource>/export, or, for a large
 * list, a file prepared on the server by an export job (a notification follows it; then it downloads).
 */
export function ExportButton({ path, query, plural }: { path: string; query: Query; plural: string }) {
  const [choosing, chooser] = useDisclosure(false);
  const url = (format: Format, columns?: string[]) =>
    withQuery(`${BASE}${path}/export`, { ...query, format, columns: columns?.join(',') });
  return (
    <>
      <Menu position="bottom-end" shadow="md">
        <Menu.Target>
          <Button variant="default" leftSection={<IconDownload size={16} />}>
            Export
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Export these {plural}</Menu.Label>
          <Menu.Item leftSection={<IconFileTypeCsv size={16} />} onClick={() => download(url('csv'))}>
            CSV
          </Menu.Item>
          <Menu.Item leftSection={<IconFileSpreadsheet size={16} />} onClick={() => download(url('xlsx'))}>
            Excel
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item leftSection={<IconColumns size={16} />} onClick={chooser.open}>
            Choose columns…
          </Menu.Item>
          <Menu.Divider />
          <Menu.Label>Large lists: prepared on the server</Menu.Label>
          <Menu.Item
            leftSection={<IconServer size={16} />}
            onClick={() => void exportInBackground(path, query, 'csv', plural)}
          >
            CSV in the background
          </Menu.Item>
          <Menu.Item
            leftSection={<IconServer size={16} />}
            onClick={() => void exportInBackground(path, query, 'xlsx', plural)}
          >
            Excel in the background
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={choosing} onClose={chooser.close} title={`Export ${plural}: columns`} size="lg">
        {choosing && (
          <ColumnChooser
            path={path}
            onExport={(format, columns) => {
              download(url(format, columns));
              chooser.close();
            }}
          />
        )}
      </Modal>
    </>
  );
}

function ColumnChooser({
  path,
  onExport,
}: {
  path: string;
  onExport: (format: Format, columns: string[]) => void;
}) {
  const columns = useQuery({
    queryKey: ['export-columns', path],
    queryFn: ({ signal }) =>
      api.get<{ data: ExportColumn[] }>(`${path}/export/columns`, undefined, signal).then((r) => r.data),
  });
  const all = columns.data ?? [];
  const [checked, setChecked] = useState<string[]>([]);
  const [format, setFormat] = useState<Format>('csv');
  // biome-ignore lint/correctness/useExhaustiveDependencies: start from the default set once loaded
  useEffect(() => setChecked(all.filter((c) => c.default).map((c) => c.key)), [columns.data]);
  // The file keeps the order of the list below, whatever order the boxes were ticked in.
  const chosen = all.filter((c) => checked.includes(c.key)).map((c) => c.key);
  return (
    <Stack gap="sm">
      <Group gap="md">
        <Anchor component="button" size="sm" onClick={() => setChecked(all.map((c) => c.key))}>
          All
        </Anchor>
        <Anchor
          component="button"
          size="sm"
          onClick={() => setChecked(all.filter((c) => c.default).map((c) => c.key))}
        >
          Defaults
        </Anchor>
        <Anchor component="button" size="sm" onClick={() => setChecked([])}>
          None
        </Anchor>
        <Text size="sm" c="dimmed" ml="auto">
          {chosen.length} of {all.length} columns
        </Text>
      </Group>
      {columns.isPending ? (
        <Text size="sm" c="dimmed">
          Loading columns…
        </Text>
      ) : (
        <Checkbox.Group value={checked} onChange={setChecked} aria-label="Columns">
          <Stack gap={6} mah={360} style={{ overflowY: 'auto' }}>
            {all.map((c) => (
              <Checkbox key={c.key} value={c.key} label={c.label} />
            ))}
          </Stack>
        </Checkbox.Group>
      )}
      <Group justify="space-between" mt="sm">
        <SegmentedControl
          value={format}
          onChange={(v) => setFormat(v as Format)}
          data={[
            { value: 'csv', label: 'CSV' },
            { value: 'xlsx', label: 'Excel' },
          ]}
          aria-label="Format"
        />
        <Button
          leftSection={<IconDownload size={16} />}
          disabled={!chosen.length}
          onClick={() => onExport(format, chosen)}
        >
          Download
        </Button>
      </Group>
    </Stack>
  );
}
