import { readFileSync } from 'node:fs';
import dayjs from 'dayjs';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../db.js';
import { type Api, signedUpPage, skipBrowser, startWeb, visible, type WebHarness } from './browser.js';

type Stage = { id: string; name: string; type: string };
type FunnelStage = {
  name: string;
  reached: number;
  drill: { entity: string; query: Record<string, string> };
};
type Funnel = { total: number; stages: FunnelStage[] };

const day = (d: dayjs.Dayjs) => d.format('YYYY-MM-DD');

/**
 * The reports section end to end: leads created in two different months (imported with their creation
 * dates) and moved through the default pipeline's stages, all through the API; then the funnel page,
 * its date picker, the click-through to the leads list, the CSV export and saving to the dashboard.
 */
describe.skipIf(skipBrowser).each(DB_KINDS)(
  'reports: funnel, drill to leads, export, dashboard, costs (Chromium, %s)',
  (kind) => {
    let web: WebHarness;
    let page: Page;
    let api: Api;
    let stages: Record<string, Stage>;
    const today = dayjs();
    // Two cohorts in two different months: 60 and 10 days ago (50 days apart, so never the same month).
    const older = today.subtract(60, 'day').hour(12);
    const recent = today.subtract(10, 'day').hour(12);
    // The default range of the funnel (last 90 days) holds both; the range picked in the test only the recent.
    const defaultRange = { from: day(today.subtract(89, 'day')), to: day(today) };
    const pickedRange = { from: day(today.subtract(20, 'day')), to: day(today) };

    const funnel = (q: Record<string, string>): Promise<Funnel> =>
      api('get', `/api/v1/reports/funnel?${new URLSearchParams(q)}`);

    beforeAll(async () => {
      web = await startWeb(kind);
      ({ page, api } = await signedUpPage(web, {
        email: 'reports.owner@example.com',
        name: 'Rhea Reports',
        workspaceName: 'Reports Co',
      }));
      const pipelines = await api('get', '/api/v1/pipelines');
      stages = Object.fromEntries(pipelines.data[0].stages.map((s: Stage) => [s.name, s]));

      // Leads with their creation dates: an import keeps "Created at" (as a migration from another CRM).
      const people: [string, dayjs.Dayjs][] = [
        ['Olga Older', older],
        ['Otto Older', older],
        ['Oona Older', older],
        ['Oscar Older', older],
        ['Rita Recent', recent],
        ['Rolf Recent', recent],
        ['Rosa Recent', recent],
      ];
      const csv = [
        'First name,Last name,Email,Source,Created at',
        ...people.map(([n, at]) => {
          const [first, last] = n.split(' ');
          return `${first},${last},${first!.toLowerCase()}@reports.example,referral,${at.toISOString()}`;
        }),
      ].join('\r\n');
      const up = await page.request.post('/api/v1/imports', {
        multipart: {
          entity: 'leads',
          mapping: JSON.stringify({
            'First name': 'firstName',
            'Last name': 'lastName',
            Email: 'email',
            Source: 'source',
            'Created at': 'createdAt',
          }),
          file: { name: 'reports-leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) },
        },
      });
      expect(up.status(), await up.text()).toBe(201);
      const importId = (await up.json()).id as string;
      await api('post', `/api/v1/imports/${importId}/run`);
      let status = '';
      for (let i = 0; i < 150 && status !== 'completed'; i++) {
        status = (await api('get', `/api/v1/imports/${importId}`)).status;
        if (status === 'failed') throw new Error('the import failed');
        if (status !== 'completed') await page.waitForTimeout(200);
      }
      expect(status).toBe('completed');

      const leads = (await api('get', '/api/v1/leads?limit=50')).data as { id: string; firstName: string }[];
      const id = (first: string) => leads.find((l) => l.firstName === first)!.id;
      const move = (first: string, stage: string, extra: Record<string, unknown> = {}) =>
        api('post', `/api/v1/leads/${id(first)}/move`, { stageId: stages[stage]!.id, ...extra });
      // Older cohort: two stay New, one reaches Contacted, one Qualified.
      await move('Oona', 'Contacted');
      await move('Oscar', 'Contacted');
      await move('Oscar', 'Qualified');
      // Recent cohort: all contacted; one won (through Qualified and Proposal), one lost.
      for (const first of ['Rita', 'Rolf', 'Rosa']) await move(first, 'Contacted');
      await move('Rita', 'Qualified');
      await move('Rita', 'Proposal');
      await move('Rita', 'Won');
      await move('Rolf', 'Lost', { lostReason: 'Budget' });
    });
    afterAll(async () => {
      await web?.close();
    });

    const reached = (stage: string) => page.getByTestId(`funnel-reached-${stage}`);
    const textOf = async (stage: string) => (await reached(stage).innerText()).trim();

    it('shows the API figures, follows a date range picked in the calendar, and opens the leads behind a number', async () => {
      const all = await funnel(defaultRange);
      const figure = (f: Funnel, name: string) => f.stages.find((s) => s.name === name)!.reached;
      // The data as built: both cohorts in the default range.
      expect(figure(all, 'New')).toBe(7);
      expect(figure(all, 'Contacted')).toBe(5);

      await page.goto('/reports');
      await page.getByRole('tab', { name: 'Funnel' }).click();
      await page.waitForURL('**/reports/funnel');
      await visible(reached('Contacted'));
      await expect
        .poll(() => textOf('Contacted'), { timeout: 10_000 })
        .toBe(String(figure(all, 'Contacted')));
      for (const s of all.stages) expect(await textOf(s.name)).toBe(s.reached.toLocaleString('en-US'));
      await visible(page.getByTestId('report-chart').locator('svg.recharts-surface'));

      // Pick the range in the calendar: from 20 days ago to today.
      const picker = page.getByRole('button', { name: 'Date range' });
      await picker.click();
      const dropdown = page
        .getByRole('dialog')
        .filter({ has: page.getByRole('button', { name: 'Next month' }) });
      await visible(dropdown);
      const label = (d: string) => dayjs(d).format('D MMMM YYYY');
      // The calendar opens on the month of the current range's first day (89 days ago).
      let shown = today.subtract(89, 'day').startOf('month');
      const goTo = async (d: string) => {
        const target = dayjs(d).startOf('month');
        while (shown.isBefore(target)) {
          await dropdown.getByRole('button', { name: 'Next month' }).click();
          shown = shown.add(1, 'month');
        }
        await dropdown.getByRole('button', { name: label(d), exact: true }).click();
      };
      const refetched = page.waitForResponse(
        (r) => r.url().includes('/api/v1/reports/funnel') && r.url().includes(`from=${pickedRange.from}`),
      );
      await goTo(pickedRange.from);
      await goTo(pickedRange.to);
      await refetched;
      expect(new URL(page.url()).searchParams.get('from')).toBe(pickedRange.from);

      const recentOnly = await funnel(pickedRange);
      expect(figure(recentOnly, 'Contacted')).toBe(3);
      expect(figure(recentOnly, 'Won')).toBe(1);
      await expect.poll(() => textOf('Contacted'), { timeout: 10_000 }).toBe('3');
      for (const s of recentOnly.stages) expect(await textOf(s.name)).toBe(String(s.reached));
      await page.screenshot({ path: '/tmp/leadbase-reports-funnel.png', fullPage: true });

      // Click the Contacted figure: the leads list with exactly those leads.
      const drill = recentOnly.stages.find((s) => s.name === 'Contacted')!.drill;
      await reached('Contacted').click();
      await page.waitForURL(/\/leads\?/);
      const url = new URL(page.url());
      expect(Object.fromEntries(url.searchParams)).toEqual(drill.query);
      const listed = await api('get', `/api/v1/leads?${new URLSearchParams(drill.query)}&limit=200`);
      expect(listed.data.length).toBe(3);
      await visible(page.getByRole('link', { name: /Rita Recent/ }));
      await expect
        .poll(() => page.getByRole('link', { name: /Recent/ }).count(), { timeout: 10_000 })
        .toBe(3);
      expect(await page.getByRole('link', { name: /Older/ }).count()).toBe(0);
      await expect.poll(() => page.getByTestId('list-count').innerText(), { timeout: 10_000 }).toContain('3');
    });

    it('exports the funnel as CSV with the same filters: one row per stage with its reached figure', async () => {
      await page.goto(`/reports/funnel?from=${pickedRange.from}&to=${pickedRange.to}`);
      await visible(reached('Contacted'));
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        (async () => {
          await page.getByRole('button', { name: 'Export' }).click();
          await page.getByRole('menuitem', { name: 'CSV' }).click();
        })(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);
      const text = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
      const [head, ...rows] = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
      const stageCol = head!.findIndex((h) => /stage/i.test(h));
      const reachedCol = head!.findIndex((h) => /reached/i.test(h));
      expect(stageCol).toBeGreaterThanOrEqual(0);
      expect(reachedCol).toBeGreaterThanOrEqual(0);
      const api = await funnel(pickedRange);
      for (const s of api.stages) {
        const row = rows.find((r) => r[stageCol] === s.name);
        expect(row, `a CSV row for ${s.name}`).toBeDefined();
        expect(Number(row![reachedCol])).toBe(s.reached);
      }
    });

    it('saves the funnel as it is filtered onto the dashboard, where its card draws the chart', async () => {
      await page.goto(`/reports/funnel?from=${pickedRange.from}&to=${pickedRange.to}`);
      await visible(reached('Contacted'));
      await page.getByRole('button', { name: 'Save report' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill('Recent funnel');
      await dialog.getByRole('button', { name: 'Save', exact: true }).click();
      await visible(page.getByText('Report "Recent funnel" saved'));

      const saved = (await api('get', '/api/v1/reports/saved')).data as {
        id: string;
        name: string;
        kind: string;
        params: Record<string, unknown>;
      }[];
      const report = saved.find((r) => r.name === 'Recent funnel')!;
      expect(report.kind).toBe('funnel');
      expect(report.params).toMatchObject({ from: pickedRange.from, to: pickedRange.to });
      const dash = await api('get', '/api/v1/reports/dashboard');
      expect(dash.items.map((i: { savedReportId: string }) => i.savedReportId)).toEqual([report.id]);

      await page.getByRole('link', { name: 'Reports', exact: true }).click();
      await page.waitForURL(/\/reports$/);
      const card = page.locator('[data-testid="dashboard-card"][data-report-name="Recent funnel"]');
      await visible(card);
      await visible(card.locator('svg.recharts-surface'));
      await page.screenshot({ path: '/tmp/leadbase-reports-dashboard.png', fullPage: true });

      // The card opens the report with its filters.
      await card.getByRole('link', { name: 'Recent funnel' }).click();
      await page.waitForURL(/\/reports\/funnel\?/);
      expect(new URL(page.url()).searchParams.get('from')).toBe(pickedRange.from);
      await expect.poll(() => textOf('Contacted'), { timeout: 10_000 }).toBe('3');
    });

    it('campaign costs entered on the campaigns page give the sources report its cost per lead', async () => {
      await page.goto('/reports/campaigns');
      await page.getByRole('button', { name: 'New campaign' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('textbox', { name: /^Name/ }).fill('Referral push');
      await dialog.getByLabel('Source').fill('referral');
      await dialog.getByRole('button', { name: 'Add cost' }).click();
      await dialog.getByLabel('Cost 1 from').fill(pickedRange.from);
      await dialog.getByLabel('Cost 1 to').fill(pickedRange.to);
      await dialog.getByLabel('Cost 1 amount').fill('300');
      await dialog.getByRole('button', { name: 'Create campaign' }).click();
      const row = page.getByTestId('campaigns-table').getByRole('row', { name: /Referral push/ });
      await visible(row);
      expect(await row.innerText()).toContain('$300.00');
      const campaigns = (await api('get', '/api/v1/campaigns')).data;
      expect(campaigns).toHaveLength(1);
      expect(campaigns[0]).toMatchObject({ name: 'Referral push', source: 'referral', totalCost: '300.00' });
      expect(campaigns[0].costs).toMatchObject([
        { periodStart: pickedRange.from, periodEnd: pickedRange.to },
      ]);

      // The spend falls wholly in the range: 300 over the 3 referral leads created in it.
      const sources = await api(
        'get',
        `/api/v1/reports/sources?from=${pickedRange.from}&to=${pickedRange.to}`,
      );
      const referral = sources.data.find((r: { source: string }) => r.source === 'referral');
      expect(referral).toMatchObject({ leads: 3, cost: '300.00', costPerLead: '100.00' });
      await page.goto(`/reports/sources?from=${pickedRange.from}&to=${pickedRange.to}`);
      const line = page.getByTestId('source-row').filter({ hasText: 'Referral' });
      await visible(line);
      await expect.poll(() => line.innerText(), { timeout: 10_000 }).toContain('$300.00');
      expect(await line.innerText()).toContain('$100.00');
    });

    it('shows the problem the API answers: a range ending before it starts names the field', async () => {
      await page.goto('/reports/funnel?from=2026-05-01&to=2026-04-01');
      const alert = page.getByTestId('report-error');
      await visible(alert);
      const text = await alert.innerText();
      expect(text).toContain('Validation failed');
      expect(text).toMatch(/to: is before from/);
    });

    it('arranges the dashboard: add a saved report, move it first, make it full width, remove the other', async () => {
      const sources = await api('post', '/api/v1/reports/saved', {
        name: 'Sources this quarter',
        kind: 'sources',
        params: { from: pickedRange.from, to: pickedRange.to },
        chart: 'donut',
      });
      const before = (await api('get', '/api/v1/reports/dashboard')).items as { savedReportId: string }[];
      expect(before.map((i) => i.savedReportId)).not.toContain(sources.id);
      await page.goto('/reports');
      await visible(page.getByTestId('dashboard-card'));
      const cards = page.getByTestId('dashboard-card');
      const names = () => cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-report-name')));
      const dashboardPut = () =>
        page.waitForResponse(
          (r) => r.url().endsWith('/api/v1/reports/dashboard') && r.request().method() === 'PUT',
        );

      const cardMenu = async (report: string, item: string) => {
        // A menu closed a moment ago may still be fading out (two menus, two such items): open the
        // next one when it has gone.
        await expect.poll(() => page.getByRole('menu').count(), { timeout: 10_000 }).toBe(0);
        await page.getByRole('button', { name: `Card menu: ${report}` }).click();
        await page.getByRole('menuitem', { name: item }).click();
      };

      let put = dashboardPut();
      await page.locator('input[aria-label="Add a saved report"]').click();
      await page.getByRole('option', { name: 'Sources this quarter' }).click();
      await put;
      await expect.poll(names, { timeout: 10_000 }).toEqual(['Recent funnel', 'Sources this quarter']);
      const sourcesCard = cards.filter({ hasText: 'Sources this quarter' });
      await visible(sourcesCard.locator('svg.recharts-surface'));

      put = dashboardPut();
      await cardMenu('Sources this quarter', 'Move earlier');
      await put;
      await expect.poll(names, { timeout: 10_000 }).toEqual(['Sources this quarter', 'Recent funnel']);

      put = dashboardPut();
      await cardMenu('Sources this quarter', 'Full width');
      await put;
      let dash = (await api('get', '/api/v1/reports/dashboard')).items as {
        savedReportId: string;
        width: number;
      }[];
      expect(dash.map((i) => [i.savedReportId, i.width])).toEqual([
        [sources.id, 12],
        [before[0]!.savedReportId, 6],
      ]);

      put = dashboardPut();
      await cardMenu('Recent funnel', 'Remove from dashboard');
      await put;
      await expect.poll(names, { timeout: 10_000 }).toEqual(['Sources this quarter']);
      dash = (await api('get', '/api/v1/reports/dashboard')).items;
      expect(dash.map((i) => i.savedReportId)).toEqual([sources.id]);
      // Removed from the dashboard, still saved.
      await visible(page.getByTestId('saved-reports-table').getByRole('link', { name: 'Recent funnel' }));
    });

    it('filters a builder report by conditions written as rows, the same as the API with that condition', async () => {
      // Two lead statuses and their counts, then the page's default report (leads by source) limited to them.
      const byStatus = { entity: 'leads', groupBy: [{ field: 'status' }], measures: [{ op: 'count' }] };
      const statuses = (await api('post', '/api/v1/reports/run', byStatus)).rows as {
        keys: (string | null)[];
        values: number[];
      }[];
      const two = statuses.filter((r) => r.keys[0]).slice(0, 2);
      expect(two).toHaveLength(2);
      await page.goto('/reports/builder?range=all');
      await page.getByRole('button', { name: 'Add condition' }).click();
      await page.locator('input[aria-label="Condition 1 field"]').fill('status');
      await page.locator('input[aria-label="Condition 1 operator"]').click();
      await page.getByRole('option', { name: 'is one of' }).click();
      await page.locator('input[aria-label="Condition 1 value"]').fill(two.map((r) => r.keys[0]).join(', '));
      await page.getByRole('button', { name: 'Run' }).click();
      const table = page.getByTestId('builder-table');
      await visible(table);
      const condition = { all: [{ field: 'status', op: 'in', value: two.map((r) => r.keys[0]) }] };
      const def = JSON.parse(new URL(page.url()).searchParams.get('def')!);
      // The run is in the address (a saved report keeps it), with the rows' condition.
      expect(def.conditions).toEqual(condition);
      const run = await api('post', '/api/v1/reports/run', def);
      expect(run.totals.values[0]).toBe(two[0]!.values[0]! + two[1]!.values[0]!);
      await expect.poll(() => table.getByRole('row').count(), { timeout: 10_000 }).toBe(run.rows.length + 2); // the header and the totals
      const total = table.getByRole('row', { name: /^Total/ });
      await expect
        .poll(() => total.getByRole('link').first().innerText(), { timeout: 10_000 })
        .toBe(String(run.totals.values[0]));
      // The JSON view shows the same condition.
      await page.locator('label', { hasText: /^JSON$/ }).click();
      expect(JSON.parse(await page.locator('textarea[aria-label="Conditions"]').inputValue())).toEqual(
        condition,
      );
    });

    it('runs a builder report whose counts open their records: leads by source', async () => {
      const def = { entity: 'leads', groupBy: [{ field: 'source' }], measures: [{ op: 'count' }] };
      await page.goto('/reports/builder?range=all');
      await page.getByRole('button', { name: 'Run' }).click();
      const table = page.getByTestId('builder-table');
      await visible(table);
      const run = await api('post', '/api/v1/reports/run', def);
      const referral = run.rows.find((r: { keys: unknown[] }) => r.keys[0] === 'referral');
      expect(referral.values[0]).toBe(7);
      const row = table.getByRole('row', { name: /referral/ });
      await expect.poll(() => row.getByRole('link').first().innerText(), { timeout: 10_000 }).toBe('7');
      await row.getByRole('link').first().click();
      await page.waitForURL(/\/leads\?/);
      await expect.poll(() => page.getByTestId('list-count').innerText(), { timeout: 10_000 }).toContain('7');
      const count = await api('get', `/api/v1/leads/count?${new URLSearchParams(referral.drill.query)}`);
      expect(count.count).toBe(7);
    });
  },
);
