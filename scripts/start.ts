/**
 * `npm start`: builds the web app when it is missing or older than its sources, then migrates the
 * database and serves the API and web app (PORT, default 3000; DATABASE_URL or DATA_DIR).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { serve, WEB_DIR } from '../src/server/main.js';

function newest(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir, { recursive: true }).map(String)) {
    const s = statSync(join(dir, f));
    if (s.isFile()) t = Math.max(t, s.mtimeMs);
  }
  return t;
}

const index = join(WEB_DIR, 'index.html');
const sources = ['src/web', 'vite.config.ts'].filter(existsSync);
const stale =
  !existsSync(index) ||
  sources.some(
    (s) => (statSync(s).isDirectory() ? newest(s) : statSync(s).mtimeMs) > statSync(index).mtimeMs,
  );
if (stale && existsSync('src/web')) {
  console.log('Building the web app…');
  execFileSync(
    process.execPath,
    [join('node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
    {
      stdio: 'inherit',
    },
  );
}
await serve();
