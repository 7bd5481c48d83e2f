import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  hidden,
  signedUpPage,
  skipBrowser,
  startWeb,
  visible,
  type WebHarness,
} from './browser.js';

/**
 * Assignment end to end: a round-robin rule over two reps made in Settings → Assignment rules (a bad
 * condition refused and shown on the conditions box), two new leads going to different reps, the
 * reason and the candidates' loads on the lead page, and the workload page.
 */
describe.skipIf(skipBrowser)('assignment rules in Chromium', () => {
  let web: WebHarness;
  let page: Page;
  let api: Api;

  beforeAll(async () => {
    web = await startWeb();
    ({ page, api } = await signedUpPage(web, {
      email: 'assign.owner@example.com',
      name: 'Asha Assigner',
      workspaceName: 'Assign Co',
    }));
  });
  afterAll(async () => {
    await web?.close();
  });

  it('creates a round-robin rule in the editor; two new leads go to different reps, with the reason on the lead page', async () => {
    const ria = await api('post', '/api/v1/members', {
      email: 'ria@assign.example',
      name: 'Ria Rep',
      role: 'rep',
    });
    const sam = await api('post', '/api/v1/members', {
      email: 'sam@assign.example',
      name: 'Sam Rep',
      role: 'rep',
    });

    await page.goto('/leads');
    await page.getByRole('link', { name: 'Assignment rules' }).click();
    await page.waitForURL('**/settings/assignment-rules');
    await page.getByRole('button', { name: 'New rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New assignment rule' });
    await dialog.getByLabel('Name').fill('Web leads');
    await visible(dialog.getByText(/next eligible user in rotation/));
    await dialog.getByPlaceholder('Pick members').click();
    await page.getByRole('option', { name: 'Ria Rep' }).click();
    await page.getByRole('option', { name: 'Sam Rep' }).click();
    await dialog.getByRole('heading').click(); // close the dropdown
    const conditions = dialog.getByLabel('Conditions (optional)');
    await conditions.fill('{"all": [{"field": "sorce", "op": "eq", "value": "website"}]}');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await visible(dialog.getByText(/conditions\.all\.0\.field: sorce/));
    await conditions.fill('{"all": [{"field": "source", "op": "eq", "value": "website"}]}');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await hidden(dialog);
    const row = page.getByTestId('assignment-rule-row').filter({ hasText: 'Web leads' });
    await visible(row.getByText('Ria Rep → Sam Rep'));
    await visible(row.getByText('source = "website"'));

    const a = await api('post', '/api/v1/leads', {
      lastName: 'First',
      email: 'first@lead.example',
      source: 'website',
    });
    const b = await api('post', '/api/v1/leads', {
      lastName: 'Second',
      email: 'second@lead.example',
      source: 'website',
    });
    expect([a.ownerId, b.ownerId]).toEqual([ria.id, sam.id]);
    const other = await api('post', '/api/v1/leads', {
      lastName: 'Third',
      email: 'third@lead.example',
      source: 'ads',
    });
    expect(other.ownerId).toBeNull();
    await page.getByRole('button', { name: 'How many open leads match?' }).click();
    await visible(page.getByTestId('rule-matching').getByText('2 open leads match now'));

    await page.goto(`/leads/${b.id}`);
    const card = page.getByTestId('lead-assignments');
    await visible(card.getByText("Rule 'Web leads' (round robin, position 2 of 2)"));
    await visible(card.getByText('Sam Rep').first());
    const candidates = card.getByTestId('assignment-candidates');
    await visible(candidates.getByText('Ria Rep'));
    await visible(candidates.getByText('next in rotation'));
    await visible(page.getByText("Assigned to Sam Rep by rule 'Web leads' (round robin, position 2 of 2)"));
    await page.screenshot({ path: '/tmp/leadbase-assignment-lead.png', fullPage: true });

    await page.getByRole('link', { name: 'Workload' }).click();
    await page.waitForURL('**/workload');
    const ria1 = page.getByTestId('workload-row').filter({ hasText: 'Ria Rep' });
    await visible(ria1.getByText('50%'));
    await ria1.getByLabel('Pause Ria Rep').click({ force: true });
    await visible(page.getByText('Capacity saved'));
    const c = await api('post', '/api/v1/leads', {
      lastName: 'Fourth',
      email: 'fourth@lead.example',
      source: 'website',
    });
    expect(c.ownerId).toBe(sam.id);
    await page.screenshot({ path: '/tmp/leadbase-workload.png', fullPage: true });
  });
  it('reassigns selected leads in bulk from the leads list; the history says bulk', async () => {
    await page.goto('/leads');
    const table = page.getByTestId('leads-table');
    const rowOf = (name: string) => table.locator('tr', { hasText: name });
    await visible(rowOf('Third'));
    await rowOf('First').getByRole('checkbox').check();
    await rowOf('Third').getByRole('checkbox').check();
    const bar = page.getByTestId('bulk-bar');
    await visible(bar.getByText('2 selected'));
    await bar.getByLabel('Assign to').click();
    await page.getByRole('option', { name: 'Sam Rep' }).click();
    await visible(page.getByText('2 leads assigned to Sam Rep'));
    await hidden(bar);
    await visible(rowOf('Third').getByText('Sam Rep'));
    const leads = (await api('get', '/api/v1/leads?limit=50')).data as {
      id: string;
      ownerId: string;
      name: string;
    }[];
    const third = leads.find((l) => l.name.includes('Third'))!;
    const [h] = (await api('get', `/api/v1/leads/${third.id}/assignments`)).data;
    expect(h).toMatchObject({ reason: 'bulk', toName: 'Sam Rep', fromUserId: null });
    await page.goto(`/leads/${third.id}`);
    await visible(page.getByTestId('lead-assignments').getByText('Bulk reassignment'));
  });
});
