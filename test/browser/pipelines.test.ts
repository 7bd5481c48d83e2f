import type { Locator, Page } from 'playwright-core';
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
 * Settings → Pipelines end to end: an admin drags a stage by its handle to a new place (dnd-kit), the
 * order is saved and holds after a reload, and the API agrees; then adds a stage with a colour and
 * removes another, choosing where its leads go, with the count of leads that move shown first.
 */
describe.skipIf(skipBrowser)('pipeline settings in Chromium', () => {
  let web: WebHarness;
  let page: Page;
  let api: Api;

  beforeAll(async () => {
    web = await startWeb();
    ({ page, api } = await signedUpPage(web, {
      email: 'pipes.owner@example.com',
      name: 'Pia Pipes',
      workspaceName: 'Pipes Co',
    }));
  });
  afterAll(async () => {
    await web?.close();
  });

  const rows = (p: Page) => p.getByTestId('stage-row');
  const order = async (p: Page) =>
    (await rows(p).evaluateAll((els) => els.map((e) => e.getAttribute('data-stage-name')))) as string[];

  /** A real pointer drag: press on the handle, move in steps (dnd-kit needs movement), release. */
  async function drag(p: Page, handle: Locator, onto: Locator, dy: number) {
    const from = (await handle.boundingBox())!;
    const to = (await onto.boundingBox())!;
    await p.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await p.mouse.down();
    await p.mouse.move(from.x + from.width / 2, from.y + from.height / 2 + 10, { steps: 5 });
    await p.mouse.move(from.x + from.width / 2, to.y + to.height / 2 + dy, { steps: 20 });
    await p.mouse.up();
  }

  it('drags a stage to a new position; after a reload the order holds and GET /pipelines/:id agrees', async () => {
    await page.goto('/leads');
    await page.getByRole('link', { name: 'Pipelines' }).click();
    await page.waitForURL('**/settings/pipelines');
    await visible(rows(page));
    expect(await order(page)).toEqual(['New', 'Contacted', 'Qualified', 'Proposal', 'Won', 'Lost']);

    const saved = page.waitForResponse(
      (r) => r.url().includes('/stages/reorder') && r.request().method() === 'POST',
    );
    await drag(page, page.getByRole('button', { name: 'Drag Proposal' }), rows(page).nth(1), -5);
    const res = await saved;
    expect(res.status()).toBe(200);
    expect(await order(page)).toEqual(['New', 'Proposal', 'Contacted', 'Qualified', 'Won', 'Lost']);

    await page.reload();
    await visible(rows(page));
    expect(await order(page)).toEqual(['New', 'Proposal', 'Contacted', 'Qualified', 'Won', 'Lost']);
    const [sales] = (await api('get', '/api/v1/pipelines')).data;
    const one = await api('get', `/api/v1/pipelines/${sales.id}`);
    expect(one.stages.map((s: any) => [s.name, s.position])).toEqual([
      ['New', 0],
      ['Proposal', 1],
      ['Contacted', 2],
      ['Qualified', 3],
      ['Won', 4],
      ['Lost', 5],
    ]);
    await page.screenshot({ path: '/tmp/leadbase-pipelines.png' });
  });

  it('adds a stage with a colour, then removes a stage moving its leads to the chosen one', async () => {
    const [sales] = (await api('get', '/api/v1/pipelines')).data;
    const contacted = sales.stages.find((s: any) => s.name === 'Contacted');
    for (const n of [1, 2, 3])
      await api('post', '/api/v1/leads', { firstName: `Mover${n}`, lastName: 'Lead', stageId: contacted.id });

    await page.getByRole('button', { name: 'Add stage' }).click();
    let dialog = page.getByRole('dialog', { name: 'New stage' });
    await dialog.getByLabel('Name').fill('Site visit');
    await dialog.getByLabel('Colour').fill('#15aabf');
    await dialog.getByLabel('Probability (%)').fill('55');
    await dialog.getByRole('button', { name: 'Add stage' }).click();
    await hidden(dialog);
    await visible(page.locator('[data-stage-name="Site visit"]'));
    const added = (await api('get', `/api/v1/pipelines/${sales.id}`)).stages.find(
      (s: any) => s.name === 'Site visit',
    );
    expect(added).toMatchObject({ color: '#15aabf', probability: 55, type: 'open' });

    await page.getByRole('button', { name: 'Remove Contacted' }).click();
    dialog = page.getByRole('dialog', { name: 'Remove stage Contacted?' });
    await visible(dialog.getByTestId('remove-stage-counts').getByText('3 leads and 0 deals will move.'));
    await dialog.getByLabel('Move leads and deals to').click();
    // Only open stages are offered for an open stage.
    await expect(page.getByRole('option', { name: 'Won' }).count()).resolves.toBe(0);
    await page.getByRole('option', { name: 'Site visit' }).click();
    await dialog.getByRole('button', { name: 'Remove stage' }).click();
    await hidden(dialog);
    await hidden(page.locator('[data-stage-name="Contacted"]'));
    await visible(page.locator('[data-stage-name="Site visit"]').getByText('3 leads · 0 deals'));
    const leads = (await api('get', '/api/v1/leads?q=Mover')).data;
    expect(leads).toHaveLength(3);
    for (const l of leads) expect(l.stageId).toBe(added.id);
  });
  it('shows the stages read-only to a rep (no drag handles, no edit or remove)', async () => {
    await api('post', '/api/v1/members', {
      email: 'pipes.rep@example.com',
      name: 'Rob Rep',
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
      data: { email: 'pipes.rep@example.com', password: 'correct horse battery' },
    });
    expect(login.ok()).toBe(true);
    await rep.goto('/settings/pipelines');
    await visible(rep.getByText('Admins manage pipelines'));
    await visible(rows(rep));
    expect(await order(rep)).toEqual(await order(page));
    expect(await rep.getByRole('button', { name: /^(Drag|Edit|Remove) / }).count()).toBe(0);
    expect(
      await rep.getByRole('button', { name: /Add stage|New pipeline|Delete pipeline|Save/ }).count(),
    ).toBe(0);
    expect(await rep.getByLabel('Name').isDisabled()).toBe(true);
    await context.close();
  });
});
