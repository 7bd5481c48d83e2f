import type { Command } from 'commander';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../core/db/client.js';
import { describeDatabase, withDatabase } from '../db.js';

/** Applied migrations according to Drizzle's journal table; 0 before the first migration. */
async function appliedMigrations(h: DatabaseHandle): Promise<number> {
  const query = async <T>(q: ReturnType<typeof sql>) =>
    ((await h.db.execute(q)) as unknown as { rows: T[] }).rows;
  const [exists] = await query<{ ok: boolean }>(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`,
  );
  if (!exists?.ok) return 0;
  const [r] = await query<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return Number(r?.n ?? 0);
}

export function dbCommand(program: Command): void {
  const db = program.command('db').description('Database maintenance');
  db.command('migrate')
    .description('Apply pending schema migrations (DATABASE_URL, else PGlite in DATA_DIR, default ./data)')
    .action(async () => {
      const where = describeDatabase();
      await withDatabase(
        async (h) => {
          const before = await appliedMigrations(h);
          const t = performance.now();
          await h.migrate();
          const after = await appliedMigrations(h);
          const ms = Math.round(performance.now() - t);
          if (after === before)
            console.log(
              `${where}: schema is up to date (${after} migration${after === 1 ? '' : 's'} applied).`,
            );
          else
            console.log(
              `${where}: applied ${after - before} migration${after - before === 1 ? '' : 's'} in ${ms} ms (now ${after}).`,
            );
        },
        { migrate: false },
      );
    });
}
