import { Command } from 'commander';
import { apiKeyCommand } from './commands/api-key.js';
import { dbCommand } from './commands/db.js';
import { demoCommand } from './commands/demo.js';
import { duplicatesCommand } from './commands/duplicates.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { migrateLegacyCommand } from './commands/migrate-legacy.js';
import { serveCommand } from './commands/serve.js';
import { userCommand } from './commands/user.js';

/** The `leadbase` command line: thin commands over the core services. */
export function buildProgram(): Command {
  const program = new Command('leadbase')
    .description(
      'Leadbase, the lead-centric CRM.\nDatabase: DATABASE_URL (PostgreSQL) when set, else PGlite in DATA_DIR (default ./data).',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  serveCommand(program);
  dbCommand(program);
  demoCommand(program);
  userCommand(program);
  apiKeyCommand(program);
  duplicatesCommand(program);
  migrateLegacyCommand(program);
  exportCommand(program);
  importCommand(program);
  return program;
}
