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
 * Appointments end to end: an admin defines appointment-level fields in Settings, schedules an
 * appointment from the lead page (a bad custom value refused by the server and shown on its field),
 * records the outcome with a quote and a custom value, and sees both on the card and the timeline.
 */
describe.skipIf(skipBrowser)('appointments in Chromium', () => {
  let web: WebHarness;
  let page: Page;
  let api: Api;

  beforeAll(async () => {
    web = await startWeb();
    ({ page, api } = await signedUpPage(web, {
      email: 'amir@example.com',
      name: 'Amir Appointments',
      workspaceName: 'Roofs Inc',
    }));
  });
  afterAll(async () => {
    await web?.close();
  });

  const newField = async (label: string, type: string) => {
    await page.getByRole('button', { name: 'New field' }).click();
    const dialog = page.getByRole('dialog', { name: 'New appointment field' });
    await dialog.getByLabel('Label').fill(label);
    await dialog.getByLabel('Type', { exact: true }).click();
    await page.getByRole('option', { name: type }).click();
    await dialog.getByRole('button', { name: 'Create field' }).click();
    await hidden(dialog);
  };

  it('schedules from the lead page, records an outcome with a quote and custom value, shows both', async () => {
    const lead = await api('post', '/api/v1/leads', {
      firstName: 'Maya',
      lastName: 'Patel',
      email: 'maya@example.com',
      title: 'Roof replacement',
    });

    // Settings → Custom fields → Appointments: a number and a link.
    // Open the Appointments tab by its URL and wait for its panel: a 'New field' click racing the
    // tab switch would open the Leads tab's dialog instead.
    await page.goto('/settings/custom-fields?entity=appointment');
    await visible(page.getByText('On appointments of a lead.'));
    await newField('Roof pitch', 'Number');
    await visible(page.getByTestId('custom-field-row-roof_pitch'));
    await newField('Photos', 'Link (URL)');
    await visible(page.getByTestId('custom-field-row-photos'));

    // The lead page: schedule.
    await page.goto(`/leads/${lead.id}`);
    const card = page.getByTestId('appointments-card');
    await visible(card.getByText('No appointments yet.'));
    await card.getByRole('button', { name: 'Schedule' }).click();
    const schedule = page.getByRole('dialog', { name: 'Schedule an appointment' });
    await schedule.getByLabel('Title').fill('Site visit');
    await schedule.getByLabel('Location').fill('12 Elm St');
    await schedule.getByLabel('Duration (minutes)').fill('90');
    const photos = schedule.getByLabel('Photos');
    await photos.fill('photos please');
    await schedule.getByRole('button', { name: 'Schedule' }).click();
    await visible(schedule.getByText(/Must be an http\(s\) URL/));
    expect(await photos.getAttribute('aria-invalid')).toBe('true');
    await photos.fill('https://photos.example.com/maya');
    await schedule.getByRole('button', { name: 'Schedule' }).click();
    await hidden(schedule);
    await visible(page.getByText('Appointment scheduled'));
    const upcoming = card.getByTestId('appointments-upcoming');
    const item = upcoming.getByTestId('appointment-item');
    await visible(item.getByText('Site visit'));
    await visible(item.getByText('12 Elm St'));
    await visible(item.getByText('90 min'));
    await visible(item.getByText('Amir Appointments'));
    await visible(item.getByTestId('appointment-status').getByText('Scheduled'));
    await visible(item.getByText('https://photos.example.com/maya'));
    const timeline = page.getByTestId('timeline');
    await visible(timeline.getByText(/^Appointment scheduled: Site visit for /));
    const [stored] = (await api('get', `/api/v1/appointments?leadId=${lead.id}`)).data;
    expect(stored).toMatchObject({ durationMinutes: 90, location: '12 Elm St', status: 'scheduled' });
    // Tomorrow at 10:00 in the browser's time zone, the form's default.
    expect(new Date(stored.scheduledAt).getTime()).toBeGreaterThan(Date.now());

    // Reschedule: a longer meeting, with the reason on the timeline.
    await item.getByRole('button', { name: 'Appointment actions' }).click();
    await page.getByRole('menuitem', { name: 'Reschedule' }).click();
    const move = page.getByRole('dialog', { name: 'Reschedule the appointment' });
    await move.getByLabel('Duration (minutes)').fill('120');
    await move.getByLabel('Reason').fill('Needs the roofer too');
    await move.getByRole('button', { name: 'Reschedule' }).click();
    await hidden(move);
    await visible(item.getByText('120 min · moved 1×'));
    await visible(timeline.getByText(/^Appointment rescheduled \(Site visit\): /));
    await visible(timeline.getByText('Needs the roofer too'));

    // Record the outcome: held, quoted, with a quote and the roof pitch.
    await item.getByRole('button', { name: 'Appointment actions' }).click();
    await page.getByRole('menuitem', { name: 'Record outcome' }).click();
    const outcome = page.getByRole('dialog', { name: 'Record the outcome' });
    await outcome.getByRole('button', { name: 'Record outcome' }).click();
    await visible(outcome.getByText('What came of it?'));
    await outcome.getByLabel('Result').click();
    await page.getByRole('option', { name: 'Quoted' }).click();
    await outcome.getByLabel('Quote value').fill('18250.50');
    await outcome.getByLabel('Notes').fill('Walked the roof; wants tile');
    await outcome.getByLabel('Objections').fill('Price vs. metal');
    await outcome.getByLabel('Roof pitch').fill('32');
    await outcome.getByRole('button', { name: 'Record outcome' }).click();
    await hidden(outcome);
    await visible(page.getByText('Outcome recorded'));

    const past = card.getByTestId('appointments-past').getByTestId('appointment-item');
    await visible(past.getByTestId('appointment-status').getByText('Completed'));
    await visible(past.getByTestId('appointment-result').getByText('Quoted'));
    await visible(past.getByTestId('appointment-quote').getByText('$18,250.50'));
    await visible(past.getByText('Walked the roof; wants tile'));
    await visible(past.getByText('Objections: Price vs. metal'));
    await visible(past.getByTestId('appointment-custom').getByText('32'));
    await visible(timeline.getByText('Appointment held: Site visit (quoted)'));
    await visible(timeline.getByText(/Quote: \$18,250\.50/));
    await page.mouse.move(0, 0);
    await page.screenshot({ path: '/tmp/leadbase-appointments-lead.png', fullPage: true });

    const [done] = (await api('get', `/api/v1/appointments?leadId=${lead.id}`)).data;
    expect(done).toMatchObject({
      status: 'completed',
      result: 'quoted',
      quoteValue: '18250.50',
      customFields: { roof_pitch: 32, photos: 'https://photos.example.com/maya' },
    });
  });
});
