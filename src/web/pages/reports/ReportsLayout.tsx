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
  // The shared filters follow the user from one report to the next (same query string); the forecast
  // looks ahead, so a date range is not carried to or from it.
  const carry = (to: string) => {
    const keep = new URLSearchParams(search);
    const dates = to !== '/reports/forecast' && current !== '/reports/forecast';
    for (const k of [...keep.keys()])
      if (
        !['pipelineId', 'ownerId', 'teamId', 'source', ...(dates ? ['range', 'from', 'to'] : [])].includes(k)
      )
        keep.delete(k);
    const q = keep.toString();
    return to === '/reports' || !q ? to : `${to}?${q}`;
  };
  return (
    <Stack gap="md">
      <ScrollArea type="never">
        <Tabs value={current} onChange={(v) => v && navigate(carry(v))} variant="outline">
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
