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
 * Settings → Scoring end to end: a rule created in the editor (a misspelt field refused by the server
 * and shown on the condition box), the recompute job's outcome shown, then a matching lead's page with
 * its score and the rule's name and points in the explanation.
 */
describe.skipIf(skipBrowser)('scoring rules in Chromium', () => {
  let web: WebHarness;
  let page: Page;
  let api: Api;

  beforeAll(async () => {
    web = await startWeb();
    ({ page, api } = await signedUpPage(web, {
      email: 'score.owner@example.com',
      name: 'Sage Scorer',
      workspaceName: 'Score Co',
    }));
  });
  afterAll(async () => {
    await web?.close();
  });

  it('creates a rule in Settings → Scoring; a matching lead shows its score and why', async () => {
    const before = await api('post', '/api/v1/leads', { firstName: 'Early', source: 'referral' });
    expect(before.score).toBe(0);

    await page.goto('/leads');
    await page.getByRole('link', { name: 'Scoring', exact: true }).click();
    await page.waitForURL('**/settings/scoring-rules');
    await visible(page.getByTestId('no-scoring-rules'));

    await page.getByRole('button', { name: 'New rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New scoring rule' });
    await dialog.getByLabel('Name').fill('Referral partners');
    await dialog.getByLabel('Category', { exact: true }).click();
    await page.getByRole('option', { name: 'Behavioural' }).click();
    await visible(dialog.getByText(/What they did/));
    await dialog.getByLabel('Points').fill('35');
    const condition = dialog.getByLabel('Condition');
    await condition.fill('{"field": "sorce", "op": "eq", "value": "referral"}');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await visible(dialog.getByText(/conditions\.field: sorce is not a known lead field/));
    await condition.fill('{"field": "source", "op": "eq", "value": "referral"}');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await hidden(dialog);
    const row = page.getByTestId('scoring-rule-row').filter({ hasText: 'Referral partners' });
    await visible(row.getByText('source = "referral"'));
    await visible(row.getByText('+35'));
    await visible(row.getByText('Behavioural'));
    // The rule change recomputed every lead in the background: the earlier lead is scored too.
    await visible(page.getByTestId('recompute-status').getByText(/Scores recomputed: 1 lead, 1 changed/));
    await page.screenshot({ path: '/tmp/leadbase-scoring-rules.png' });

    const lead = await api('post', '/api/v1/leads', {
      firstName: 'Ravi',
      lastName: 'Menon',
      source: 'referral',
    });
    expect(lead.score).toBe(35);
    await page.goto(`/leads/${lead.id}`);
    const card = page.getByTestId('lead-score');
    await visible(card.getByTestId('lead-score-value').getByText('35', { exact: true }));
    const reasons = card.getByTestId('lead-score-reasons');
    await visible(reasons.getByText('Referral partners'));
    await visible(reasons.getByText('+35'));
    await visible(reasons.getByText('Behavioural'));
    await visible(card.getByText('1 rule fired'));
    await visible(card.getByTestId('lead-scored-at'));
    await page.screenshot({ path: '/tmp/leadbase-lead-score.png' });

    // A lead no rule fires for says so.
    const other = await api('post', '/api/v1/leads', { firstName: 'Nia', source: 'ads' });
    await page.goto(`/leads/${other.id}`);
    await visible(page.getByTestId('lead-score').getByText('No rule fired'));
    await visible(page.getByTestId('lead-score-value').getByText('0', { exact: true }));
  });
});
