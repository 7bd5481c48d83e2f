import type { Command } from 'commander';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { createApiKey } from '../../core/auth/api-keys.service.js';
import { workspaceSettings } from '../../core/auth/auth.service.js';
import type { Db } from '../../core/db/client.js';
import { memberships } from '../../core/db/schema/index.js';
import { systemCtx } from '../../core/shared/context.js';
import { AppError } from '../../core/shared/errors.js';
import { isUuid } from '../../core/shared/ids.js';
import { withDatabase } from '../db.js';

const KEY_ROLES = ['admin', 'manager', 'rep', 'viewer'] as const;

/** The workspace's first active owner: API keys are created on someone's behalf. */
export async function firstOwner(db: Db, workspaceId: string): Promise<string> {
  const [m] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      and(
        eq(memberships.workspaceId, workspaceId),
        eq(memberships.role, 'owner'),
        isNull(memberships.removedAt),
      ),
    )
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  if (!m) throw new AppError('conflict', `Workspace ${workspaceId} has no active owner`);
  return m.userId;
}

export function apiKeyCommand(program: Command): void {
  const key = program.command('api-key').description('Manage API keys');
  key
    .command('create')
    .description(
      "Create an API key for a workspace (on behalf of the workspace's first owner); the key is printed once",
    )
    .requiredOption('--workspace-id <id>', 'workspace')
    .requiredOption('--name <name>', 'what the key is for, e.g. "website form"')
    .option('--role <role>', `role of the key: ${KEY_ROLES.join(', ')}`, 'admin')
    .action(async (f: { workspaceId: string; name: string; role: string }) => {
      if (!isUuid(f.workspaceId)) throw AppError.invalid('--workspace-id', 'must be a workspace id (UUID)');
      if (!(KEY_ROLES as readonly string[]).includes(f.role))
        throw AppError.invalid('--role', `must be one of ${KEY_ROLES.join(', ')}`);
      const name = f.name.trim();
      if (!name || name.length > 100) throw AppError.invalid('--name', 'must be 1 to 100 characters');
      await withDatabase(async ({ db }) => {
        const ws = await workspaceSettings(db, f.workspaceId);
        const owner = await firstOwner(db, ws.id);
        const k = await createApiKey(db, systemCtx(ws.id, owner), {
          name,
          role: f.role as (typeof KEY_ROLES)[number],
        });
        console.error(
          `Created API key "${k.name}" (${k.id}, role ${k.role}) for workspace "${ws.name}". It is shown only now:`,
        );
        console.log(k.key);
      });
    });
}
