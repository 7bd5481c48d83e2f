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

const SHOTS = {
  pairs: '/tmp/leadbase-duplicates.png',
  merge: '/tmp/leadbase-merge.png',
  merged: '/tmp/leadbase-merged.png',
};

describe.skipIf(skipBrowser)('duplicates review, merge and undo (Chromium)', () => {
  let web: WebHarness;
  let page: Page;
  let api: Api;

  beforeAll(async () => {
    web = await startWeb();
    ({ page, api } = await signedUpPage(web, {
      email: 'dedupe.owner@example.com',
      name: 'Dee Dupe',
      workspaceName: 'Dedupe Co',
    }));
  });
  afterAll(async () => {
    await web?.close();
  });

  it('flags a duplicate contact, merges it with a field from the loser, and undoes the merge', async () => {
    const katherine = await api('post', '/api/v1/contacts', {
      firstName: 'Katherine',
      lastName: 'Johnson',
      email: 'katherine.johnson@nasa.example',
      companyName: 'NASA Langley',
    });

    // The same person again, by her nickname, through the form: flagged as a possible duplicate.
    await page.goto('/contacts');
    await page.getByRole('button', { name: 'New contact' }).first().click();
    const form = page.getByTestId('contact-form');
    await form.getByLabel('First name').fill('Kathy');
    await form.getByLabel('Last name').fill('Johnson');
    await form.getByLabel('Company').fill('NASA Langley');
    await form.getByLabel('Job title').fill('Mathematician');
    await form.getByRole('button', { name: 'Create contact' }).click();
    await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
    const kathyId = page.url().split('/').pop()!;
    expect(kathyId).not.toBe(katherine.id);
    const banner = page.getByTestId('duplicate-banner');
    await visible(banner.getByText('Katherine Johnson'));
    // Kathy has a lead of her own (the loser's lead, which must move).
    await api('post', '/api/v1/leads', { contactId: kathyId, title: 'Trajectory software' });

    // The duplicates review lists the pair with its score and reasons.
    await page.getByRole('link', { name: 'Duplicates' }).click();
    await page.waitForURL('**/duplicates/contacts');
    const row = page.getByTestId('duplicate-pair').filter({ hasText: 'Kathy Johnson' });
    await visible(row.getByText('Katherine Johnson'));
    await visible(row.getByText('firstName 1.00 (nickname)'));
    await visible(row.getByText('lastName exact'));
    await page.screenshot({ path: SHOTS.pairs });
    await row.getByRole('button', { name: 'Review & merge' }).click();
    await page.waitForURL(/\/duplicates\/contacts\/merge\?ids=/);

    // Side by side: Katherine survives; her empty job title takes Kathy's value; the preview agrees.
    await page.getByRole('radio', { name: 'Keep Katherine Johnson' }).check();
    await page.getByRole('radio', { name: 'First name from Katherine Johnson' }).check();
    await page.getByRole('radio', { name: 'Job title from Kathy Johnson' }).check();
    await visible(page.getByTestId('result-jobTitle').getByText('Mathematician'));
    await visible(page.getByTestId('result-firstName').getByText('Katherine'));
    await visible(page.getByTestId('merge-moves').getByText(/\b1 lead\b/));
    await page.screenshot({ path: SHOTS.merge, fullPage: true });
    await page.getByRole('button', { name: 'Merge', exact: true }).click();

    // The survivor's page: the picked value, the moved lead, and the merge with its undo.
    await page.waitForURL(`**/contacts/${katherine.id}`);
    await visible(page.getByTestId('record-title').getByText('Katherine Johnson'));
    await visible(page.getByText('Mathematician · NASA Langley'));
    await visible(page.getByTestId('contact-leads').getByText('Trajectory software'));
    await visible(
      page.getByTestId('merged-here-banner').getByText(/Kathy Johnson was merged into this contact/),
    );
    await page.screenshot({ path: SHOTS.merged, fullPage: true });
    const kathyGone = await api('get', `/api/v1/contacts/${kathyId}`);
    expect(kathyGone.deletedAt).not.toBeNull();

    // Undo from the survivor's page: both are back exactly as before.
    await page.getByTestId('merged-here-banner').getByRole('button', { name: 'Undo merge' }).click();
    await visible(page.getByText('Merge undone'));
    await hidden(page.getByTestId('merged-here-banner'));
    await hidden(page.getByText('Mathematician · NASA Langley'));
    await hidden(page.getByTestId('contact-leads').getByText('Trajectory software'));
    const back = await api('get', `/api/v1/contacts/${katherine.id}`);
    expect(back).toMatchObject({
      firstName: 'Katherine',
      jobTitle: null,
      deletedAt: null,
      version: katherine.version,
    });
    await page.goto(`/contacts/${kathyId}`);
    await visible(page.getByTestId('record-title').getByText('Kathy Johnson'));
    await visible(page.getByTestId('contact-leads').getByText('Trajectory software'));
    await visible(page.getByTestId('duplicate-banner').getByText('Katherine Johnson'));
    const kathy = await api('get', `/api/v1/contacts/${kathyId}`);
    expect(kathy).toMatchObject({ jobTitle: 'Mathematician', deletedAt: null });
  });
});
