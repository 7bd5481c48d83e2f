import { Alert, Badge, Group, Select, Table, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { ConfidenceBadge } from './ImportBadges';
import { type Draft, duplicateTargets, fieldOptions, NONE } from './importDraft';
import type { ImportOut, TargetField } from './importsApi';

/**
 * One row per source column: its header, a few sample values, the target field (grouped, searchable,
 * or "Don't import") and how sure the suggestion was. A field mapped twice is flagged on both rows.
 */
export function MappingTable({
  imp,
  fields,
  mapping,
  onChange,
}: {
  imp: ImportOut;
  fields: TargetField[];
  mapping: Draft['mapping'];
  onChange: (header: string, field: string | null) => void;
}) {
  const data = fieldOptions(imp.entity, fields);
  const labels = new Map(fields.map((f) => [f.key, f.label]));
  const twice = duplicateTargets(mapping);
  const suggestion = new Map(imp.suggestions.map((s) => [s.header, s]));
  const missing = fields.filter((f) => f.required && !Object.values(mapping).includes(f.key));
  const mapped = Object.values(mapping).filter(Boolean).length;
  return (
    <>
      {twice.size > 0 && (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="A field is mapped twice">
          Each field can take one column: {[...twice].map((k) => labels.get(k) ?? k).join(', ')}. Choose
          another field or "Don't import" for the extra column.
        </Alert>
      )}
      {missing.length > 0 && (
        <Alert color="yellow" icon={<IconAlertTriangle size={18} />}>
          No column is mapped to {missing.map((f) => f.label).join(', ')}: rows without it will be errors
          unless a default gives it.
        </Alert>
      )}
      <Text size="sm" c="dimmed">
        {mapped} of {imp.headers.length} columns imported.
      </Text>
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="xs" withTableBorder data-testid="mapping-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="24%">Column in the file</Table.Th>
              <Table.Th>Sample values</Table.Th>
              <Table.Th w={300}>Import as</Table.Th>
              <Table.Th w={130}>Suggestion</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {imp.headers.map((h) => {
              const s = suggestion.get(h);
              const value = mapping[h] ?? null;
              const dup = value !== null && twice.has(value);
              return (
                <Table.Tr key={h} data-testid="mapping-row" data-header={h}>
                  <Table.Td>
                    <Text fw={600} size="sm">
                      {h}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {(s?.sample ?? []).slice(0, 3).map((v) => (
                        <Badge key={v} variant="outline" color="gray" tt="none" fw={400} maw={180}>
                          {v}
                        </Badge>
                      ))}
                      {!s?.sample.length && (
                        <Text size="xs" c="dimmed">
                          empty
                        </Text>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Import ${h} as`}
                      data={data}
                      value={value ?? NONE}
                      onChange={(v) => onChange(h, !v || v === NONE ? null : v)}
                      searchable
                      allowDeselect={false}
                      nothingFoundMessage="No such field"
                      error={dup ? 'Also mapped from another column' : undefined}
                      comboboxProps={{ withinPortal: true }}
                    />
                  </Table.Td>
                  <Table.Td>
                    {s?.field ? (
                      s.field === value ? (
                        <ConfidenceBadge confidence={s.confidence} />
                      ) : (
                        <Text size="xs" c="dimmed">
                          Suggested: {labels.get(s.field) ?? s.field}
                        </Text>
                      )
                    ) : (
                      <Text size="xs" c="dimmed">
                        No match
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
