import type { Db } from '../db/client.js';
import type { ImportCounts, ImportOut, ImportRowOut, ImportSettings } from '../imports/imports.schemas.js';
import {
  createImport,
  getImport,
  listImportRows,
  runImport,
  updateImportSettings,
} from '../imports/imports.service.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import {
  type LegacyTag,
  mappingHash,
  migrationImports,
  originOf,
  type Run,
  resumableRun,
  runDone,
} from './legacy-runs.js';
import {
  customFieldStatus,
  customTarget,
  ensureCustomFields,
  type FieldStatus,
  openStep,
  type Problem,
  stepName,
  stepSource,
} from './legacy-steps.js';
import type { MappingSpec } from './mapping.schemas.js';

export type StepCheck = {
  step: number;
  name: string;
  entity: string;
  importId: string | null;
  rows: number;
  counts: ImportCounts | null;
  /** The first rejected and duplicate rows, with their reasons. */
  errors: ImportRowOut[];
  duplicates: ImportRowOut[];
  problems: { count: number; examples: Problem[] };
  omitted: string[];
  /**
   * Check only: rejected rows that link (contactExternalId) to a contact an earlier step creates;
   * `run` reads them again once that step has run.
   */
  waiting: number;
};
export type CheckResult = { runId: string; fields: FieldStatus; steps: StepCheck[] };

export type Progress = {
  /** A step's phase: staging (rows read), preview (re-preview before running), run (rows applied). */
  onProgress?: (step: number, phase: 'stage' | 'preview' | 'run', done: number, total: number) => void;
};

const ZERO: ImportCounts = { create: 0, update: 0, skip: 0, duplicate: 0, error: 0 };
const describeSource = (m: MappingSpec, i: number) => {
  const s = stepSource(m, m.steps[i]!);
  if (s.type === 'csv' || s.type === 'xlsx') return { fileName: s.path, fileFormat: s.type };
  const u = new URL(s.url);
  u.password = u.password ? '***' : '';
  return { fileName: `${u.toString()} (${s.type})`, fileFormat: 'sql' as const };
};

export const settingsOf = (m: MappingSpec, i: number, headers: string[]): ImportSettings => {
  const s = m.steps[i]!;
  return {
    mapping: Object.fromEntries(headers.map((h) => [h, h])),
    mode: s.mode,
    matchOn: s.matchOn,
    duplicatePolicy: s.duplicatePolicy,
    ...(m.defaultCountry ? { options: { defaultCountry: m.defaultCountry } } : {}),
  };
};

/** The first rows of a decision (for check and report). */
export async function firstRows(db: Db, ctx: Ctx, id: string, decision: 'error' | 'duplicate', limit = 10) {
  return (await listImportRows(db, ctx, id, { decision, limit })).data;
}

/**
 * Stages and previews one step as an import (nothing written to the CRM tables). A step whose source
 * has no rows makes no import (null).
 */
async function stageStep(
  db: Db,
  ctx: Ctx,
  m: MappingSpec,
  i: number,
  tag: Omit<LegacyTag, 'step' | 'stepName' | 'omitted'>,
  omit: Set<string>,
  progress: Progress,
  /** External ids the earlier contacts steps stage (filled by contacts steps, read by leads steps). */
  earlier?: Set<string>,
): Promise<{ imp: ImportOut | null; check: StepCheck }> {
  const table = await openStep(m, i, omit);
  const step = m.steps[i]!;
  const check: StepCheck = {
    step: i,
    name: stepName(step, i),
    entity: step.entity,
    importId: null,
    rows: 0,
    counts: null,
    errors: [],
    duplicates: [],
    problems: { count: 0, examples: [] },
    omitted: [...omit],
    waiting: 0,
  };
  const x = step.entity === 'contacts' ? table.headers.indexOf('externalId') : -1;
  const keep = (b: (string | null)[][]) => {
    if (earlier && x >= 0) for (const cells of b) if (cells[x]) earlier.add(cells[x]!);
    return b;
  };
  try {
    const first = await table.batches.next();
    if (first.done) {
      check.counts = { ...ZERO };
      return { imp: null, check };
    }
    async function* batches() {
      yield keep(first.value!);
      for await (const b of table.batches) {
        progress.onProgress?.(i, 'stage', table.stats.rows, 0);
        yield keep(b);
      }
    }
    const imp = await createImport(db, ctx, {
      entity: step.entity,
      origin: originOf(m),
      ...describeSource(m, i),
      fileInfo: { legacy: true, sourceColumns: table.sourceColumns },
      headers: table.headers,
      batches: batches(),
      settings: settingsOf(m, i, table.headers),
      options: { legacy: { ...tag, step: i, stepName: check.name, omitted: [...omit] } satisfies LegacyTag },
    });
    check.problems = { count: table.stats.problems, examples: table.stats.examples };
    check.importId = imp.id;
    check.rows = imp.totalRows;
    check.counts = imp.preview.counts;
    check.errors = await firstRows(db, ctx, imp.id, 'error');
    check.duplicates = await firstRows(db, ctx, imp.id, 'duplicate');
    if (earlier?.size && step.entity === 'leads' && table.headers.includes('contactExternalId'))
      check.waiting = await waitingRows(db, ctx, imp.id, earlier);
    return { imp, check };
  } finally {
    await table.close();
  }
}

/** Rejected lead rows whose contact (by external id) an earlier step of the check stages. */
async function waitingRows(db: Db, ctx: Ctx, id: string, earlier: Set<string>): Promise<number> {
  let n = 0;
  let cursor: number | undefined;
  for (;;) {
    const page = await listImportRows(db, ctx, id, { decision: 'error', cursor, limit: 500 });
    for (const r of page.data) {
      const cx = r.cells.contactExternalId;
      if (cx && earlier.has(cx) && r.errors.every((e) => e.field === 'contact')) n += 1;
    }
    if (page.nextCursor === null) return n;
    cursor = page.nextCursor;
  }
}

/** Target keys of custom fields that do not exist yet (a check leaves them out; a run creates them first). */
function pendingCustomKeys(m: MappingSpec, i: number, fields: FieldStatus): Set<string> {
  const step = m.steps[i]!;
  const out = new Set<string>();
  for (const key of Object.keys(step.columns)) {
    const t = customTarget(step.entity, key);
    if (t && fields.missing.some((f) => f.entity === t.entity && f.key === t.key)) out.add(key);
  }
  return out;
}

/**
 * `check`: every step staged and previewed over all its rows against the target as it is now
 * (a later step does not see what an earlier one would create). Writes nothing to the CRM tables.
 */
export async function checkMigration(
  db: Db,
  ctx: Ctx,
  m: MappingSpec,
  progress: Progress = {},
): Promise<CheckResult> {
  const fields = await customFieldStatus(db, ctx, m);
  if (fields.conflicts.length)
    throw new AppError(
      'conflict',
      'Custom fields of the mapping conflict with existing ones',
      fields.conflicts,
    );
  const runId = newId();
  const steps: StepCheck[] = [];
  const earlier = new Set<string>();
  for (let i = 0; i < m.steps.length; i++) {
    const unknown = new Set(fields.unknown.filter((u) => u.step === i).map((u) => u.field));
    const omit = new Set([...pendingCustomKeys(m, i, fields), ...unknown]);
    const tag = {
      mapping: m.name,
      runId,
      purpose: 'check' as const,
      hash: mappingHash(m),
      createdFields: [],
    };
    steps.push((await stageStep(db, ctx, m, i, tag, omit, progress, earlier)).check);
  }
  return { runId, fields, steps };
}

export type StepRun = StepCheck & {
  status: string;
  result: ImportOut['result'];
  /** Continued where an interrupted run of it stopped. */
  resumed: boolean;
  /** Completed by an earlier, interrupted invocation (nothing done now). */
  already: boolean;
};
export type RunResult = {
  runId: string;
  resumed: boolean;
  createdFields: string[];
  check: CheckResult | null;
  steps: StepRun[];
};

/**
 * `run`: continues the last run when it was interrupted (same mapping, not finished, not rolled
 * back): its staged steps are not staged again and each step's import resumes where it stopped.
 * Otherwise a new run: the missing custom fields are created, every step is staged and previewed
 * (the check), then each step, in order, is previewed again against the target as the earlier steps
 * left it and run.
 */
export async function runMigration(
  db: Db,
  ctx: Ctx,
  m: MappingSpec,
  progress: Progress & { onCheck?: (c: CheckResult) => void; onStep?: (s: StepRun) => void } = {},
): Promise<RunResult> {
  const previous = resumableRun(await migrationImports(db, ctx, m), m);
  let run: Run;
  let createdFields: string[];
  let check: CheckResult | null = null;
  const fields = await customFieldStatus(db, ctx, m);
  if (previous) {
    run = previous;
    createdFields = [...run.steps.values()][0]?.legacy.createdFields ?? [];
    // A step whose staging was interrupted is staged again before anything runs.
    for (let i = 0; i < m.steps.length; i++) {
      if (run.steps.has(i) || (run.ran && !run.partialSteps.has(i))) continue;
      const tag = {
        mapping: m.name,
        runId: run.runId,
        purpose: 'run' as const,
        hash: run.hash,
        createdFields,
      };
      const { imp } = await stageStep(db, ctx, m, i, tag, new Set(), progress);
      if (imp)
        run.steps.set(i, {
          ...imp,
          legacy: { ...tag, step: i, stepName: stepName(m.steps[i]!, i), omitted: [] },
        });
    }
  } else {
    createdFields = await ensureCustomFields(db, ctx, fields);
    const runId = newId();
    const tag = { mapping: m.name, runId, purpose: 'run' as const, hash: mappingHash(m), createdFields };
    run = {
      runId,
      hash: tag.hash,
      createdAt: new Date().toISOString(),
      steps: new Map(),
      partialSteps: new Set(),
      ran: false,
    };
    check = { runId, fields, steps: [] };
    const earlier = new Set<string>();
    for (let i = 0; i < m.steps.length; i++) {
      const { imp, check: c } = await stageStep(db, ctx, m, i, tag, new Set(), progress, earlier);
      check.steps.push(c);
      if (imp) run.steps.set(i, { ...imp, legacy: { ...tag, step: i, stepName: c.name, omitted: [] } });
    }
    progress.onCheck?.(check);
  }
  const steps: StepRun[] = [];
  for (let i = 0; i < m.steps.length; i++) {
    const tagged = run.steps.get(i);
    const name = stepName(m.steps[i]!, i);
    const base = {
      step: i,
      name,
      entity: m.steps[i]!.entity,
      errors: [],
      duplicates: [],
      problems: { count: 0, examples: [] },
      omitted: [],
      waiting: 0,
    };
    if (!tagged) {
      const s: StepRun = {
        ...base,
        importId: null,
        rows: 0,
        counts: { ...ZERO },
        status: 'empty',
        result: null,
        resumed: false,
        already: false,
      };
      steps.push(s);
      progress.onStep?.(s);
      continue;
    }
    let imp = await getImport(db, ctx, tagged.id);
    const resumed = ['running', 'queued', 'failed'].includes(imp.status);
    const already = imp.status === 'completed';
    if (imp.status !== 'completed') {
      if (imp.status === 'previewed' || imp.status === 'staged') {
        // Earlier steps may have created what this one links to: read the rows and decide again on
        // the target as it is (giving the mapping re-reads them, which also clears decisions).
        progress.onProgress?.(i, 'preview', 0, imp.totalRows);
        // (Without `options`: the engine replaces the stored options, legacy tag included, when given.)
        const { options: _, ...again } = settingsOf(m, i, imp.headers);
        imp = await updateImportSettings(db, ctx, imp.id, again);
      }
      await runImport(db, ctx, imp.id, {
        onProgress: (done, total) => progress.onProgress?.(i, 'run', done, total),
      });
      imp = await getImport(db, ctx, imp.id);
    }
    const s: StepRun = {
      ...base,
      importId: imp.id,
      rows: imp.totalRows,
      counts: imp.preview.counts,
      errors: await firstRows(db, ctx, imp.id, 'error'),
      duplicates: await firstRows(db, ctx, imp.id, 'duplicate'),
      status: imp.status,
      result: imp.result,
      resumed,
      already,
    };
    steps.push(s);
    progress.onStep?.(s);
    if (imp.status !== 'completed')
      throw new AppError(
        'conflict',
        `Step ${name} stopped (${imp.status}${imp.error ? `: ${imp.error}` : ''}); run again to continue`,
      );
  }
  return { runId: run.runId, resumed: !!previous, createdFields, check, steps };
}

export { type RollbackResult, rollbackMigration } from './legacy-rollback.js';
export { runDone };
