import dayjs, { type Dayjs } from 'dayjs';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { Query } from '../../api/client';

/**
 * The report filters kept in the URL query string, so that a report can be linked and reloaded:
 * `range` (a preset, relative to today) or `from`/`to` (fixed days, YYYY-MM-DD, both inclusive),
 * `pipelineId`, `ownerId` (comma-separated; `none` is unassigned), `teamId`, `source` (comma-separated).
 * No range in the URL means the report's default preset (last 90 days for most reports).
 */

export type RangeKey =
  | 'last7'
  | 'last30'
  | 'last90'
  | 'month'
  | 'quarter'
  | 'year'
  | 'all'
  | 'next3m'
  | 'next6m';
type Range = [string | null, string | null];

const day = (d: Dayjs) => d.format('YYYY-MM-DD');
const quarterStart = (d: Dayjs) => d.startOf('month').month(Math.floor(d.month() / 3) * 3);

export const PRESETS: { key: RangeKey; label: string; range: () => Range }[] = [
  { key: 'last7', label: 'Last 7 days', range: () => [day(dayjs().subtract(6, 'day')), day(dayjs())] },
  { key: 'last30', label: 'Last 30 days', range: () => [day(dayjs().subtract(29, 'day')), day(dayjs())] },
  { key: 'last90', label: 'Last 90 days', range: () => [day(dayjs().subtract(89, 'day')), day(dayjs())] },
  {
    key: 'month',
    label: 'This month',
    range: () => [day(dayjs().startOf('month')), day(dayjs().endOf('month'))],
  },
  {
    key: 'quarter',
    label: 'This quarter',
    range: () => {
      const s = quarterStart(dayjs());
      return [day(s), day(s.add(2, 'month').endOf('month'))];
    },
  },
  {
    key: 'year',
    label: 'This year',
    range: () => [day(dayjs().startOf('year')), day(dayjs().endOf('year'))],
  },
  { key: 'all', label: 'All time', range: () => [null, null] },
  // Forward-looking ranges (the forecast: expected close dates).
  {
    key: 'next3m',
    label: 'This month and the next 2',
    range: () => [day(dayjs().startOf('month')), day(dayjs().add(2, 'month').endOf('month'))],
  },
  {
    key: 'next6m',
    label: 'This month and the next 5',
    range: () => [day(dayjs().startOf('month')), day(dayjs().add(5, 'month').endOf('month'))],
  },
];

export const BACKWARD_PRESETS: RangeKey[] = ['last7', 'last30', 'last90', 'month', 'quarter', 'year', 'all'];
export const FORWARD_PRESETS: RangeKey[] = ['month', 'quarter', 'year', 'next3m', 'next6m', 'all'];

export const presetOf = (key: string | null | undefined) => PRESETS.find((p) => p.key === key);

/** The filter parameters every report takes (and the URL keeps). */
export const FILTER_KEYS = ['range', 'from', 'to', 'pipelineId', 'ownerId', 'teamId', 'source'] as const;

export type ReportFilterValues = {
  /** The preset in use, or null for a fixed range. */
  range: RangeKey | null;
  from: string | null;
  to: string | null;
  pipelineId: string | null;
  ownerIds: string[];
  teamId: string | null;
  sources: string[];
};

const csv = (v: string | null): string[] =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
const isDay = (v: string | null): v is string => !!v && /^\d{4}-\d{2}-\d{2}$/.test(v) && dayjs(v).isValid();

/** Reads the filters from query parameters (URL or saved report params). */
export function readFilters(get: (k: string) => string | null, defaultRange: RangeKey): ReportFilterValues {
  const from = get('from');
  const to = get('to');
  let range: RangeKey | null = null;
  let r: Range;
  if (isDay(from) || isDay(to)) r = [isDay(from) ? from : null, isDay(to) ? to : null];
  else {
    const preset = presetOf(get('range')) ?? presetOf(defaultRange)!;
    range = preset.key;
    r = preset.range();
  }
  return {
    range,
    from: r[0],
    to: r[1],
    pipelineId: get('pipelineId') || null,
    ownerIds: csv(get('ownerId')),
    teamId: get('teamId') || null,
    sources: csv(get('source')),
  };
}

/** The API query of the filters: days resolved, lists comma-separated, empty ones left out. */
export function filterQuery(f: ReportFilterValues): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.from) q.from = f.from;
  if (f.to) q.to = f.to;
  if (f.pipelineId) q.pipelineId = f.pipelineId;
  if (f.ownerIds.length) q.ownerId = f.ownerIds.join(',');
  if (f.teamId) q.teamId = f.teamId;
  if (f.sources.length) q.source = f.sources.join(',');
  return q;
}

/**
 * The parameters a saved report keeps: the filters, with a preset range kept as the preset (`range`, so
 * that "Last 30 days" saved today still means the last 30 days next month) and a fixed range as its
 * days, and the report's own parameters.
 */
export function savedParams(
  f: ReportFilterValues,
  extra: Record<string, string> = {},
): Record<string, string> {
  const q = filterQuery(f);
  if (f.range) {
    delete q.from;
    delete q.to;
    q.range = f.range;
  }
  return { ...q, ...extra };
}

/**
 * Saved report params → API query. Without `from`/`to` (saved with "All time") nothing is sent, so the
 * report's API default applies (all time; the forecast's next months; the health velocity's 90 days).
 */
export function queryOfSaved(params: Record<string, unknown>): Record<string, string> {
  const get = (k: string) => {
    const v = params[k];
    if (v === undefined || v === null) return null;
    return Array.isArray(v) ? v.join(',') : String(v);
  };
  const f = readFilters(get, 'all');
  const out = filterQuery(f);
  for (const [k, v] of Object.entries(params))
    if (!(FILTER_KEYS as readonly string[]).includes(k) && v !== null && v !== undefined && v !== '')
      out[k] = String(v);
  return out;
}

export type ReportUrlState = {
  filters: ReportFilterValues;
  /** The API query: the filters plus the report's own parameters named in `extraKeys`. */
  query: Query & Record<string, string>;
  get: (k: string) => string | null;
  set: (patch: Record<string, string | null | undefined>) => void;
  extra: Record<string, string>;
};

/** The report filters (and the report's own parameters `extraKeys`) from and to the URL. */
export function useReportUrl(defaultRange: RangeKey = 'last90', extraKeys: string[] = []): ReportUrlState {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the URL (key) decides it
  return useMemo(() => {
    const get = (k: string) => params.get(k);
    const filters = readFilters(get, defaultRange);
    const extra: Record<string, string> = {};
    for (const k of extraKeys) {
      const v = params.get(k);
      if (v) extra[k] = v;
    }
    const set = (patch: Record<string, string | null | undefined>) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch)) {
            if (v === null || v === undefined || v === '') next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: true },
      );
    return { filters, query: { ...filterQuery(filters), ...extra }, get, set, extra };
  }, [key, defaultRange, extraKeys.join(',')]);
}
