import type { ChartData } from './ReportChart';
import type { ChartKind, ReportKind } from './report-api';
import type { RangeKey } from './report-params';

/** What the pages and the dashboard share about a standard (GET) report. */
export type ReportDef<T> = {
  kind: Exclude<ReportKind, 'builder'>;
  title: string;
  /** The web route of its page. */
  route: string;
  /** The API path (GET, under /api/v1). */
  apiPath: string;
  defaultRange: RangeKey;
  /** The report's own URL/API parameters besides the shared filters (e.g. `interval`). */
  extraKeys: string[];
  chartKinds: ChartKind[];
  defaultChart: ChartKind;
  /** The figures the chart draws. */
  chartData: (data: T, currency: string) => ChartData;
};
