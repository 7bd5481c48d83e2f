import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, signedUpPage, skipBrowser, startWeb, visible, type WebHarness } from './browser.js';

describe.skipIf(skipBrowser)('lead page: contact edited in place, conversion with preview (Chromium)', () => {
  let web: WebHarness;
  let page: Page;
  let api: Api;

  beforeAll(async () => {
    web = await startWeb();
    ({ page, api } = await signedUpPage(web, {
      email: 'conv.owner@example.com',
      name: 'Conv Owner',
      workspaceName: 'Conversion Co',
    }));
  });
  afterAll(async () => {
    await web?.close();
  });

  it('edits the contact on the lead page, then previews and converts the lead', async () => {
    const lead = await api('post', '/api/v1/leads', {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@navyyard.example',
      company: 'Navy Yard Inc.',
      title: 'Compiler licences',
      dealValue: '12500',
    });
    await api('post', '/api/v1/accounts', { name: 'Navy Yard Incorporated', domain: 'navyyard.example' });
    await api('post', '/api/v1/custom-fields', {
      entity: 'contact',
      key: 'segment',
      label: 'Segment',
      type: 'text',
    });
    await page.goto(`/leads/${lead.id}`);
    const card = page.getByTestId('lead-contact');
    await visible(card.getByText('grace@navyyard.example'));

    // In place: a bad phone is refused on the field, then the contact is saved.
    await card.getByRole('button', { name: 'Edit contact' }).click();
    const form = page.getByRole('form', { name: 'Edit contact' });
    await form.getByLabel('Job title').fill('Rear Admiral');
    await form.getByLabel('Segment').fill('Government');
    await form.getByLabel('Phone').fill('12345');
    await form.getByRole('button', { name: 'Save contact' }).click();
    await visible(form.getByText(/not a valid phone number/i));
    await form.getByLabel('Phone').fill('(415) 555-0199');
    await form.getByRole('button', { name: 'Save contact' }).click();
    await visible(card.getByText('+14155550199'));
    await visible(card.getByText('Rear Admiral'));
    const contact = await api('get', `/api/v1/contacts/${lead.contactId}`);
    expect(contact).toMatchObject({
      jobTitle: 'Rear Admiral',
      phone: '+14155550199',
      customFields: { segment: 'Government' },
    });
    await visible(page.getByTestId('custom-values-inherited').getByText('Government'));

    // Convert: the preview shows the account matched by domain and the new deal.
    await page.getByRole('button', { name: 'Convert' }).click();
    const dialog = page.getByRole('dialog', { name: 'Convert lead' });
    const preview = dialog.getByTestId('convert-preview');
    await visible(preview.getByText('Navy Yard Incorporated'));
    await visible(preview.getByText('matched by email domain'));
    await visible(preview.getByText('Compiler licences'));
    await page.screenshot({ path: '/tmp/leadbase-convert-preview.png' });
    // Choosing a new account changes the preview.
    await dialog.getByText('New', { exact: true }).click();
    await visible(preview.getByText('Create account'));
    await dialog.getByText('Automatic', { exact: true }).click();
    await visible(preview.getByText('Link account'));
    await dialog.getByRole('button', { name: 'Convert', exact: true }).click();

    // Lands on the new deal; the lead says it was converted; the contact is an active customer.
    await page.waitForURL(/\/deals\/[0-9a-f-]{36}$/);
    await visible(page.getByTestId('record-title').getByText('Compiler licences'));
    await page.goto(`/leads/${lead.id}`);
    await visible(page.getByTestId('lead-converted'));
    expect(await page.getByRole('button', { name: 'Convert' }).count()).toBe(0);
    const after = await api('get', `/api/v1/contacts/${lead.contactId}`);
    expect(after).toMatchObject({ status: 'active', isConvertedFromLead: true });
    expect(after.accountId).toBeTruthy();
    await page.screenshot({ path: '/tmp/leadbase-lead-converted.png' });
  });
});
