import { activityDef } from './ActivityReportPage';
import { forecastDef } from './ForecastReportPage';
import { funnelDef } from './FunnelReportPage';
import { healthDef } from './HealthReportPage';
import type { ReportKind } from './report-api';
import type { ReportDef } from './report-def';
import { campaignsDef, sourcesDef } from './SourcesReportPage';
import { teamDef } from './TeamReportPage';

/** The standard reports by kind (the builder is the one other kind). */
// biome-ignore lint/suspicious/noExplicitAny: each definition is typed by its own report
export const REPORT_DEFS: Record<Exclude<ReportKind, 'builder'>, ReportDef<any>> = {
  funnel: funnelDef,
  sources: sourcesDef,
  campaigns: campaignsDef,
  team: teamDef,
  activity: activityDef,
  health: healthDef,
  forecast: forecastDef,
};

export const KIND_LABELS: Record<ReportKind, string> = {
  funnel: 'Funnel',
  sources: 'Sources',
  campaigns: 'Campaigns',
  team: 'Team',
  activity: 'Activity',
  health: 'Pipeline health',
  forecast: 'Forecast',
  builder: 'Builder',
};

/** The page that shows a saved report with its parameters. */
export function savedReportHref(kind: ReportKind, params: Record<string, unknown>, chart?: string): string {
  const q = new URLSearchParams();
  if (kind === 'builder') {
    const { filters, ...def } = params as { filters?: Record<string, unknown> };
    for (const [k, v] of Object.entries(filters ?? {}))
      if (v !== null && v !== undefined) q.set(k, String(v));
    q.set('def', JSON.stringify(def));
  } else
    for (const [k, v] of Object.entries(params))
      if (v !== null && v !== undefined && v !== '') q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  // Saved without a range ("All time"): the page must not fall back to its default range.
  if (!q.has('from') && !q.has('to') && kind !== 'forecast' && kind !== 'health') q.set('range', 'all');
  if (chart) q.set('chart', chart);
  const route = kind === 'builder' ? '/reports/builder' : REPORT_DEFS[kind].route;
  return `${route}?${q}`;
}
