import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseFromEnv, openDatabase } from '../core/db/client.js';
import { buildApp } from './app.js';

export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** Opens the database, migrates it and serves the API and web app until stopped. */
export async function serve(opts: { port?: number; host?: string } = {}): Promise<void> {
  const handle = await openDatabase(databaseFromEnv());
  await handle.migrate();
  const app = await buildApp({
    db: handle.db,
    webDir: WEB_DIR,
    logger: { level: process.env.LOG_LEVEL ?? 'info' },
  });
  const port = opts.port ?? Number(process.env.PORT ?? 3000);
  const host = opts.host ?? process.env.HOST ?? '0.0.0.0';
  const stop = async () => {
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen({ port, host });
  app.log.info(
    `Leadbase on http://localhost:${port} (${handle.kind}${handle.kind === 'pglite' ? `, data in ${process.env.DATA_DIR ?? './data'}` : ''})`,
  );
}
