import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { workspaceSettings } from '../../core/auth/auth.service.js';
import type { Db } from '../../core/db/client.js';
import {
  type CheckResult,
  checkMigration,
  type Progress,
  rollbackMigration,
  runMigration,
  type StepCheck,
} from '../../core/legacy/legacy.service.js';
import { migrationReport, reportMarkdown } from '../../core/legacy/legacy-report.js';
import { type ValidationResult, validateMigration } from '../../core/legacy/legacy-validate.js';
import { type LoadedMapping, loadMapping } from '../../core/legacy/mapping-file.js';
import { type Ctx, systemCtx } from '../../core/shared/context.js';
import { AppError, isAppError } from '../../core/shared/errors.js';
import { isUuid } from '../../core/shared/ids.js';
import { describeDatabase, withDatabase } from '../db.js';
import { phaseProgress } from '../progress.js';
import { firstOwner } from './api-key.js';

type Flags = { mapping: string; workspaceId?: string };
const n = (x: number | null | undefined) => (x ?? 0).toLocaleString('en-US');

async function withMigration<T>(
  f: Flags,
  work: (db: Db, ctx: Ctx, m: LoadedMapping) => Promise<T>,
): Promise<T> {
  const m = await loadMapping(f.mapping).catch((e) => {
    // One line per problem (line, field, reason) rather than one long line.
    if (!isAppError(e) || e.errors.length < 2) throw e;
    console.error(`${e.message} (${f.mapping}):`);
    for (const x of e.errors) console.error(`  ${x.reason.replace(/^(line \d+): /, `$1, ${x.field}: `)}`);
    throw new AppError(e.code, `${e.errors.length} problems in the mapping file`);
  });
  const id = f.workspaceId ?? process.env.LEADBASE_WORKSPACE_ID;
  if (!id) throw AppError.invalid('--workspace-id', 'is required (or set LEADBASE_WORKSPACE_ID)');
  if (!isUuid(id)) throw AppError.invalid('--workspace-id', 'must be a workspace id (UUID)');
  return withDatabase(async ({ db }) => {
    const ws = await workspaceSettings(db, id);
    const ctx = { ...systemCtx(ws.id, await firstOwner(db, ws.id)), defaultCountry: ws.defaultCountry };
    console.error(`Mapping "${m.name}" (${m.file}) into "${ws.name}" in ${describeDatabase()}`);
    return work(db, ctx, m);
  });
}

function bars(): Progress & { stop(): void } {
  const p = phaseProgress();
  return {
    onProgress: (step, phase, done, total) =>
      p.update(
        `Step ${step + 1} ${phase === 'stage' ? 'read   ' : phase === 'preview' ? 'preview' : 'run    '}`,
        done,
        total || done,
      ),
    stop: p.stop,
  };
}

function printStep(s: StepCheck): void {
  const c = s.counts;
  console.log(
    `  ${s.step + 1}. ${s.name} (${s.entity}): ${n(s.rows)} rows — create ${n(c?.create)}, update ${n(c?.update)}, skip ${n(c?.skip)}, duplicate ${n(c?.duplicate)}, error ${n(c?.error)}`,
  );
  if (s.waiting)
    console.log(
      `     ${n(s.waiting)} of the errors link to contacts an earlier step creates: decided again when run`,
    );
  if (s.omitted.length)
    console.log(`     not previewed (custom fields run creates first): ${s.omitted.join(', ')}`);
  if (s.problems.count) {
    console.log(
      `     ${n(s.problems.count)} values the transforms could not read (kept as in the source), e.g.:`,
    );
    for (const p of s.problems.examples.slice(0, 3))
      console.log(`       row ${p.rowNo} ${p.field}: ${p.reason}`);
  }
  for (const e of s.errors.slice(0, 5)) console.log(`     error row ${e.rowNo}: ${e.reason}`);
  for (const d of s.duplicates.slice(0, 3)) console.log(`     duplicate row ${d.rowNo}: ${d.reason}`);
}

function printCheck(c: CheckResult, created = false): void {
  if (c.fields.missing.length)
    console.log(
      `Custom fields ${created ? 'created' : 'to create (by run)'}: ${c.fields.missing.map((f) => `${f.entity}.${f.key} (${f.type}${f.archivedId ? ', archived: restored' : ''})`).join(', ')}`,
    );
  for (const u of c.fields.unknown)
    console.log(
      `Step ${u.step + 1}: ${u.field} is not a custom field of the workspace and not declared under customFields`,
    );
  for (const s of c.steps) printStep(s);
}

function printValidation(v: ValidationResult): void {
  for (const s of v.steps)
    console.log(
      `  ${s.step + 1}. ${s.name}: ${n(s.sourceRows)} source rows, ${n(s.stagedRows)} staged, ${n(s.compared)} records compared (${n(s.values)} values), ${n(s.skipped)} skipped, ${n(s.rejected)} rejected — ${n(s.differences)} differences`,
    );
  for (const [e, c] of Object.entries(v.entities))
    console.log(`  ${e}: ${n(c.written)} written, ${n(c.found)} found`);
  for (const d of v.differences.slice(0, 50))
    console.log(
      `  step ${d.step + 1} row ${d.rowNo} (${d.key ?? '?'}) ${d.field}: expected ${JSON.stringify(d.expected)}, found ${JSON.stringify(d.actual)}`,
    );
  if (v.totalDifferences > 50)
    console.log(`  … and ${n(v.totalDifferences - 50)} more (report lists ${n(v.differences.length)})`);
  console.log(
    v.ok
      ? `Validation passed: no differences (${v.seconds} s)`
      : `Validation FAILED: ${n(v.totalDifferences)} differences`,
  );
}

export function migrateLegacyCommand(program: Command): void {
  const cmd = program
    .command('migrate-legacy')
    .description('Migrate a legacy CRM (CSV/Excel file, PostgreSQL or MySQL query) with a YAML mapping file');
  const common = (c: Command) =>
    c
      .requiredOption('--mapping <file>', 'mapping file (YAML; see examples/legacy)')
      .option('--workspace-id <id>', 'target workspace (or LEADBASE_WORKSPACE_ID)');

  common(
    cmd
      .command('check')
      .description('Preview every step over all its rows: what run would do (writes nothing)'),
  )
    .option('--json', 'print the result as JSON')
    .action(async (f: Flags & { json?: boolean }) => {
      await withMigration(f, async (db, ctx, m) => {
        const p = bars();
        const c = await checkMigration(db, ctx, m, p).finally(p.stop);
        if (f.json) console.log(JSON.stringify(c, null, 2));
        else printCheck(c);
      });
    });

  common(cmd.command('run').description('Check, then run every step (resumes an interrupted run)')).action(
    async (f: Flags) => {
      await withMigration(f, async (db, ctx, m) => {
        const p = bars();
        try {
          const r = await runMigration(db, ctx, m, {
            ...p,
            onCheck: (c) => {
              p.stop();
              console.log('Check:');
              printCheck(c, true);
            },
            onStep: (s) => {
              p.stop();
              const r = s.result;
              console.log(
                `Step ${s.step + 1} ${s.name}: ${s.status}${s.resumed ? ' (resumed)' : s.already ? ' (before the interruption)' : ''}${r ? ` — created ${n(r.created)}, updated ${n(r.updated)}, skipped ${n(r.skipped)}, failed ${n(r.failed)}${r.contactsCreated ? `, contacts created ${n(r.contactsCreated)}` : ''}` : ''}`,
              );
            },
          });
          if (r.resumed) console.log(`Continued the interrupted run ${r.runId}`);
          console.log(`Run ${r.runId} completed. Next: migrate-legacy validate, report --out report.md`);
        } finally {
          p.stop();
        }
      });
    },
  );

  common(
    cmd
      .command('validate')
      .description('Compare every source row with its record, field by field; exit 1 on differences'),
  )
    .option('--json', 'print the result as JSON')
    .action(async (f: Flags & { json?: boolean }) => {
      const ok = await withMigration(f, async (db, ctx, m) => {
        const v = await validateMigration(db, ctx, m);
        if (f.json) console.log(JSON.stringify(v, null, 2));
        else printValidation(v);
        return v.ok;
      });
      if (!ok) process.exitCode = 1;
    });

  common(cmd.command('report').description('Write a summary of the last run (Markdown and JSON)'))
    .option('--out <file>', 'Markdown file (the JSON goes beside it, .json); default: print Markdown')
    .action(async (f: Flags & { out?: string }) => {
      await withMigration(f, async (db, ctx, m) => {
        const r = await migrationReport(db, ctx, m);
        const md = reportMarkdown(r);
        if (!f.out) {
          console.log(md);
          return;
        }
        const base = f.out.replace(/\.(md|json)$/i, '');
        await writeFile(`${base}.md`, md);
        await writeFile(`${base}.json`, `${JSON.stringify(r, null, 2)}\n`);
        console.log(
          `Wrote ${base}.md and ${base}.json (validation ${r.validation.ok ? 'passed' : 'FAILED'})`,
        );
      });
    });

  common(
    cmd
      .command('rollback')
      .description('Undo every run of the mapping, last step first; archive the custom fields it created'),
  )
    .option('--force', 'also undo records changed since the migration (their later changes are lost)')
    .action(async (f: Flags & { force?: boolean }) => {
      const conflicts = await withMigration(f, async (db, ctx, m) => {
        const r = await rollbackMigration(db, ctx, m, { force: f.force });
        for (const s of r.steps)
          console.log(
            `  ${s.name} (run ${s.runId.slice(-8)}): ${n(s.deleted)} deleted, ${n(s.restored)} restored${s.conflicts ? `, ${n(s.conflicts)} changed since the migration${f.force ? ' (undone: --force)' : ' (kept)'}` : ''}`,
          );
        if (!r.steps.length) console.log('Nothing to roll back.');
        if (r.archivedFields) console.log(`  ${r.archivedFields} custom fields archived`);
        const left = f.force ? 0 : r.steps.reduce((x, s) => x + s.conflicts, 0);
        if (left)
          console.log(`${n(left)} records changed since the migration were kept; --force undoes them too`);
        return left;
      });
      if (conflicts) process.exitCode = 1;
    });
}
