import { ScrollArea, Stack, Tabs } from '@mantine/core';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';

/** The reports section's pages, as tabs above each report (the dashboard first). */
export const REPORT_TABS = [
  { to: '/reports', label: 'Dashboard' },
  { to: '/reports/funnel', label: 'Funnel' },
  { to: '/reports/sources', label: 'Sources' },
  { to: '/reports/campaigns', label: 'Campaigns' },
  { to: '/reports/team', label: 'Team' },
  { to: '/reports/activity', label: 'Activity' },
  { to: '/reports/health', label: 'Pipeline health' },
  { to: '/reports/forecast', label: 'Forecast' },
  { to: '/reports/builder', label: 'Builder' },
];

export function ReportsLayout() {
  const { pathname, search } = useLocation();
  const navigate = useNavigate();
  const current =
    [...REPORT_TABS].reverse().find((t) => pathname === t.to || pathname.startsWith(`${t.to}/`))?.to ??
    '/reports';
  // The shared filters follow the user from one report to the next (same query string).
  const keep = new URLSearchParams(search);
  for (const k of [...keep.keys()])
    if (!['range', 'from', 'to', 'pipelineId', 'ownerId', 'teamId', 'source'].includes(k)) keep.delete(k);
  const carried = keep.toString();
  return (
    <Stack gap="md">
      <ScrollArea type="never">
        <Tabs
          value={current}
          onChange={(v) => v && navigate(v === '/reports' || !carried ? v : `${v}?${carried}`)}
          variant="outline"
        >
          <Tabs.List style={{ flexWrap: 'nowrap' }}>
            {REPORT_TABS.map((t) => (
              <Tabs.Tab key={t.to} value={t.to}>
                {t.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        </Tabs>
      </ScrollArea>
      <Outlet />
    </Stack>
  );
}
