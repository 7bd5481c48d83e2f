import type { Command } from 'commander';
import { intOption } from '../errors.js';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('Migrate the database and serve the API and web app')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 3000)', intOption('--port', 0, 65535))
    .option('--host <host>', 'interface to bind (default: $HOST or 0.0.0.0)')
    .action(async (opts: { port?: number; host?: string }) => {
      const { serve } = await import('../../server/main.js');
      await serve({ port: opts.port, host: opts.host });
    });
}
