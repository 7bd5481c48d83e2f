import { Autocomplete, Button, Group, Popover, RangeSlider, Select, Stack, Text } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { IconCalendar, IconFilterOff, IconGauge } from '@tabler/icons-react';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useMembers } from '../../api/hooks';
import { SearchBox, type useListState } from '../../components/ListPage';
import { LEAD_SOURCES } from '../../lib/constants';
import type { BoardQuery } from './boardApi';

type ListState = ReturnType<typeof useListState>;

/** URL parameters of the board's filters (kept in the URL so a link or a reload keeps them). */
const PARAMS = ['owner', 'source', 'scoreMin', 'scoreMax', 'createdFrom', 'createdTo', 'q'] as const;

const num = (v: string | undefined): number | undefined => {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/**
 * The board query from the URL (owner: a member's id, `me` or `none`); the created range is whole days
 * in the user's time zone.
 */
export function useBoardQuery(list: ListState): BoardQuery {
  const owner = list.get('owner');
  const from = list.get('createdFrom');
  const to = list.get('createdTo');
  const key = list.key;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the URL (key) decides it
  return useMemo(() => {
    const q: BoardQuery = {};
    if (owner) q.ownerId = owner;
    const source = list.get('source');
    if (source) q.source = source;
    const min = num(list.get('scoreMin'));
    const max = num(list.get('scoreMax'));
    if (min !== undefined) q.scoreMin = min;
    if (max !== undefined) q.scoreMax = max;
    if (from && dayjs(from).isValid()) q.createdFrom = dayjs(from).startOf('day').toISOString();
    if (to && dayjs(to).isValid()) q.createdTo = dayjs(to).endOf('day').toISOString();
    const text = list.get('q');
    if (text) q.q = text;
    return q;
  }, [key]);
}

export const hasFilters = (list: ListState) => PARAMS.some((p) => !!list.get(p));

function ScoreFilter({ list }: { list: ListState }) {
  const min = num(list.get('scoreMin')) ?? 0;
  const max = num(list.get('scoreMax')) ?? 100;
  const [range, setRange] = useState<[number, number]>([min, max]);
  useEffect(() => setRange([min, max]), [min, max]);
  const active = min > 0 || max < 100;
  return (
    <Popover position="bottom-start" shadow="md" width={280} trapFocus>
      <Popover.Target>
        <Button
          variant={active ? 'light' : 'default'}
          leftSection={<IconGauge size={16} />}
          aria-label="Score range"
          fw={active ? 600 : 400}
        >
          {active ? `Score ${min}–${max}` : 'Any score'}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="sm" pb="xs">
          <Text size="sm" fw={500}>
            Score between {range[0]} and {range[1]}
          </Text>
          <RangeSlider
            min={0}
            max={100}
            minRange={0}
            value={range}
            onChange={setRange}
            onChangeEnd={([a, b]) =>
              list.set({ scoreMin: a > 0 ? String(a) : null, scoreMax: b < 100 ? String(b) : null })
            }
            marks={[{ value: 0 }, { value: 50 }, { value: 100 }]}
            label={(v) => v}
          />
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

/** Owner (anyone, me, unassigned, a member), source, score range, created range and search. */
export function BoardFilters({ list }: { list: ListState }) {
  const { data: members } = useMembers();
  const owners = [
    { value: 'me', label: 'Me' },
    { value: 'none', label: 'Unassigned' },
    ...(members ?? []).filter((m) => m.active).map((m) => ({ value: m.id, label: m.name })),
  ];
  const from = list.get('createdFrom');
  const to = list.get('createdTo');
  // Clearing remounts the inputs that keep their own text (search, source).
  const [resets, setResets] = useState(0);
  return (
    <Group gap="xs" wrap="wrap" data-testid="board-filters">
      <SearchBox
        key={`q${resets}`}
        value={list.q}
        onChange={(v) => list.set({ q: v })}
        placeholder="Search name, email, company…"
      />
      <Select
        aria-label="Owner"
        placeholder="Any owner"
        data={owners}
        value={list.get('owner') ?? null}
        onChange={(v) => list.set({ owner: v })}
        searchable
        clearable
        w={160}
      />
      <Autocomplete
        key={`s${resets}`}
        aria-label="Source"
        placeholder="Any source"
        data={LEAD_SOURCES}
        defaultValue={list.get('source') ?? ''}
        onChange={(v) => list.set({ source: v.trim() })}
        w={140}
      />
      <ScoreFilter list={list} />
      <DatePickerInput
        type="range"
        aria-label="Created"
        placeholder="Created any time"
        leftSection={<IconCalendar size={16} />}
        valueFormat="MMM D, YYYY"
        value={[from ?? null, to ?? null]}
        onChange={([a, b]) => {
          // Only a whole range (or none) changes the board.
          if (a && !b) return;
          list.set({
            createdFrom: a ? dayjs(a).format('YYYY-MM-DD') : null,
            createdTo: b ? dayjs(b).format('YYYY-MM-DD') : null,
          });
        }}
        clearable
        allowSingleDateInRange
        w={250}
      />
      {hasFilters(list) && (
        <Button
          variant="subtle"
          color="gray"
          leftSection={<IconFilterOff size={16} />}
          onClick={() => {
            list.set(Object.fromEntries(PARAMS.map((p) => [p, null])));
            setResets((n) => n + 1);
          }}
        >
          Clear filters
        </Button>
      )}
    </Group>
  );
}
