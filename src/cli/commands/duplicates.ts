import type { Command } from 'commander';
import { workspaceSettings } from '../../core/auth/auth.service.js';
import { DUPLICATE_ENTITIES, type DuplicateEntity } from '../../core/duplicates/duplicates.schemas.js';
import { scanDuplicates } from '../../core/duplicates/scan.service.js';
import { systemCtx } from '../../core/shared/context.js';
import { AppError } from '../../core/shared/errors.js';
import { isUuid } from '../../core/shared/ids.js';
import { describeDatabase, withDatabase } from '../db.js';
import { phaseProgress } from '../progress.js';
import { firstOwner } from './api-key.js';

export function duplicatesCommand(program: Command): void {
  const d = program.command('duplicates').description('Duplicate detection');
  d.command('scan')
    .description('Scan a workspace for duplicate contacts, leads or accounts (replaces its open pairs)')
    .requiredOption('--workspace-id <id>', 'workspace')
    .option('--entity <entity>', `what to scan: ${DUPLICATE_ENTITIES.join(', ')}`, 'contact')
    .action(async (f: { workspaceId: string; entity: string }) => {
      if (!isUuid(f.workspaceId)) throw AppError.invalid('--workspace-id', 'must be a workspace id (UUID)');
      if (!(DUPLICATE_ENTITIES as readonly string[]).includes(f.entity))
        throw AppError.invalid('--entity', `must be one of ${DUPLICATE_ENTITIES.join(', ')}`);
      await withDatabase(async ({ db }) => {
        const ws = await workspaceSettings(db, f.workspaceId);
        const ctx = { ...systemCtx(ws.id, await firstOwner(db, ws.id)), defaultCountry: ws.defaultCountry };
        console.error(`Scanning ${f.entity}s of "${ws.name}" in ${describeDatabase()}…`);
        const progress = phaseProgress();
        try {
          const r = await scanDuplicates(db, ctx, f.entity as DuplicateEntity, null, (phase, done, total) =>
            progress.update(phase, done, total),
          );
          progress.stop();
          console.log(
            `${r.records.toLocaleString('en-US')} ${f.entity}s, ${r.candidatePairs.toLocaleString('en-US')} candidate pairs compared, ${r.pairs.toLocaleString('en-US')} duplicate pairs recorded in ${r.seconds.total} s` +
              (r.backfilled ? ` (match keys computed for ${r.backfilled.toLocaleString('en-US')})` : ''),
          );
        } finally {
          progress.stop();
        }
      });
    });
}
