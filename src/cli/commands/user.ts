import type { Command } from 'commander';
import type { z } from 'zod';
import { signupBody } from '../../core/auth/auth.schemas.js';
import { signup, workspaceSettings } from '../../core/auth/auth.service.js';
import { systemCtx } from '../../core/shared/context.js';
import { AppError } from '../../core/shared/errors.js';
import { isUuid } from '../../core/shared/ids.js';
import { addMember } from '../../core/workspaces/members.service.js';
import { memberCreate } from '../../core/workspaces/workspaces.schemas.js';
import { withDatabase } from '../db.js';

type Flags = {
  email: string;
  name: string;
  password: string;
  workspace?: string;
  workspaceId?: string;
  role?: string;
};

/** Validates with the API's own schema, so the CLI refuses exactly what the API refuses. */
function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => ({
    field: `--${String(i.path[0] ?? 'input').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    reason: i.message,
  }));
  throw new AppError('validation_failed', errors.map((e) => `${e.field} ${e.reason}`).join('; '), errors);
}

export function userCommand(program: Command): void {
  const user = program.command('user').description('Manage users');
  user
    .command('create')
    .description(
      'Create a user with a new workspace, or add a user to an existing workspace (--workspace-id)',
    )
    .requiredOption('--email <email>', 'email (the sign-in name)')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--password <password>', 'password (at least 10 characters)')
    .option('--workspace <name>', 'name of the new workspace (default: "<name>\'s workspace")')
    .option('--workspace-id <id>', 'add to this existing workspace instead of creating one')
    .option(
      '--role <role>',
      'role in the existing workspace: admin, manager, rep or viewer (with --workspace-id)',
      'rep',
    )
    .action(async (f: Flags) => {
      if (f.workspace && f.workspaceId)
        throw new AppError(
          'bad_request',
          'Give either --workspace (new) or --workspace-id (existing), not both',
        );
      await withDatabase(async ({ db }) => {
        if (!f.workspaceId) {
          if (f.role && f.role !== 'rep')
            console.error(
              'note: --role applies with --workspace-id; the creator of a new workspace is its owner',
            );
          const input = parse(signupBody, {
            email: f.email,
            name: f.name,
            password: f.password,
            workspaceName: f.workspace ?? `${f.name.trim()}'s workspace`,
          });
          const r = await signup(db, input);
          console.log(
            `Created user ${input.email} (${r.userId}), owner of workspace "${input.workspaceName}" (${r.workspaceId}).`,
          );
          return;
        }
        if (!isUuid(f.workspaceId)) throw AppError.invalid('--workspace-id', 'must be a workspace id (UUID)');
        const ws = await workspaceSettings(db, f.workspaceId);
        const input = parse(memberCreate, {
          email: f.email,
          name: f.name,
          password: f.password,
          role: f.role,
        });
        const m = await addMember(db, systemCtx(ws.id), input);
        console.log(`Added ${m.email} (${m.id}) to workspace "${ws.name}" (${ws.id}) as ${m.role}.`);
        console.log('If this user already existed, their name and password are unchanged.');
      });
    });
}
