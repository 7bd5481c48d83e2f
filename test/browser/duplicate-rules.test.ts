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
 * Settings → Duplicate rules end to end: the built-in rules shown while the workspace has none, a block
 * rule with a condition created in the modal (a bad condition refused by the server and shown on the
 * condition box), then a duplicate contact created through the form refused with the existing record
 * listed.
 */
describe.skipIf(skipBrowser)('duplicate rules in Chromium', () => {
  let web: WebHarness;
  let page: Page;
  let api: Api;

  beforeAll(async () => {
    web = await startWeb();
    ({ page, api } = await signedUpPage(web, {
      email: 'rules.owner@example.com',
      name: 'Rue Rules',
      workspaceName: 'Rules Co',
    }));
  });
  afterAll(async () => {
    await web?.close();
  });

  it('creates a block rule with a condition in settings; a duplicate create is then refused with the candidate listed', async () => {
    const ada = await api('post', '/api/v1/contacts', {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@engines.example',
      source: 'partner',
    });

    await page.goto('/leads');
    await page.getByRole('link', { name: 'Duplicate rules' }).click();
    await page.waitForURL('**/settings/duplicate-rules');
    await visible(page.getByTestId('built-in-rules').getByText(/Built-in rules apply: Same email/));

    await page.getByRole('button', { name: 'New rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New contact duplicate rule' });
    await dialog.getByLabel('Name').fill('Partner contacts are unique by email');
    await dialog.getByPlaceholder('Pick fields').click();
    await page.getByRole('option', { name: 'Email' }).click();
    await dialog.getByRole('heading').click(); // close the dropdown
    await visible(dialog.getByTestId('rule-field-email'));
    await dialog.getByLabel('Action', { exact: true }).click();
    await page.getByRole('option', { name: 'Block' }).click();
    await visible(dialog.getByText(/Refuse the create or update/));
    // A misspelt field: the server's reason is shown on the condition box.
    const condition = dialog.getByLabel('Condition (optional)');
    await condition.fill('{"field": "sorce", "op": "eq", "value": "partner"}');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await visible(dialog.getByText(/condition\.field: sorce is not a known contact field/));
    await condition.fill('{"field": "source", "op": "eq", "value": "partner"}');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await hidden(dialog);
    const row = page
      .getByTestId('duplicate-rule-row')
      .filter({ hasText: 'Partner contacts are unique by email' });
    await visible(row.getByText('source = "partner"'));
    await visible(row.getByText('block', { exact: true }));
    await visible(row.getByText('Email · exact'));
    await hidden(page.getByTestId('built-in-rules'));
    await page.screenshot({ path: '/tmp/leadbase-duplicate-rules.png' });
    const [rule] = (await api('get', '/api/v1/duplicate-rules?entity=contact')).data;
    expect(rule).toMatchObject({
      action: 'block',
      active: true,
      fields: [{ field: 'email', match: 'exact' }],
      condition: { field: 'source', op: 'eq', value: 'partner' },
    });

    // The same email (other case) from a partner, through the contact form: refused, Ada listed.
    await page.getByRole('link', { name: 'Contacts' }).first().click();
    await page.waitForURL('**/contacts');
    await page.getByRole('button', { name: 'New contact' }).first().click();
    const form = page.getByTestId('contact-form');
    await form.getByLabel('First name').fill('Ada');
    await form.getByLabel('Last name').fill('King');
    if ((await form.getByLabel('Email', { exact: true }).count()) === 0)
      await form.getByRole('button', { name: 'Add email' }).click();
    await form.getByLabel('Email', { exact: true }).fill('ADA@engines.example');
    await form.getByLabel('Source').fill('partner');
    await form.getByRole('button', { name: 'Create contact' }).click();
    const refused = page.getByTestId('duplicate-blocked');
    await visible(
      refused.getByText(/duplicates an existing record \(rule "Partner contacts are unique by email"\)/),
    );
    const candidate = refused.getByTestId('duplicate-blocked-candidate');
    await visible(candidate.getByText('Ada Lovelace · ada@engines.example'));
    await page.waitForTimeout(500); // the notification slides in
    expect(await candidate.getByRole('link').getAttribute('href')).toBe(`/contacts/${ada.id}`);
    await page.screenshot({ path: '/tmp/leadbase-duplicate-refused.png' });
    expect(page.url()).toMatch(/\/contacts$/);
    const contacts = await api('get', '/api/v1/contacts?limit=10');
    expect(contacts.data.map((c: { id: string }) => c.id)).toEqual([ada.id]);

    // Deactivated in settings: the rule stops applying.
    await page.goto('/settings/duplicate-rules');
    await page.getByLabel('Active: Partner contacts are unique by email').click({ force: true });
    await visible(page.getByTestId('built-in-rules'));
    expect((await api('get', `/api/v1/duplicate-rules/${rule.id}`)).active).toBe(false);
  });

  it('shows the rules read-only to a rep', async () => {
    await api('post', '/api/v1/members', {
      email: 'rules.rep@example.com',
      name: 'Rey Rep',
      role: 'rep',
      password: 'correct horse battery',
    });
    const context = await web.browser.newContext({
      viewport: { width: 1440, height: 900 },
      baseURL: web.baseUrl,
    });
    const rep = await context.newPage();
    rep.setDefaultTimeout(15_000);
    const login = await rep.request.post('/api/v1/auth/login', {
      data: { email: 'rules.rep@example.com', password: 'correct horse battery' },
    });
    expect(login.ok()).toBe(true);
    await rep.goto('/settings/duplicate-rules');
    await visible(rep.getByText('Admins manage rules'));
    const row = rep
      .getByTestId('duplicate-rule-row')
      .filter({ hasText: 'Partner contacts are unique by email' });
    await visible(row.getByText('source = "partner"'));
    expect(await rep.getByRole('button', { name: 'New rule' }).count()).toBe(0);
    expect(await row.getByRole('button', { name: /Edit|Delete/ }).count()).toBe(0);
    expect(await rep.getByLabel('Active: Partner contacts are unique by email').isDisabled()).toBe(true);
    await context.close();
  });
});
