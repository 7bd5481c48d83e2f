import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import type { DatabaseHandle } from '../../src/core/db/client.js';
import { buildApp } from '../../src/server/app.js';
import { type DbKind, testDatabase } from '../db.js';
import { ensureWebBuild } from './web-build.js';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** Without Chromium the suite is skipped locally, but fails under CI. */
export const skipBrowser = !hasChromium && process.env.CI !== 'true';
if (skipBrowser)
  console.warn(
    `Browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium). Under CI=true they fail instead.`,
  );

export type WebHarness = { baseUrl: string; browser: Browser; close(): Promise<void> };

/** The real app in-process (fresh PGlite database, or PostgreSQL; built web app) and a headless Chromium. */
export async function startWeb(kind: DbKind = 'pglite'): Promise<WebHarness> {
  const webDir = await ensureWebBuild();
  const handle: DatabaseHandle = await testDatabase(kind);
  const app: FastifyInstance = await buildApp({ db: handle.db, webDir, validateResponses: true });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    baseUrl: address,
    browser,
    close: async () => {
      await browser.close().catch(() => {});
      await app.close();
      await handle.close();
    },
  };
}

/** Waits until the locator is visible (Playwright's auto-waiting, without @playwright/test). */
export const visible = (l: Locator, timeout = 10_000) => l.first().waitFor({ state: 'visible', timeout });
export const hidden = (l: Locator, timeout = 10_000) => l.first().waitFor({ state: 'hidden', timeout });

export type Api = (method: 'post' | 'get' | 'patch', path: string, data?: unknown) => Promise<any>;

/** JSON calls to the app with the page's session (throws with the problem body on a non-2xx answer). */
export const apiOf =
  (page: Page): Api =>
  async (method, path, data) => {
    const r = await page.request[method](path, data === undefined ? undefined : { data });
    if (!r.ok()) throw new Error(`${path}: ${r.status()} ${await r.text()}`);
    return r.json();
  };

/** A new page (desktop viewport) signed up as the owner of a new workspace. */
export async function signedUpPage(
  web: WebHarness,
  owner: { email: string; name: string; workspaceName: string },
): Promise<{ page: Page; api: Api }> {
  const context = await web.browser.newContext({
    viewport: { width: 1440, height: 900 },
    baseURL: web.baseUrl,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const api = apiOf(page);
  await api('post', '/api/v1/auth/signup', { ...owner, password: 'correct horse battery' });
  return { page, api };
}
