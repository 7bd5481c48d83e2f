import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, signedUpPage, skipBrowser, startWeb, visible, type WebHarness } from './browser.js';

describe.skipIf(skipBrowser)('export from a list page (Chromium)', () => {
  let web: WebHarness;
  let page: Page;
  let api: Api;

  beforeAll(async () => {
    web = await startWeb();
    ({ page, api } = await signedUpPage(web, {
      email: 'export.owner@example.com',
      name: 'Eve Export',
      workspaceName: 'Export Co',
    }));
    const people = [
      ['Wendy', 'Web', 'web'],
      ['Walt', 'Webb', 'web'],
      ['Wanda', 'Weber', 'web'],
      ['Pia', 'Partner', 'partner'],
      ['Pete', 'Partner', 'partner'],
    ];
    for (const [firstName, lastName, source] of people)
      await api('post', '/api/v1/leads', {
        firstName,
        lastName,
        source,
        email: `${firstName!.toLowerCase()}@export.example`,
      });
  });
  afterAll(async () => {
    await web?.close();
  });

  /** Clicks through the Export menu and returns the downloaded file. */
  async function exportVia(click: () => Promise<void>) {
    const [download] = await Promise.all([page.waitForEvent('download'), click()]);
    const path = await download.path();
    return { name: download.suggestedFilename(), bytes: readFileSync(path!) };
  }

  it('Export → CSV downloads the filtered list: as many rows as the list API gives', async () => {
    await page.goto('/leads?source=web');
    await visible(page.getByRole('link', { name: /Wendy Web/ }));
    const file = await exportVia(async () => {
      await page.getByRole('button', { name: 'Export' }).click();
      await page.getByRole('menuitem', { name: 'CSV', exact: true }).click();
    });
    expect(file.name).toMatch(/^leads-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = file.bytes.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [head, ...rows] = Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true }).data;
    expect(head![0]).toBe('Leadbase ID');
    const listed = await api('get', '/api/v1/leads?source=web&limit=200');
    expect(rows.length).toBe(listed.data.length);
    expect(rows.length).toBe(3);
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(listed.data.map((l: { id: string }) => l.id)));
  });

  it('Choose columns… exports the ticked columns to Excel', async () => {
    await page.goto('/leads?source=partner');
    await visible(page.getByRole('link', { name: /Pia Partner/ }));
    await page.getByRole('button', { name: 'Export' }).click();
    await page.getByRole('menuitem', { name: 'Choose columns…' }).click();
    const dialog = page.getByRole('dialog');
    await visible(dialog.getByRole('checkbox', { name: 'Email', exact: true }));
    await dialog.getByRole('button', { name: 'None' }).click();
    await dialog.getByRole('checkbox', { name: 'Email', exact: true }).check();
    await dialog.getByRole('checkbox', { name: 'Last name', exact: true }).check();
    await dialog.getByText('Excel', { exact: true }).click();
    const file = await exportVia(() => dialog.getByRole('button', { name: 'Download' }).click());
    expect(file.name).toMatch(/^leads-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const values: unknown[][] = [];
    wb.worksheets[0]!.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    // The list's order of columns (last name before email), the filter's two leads.
    expect(values[0]).toEqual(['Last name', 'Email']);
    expect(values.slice(1).sort()).toEqual([
      ['Partner', 'pete@export.example'],
      ['Partner', 'pia@export.example'],
    ]);
  });
  it('CSV in the background: the server prepares the file, a notification follows it, it downloads', async () => {
    await page.goto('/leads?source=partner');
    await visible(page.getByRole('link', { name: /Pia Partner/ }));
    const file = await exportVia(async () => {
      await page.getByRole('button', { name: 'Export' }).click();
      await page.getByRole('menuitem', { name: 'CSV in the background' }).click();
    });
    expect(file.name).toMatch(/^leads-\d{4}-\d{2}-\d{2}\.csv$/);
    const [head, ...rows] = Papa.parse<string[]>(file.bytes.toString('utf8').slice(1), {
      skipEmptyLines: true,
    }).data;
    expect(head![0]).toBe('Leadbase ID');
    const listed = await api('get', '/api/v1/leads?source=partner&limit=200');
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(listed.data.map((l: { id: string }) => l.id)));
    await visible(page.getByText('Export of leads ready'));
  });
});
