import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hidden, skipBrowser, startWeb, visible, type WebHarness } from './browser.js';

/**
 * Custom fields end to end: an admin defines a lead-level field (with the options editor) and a
 * contact-level one in Settings, fills them on the lead form (a bad value refused by the server and
 * shown on its field), sees them on the lead page (the contact's as inherited) and as a list column.
 */
describe.skipIf(skipBrowser)('custom fields in Chromium', () => {
  let web: WebHarness;
  let page: Page;

  beforeAll(async () => {
    web = await startWeb();
    const context = await web.browser.newContext({
      viewport: { width: 1440, height: 900 },
      baseURL: web.baseUrl,
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await web?.close();
  });

  it('defines fields in settings, fills them on a lead, shows them on the lead page and as a list column', async () => {
    await page.goto('/signup');
    await page.getByLabel('Your name').fill('Fiona Fields');
    await page.getByLabel('Work email').fill('fiona@example.com');
    await page.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Solar Co');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/leads');

    // Settings → Custom fields: a lead-level number, and a choice with options.
    await page.getByRole('link', { name: 'Custom fields' }).click();
    await page.waitForURL('**/settings/custom-fields');
    await visible(page.getByRole('tab', { name: 'Leads' }));
    await page.getByRole('button', { name: 'New field' }).click();
    let dialog = page.getByRole('dialog', { name: 'New lead field' });
    await dialog.getByLabel('Label').fill('Roof area');
    expect(await dialog.getByLabel('Key').inputValue()).toBe('roof_area');
    await dialog.getByLabel('Type', { exact: true }).click();
    await page.getByRole('option', { name: 'Number' }).click();
    await dialog.getByRole('button', { name: 'Create field' }).click();
    await hidden(dialog);
    await visible(page.getByTestId('custom-field-row-roof_area'));

    await page.getByRole('button', { name: 'New field' }).click();
    dialog = page.getByRole('dialog', { name: 'New lead field' });
    await dialog.getByLabel('Label').fill('Panel type');
    await dialog.getByLabel('Type', { exact: true }).click();
    await page.getByRole('option', { name: 'Choice', exact: true }).click();
    await dialog.getByRole('button', { name: 'Add option' }).click();
    await dialog.getByLabel('Option 1 label').fill('Monocrystalline');
    await dialog.getByRole('button', { name: 'Add option' }).click();
    await dialog.getByLabel('Option 2 label').fill('Thin film');
    await dialog.getByRole('button', { name: 'Create field' }).click();
    await hidden(dialog);
    await visible(page.getByTestId('custom-field-row-panel_type').getByText('Monocrystalline, Thin film'));

    // A contact-level field (shared by all leads of the contact).
    await page.getByRole('tab', { name: 'Contacts' }).click();
    // Wait for the tab's panel: a 'New field' click racing the switch would open the Leads dialog.
    await visible(page.getByRole('tab', { name: 'Contacts', selected: true }));
    await visible(page.getByText(/Contact-level/));
    await page.getByRole('button', { name: 'New field' }).click();
    dialog = page.getByRole('dialog', { name: 'New contact field' });
    await dialog.getByLabel('Label').fill('Homepage');
    await dialog.getByLabel('Type', { exact: true }).click();
    await page.getByRole('option', { name: 'Link (URL)' }).click();
    await dialog.getByRole('button', { name: 'Create field' }).click();
    await hidden(dialog);
    await visible(page.getByTestId('custom-field-row-homepage'));
    await page.screenshot({ path: '/tmp/leadbase-custom-fields-settings.png' });

    // The lead form: both levels; a bad URL is refused by the server and shown on its field.
    await page.getByRole('link', { name: 'Leads' }).first().click();
    await page.waitForURL('**/leads');
    await page.getByRole('button', { name: 'New lead' }).first().click();
    const create = page.getByRole('dialog', { name: 'New lead' });
    await create.getByLabel('First name').fill('Priya');
    await create.getByLabel('Last name').fill('Raman');
    await create.getByLabel('Email').fill('priya@example.com');
    await create.getByLabel('Title', { exact: true }).fill('Rooftop solar');
    await create.getByLabel('Roof area').fill('1250');
    await create.getByLabel('Panel type', { exact: true }).click();
    await page.getByRole('option', { name: 'Thin film' }).click();
    const homepage = create.getByLabel('Homepage');
    await homepage.fill('priya dot example');
    await create.getByRole('button', { name: 'Create lead' }).click();
    await visible(create.getByText(/Must be an http\(s\) URL/));
    expect(await homepage.getAttribute('aria-invalid')).toBe('true');
    await homepage.fill('https://priya.example.com');
    await create.getByRole('button', { name: 'Create lead' }).click();
    await hidden(create);
    await visible(page.getByText('Lead created'));

    // A list column: chosen from the custom fields, sortable.
    const table = page.getByTestId('leads-table');
    await page.getByTestId('custom-columns').click();
    await page.getByRole('option', { name: 'Roof area' }).click();
    await page.getByRole('option', { name: 'Panel type' }).click();
    await page.keyboard.press('Escape');
    await visible(table.getByRole('columnheader', { name: /Roof area/ }));
    await visible(table.getByText('1,250'));
    await visible(table.getByText('Thin film'));
    await table.getByRole('button', { name: 'Sort by Roof area' }).click();
    await page.waitForURL(/sort=-custom\.roof_area/);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: '/tmp/leadbase-custom-fields-list.png' });

    // The lead page: lead-level values, and the contact's, inherited.
    await table.getByRole('link', { name: 'Priya Raman' }).click();
    await page.waitForURL(/\/leads\/[0-9a-f-]{36}$/);
    const own = page.getByTestId('custom-values-lead');
    await visible(own.getByText('Roof area'));
    await visible(own.getByText('1,250'));
    await visible(own.getByText('Thin film'));
    const inherited = page.getByTestId('custom-values-inherited');
    await visible(inherited.getByText('From the contact: shared by all its leads'));
    await visible(inherited.getByRole('link', { name: 'https://priya.example.com' }));

    // Edit on the lead: the change is saved and shown.
    await page.getByRole('button', { name: 'Edit', exact: true }).first().click();
    const edit = page.getByRole('dialog', { name: 'Edit lead' });
    await edit.getByLabel('Roof area').fill('1400');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await hidden(edit);
    await visible(own.getByText('1,400'));
    await page.mouse.move(0, 0);
    await page.screenshot({ path: '/tmp/leadbase-custom-fields-lead.png' });

    // The contact shows the same contact-level value (it lives on the contact).
    const contactId = await page.evaluate(async () => {
      const id = location.pathname.split('/').pop();
      const r = await fetch(`/api/v1/leads/${id}`);
      return (await r.json()).contactId as string;
    });
    await page.goto(`/contacts/${contactId}`);
    await visible(
      page.getByTestId('custom-values-contact').getByRole('link', { name: 'https://priya.example.com' }),
    );
  });
});
