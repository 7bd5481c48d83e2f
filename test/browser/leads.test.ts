import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hidden, skipBrowser, startWeb, visible, type WebHarness } from './browser.js';

const SHOTS = { list: '/tmp/leadbase-leads-list.png', lead: '/tmp/leadbase-lead-page.png' };

/** A few more leads (through the API, with the browser's session) so the list looks like real work. */
async function seed(page: Page) {
  const api = (path: string, data: unknown) =>
    page.request.post(path, { data }).then(async (r) => {
      if (!r.ok()) throw new Error(`${path}: ${r.status()} ${await r.text()}`);
      return r.json();
    });
  const rep = await api('/api/v1/members', {
    email: 'sam.rivera@example.com',
    name: 'Sam Rivera',
    role: 'rep',
    password: 'another long password',
  });
  const leads = [
    {
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Analytical Engines',
      title: 'Difference engine upgrade',
      source: 'referral',
      dealValue: '48000',
      status: 'qualified',
      priority: 'high',
      temperature: 'hot',
    },
    {
      firstName: 'Alan',
      lastName: 'Turing',
      company: 'Bletchley Park',
      title: 'Bombe maintenance',
      source: 'website',
      dealValue: '12500',
      status: 'contacted',
      ownerId: rep.id,
    },
    {
      firstName: 'Katherine',
      lastName: 'Johnson',
      company: 'NASA Langley',
      title: 'Trajectory software',
      source: 'event',
      dealValue: '91000',
      status: 'proposal',
      priority: 'urgent',
    },
    {
      firstName: 'Linus',
      lastName: 'Torvalds',
      company: 'Transmeta',
      title: 'Kernel support',
      source: 'partner',
      status: 'new',
      ownerId: rep.id,
    },
    {
      firstName: 'Margaret',
      lastName: 'Hamilton',
      company: 'MIT Instrumentation Lab',
      title: 'Flight software audit',
      source: 'ads',
      dealValue: '67000',
      status: 'won',
    },
    {
      firstName: 'Dennis',
      lastName: 'Ritchie',
      company: 'Bell Labs',
      title: 'C compiler licences',
      source: 'website',
      dealValue: '8000',
      status: 'lost',
      lostReason: 'Went with a competitor',
    },
  ];
  for (const l of leads)
    await api('/api/v1/leads', { ...l, email: `${l.firstName.toLowerCase()}@example.com` });
}

describe.skipIf(skipBrowser)('web app in Chromium', () => {
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

  it('signs up, creates a lead with a validation error first, finds, edits and annotates it', async () => {
    // Unauthenticated users land on sign-in; sign up from there.
    await page.goto('/');
    await page.waitForURL('**/signin');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Your name').fill('Grace Admin');
    await page.getByLabel('Work email').fill('grace.admin@example.com');
    await page.getByRole('textbox', { name: 'Password' }).fill('short');
    await page.getByLabel('Workspace name').fill('Hopper & Co');
    await page.getByRole('button', { name: 'Create account' }).click();
    await visible(page.getByText('Must be at least 10 characters'));
    await page.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/leads');
    await visible(page.getByRole('heading', { name: 'Leads' }));
    await visible(page.getByTestId('workspace-switcher').getByText('Hopper & Co'));
    await seed(page);
    await page.reload();
    await visible(page.getByTestId('leads-table').getByText('Ada Lovelace'));

    // Create a lead through the form: a bad email is refused inline, then fixed.
    await page.getByRole('button', { name: 'New lead' }).click();
    const create = page.getByRole('dialog', { name: 'New lead' });
    await create.getByLabel('First name').fill('Grace');
    await create.getByLabel('Last name').fill('Hopper');
    await create.getByLabel('Email').fill('grace@navy');
    await create.getByLabel('Company').fill('US Navy');
    await create.getByLabel('Title', { exact: true }).fill('COBOL compiler rollout');
    await create.getByLabel('Deal value').fill('25000');
    await create.getByRole('button', { name: 'Create lead' }).click();
    await visible(create.getByText('Must be an email address'));
    expect(await create.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: '/tmp/leadbase-create-error.png' });
    await create.getByLabel('Email').fill('grace.hopper@navy.mil');
    await create.getByRole('button', { name: 'Create lead' }).click();
    await hidden(create);
    await visible(page.getByText('Lead created'));

    // The list: all leads, then found by searching.
    const table = page.getByTestId('leads-table');
    await visible(table.getByText('Grace Hopper'));
    await visible(table.getByText('Dennis Ritchie'));
    expect(await table.locator('tbody tr.lb-row').count()).toBe(7);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: SHOTS.list, fullPage: false });
    await page.getByRole('searchbox', { name: 'Search' }).fill('hopper');
    await page.waitForURL(/q=hopper/);
    await expect.poll(() => table.locator('tbody tr.lb-row').count()).toBe(1);
    await table.getByRole('link', { name: 'Grace Hopper' }).click();

    // The lead page.
    await page.waitForURL(/\/leads\/[0-9a-f-]{36}$/);
    await visible(page.getByTestId('record-title').getByText('COBOL compiler rollout'));
    await visible(page.getByTestId('lead-contact').getByText('grace.hopper@navy.mil'));

    // Edit: an invalid phone is rejected by the server and shown on the phone field; then saved.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Edit lead' });
    const phone = edit.getByLabel('Phone', { exact: true });
    await phone.fill('12345');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await visible(edit.getByText(/is not a valid phone number/i));
    expect(await phone.getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: '/tmp/leadbase-edit-error.png' });
    await phone.fill('+1 415 555 2671');
    await edit.getByLabel('Stage', { exact: true }).click();
    await page.getByRole('option', { name: 'Qualified' }).click();
    await edit.getByLabel('Job title').fill('Rear Admiral');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await hidden(edit);
    await visible(page.getByTestId('stage-badge').getByText('Qualified'));
    await visible(page.getByTestId('lead-contact').getByText('+14155552671'));

    // The timeline shows the stage change; a note logged appears on it.
    const timeline = page.getByTestId('timeline');
    await visible(timeline.getByText('Stage: New → Qualified'));
    await page
      .getByRole('textbox', { name: 'Note' })
      .fill('Called Grace: wants a quote for 40 seats by Friday.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await visible(timeline.getByText('Called Grace: wants a quote for 40 seats by Friday.'));
    await page.mouse.move(0, 0);
    await page.screenshot({ path: SHOTS.lead, fullPage: false });

    // History (audit): the change as field: old → new.
    await page.getByRole('tab', { name: 'History' }).click();
    const history = page.getByTestId('audit-history');
    await visible(history);
    const changes = await history.getByTestId('audit-change').allInnerTexts();
    const flat = changes.map((c) => c.replace(/\s+/g, ' ').trim());
    expect(flat).toContain('Phone: ∅ → +14155552671');
    expect(flat).toContain('Stage: New → Qualified');
    expect(flat).toContain('Job title: ∅ → Rear Admiral');
    await page.screenshot({ path: '/tmp/leadbase-lead-history.png', fullPage: false });
  });

  it('tells the user when someone else saved the lead first (412) and reloads it', async () => {
    const leadUrl = page.url().split('?')[0]!;
    const leadId = leadUrl.split('/').pop()!;
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Edit lead' });
    await edit.getByLabel('Title', { exact: true }).fill('COBOL compiler rollout, phase 2');
    // Meanwhile someone else changes the lead.
    const other = await page.request.patch(`/api/v1/leads/${leadId}`, {
      data: { productInterest: 'Compilers' },
    });
    expect(other.status()).toBe(200);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    const conflict = edit.getByTestId('conflict-alert');
    await visible(conflict.getByText('Someone else changed this lead'));
    await conflict.getByRole('button', { name: 'Reload latest version' }).click();
    await hidden(conflict);
    expect(await edit.getByLabel('Product interest').inputValue()).toBe('Compilers');
    await edit.getByLabel('Title', { exact: true }).fill('COBOL compiler rollout, phase 2');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await hidden(edit);
    await visible(page.getByTestId('record-title').getByText('COBOL compiler rollout, phase 2'));
  });

  it('shows the contact with the fields written through the lead, and starts a second lead for it', async () => {
    await page.locator('main').getByRole('link', { name: 'Grace Hopper' }).first().click();
    await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
    await visible(page.getByTestId('record-title').getByText('Grace Hopper'));
    // Phone and job title were edited on the lead: they live on the contact.
    await visible(page.getByTestId('contact-reach').getByText('+14155552671'));
    await visible(page.getByTestId('contact-details').getByText('Rear Admiral'));
    const leads = page.getByTestId('contact-leads');
    await visible(leads.getByText('COBOL compiler rollout, phase 2'));
    await leads.getByRole('button', { name: 'New lead for this contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'New lead for Grace Hopper' });
    await dialog.getByRole('button', { name: 'Create lead' }).click();
    await visible(dialog.getByText('Say what this lead is about'));
    await dialog.getByLabel('Title').fill('Mainframe support contract');
    await dialog.getByRole('button', { name: 'Create lead' }).click();
    await page.waitForURL(/\/leads\/[0-9a-f-]{36}$/);
    await visible(page.getByTestId('record-title').getByText('Mainframe support contract'));
    await visible(page.getByTestId('lead-contact').getByText('grace.hopper@navy.mil'));
    await page.goBack();
    await visible(page.getByTestId('contact-leads').getByText('Mainframe support contract'));
    await page.screenshot({ path: '/tmp/leadbase-contact-page.png' });
  });

  it('creates a workspace and switches between workspaces', async () => {
    await page.getByTestId('workspace-switcher').click();
    await page.getByRole('menuitem', { name: 'Create workspace' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a workspace' });
    await dialog.getByLabel('Workspace name').fill('Second Shop');
    await dialog.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL('**/leads');
    await visible(page.getByTestId('workspace-switcher').getByText('Second Shop'));
    await visible(page.getByText('No leads yet'));
    await page.getByTestId('workspace-switcher').click();
    await page.getByRole('menuitem', { name: 'Hopper & Co' }).click();
    await visible(page.getByTestId('workspace-switcher').getByText('Hopper & Co'));
    await visible(page.getByTestId('leads-table').getByText('Grace Hopper'));
  });

  it('shows viewers no write buttons, and signs out', async () => {
    const r = await page.request.post('/api/v1/members', {
      data: {
        email: 'val.viewer@example.com',
        name: 'Val Viewer',
        role: 'viewer',
        password: 'viewer password 1',
      },
    });
    expect(r.status()).toBe(201);
    const context = await web.browser.newContext({
      viewport: { width: 1280, height: 800 },
      baseURL: web.baseUrl,
    });
    const viewer = await context.newPage();
    await viewer.goto('/leads');
    await viewer.waitForURL('**/signin');
    await viewer.getByLabel('Email').fill('val.viewer@example.com');
    await viewer.getByRole('textbox', { name: 'Password' }).fill('wrong password!');
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    await visible(viewer.getByRole('alert'));
    await viewer.getByRole('textbox', { name: 'Password' }).fill('viewer password 1');
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    await viewer.waitForURL('**/leads');
    await visible(viewer.getByTestId('leads-table').getByText('Grace Hopper'));
    expect(await viewer.getByRole('button', { name: 'New lead' }).count()).toBe(0);
    await viewer.getByTestId('leads-table').getByRole('link', { name: 'Grace Hopper' }).first().click();
    await visible(viewer.getByTestId('timeline'));
    expect(await viewer.getByRole('button', { name: 'Edit', exact: true }).count()).toBe(0);
    expect(await viewer.getByTestId('activity-composer').count()).toBe(0);
    await viewer.goto('/settings/api-keys');
    await visible(viewer.getByText('Admins only'));
    await viewer.getByTestId('user-menu').click();
    await viewer.getByRole('menuitem', { name: 'Sign out' }).click();
    await viewer.waitForURL('**/signin');
    await context.close();
  });
});
