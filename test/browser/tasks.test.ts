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

describe.skipIf(skipBrowser)('tasks page, lead tasks and quick logging (Chromium)', () => {
  let web: WebHarness;
  let page: Page;
  let api: Api;

  beforeAll(async () => {
    web = await startWeb();
    ({ page, api } = await signedUpPage(web, {
      email: 'tasks.owner@example.com',
      name: 'Tara Tasks',
      workspaceName: 'Tasks Co',
    }));
  });
  afterAll(async () => {
    await web?.close();
  });

  it('completes a task from the tasks page: it leaves My tasks and the lead timeline shows it', async () => {
    const lead = await api('post', '/api/v1/leads', {
      firstName: 'Otto',
      lastName: 'Overdue',
      email: 'otto@overdue.example',
      title: 'Heat pump',
    });
    const task = await api('post', '/api/v1/tasks', {
      title: 'Call Otto about the heat pump',
      leadId: lead.id,
      type: 'call',
      priority: 'high',
      dueAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
    });
    await api('post', '/api/v1/tasks', {
      title: 'Send Otto the brochure',
      leadId: lead.id,
      dueAt: new Date(Date.now() + 3 * 24 * 3600_000).toISOString(),
    });

    await page.goto('/tasks');
    const list = page.getByTestId('task-list');
    const row = list.locator(`[data-task-id="${task.id}"]`);
    await visible(row);
    // Overdue in red, with its lead linked; the nav counts what is due.
    await visible(row.getByText(/^Overdue/));
    await visible(row.getByRole('link', { name: /Otto Overdue/ }));
    await visible(page.getByTestId('tasks-due-count').getByText('1'));

    await row.getByRole('checkbox', { name: 'Complete Call Otto about the heat pump' }).click();
    await visible(page.getByText('Completed: Call Otto about the heat pump'));
    await hidden(list.locator(`[data-task-id="${task.id}"]`));
    await visible(list.getByText('Send Otto the brochure'));
    expect((await api('get', `/api/v1/tasks/${task.id}`)).status).toBe('completed');

    await page.goto(`/leads/${lead.id}`);
    const timeline = page.getByTestId('timeline');
    await visible(timeline.getByText('Completed: Call Otto about the heat pump'));
    // The lead's tasks card lists the open one only.
    const card = page.getByTestId('lead-tasks');
    await visible(card.getByText('Send Otto the brochure'));
    expect(await card.getByText('Call Otto about the heat pump').count()).toBe(0);
    // The contact page lists the tasks of the person (those on its leads included).
    await page.goto(`/contacts/${lead.contactId}`);
    await visible(page.getByTestId('contact-tasks').getByText('Send Otto the brochure'));
  });

  it('adds a task on the lead page and logs a call with its outcome; both appear at once', async () => {
    const lead = await api('post', '/api/v1/leads', {
      firstName: 'Quinn',
      lastName: 'Quick',
      title: 'Windows',
    });
    await page.goto(`/leads/${lead.id}`);
    const card = page.getByTestId('lead-tasks');
    await card.getByRole('button', { name: 'Add task' }).click();
    const form = page.getByTestId('task-form');
    await form.getByRole('button', { name: 'Add task' }).click();
    await visible(form.getByText('Say what to do'));
    await form.getByLabel('Title').fill('Measure the windows');
    await form.getByRole('button', { name: 'Add task' }).click();
    await visible(card.getByText('Measure the windows'));
    await card.getByRole('checkbox', { name: 'Complete Measure the windows' }).click();
    await visible(page.getByTestId('timeline').getByText('Completed: Measure the windows'));

    const composer = page.getByTestId('activity-composer');
    await composer.locator('label', { hasText: /^Call$/ }).click();
    await composer.getByLabel('Subject').fill('First call');
    await composer.getByLabel('Outcome').click();
    await page.getByRole('option', { name: 'Left voicemail' }).click();
    await composer.getByLabel('Duration (min)').fill('3');
    await composer.getByRole('button', { name: 'Log call' }).click();
    const timeline = page.getByTestId('timeline');
    await visible(timeline.getByText('First call'));
    await visible(timeline.getByText('Left voicemail'));
    await visible(timeline.getByText('3 min'));
    const acts = await api('get', `/api/v1/leads/${lead.id}/timeline?type=call`);
    expect(acts.data[0]).toMatchObject({
      subject: 'First call',
      outcome: 'left_voicemail',
      durationMinutes: 3,
    });
  });

  it('creates a task on the tasks page (due tomorrow: Upcoming) and edits it', async () => {
    await page.goto('/tasks');
    await page.getByRole('button', { name: 'New task' }).click();
    const form = page.getByTestId('task-form');
    await form.getByLabel('Title').fill('Plan the quarter');
    await form.getByRole('button', { name: 'Add task' }).click();
    await hidden(form);
    await page.getByRole('tab', { name: 'Upcoming' }).click();
    const list = page.getByTestId('task-list');
    await visible(list.getByText('Plan the quarter'));
    await list.getByText('Plan the quarter').click();
    const edit = page.getByTestId('task-form');
    await edit.getByLabel('Priority').click();
    await page.getByRole('option', { name: 'Urgent' }).click();
    await edit.getByRole('button', { name: 'Save' }).click();
    await hidden(edit);
    const row = list.locator('[data-testid="task-row"]', { hasText: 'Plan the quarter' });
    await visible(row.getByText('Urgent'));
    const saved = (await api('get', '/api/v1/tasks?q=quarter')).data[0];
    expect(saved).toMatchObject({ priority: 'urgent', status: 'pending' });
    expect(new Date(saved.dueAt).getTime()).toBeGreaterThan(Date.now());
  });
});
