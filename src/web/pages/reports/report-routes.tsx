import type { RouteObject } from 'react-router-dom';
import { ActivityReportPage } from './ActivityReportPage';
import { BuilderPage } from './BuilderPage';
import { DashboardPage } from './DashboardPage';
import { ForecastReportPage } from './ForecastReportPage';
import { FunnelReportPage } from './FunnelReportPage';
import { HealthReportPage } from './HealthReportPage';
import { ReportsLayout } from './ReportsLayout';
import { CampaignsReportPage, SourcesReportPage } from './SourcesReportPage';
import { TeamReportPage } from './TeamReportPage';

/** The reports section: /reports (dashboard) and one page per report, under the section's tabs. */
export const reportsRoute: RouteObject = {
  path: '/reports',
  element: <ReportsLayout />,
  children: [
    { index: true, element: <DashboardPage /> },
    { path: 'funnel', element: <FunnelReportPage /> },
    { path: 'sources', element: <SourcesReportPage /> },
    { path: 'campaigns', element: <CampaignsReportPage /> },
    { path: 'team', element: <TeamReportPage /> },
    { path: 'activity', element: <ActivityReportPage /> },
    { path: 'health', element: <HealthReportPage /> },
    { path: 'forecast', element: <ForecastReportPage /> },
    { path: 'builder', element: <BuilderPage /> },
  ],
};
