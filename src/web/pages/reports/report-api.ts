import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, BASE, type Query, withQuery } from '../../api/client';

import type {
  BuilderResult,
  CampaignRow,
  CampaignsReport,
  Dashboard,
  ForecastReport,
  SavedReport,
  SourceRow,
  SourcesReport,
  TeamReportRow,
} from '../../api/types';

export type {
  ActivityReport,
  BuilderResult,
  Campaign,
  Dashboard,
  Drill,
  ForecastReport,
  FunnelReport,
  HealthReport,
  SavedReport,
  TeamReport,
} from '../../api/types';

/**
 * The reports API as the web app uses it: answer types (the server's report schemas, through
 * web/api/types.ts), the builder's request, GET/POST/PUT helpers and the section's TanStack Query hooks.
 */
export type ForecastStage = ForecastReport['months'][number]['byStage'][number];
/** A row of the sources or the campaigns report. */
export type AcquisitionRow = SourceRow | CampaignRow;
/** The sources or the campaigns report (the same figures, by source or by campaign). */
export type AcquisitionReport = SourcesReport | CampaignsReport;
export type TeamRow = TeamReportRow;

export const HUMAN_ACTIVITY_TYPES = ['call', 'email', 'meeting', 'note', 'sms'] as const;

export const BUILDER_ENTITIES = ['leads', 'contacts', 'deals', 'activities', 'tasks'] as const;
export type BuilderEntity = (typeof BUILDER_ENTITIES)[number];
export type BuilderGroup = { field: string; bucket?: string; width?: number };
export type BuilderMeasure =
  | { op: 'count' }
  | { op: 'sum' | 'avg' | 'median' | 'min' | 'max'; field: string };
export type BuilderBody = {
  entity: BuilderEntity;
  conditions?: unknown;
  filters?: Record<string, string>;
  groupBy: BuilderGroup[];
  measures: BuilderMeasure[];
  limit?: number;
};
export type ReportKind = SavedReport['kind'];
export const CHART_KINDS = ['bar', 'line', 'area', 'pie', 'donut', 'funnel', 'table'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];
/** The charts a saved report can keep (the funnel's own funnel chart is drawn on its page only). */
export const SAVED_CHART_KINDS: SavedReport['chart'][] = ['bar', 'line', 'area', 'pie', 'donut', 'table'];

export type DashboardItem = Dashboard['items'][number];

/** A JSON PUT (the shared client has no shorthand for it); problem answers throw ApiError. */
export async function putJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${BASE}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text.slice(0, 200) };
  }
  if (!res.ok) throw new ApiError(res.status, data as ConstructorParameters<typeof ApiError>[1]);
  return data as T;
}

/** The report's GET answer for these parameters. */
export function useReport<T>(path: string, params: Query, enabled = true) {
  return useQuery({
    queryKey: ['reports', path, params],
    queryFn: ({ signal }) => api.get<T>(path, params, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** Runs a builder definition (POST /reports/run). */
export function useBuilderRun(body: BuilderBody | null) {
  return useQuery({
    queryKey: ['reports', 'run', body],
    queryFn: () => api.post<BuilderResult>('/reports/run', body),
    enabled: !!body,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useSavedReports() {
  return useQuery({
    queryKey: ['reports', 'saved'],
    queryFn: ({ signal }) =>
      api.get<{ data: SavedReport[] }>('/reports/saved', { limit: 200 }, signal).then((r) => r.data),
  });
}

export function useDashboard() {
  return useQuery({
    queryKey: ['reports', 'dashboard'],
    queryFn: ({ signal }) => api.get<Dashboard>('/reports/dashboard', undefined, signal),
  });
}

/** Replaces the dashboard's order and widths (PUT), caching the answer. */
export function useSaveDashboard() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (items: { savedReportId: string; width: number }[]) =>
      putJson<Dashboard>('/reports/dashboard', { items }),
    onSuccess: (d) => qc.setQueryData(['reports', 'dashboard'], d),
  });
}

/** Appends a saved report to the user's dashboard (the current items kept in their order). */
export async function addToDashboard(savedReportId: string, width = 6): Promise<Dashboard> {
  const current = await api.get<Dashboard>('/reports/dashboard');
  const items = current.items
    .map((i) => ({ savedReportId: i.savedReportId, width: i.width }))
    .filter((i) => i.savedReportId !== savedReportId);
  return putJson<Dashboard>('/reports/dashboard', { items: [...items, { savedReportId, width }] });
}

/** The file name the server gave (Content-Disposition), else a fallback. */
function fileNameOf(res: Response, fallback: string): string {
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  return plain?.[1] ?? fallback;
}

/** Saves a response body as a download (for POST exports, which a plain link cannot make). */
async function saveResponse(res: Response, fallback: string) {
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    throw new ApiError(res.status, body);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileNameOf(res, fallback);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** Downloads a GET report as CSV or Excel: the same filters with `format=csv|xlsx`. */
export async function downloadReport(path: string, params: Query, format: 'csv' | 'xlsx'): Promise<void> {
  const res = await fetch(withQuery(`${BASE}${path}`, { ...params, format }), { credentials: 'same-origin' });
  await saveResponse(res, `report.${format}`);
}

/** Downloads a builder result as CSV or Excel (POST /reports/run?format=…). */
export async function downloadBuilder(body: BuilderBody, format: 'csv' | 'xlsx'): Promise<void> {
  const res = await fetch(`${BASE}/reports/run?format=${format}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  await saveResponse(res, `report.${format}`);
}
