import type { Db } from '../db/client.js';
import { rollbackImport } from '../imports/import-rollback.js';
import type { Ctx } from '../shared/context.js';
import { migrationImports, runsOf } from './legacy-runs.js';
import { archiveCustomFields } from './legacy-steps.js';
import type { MappingSpec } from './mapping.schemas.js';

export type RollbackResult = {
  steps: {
    importId: string;
    runId: string;
    step: number;
    name: string;
    deleted: number;
    restored: number;
    conflicts: number;
  }[];
  archivedFields: number;
};

/**
 * `rollback`: every import of every run of the mapping that wrote something is rolled back, the
 * newest first (within a run, the last step first), then the custom fields the runs created are
 * archived. Records changed since the migration are reported (conflicts) and kept, unless `force`.
 */
export async function rollbackMigration(
  db: Db,
  ctx: Ctx,
  m: MappingSpec,
  opts: { force?: boolean } = {},
): Promise<RollbackResult> {
  const all = await migrationImports(db, ctx, m);
  const wrote = all
    // A forced rollback also finishes earlier rollbacks that kept conflicting records.
    .filter(
      (i) =>
        i.legacy.purpose === 'run' &&
        (['completed', 'failed', 'cancelled', 'running'].includes(i.status) ||
          (!!opts.force && i.status === 'rolled_back')),
    )
    .reverse();
  const out: RollbackResult = { steps: [], archivedFields: 0 };
  for (const imp of wrote) {
    const rb = await rollbackImport(db, ctx, imp.id, { force: !!opts.force });
    out.steps.push({
      importId: imp.id,
      runId: imp.legacy.runId,
      step: imp.legacy.step,
      name: imp.legacy.stepName,
      deleted: rb.deleted,
      restored: rb.restored,
      conflicts: rb.conflicts,
    });
  }
  const conflicts = out.steps.reduce((n, s) => n + s.conflicts, 0);
  if (conflicts === 0 || opts.force) {
    const ids = new Set(
      runsOf(all).flatMap((r) => [...r.steps.values()].flatMap((s) => s.legacy.createdFields)),
    );
    out.archivedFields = await archiveCustomFields(db, ctx, [...ids]);
  }
  return out;
}
