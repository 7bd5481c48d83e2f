import { Button, Group, MultiSelect, Select, TagsInput } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { IconCalendar, IconFilterOff } from '@tabler/icons-react';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useMembers, usePipelines } from '../../api/hooks';
import { LEAD_SOURCES } from '../../lib/constants';
import { useTeams } from '../settings/AssignmentRulesModal';
import { BACKWARD_PRESETS, PRESETS, type RangeKey, type ReportUrlState } from './report-params';

export type FilterBarOptions = {
  /** Presets offered in the date picker (the first of them is not necessarily the default). */
  presets?: RangeKey[];
  /** The report always runs on one pipeline (the default one when none is chosen). */
  pipelineRequired?: boolean;
  /** Hide the pipeline filter (reports where it does not apply). */
  noPipeline?: boolean;
  /** What the date range applies to, shown as the picker's label. */
  rangeLabel?: string;
  defaultRange?: RangeKey;
};

const sameRange = (a: [string | null, string | null], b: [string | null, string | null]) =>
  a[0] === b[0] && a[1] === b[1];

/** One filter bar for every report: date range (with presets), pipeline, owners, team and sources. */
export function ReportFilterBar({
  state,
  options = {},
}: {
  state: ReportUrlState;
  options?: FilterBarOptions;
}) {
  const { filters: f, set } = state;
  const [picking, setPicking] = useState<[string | null, string | null] | null>(null);
  const pipelines = usePipelines();
  const members = useMembers();
  const teams = useTeams();
  const presetKeys = options.presets ?? BACKWARD_PRESETS;
  const presets = PRESETS.filter((p) => presetKeys.includes(p.key));
  const defaultPipeline = pipelines.data?.find((p) => p.isDefault) ?? pipelines.data?.[0];
  const owners = [
    { value: 'none', label: 'Unassigned' },
    ...(members.data ?? []).map((m) => ({ value: m.id, label: m.active ? m.name : `${m.name} (removed)` })),
  ];
  const touched = ['range', 'from', 'to', 'pipelineId', 'ownerId', 'teamId', 'source'].some(
    (k) => state.get(k) !== null,
  );
  return (
    <Group gap="xs" wrap="wrap" align="flex-end" data-testid="report-filters">
      <DatePickerInput
        type="range"
        label={options.rangeLabel ?? 'Date range'}
        aria-label="Date range"
        placeholder="All time"
        leftSection={<IconCalendar size={16} />}
        valueFormat="MMM D, YYYY"
        value={picking ?? [f.from, f.to]}
        presets={presets.map((p) => ({ value: p.range(), label: p.label }))}
        onDropdownClose={() => setPicking(null)}
        onChange={([a, b]) => {
          // Only a whole range changes the report; the first day picked waits here for the last.
          if (a && !b) return setPicking([a, null]);
          setPicking(null);
          const value: [string | null, string | null] = [
            a ? dayjs(a).format('YYYY-MM-DD') : null,
            b ? dayjs(b).format('YYYY-MM-DD') : null,
          ];
          const preset = presets.find((p) => sameRange(p.range(), value));
          if (preset) set({ range: preset.key, from: null, to: null });
          else set({ range: null, from: value[0], to: value[1] });
        }}
        allowSingleDateInRange
        ariaLabels={{
          previousMonth: 'Previous month',
          nextMonth: 'Next month',
          previousYear: 'Previous year',
          nextYear: 'Next year',
          monthLevelControl: 'Choose a month',
          yearLevelControl: 'Choose a year',
        }}
        w={260}
        data-testid="report-range"
      />
      {!options.noPipeline && (
        <Select
          label="Pipeline"
          aria-label="Pipeline"
          placeholder={options.pipelineRequired ? defaultPipeline?.name : 'All pipelines'}
          data={(pipelines.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          value={f.pipelineId ?? (options.pipelineRequired ? (defaultPipeline?.id ?? null) : null)}
          onChange={(v) => set({ pipelineId: v })}
          clearable={!options.pipelineRequired}
          allowDeselect={!options.pipelineRequired}
          w={180}
        />
      )}
      <MultiSelect
        label="Owners"
        aria-label="Owners"
        placeholder={f.ownerIds.length ? undefined : 'Everyone'}
        data={owners}
        value={f.ownerIds}
        onChange={(v) => set({ ownerId: v.join(',') })}
        searchable
        clearable
        w={220}
      />
      <Select
        label="Team"
        aria-label="Team"
        placeholder="Any team"
        data={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
        value={f.teamId}
        onChange={(v) => set({ teamId: v })}
        clearable
        w={160}
      />
      <TagsInput
        label="Sources"
        aria-label="Sources"
        placeholder={f.sources.length ? undefined : 'Any source'}
        data={LEAD_SOURCES}
        value={f.sources}
        onChange={(v) => set({ source: v.join(',') })}
        clearable
        w={220}
      />
      {touched && (
        <Button
          variant="subtle"
          color="gray"
          leftSection={<IconFilterOff size={16} />}
          onClick={() =>
            set({
              range: null,
              from: null,
              to: null,
              pipelineId: null,
              ownerId: null,
              teamId: null,
              source: null,
            })
          }
        >
          Reset
        </Button>
      )}
    </Group>
  );
}
