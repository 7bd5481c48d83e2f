import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIR = join(ROOT, 'dist/web');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds the web app (`vite build` into dist/web) unless dist/web/index.html is newer than every file
 * in src/web and vite.config.ts. A lock directory keeps two test processes from building at once.
 */
export async function ensureWebBuild(): Promise<string> {
  const index = join(WEB_DIR, 'index.html');
  const sources = Math.max(
    newestMtime(join(ROOT, 'src/web')),
    statSync(join(ROOT, 'vite.config.ts')).mtimeMs,
  );
  const fresh = () => existsSync(index) && statSync(index).mtimeMs >= sources;
  if (fresh()) return WEB_DIR;
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const lock = join(ROOT, '.tmp/web-build.lock');
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    if (!fresh()) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return WEB_DIR;
}
