import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type Api,
  hidden,
  signedUpPage,
  skipBrowser,
  startWeb,
  visible,
  type WebHarness,
} from './browser.js';

// Small run chunks (set before the app is imported): a run of a thousand rows takes many chunks, so
// its progress can be watched and a cancel lands between two of them.
vi.hoisted(() => {
  process.env.LEADBASE_IMPORT_CHUNK_ROWS = '10';
});

const CSV = [
  'First Name,Last Name,E-mail,Phone,Company,Lead Source',
  'Imogen,Importwell,imogen@importwell.example,+44 20 7946 0101,Importwell Ltd,trade show',
  'Rupert,Rowland,rupert@rowland.example,+44 20 7946 0102,Rowland & Sons,trade show',
  'Bad,Address,not-an-email,+44 20 7946 0103,Broken Inc,trade show',
  'Cora,Columns,cora@columns.example,+44 20 7946 0104,Columns Co,trade show',
].join('\r\n');

const SHOTS = {
  mapping: '/tmp/leadbase-import-mapping.png',
  preview: '/tmp/leadbase-import-preview.png',
  result: '/tmp/leadbase-import-result.png',
  run: '/tmp/leadbase-import-run.png',
};

const IMPORTED = ['Imogen Importwell', 'Rupert Rowland', 'Cora Columns'];

/** The Select of a source column in the mapping table (its input shows the chosen field's label). */
const mappingInput = (page: Page, header: string) =>
  page
    .locator(`[data-testid="mapping-row"][data-header="${header}"]`)
    .getByLabel(`Import ${header} as`, { exact: true });

describe.skipIf(skipBrowser)(
  'import wizard: upload, map, preview, run, error file, roll back (Chromium)',
  () => {
    let web: WebHarness;
    let page: Page;
    let api: Api;
    let dir: string;

    beforeAll(async () => {
      web = await startWeb();
      ({ page, api } = await signedUpPage(web, {
        email: 'imports.owner@example.com',
        name: 'Ines Import',
        workspaceName: 'Imports Co',
      }));
      dir = mkdtempSync(join(tmpdir(), 'leadbase-import-'));
    });
    afterAll(async () => {
      await web?.close();
    });

    it('refuses an empty file on the file input and writes nothing; offers the template file', async () => {
      const empty = join(dir, 'empty.csv');
      writeFileSync(empty, '');
      await page.goto('/imports/new?entity=leads');
      await page.getByTestId('upload-step').locator('input[type="file"]').setInputFiles(empty);
      await page.getByRole('button', { name: 'Upload and map columns' }).click();
      await visible(page.getByTestId('upload-step').getByText(/empty/i));
      expect((await api('get', '/api/v1/imports')).data).toHaveLength(0);

      // The template to fill in: the field labels the mapping recognizes.
      const [template] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('upload-step').getByRole('link', { name: 'CSV' }).click(),
      ]);
      expect(template.suggestedFilename()).toBe('leadbase-leads-template.csv');
      const header = readFileSync((await template.path())!, 'utf8')
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)[0]!;
      expect(header.split(',')).toEqual(
        expect.arrayContaining(['First name', 'Last name', 'Email', 'Phone']),
      );
    });

    it('imports 3 of 4 leads, gives the bad row in the error file, and rolls the import back', async () => {
      const file = join(dir, 'trade-show-leads.csv');
      writeFileSync(file, CSV);

      // The leads list offers Import, which opens the wizard for leads.
      await page.goto('/leads');
      await page.getByRole('link', { name: 'Import', exact: true }).click();
      await page.waitForURL(/\/imports\/new\?entity=leads$/);
      const upload = page.getByTestId('upload-step');
      await upload.locator('input[type="file"]').setInputFiles(file);
      await upload.getByRole('button', { name: 'Upload and map columns' }).click();

      // Mapping: every column suggested from its header, with samples.
      await visible(page.getByTestId('mapping-step'));
      await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
      const importId = page.url().split('/').pop()!;
      expect(await mappingInput(page, 'First Name').inputValue()).toBe('First name');
      expect(await mappingInput(page, 'Last Name').inputValue()).toBe('Last name');
      expect(await mappingInput(page, 'E-mail').inputValue()).toBe('Email');
      expect(await mappingInput(page, 'Phone').inputValue()).toBe('Phone');
      expect(await mappingInput(page, 'Company').inputValue()).toBe('Company');
      expect(await mappingInput(page, 'Lead Source').inputValue()).toBe('Source');
      const emailRow = page.locator('[data-testid="mapping-row"][data-header="E-mail"]');
      await visible(emailRow.getByText('imogen@importwell.example'));
      await page.screenshot({ path: SHOTS.mapping, fullPage: true });

      // Preview: 3 create and 1 error, with the reason on the bad row.
      await page.getByTestId('mapping-step').getByRole('button', { name: 'Preview' }).click();
      const preview = page.getByTestId('preview-step');
      await visible(preview);
      await visible(preview.getByTestId('count-create').getByText('3 create'));
      await visible(preview.getByTestId('count-error').getByText('1 error'));
      await page.screenshot({ path: SHOTS.preview, fullPage: true });
      // Nothing written yet: no row links a record (nothing matched either).
      await visible(preview.locator('[data-testid="import-row"][data-row="4"]'));
      expect(await preview.getByTestId('import-row').count()).toBe(4);
      expect(await preview.getByTestId('import-rows-table').getByRole('link').count()).toBe(0);
      await preview.getByText(/^Error \(1\)$/).click();
      const bad = preview.locator('[data-testid="import-row"][data-decision="error"]');
      await visible(bad.getByText('not-an-email'));
      await hidden(preview.locator('[data-testid="import-row"][data-decision="create"]'));
      expect(await preview.getByTestId('import-row').count()).toBe(1);
      expect(await bad.innerText()).toMatch(/email/i);

      // Run: the wizard follows the run to its result.
      await preview.getByRole('button', { name: 'Import 3 rows' }).click();
      const result = page.getByTestId('result-step');
      await visible(result, 30_000);
      await visible(result.getByTestId('result-created').getByText('3', { exact: true }));
      await visible(result.getByTestId('result-failed').getByText('1', { exact: true }));
      await page.screenshot({ path: SHOTS.result, fullPage: true });
      // Each created row links its lead.
      const opened = result.getByTestId('import-rows-table').getByRole('link', { name: 'Open', exact: true });
      await visible(opened);
      expect(await opened.count()).toBe(3);

      // The error file: the original row and the reason.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        result.getByRole('link', { name: 'Download error file' }).click(),
      ]);
      const errors = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
      const lines = errors.trim().split(/\r?\n/);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe('First Name,Last Name,E-mail,Phone,Company,Lead Source,Import error,Row');
      expect(lines[1]).toContain('Bad,Address,not-an-email');
      expect(lines[1]).toMatch(/email/i);
      expect(lines[1]).toMatch(/,3$/);

      // The leads list shows the three.
      await page.goto('/leads');
      const table = page.getByTestId('leads-table');
      for (const name of IMPORTED) await visible(table.getByText(name));
      expect(await table.getByText('Bad Address').count()).toBe(0);

      // History lists the import; its page offers rollback.
      await page.goto('/imports');
      await page.getByTestId('imports-table').getByRole('link', { name: 'trade-show-leads.csv' }).click();
      await page.waitForURL(`**/imports/${importId}`);
      await page.getByRole('button', { name: 'Roll back' }).click();
      const modal = page.getByRole('dialog', { name: 'Roll back this import?' });
      await visible(modal.getByText('Also undo records changed since the import'));
      await modal.getByRole('button', { name: 'Roll back' }).click();
      await hidden(modal);
      await visible(page.getByTestId('import-status').getByText('Rolled back'));
      const imp = await api('get', `/api/v1/imports/${importId}`);
      expect(imp.status).toBe('rolled_back');
      expect(imp.result).toMatchObject({
        created: 3,
        failed: 1,
        rolledBack: { conflicts: 0, forced: false },
      });
      // The three leads (and the contacts the import created for them) are gone.
      expect(imp.result.rolledBack.deleted).toBeGreaterThanOrEqual(3);
      await visible(
        page.getByTestId('rollback-result').getByText(`${imp.result.rolledBack.deleted} records deleted`),
      );

      await page.goto('/leads');
      await visible(page.getByText('No leads yet'));
      for (const name of IMPORTED) expect(await page.getByText(name).count()).toBe(0);
      expect((await api('get', '/api/v1/leads')).data).toHaveLength(0);
    });

    it('edits the mapping and settings, saves them as a template, updates a matched lead and restores it on rollback', async () => {
      const existing = await api('post', '/api/v1/leads', {
        firstName: 'Imogen',
        lastName: 'Importwell',
        email: 'imogen@importwell.example',
        company: 'Old Name Ltd',
        source: 'referral',
      });
      const file = join(dir, 'second-list.csv');
      writeFileSync(file, CSV.replace('Importwell Ltd', 'Importwell Group'));
      await page.goto('/imports');
      await page.getByRole('link', { name: 'New import' }).click();
      await page.getByTestId('upload-step').locator('input[type="file"]').setInputFiles(file);
      await page.getByRole('button', { name: 'Upload and map columns' }).click();
      const mapping = page.getByTestId('mapping-step');
      await visible(mapping);

      // A field taken twice is flagged and blocks the preview until one column lets go of it.
      await mappingInput(page, 'Company').click();
      await page.getByRole('option', { name: 'Email', exact: true }).click();
      await visible(mapping.getByText('A field is mapped twice'));
      expect(await mapping.getByRole('button', { name: 'Preview' }).isDisabled()).toBe(true);
      await mappingInput(page, 'Company').click();
      await page.getByRole('option', { name: 'Company', exact: true }).click();
      await hidden(mapping.getByText('A field is mapped twice'));

      // The file's source is ignored; every row gets "webinar"; a matched lead is updated.
      await mappingInput(page, 'Lead Source').click();
      await page.getByRole('option', { name: "Don't import" }).click();
      await mapping.getByRole('button', { name: 'Add a default' }).click();
      expect(await mapping.getByLabel('Default field').inputValue()).toBe('Source');
      await mapping.getByLabel('Default value').fill('webinar');
      await mapping.getByRole('radio', { name: 'Create or update' }).check();

      await mapping.getByRole('button', { name: 'Save as template' }).click();
      await page.getByLabel('Template name').fill('Trade show list');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await visible(page.getByText('Template “Trade show list” saved'));
      const [template] = (await api('get', '/api/v1/import-templates?entity=leads')).data;
      expect(template).toMatchObject({
        name: 'Trade show list',
        mode: 'upsert',
        options: { defaults: { source: 'webinar' } },
      });
      expect(template.mapping['Lead Source']).toBeNull();

      await mapping.getByRole('button', { name: 'Preview' }).click();
      const preview = page.getByTestId('preview-step');
      await visible(preview.getByTestId('count-update').getByText('1 update'));
      await visible(preview.getByTestId('count-create').getByText('2 create'));
      await visible(preview.getByTestId('count-error').getByText('1 error'));
      const updated = preview.locator('[data-testid="import-row"][data-decision="update"]');
      await visible(updated.getByText(/updates the existing lead/));
      expect(await updated.getByRole('link', { name: 'Match' }).getAttribute('href')).toBe(
        `/leads/${existing.id}`,
      );

      await preview.getByRole('button', { name: 'Import 3 rows' }).click();
      const result = page.getByTestId('result-step');
      await visible(result.getByTestId('result-updated').getByText('1', { exact: true }), 30_000);
      await visible(result.getByTestId('result-created').getByText('2', { exact: true }));
      const after = await api('get', `/api/v1/leads/${existing.id}`);
      expect(after.company).toBe('Importwell Group');
      const leads = (await api('get', '/api/v1/leads?q=rowland')).data;
      expect(leads[0]).toMatchObject({ name: 'Rupert Rowland', source: 'webinar' });

      // Rollback deletes the two created and restores the updated lead as it was.
      await result.getByRole('button', { name: 'Roll back' }).click();
      const modal = page.getByRole('dialog', { name: 'Roll back this import?' });
      await modal.getByRole('button', { name: 'Roll back' }).click();
      await visible(page.getByTestId('rollback-result'));
      const restored = await api('get', `/api/v1/leads/${existing.id}`);
      expect(restored).toMatchObject({ company: 'Old Name Ltd', source: 'referral' });
      expect((await api('get', '/api/v1/leads')).data.map((l: { id: string }) => l.id)).toEqual([
        existing.id,
      ]);

      // The template starts the next import with its mapping and settings.
      await page.goto('/imports/new');
      await page.getByRole('combobox', { name: 'Saved template' }).click();
      await page.getByRole('option', { name: 'Trade show list' }).click();
      await page.getByTestId('upload-step').locator('input[type="file"]').setInputFiles(file);
      await page.getByRole('button', { name: 'Upload and map columns' }).click();
      await visible(page.getByTestId('mapping-step'));
      expect(await mappingInput(page, 'Lead Source').inputValue()).toBe("Don't import");
      expect(await page.getByRole('radio', { name: 'Create or update' }).isChecked()).toBe(true);
      expect(await page.getByLabel('Default value').inputValue()).toBe('webinar');
    });
  },
);

/**
 * The run in the background while the page polls it. On PostgreSQL only: PGlite runs each query on
 * the server's own thread, so a run there holds the server until it ends (no poll or cancel is served).
 */
describe.skipIf(skipBrowser || !process.env.TEST_DATABASE_URL)(
  'import run progress and cancel (Chromium, PostgreSQL)',
  () => {
    let web: WebHarness;
    let page: Page;
    let api: Api;

    beforeAll(async () => {
      web = await startWeb('postgres');
      ({ page, api } = await signedUpPage(web, {
        email: 'bulk.owner@example.com',
        name: 'Bea Bulk',
        workspaceName: 'Bulk Co',
      }));
    });
    afterAll(async () => {
      await web?.close();
    });

    it('shows the live progress of a run, cancels it between chunks, and rolls back what it wrote', async () => {
      const n = 1000;
      const lines = ['First Name,Last Name,Email,Company'];
      for (let i = 1; i <= n; i++) lines.push(`Bulk${i},Lead,bulk${i}@bulk.example,Bulk Co ${i % 40}`);
      const file = join(mkdtempSync(join(tmpdir(), 'leadbase-import-')), 'bulk.csv');
      writeFileSync(file, lines.join('\n'));
      await page.goto('/imports/new?entity=leads');
      await page.getByTestId('upload-step').locator('input[type="file"]').setInputFiles(file);
      await page.getByRole('button', { name: 'Upload and map columns' }).click();
      const mapping = page.getByTestId('mapping-step');
      await visible(mapping, 30_000);
      const importId = page.url().split('/').pop()!;
      await mapping.getByRole('button', { name: 'Preview' }).click();
      const preview = page.getByTestId('preview-step');
      await visible(preview.getByTestId('count-create').getByText('1,000 create'), 30_000);
      await preview.getByRole('button', { name: 'Import 1,000 rows' }).click();

      // The progress bar follows the run (polled), until Cancel stops it after the current chunk.
      const run = page.getByTestId('run-step');
      await visible(run.getByRole('progressbar', { name: 'Import progress' }));
      await visible(run.getByText(/^[1-9][\d,]* of 1,000 rows · \d+%$/));
      await page.screenshot({ path: SHOTS.run });
      await run.getByRole('button', { name: 'Cancel import' }).click();
      const result = page.getByTestId('result-step');
      await visible(result.getByText('The import was cancelled'), 30_000);
      const imp = await api('get', `/api/v1/imports/${importId}`);
      expect(imp.status).toBe('cancelled');
      expect(imp.result.created).toBeGreaterThan(0);
      expect(imp.result.created).toBeLessThan(n);
      expect(imp.result.created % 10).toBe(0);
      await visible(
        result.getByTestId('result-created').getByText(imp.result.created.toLocaleString('en-US')),
      );
      const total = async () => {
        let count = 0;
        let cursor: string | null = null;
        do {
          const page_: { data: unknown[]; nextCursor: string | null } = await api(
            'get',
            `/api/v1/leads?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
          );
          count += page_.data.length;
          cursor = page_.nextCursor;
        } while (cursor);
        return count;
      };
      expect(await total()).toBe(imp.result.created);

      // What the cancelled run wrote is rolled back.
      await result.getByRole('button', { name: 'Roll back' }).click();
      await page
        .getByRole('dialog', { name: 'Roll back this import?' })
        .getByRole('button', { name: 'Roll back' })
        .click();
      await visible(page.getByTestId('rollback-result'), 30_000);
      expect(await total()).toBe(0);
    });
  },
);
