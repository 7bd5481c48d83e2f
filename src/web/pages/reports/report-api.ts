import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, BASE, type Query, withQuery } from '../../api/client';

/**
 * The reports API as the web app uses it: answer shapes (the server's report schemas, kept to what the
 * screens read), GET/POST/PUT helpers and the TanStack Query hooks of the reports section.
 */

export type DrillEntity = 'leads' | 'contacts' | 'deals' | 'activities' | 'tasks';
/** The records behind a number: `/{entity}?{query}` lists them. */
export type Drill = { entity: DrillEntity; query: Record<string, string> };

export type FunnelStage = {
  stageId: string;
  name: string;
  color: string | null;
  type: 'open' | 'won';
  position: number;
  reached: number;
  conversionRate: number | null;
  fromStartRate: number | null;
  dropOff: number | null;
  medianDaysInStage: number | null;
  stays?: number;
  drill: Drill;
};
export type FunnelReport = {
  pipeline: { id: string; name: string };
  range: { from: string | null; to: string | null };
  total: number;
  totalDrill?: Drill;
  stages: FunnelStage[];
  lost: {
    count: number;
    value: string | null;
    drill: Drill;
    reasons: { reason: string | null; count: number; value?: string; drill: Drill }[];
  };
};

export type SourceRow = {
  source?: string | null;
  campaign?: string | null;
  campaignId?: string | null;
  leads: number;
  qualified: number;
  won: number;
  lost: number;
  conversionRate: number | null;
  wonValue: string | null;
  medianDaysToWin: number | null;
  cost: string | null;
  costPerLead: string | null;
  costPerWonLead: string | null;
  drills: { leads: Drill; qualified: Drill; won: Drill };
};
export type SourcesReport = {
  data: SourceRow[];
  totals: Omit<SourceRow, 'drills' | 'source' | 'campaign' | 'campaignId'>;
  /** False when an owner, team or pipeline filter hides spend. */
  costsApplicable: boolean;
};

export const HUMAN_ACTIVITY_TYPES = ['call', 'email', 'meeting', 'note', 'sms'] as const;

type ActivityDrills = Record<'call' | 'email' | 'meeting' | 'note' | 'sms' | 'total', Drill>;
export type TeamRow = {
  name: string;
  activities: Record<'call' | 'email' | 'meeting' | 'note' | 'sms' | 'total', number>;
  firstResponse: { medianHours: number | null; respondedLeads: number; waitingLeads: number };
  openLeads: number;
  wins: number;
  losses: number;
  winRate: number | null;
  wonValue: string;
  drills: {
    activities: ActivityDrills;
    respondedLeads: Drill;
    waitingLeads: Drill;
    openLeads: Drill;
    wins: Drill;
    losses: Drill;
  };
};
export type TeamReport = {
  range: { from: string | null; to: string | null };
  owners: (TeamRow & { ownerId: string | null; removed: boolean })[];
  teams: (TeamRow & { teamId: string; memberIds: string[] })[];
  totals: TeamRow;
};

export type ActivityReport = {
  range: { from: string | null; to: string | null };
  interval: 'day' | 'week' | 'month';
  types: string[];
  periods: { period: string; byType: Record<string, number>; total: number; drills: Record<string, Drill> }[];
  byUser: {
    userId: string | null;
    name: string;
    byType: Record<string, number>;
    total: number;
    drills: Record<string, Drill>;
  }[];
  byOutcome: { type: string; outcome: string | null; count: number; drill: Drill }[];
  totals: { byType: Record<string, number>; total: number; drills: Record<string, Drill> };
};

type Aging = { d0_7: number; d8_30: number; d31_90: number; d91plus: number };
export type HealthStage = {
  stageId: string;
  name: string;
  color: string;
  probability: number;
  open: number;
  value: string;
  weightedValue: string;
  avgDaysInStage: number | null;
  aging: Aging;
  rotten: number;
  drills: { open: Drill; d0_7: Drill; d8_30: Drill; d31_90: Drill; d91plus: Drill; rotten: Drill | null };
};
export type HealthReport = {
  pipeline: { id: string; name: string; rottenAfterDays: number | null };
  asOf: string;
  stages: HealthStage[];
  totals: {
    open: number;
    value: string;
    weightedValue: string;
    avgDaysInStage: number | null;
    aging: Aging;
    rotten: number;
  };
  velocity: {
    range: { from: string; to: string };
    openLeads: number;
    wins: number;
    losses: number;
    avgWonValue: string | null;
    winRate: number | null;
    avgCycleDays: number | null;
    perDay: string | null;
    drills: { openLeads: Drill; wins: Drill; losses: Drill };
  };
};

type ForecastFigures = { leads: number; value: string; weighted: string; drill: Drill };
export type ForecastStage = ForecastFigures & { stageId: string; name: string };
export type ForecastReport = {
  pipeline: { id: string; name: string };
  range: { from: string; to: string };
  today: string;
  months: (ForecastFigures & { month: string; byStage: ForecastStage[] })[];
  overdue: ForecastFigures & { byStage: ForecastStage[] };
  undated: ForecastFigures & { byStage: ForecastStage[] };
  totals: ForecastFigures;
};

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
export type BuilderResult = {
  entity: BuilderEntity;
  /** The group columns, then the measure columns. */
  columns: { key: string; label: string; kind: 'group' | 'measure'; type: string }[];
  rows: {
    keys: (string | boolean | null)[];
    labels: string[];
    values: (string | number | null)[];
    drill: Drill;
  }[];
  totals: { values: (string | number | null)[]; drill: Drill };
  truncated: boolean;
};

export const REPORT_KINDS = [
  'funnel',
  'sources',
  'campaigns',
  'team',
  'activity',
  'health',
  'forecast',
  'builder',
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const CHART_KINDS = ['bar', 'line', 'area', 'pie', 'donut', 'funnel', 'table'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export type SavedReport = {
  id: string;
  name: string;
  kind: ReportKind;
  params: Record<string, unknown>;
  chart: ChartKind;
  shared: boolean;
  ownerId: string;
  version: number;
  createdAt?: string;
  updatedAt?: string;
};
export type DashboardItem = { savedReportId: string; position: number; width: number; report: SavedReport };
export type Dashboard = { items: DashboardItem[] };

export type CampaignCost = {
  id?: string;
  periodStart: string;
  periodEnd: string;
  amount: string;
  note: string | null;
};
export type Campaign = {
  id: string;
  name: string;
  source: string | null;
  description: string | null;
  costs: CampaignCost[];
  version: number;
};

/** A JSON request with a method the shared client has no shorthand for (PUT), or PATCH/DELETE by version. */
export async function sendJson<T>(
  method: 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
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
      sendJson<Dashboard>('PUT', '/reports/dashboard', { items }),
    onSuccess: (d) => qc.setQueryData(['reports', 'dashboard'], d),
  });
}

/** Appends a saved report to the user's dashboard (the current items kept in their order). */
export async function addToDashboard(savedReportId: string, width = 6): Promise<Dashboard> {
  const current = await api.get<Dashboard>('/reports/dashboard');
  const items = current.items
    .map((i) => ({ savedReportId: i.savedReportId, width: i.width }))
    .filter((i) => i.savedReportId !== savedReportId);
  return sendJson<Dashboard>('PUT', '/reports/dashboard', { items: [...items, { savedReportId, width }] });
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
