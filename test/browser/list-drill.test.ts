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
 * A report's click-through lands on a list opened with URL parameters the page has no control for:
 * the list passes them to the API, and a banner above the table shows how many records that is (the
 * count endpoint's figure) with "Clear filters".
 */
describe.skipIf(skipBrowser)('lists opened from a report (Chromium)', () => {
  let web: WebHarness;
  let page: Page;
  let api: Api;
  let me: string;
  const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();
  const digits = (s: string | null) => Number((s ?? '').replace(/\D/g, ''));

  beforeAll(async () => {
    web = await startWeb();
    ({ page, api } = await signedUpPage(web, {
      email: 'drill.owner@example.com',
      name: 'Dora Drill',
      workspaceName: 'Drill Co',
    }));
    me = (await api('get', '/api/v1/auth/me')).user.id;
  });
  afterAll(async () => {
    await web?.close();
  });

  const lead = (firstName: string, lastName: string, source: string) =>
    api('post', '/api/v1/leads', {
      firstName,
      lastName,
      source,
      email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@drill.example`,
    });

  it('opens /leads?source=referral&createdAtFrom=… with the count the API gives and those rows', async () => {
    // Earlier referrals, then the ones the report counts (created from the first of them on).
    await lead('Olga', 'Older', 'referral');
    await lead('Omar', 'Older', 'referral');
    const first = await lead('Nina', 'Newer', 'referral');
    await lead('Ned', 'Newer', 'referral');
    await lead('Nora', 'Newer', 'referral');
    await lead('Wes', 'Website', 'website');
    const query = { source: 'referral', createdAtFrom: first.createdAt as string };

    const listed = (await api('get', `/api/v1/leads?${qs({ ...query, limit: '200' })}`)).data as {
      name: string;
    }[];
    const { count } = await api('get', `/api/v1/leads/count?${qs(query)}`);
    expect(count).toBe(3);
    expect(listed.map((l) => l.name).sort()).toEqual(['Ned Newer', 'Nina Newer', 'Nora Newer']);

    await page.goto(`/leads?${qs(query)}`);
    const banner = page.getByTestId('list-scope');
    await visible(banner);
    await expect.poll(() => page.getByTestId('list-count').textContent()).toMatch(/\d/);
    expect(await banner.textContent()).toContain('Filtered from a report:');
    expect(await banner.textContent()).toContain(`Created from ${query.createdAtFrom.slice(0, 10)}`);
    expect(digits(await page.getByTestId('list-count').textContent())).toBe(count);
    expect(await page.getByTestId('list-count').textContent()).toBe('3 leads');
    for (const l of listed) await visible(page.getByRole('link', { name: new RegExp(l.name) }));
    expect(await page.getByRole('link', { name: /Older/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /Wes Website/ }).count()).toBe(0);

    // Clear filters drops what the page has no control for; its own source filter stays.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await hidden(banner);
    await visible(page.getByRole('link', { name: /Olga Older/ }));
    expect(new URL(page.url()).searchParams.get('createdAtFrom')).toBeNull();
    expect(new URL(page.url()).searchParams.get('source')).toBe('referral');
    expect(await page.getByRole('link', { name: /Wes Website/ }).count()).toBe(0);
  });

  it('passes a condition and the funnel filters (reachedStageId, pipelineId) through to the list', async () => {
    const pipeline = (await api('get', '/api/v1/pipelines')).data.find(
      (p: { isDefault: boolean }) => p.isDefault,
    );
    const stage = (name: string) =>
      pipeline.stages.find((s: { name: string; id: string }) => s.name === name).id as string;
    const moved = await lead('Quinn', 'Qualified', 'partner');
    await api('patch', `/api/v1/leads/${moved.id}`, { stageId: stage('Qualified') });
    await api('patch', `/api/v1/leads/${moved.id}`, {
      stageId: stage('Lost'),
      lostReason: 'Price too high',
    });
    await lead('Stan', 'Stays', 'partner');
    const query = {
      pipelineId: pipeline.id,
      reachedStageId: [stage('Qualified'), stage('Proposal'), stage('Won')].join(','),
      condition: JSON.stringify({ field: 'source', op: 'eq', value: 'partner' }),
    };
    const { count } = await api('get', `/api/v1/leads/count?${qs(query)}`);
    expect(count).toBe(1);
    await page.goto(`/leads?${qs(query)}`);
    await visible(page.getByTestId('list-scope'));
    await expect.poll(() => page.getByTestId('list-count').textContent()).toBe('1 lead');
    await visible(page.getByRole('link', { name: /Quinn Qualified/ }));
    expect(await page.getByRole('link', { name: /Stan Stays/ }).count()).toBe(0);
    expect(await page.getByTestId('list-scope').textContent()).toContain(
      'Pipeline · Reached stage · Condition',
    );
  });

  it('opens the activities and tasks lists from a report the same way', async () => {
    const l = await lead('Cara', 'Caller', 'website');
    for (const outcome of ['connected', 'no_answer', 'connected'])
      await api('post', '/api/v1/activities', {
        type: 'call',
        leadId: l.id,
        subject: `Call (${outcome})`,
        outcome,
      });
    await api('post', '/api/v1/activities', { type: 'email', leadId: l.id, subject: 'Quote sent' });
    const acts = { type: 'call', userId: me, outcome: 'connected' };
    const { count: calls } = await api('get', `/api/v1/activities/count?${qs(acts)}`);
    expect(calls).toBe(2);
    await page.goto(`/activities?${qs(acts)}`);
    await visible(page.getByTestId('list-scope'));
    await expect.poll(() => page.getByTestId('list-count').textContent()).toBe('2 activities');
    expect(await page.getByText('Call (connected)').count()).toBe(2);
    expect(await page.getByText('Call (no_answer)').count()).toBe(0);

    await api('post', '/api/v1/tasks', { title: 'Nobody owns this', assigneeId: null, priority: 'high' });
    await api('post', '/api/v1/tasks', { title: 'Mine to do', priority: 'high' });
    const tasks = { assigneeId: 'none', priority: 'high' };
    const { count: unassigned } = await api('get', `/api/v1/tasks/count?${qs(tasks)}`);
    expect(unassigned).toBe(1);
    await page.goto(`/tasks?${qs(tasks)}`);
    await visible(page.getByTestId('list-scope'));
    await expect.poll(() => page.getByTestId('list-count').textContent()).toBe('1 task');
    await visible(page.getByText('Nobody owns this'));
    expect(await page.getByText('Mine to do').count()).toBe(0);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await hidden(page.getByTestId('list-scope'));
    await visible(page.getByText('Mine to do'));
  });
});
