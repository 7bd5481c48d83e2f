import { createHash } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { ImportOut } from '../imports/imports.schemas.js';
import { listImports } from '../imports/imports.service.js';
import type { Ctx } from '../shared/context.js';
import type { MappingSpec } from './mapping.schemas.js';

/** What a legacy migration stores on each of its imports (imports.options.legacy). */
export type LegacyTag = {
  mapping: string;
  step: number;
  stepName: string;
  runId: string;
  /** check: a preview only; run: a migration run's step. */
  purpose: 'check' | 'run';
  /** The mapping's hash: a run is resumed only with the same mapping. */
  hash: string;
  /** Custom field definitions the run created or restored (rollback archives them). */
  createdFields: string[];
  /** Target keys left out of a check (custom fields the run would create first). */
  omitted: string[];
};

export type ImportSummary = Omit<ImportOut, 'preview' | 'suggestions' | 'headers' | 'mapping'>;
export type TaggedImport = ImportSummary & { legacy: LegacyTag };

export const originOf = (m: MappingSpec) => `legacy:${m.name}`;

export function mappingHash(m: MappingSpec): string {
  const { name, source, defaultCountry, customFields, steps } = m;
  return createHash('sha256')
    .update(JSON.stringify({ name, source, defaultCountry, customFields, steps }))
    .digest('hex')
    .slice(0, 16);
}

/** Every import the mapping made (all runs and checks), oldest first. */
export async function migrationImports(db: Db, ctx: Ctx, m: MappingSpec): Promise<TaggedImport[]> {
  const out: TaggedImport[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await listImports(db, ctx, { origin: originOf(m), cursor, limit: 200 });
    for (const imp of page.data as ImportSummary[]) {
      const legacy = (imp.options as { legacy?: LegacyTag }).legacy;
      if (legacy?.mapping === m.name) out.push({ ...imp, legacy });
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.legacy.step - b.legacy.step);
}

export type Run = {
  runId: string;
  hash: string;
  createdAt: string;
  /** Per step, its staged import (the newest whose staging finished). */
  steps: Map<number, TaggedImport>;
  /** Steps whose staging was interrupted (and not staged again since). */
  partialSteps: Set<number>;
  /** Some step started running: every step was staged by then (a step without an import had no rows). */
  ran: boolean;
};

/** Staging was interrupted: the import holds some rows but not its total (the engine sets it last). */
export const partial = (imp: ImportSummary) => imp.status === 'staged' && imp.totalRows === 0;

/** The migration's runs (not checks), oldest first; per step the newest complete import. */
export function runsOf(all: TaggedImport[]): Run[] {
  const runs = new Map<string, Run>();
  for (const imp of all) {
    if (imp.legacy.purpose !== 'run') continue;
    let r = runs.get(imp.legacy.runId);
    if (!r) {
      r = {
        runId: imp.legacy.runId,
        hash: imp.legacy.hash,
        createdAt: imp.createdAt,
        steps: new Map(),
        partialSteps: new Set(),
        ran: false,
      };
      runs.set(r.runId, r);
    }
    if (imp.startedAt) r.ran = true;
    if (partial(imp)) r.partialSteps.add(imp.legacy.step);
    else {
      r.steps.set(imp.legacy.step, imp);
      r.partialSteps.delete(imp.legacy.step);
    }
  }
  return [...runs.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The last run, when it can be continued: same mapping, not rolled back, some step not completed. */
export function resumableRun(all: TaggedImport[], m: MappingSpec): Run | null {
  const last = runsOf(all).at(-1);
  if (!last || last.hash !== mappingHash(m)) return null;
  const steps = [...last.steps.values()];
  if (steps.some((s) => s.status === 'rolled_back')) return null;
  return runDone(last, m) ? null : last;
}

/** Every step completed, or had no rows (no import though the run went past staging). */
export function runDone(run: Run, m: MappingSpec): boolean {
  return m.steps.every((_, i) => {
    const imp = run.steps.get(i);
    return imp ? imp.status === 'completed' : run.ran && !run.partialSteps.has(i);
  });
}

/** The last run that wrote something (for validate and report). */
export function lastRun(all: TaggedImport[]): Run | null {
  return runsOf(all).at(-1) ?? null;
}
