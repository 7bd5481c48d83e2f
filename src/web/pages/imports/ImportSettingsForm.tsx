import {
  ActionIcon,
  Button,
  Group,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { type Draft, matchOptions } from './importDraft';
import { MODES, POLICIES, type TargetField } from './importsApi';

const DATE_FORMATS = [
  { value: 'auto', label: 'Automatic (ISO, or day first when clear)' },
  { value: 'ymd', label: 'Year-month-day (2025-04-03)' },
  { value: 'dmy', label: 'Day/month/year (03/04/2025)' },
  { value: 'mdy', label: 'Month/day/year (04/03/2025)' },
];

/** Mode, what identifies an existing record, the duplicate policy, defaults and how to read values. */
export function ImportSettingsForm({
  fields,
  draft,
  set,
}: {
  fields: TargetField[];
  draft: Draft;
  set: (patch: Partial<Draft>) => void;
}) {
  const match = matchOptions(fields);
  const fieldData = fields.map((f) => ({ value: f.key, label: f.label }));
  const setDefault = (i: number, patch: Partial<Draft['defaults'][number]>) =>
    set({ defaults: draft.defaults.map((d, j) => (j === i ? { ...d, ...patch } : d)) });
  return (
    <Stack gap="md" data-testid="import-settings">
      <Title order={3} fz="md">
        Settings
      </Title>
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
        <Radio.Group label="Mode" value={draft.mode} onChange={(v) => set({ mode: v as Draft['mode'] })}>
          <Stack gap={6} mt={6}>
            {MODES.map((m) => (
              <Radio key={m.value} value={m.value} label={m.label} />
            ))}
          </Stack>
        </Radio.Group>
        {match.length > 0 && (
          <Select
            label="Match existing records on"
            description="How a row finds the record it is (for updates and duplicates)"
            data={match}
            value={draft.matchOn}
            onChange={(v) => v && set({ matchOn: v })}
            allowDeselect={false}
          />
        )}
        <Select
          label="When a row matches an existing record"
          description={
            draft.mode === 'create' ? 'The duplicate policy in create-only mode' : 'Used in create-only mode'
          }
          data={POLICIES}
          value={draft.duplicatePolicy}
          onChange={(v) => v && set({ duplicatePolicy: v as Draft['duplicatePolicy'] })}
          disabled={draft.mode !== 'create'}
          allowDeselect={false}
        />
      </SimpleGrid>
      <div>
        <Text size="sm" fw={500}>
          Defaults
        </Text>
        <Text size="xs" c="dimmed" mb={6}>
          A value for every row that leaves the field empty (e.g. the source of a trade-show list).
        </Text>
        <Stack gap="xs">
          {draft.defaults.map((d, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
            <Group key={i} gap="xs" wrap="nowrap">
              <Select
                aria-label="Default field"
                placeholder="Field"
                data={fieldData}
                value={d.key}
                onChange={(v) => setDefault(i, { key: v })}
                searchable
                w={260}
              />
              <TextInput
                aria-label="Default value"
                placeholder="Value"
                value={d.value}
                onChange={(e) => setDefault(i, { value: e.currentTarget.value })}
                w={260}
              />
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label="Remove default"
                onClick={() => set({ defaults: draft.defaults.filter((_, j) => j !== i) })}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Button
            variant="subtle"
            size="xs"
            w="fit-content"
            leftSection={<IconPlus size={14} />}
            onClick={() =>
              set({
                defaults: [
                  ...draft.defaults,
                  {
                    key: fields.some((f) => f.key === 'source') && !draft.defaults.length ? 'source' : null,
                    value: '',
                  },
                ],
              })
            }
          >
            Add a default
          </Button>
        </Stack>
      </div>
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
        <Select
          label="Dates like 03/04/2025"
          data={DATE_FORMATS}
          value={draft.dateFormat}
          onChange={(v) => v && set({ dateFormat: v as Draft['dateFormat'] })}
          allowDeselect={false}
        />
        <TextInput
          label="Country of local phone numbers"
          description="Two letters (GB, US…); the workspace's when empty"
          value={draft.defaultCountry}
          maxLength={2}
          onChange={(e) => set({ defaultCountry: e.currentTarget.value.toUpperCase() })}
          error={
            draft.defaultCountry && !/^[A-Z]{2}$/.test(draft.defaultCountry)
              ? 'Two letters, e.g. GB'
              : undefined
          }
        />
      </SimpleGrid>
    </Stack>
  );
}
