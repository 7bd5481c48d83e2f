import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import Papa from 'papaparse';
import { workspaceSettings } from '../../core/auth/auth.service.js';
import type { Db } from '../../core/db/client.js';
import { readTable } from '../../core/imports/file-reader.js';
import {
  DUPLICATE_POLICIES,
  IMPORT_ENTITIES,
  IMPORT_MODES,
  type ImportEntity,
  type ImportOut,
  importSettings,
} from '../../core/imports/imports.schemas.js';
import * as svc from '../../core/imports/imports.service.js';
import { type Ctx, systemCtx } from '../../core/shared/context.js';
import { AppError } from '../../core/shared/errors.js';
import { isUuid } from '../../core/shared/ids.js';
import { describeDatabase, withDatabase } from '../db.js';
import { phaseProgress } from '../progress.js';
import { firstOwner } from './api-key.js';

const collect = (v: string, prev: string[]) => [...prev, v];

type Opts = {
  workspaceId: string;
  entity?: string;
  mapping?: string;
  mode?: string;
  matchOn?: string;
  duplicatePolicy?: string;
  default: string[];
  defaultCountry?: string;
  dateFormat?: string;
  template?: string;
  dryRun?: boolean;
  resume?: string;
  rollback?: string;
  force?: boolean;
  errors?: string;
  out?: string;
};

const line = (imp: ImportOut) => {
  const c = imp.preview.counts;
  return c
    ? `create ${c.create}, update ${c.update}, skip ${c.skip}, duplicate ${c.duplicate}, error ${c.error}`
    : '';
};

async function printResult(imp: ImportOut) {
  const r = imp.result;
  console.log(`Import ${imp.id}: ${imp.status}`);
  if (r)
    console.log(
      `  created ${r.created}, updated ${r.updated}, skipped ${r.skipped}, failed ${r.failed}` +
        (r.contactsCreated ? ` (contacts created ${r.contactsCreated})` : ''),
    );
  if (r?.rolledBack)
    console.log(
      `  rolled back: deleted ${r.rolledBack.deleted}, restored ${r.rolledBack.restored}, conflicts ${r.rolledBack.conflicts}${r.rolledBack.forced ? ' (forced)' : ''}`,
    );
  if (imp.error) console.log(`  error: ${imp.error}`);
}

async function run(db: Db, ctx: Ctx, id: string) {
  const progress = phaseProgress();
  const imp = await svc.runImport(db, ctx, id, {
    onProgress: (done, total) => progress.update('Importing', done, total),
  });
  progress.stop();
  return svc.getImport(db, ctx, imp.id);
}

async function writeErrors(db: Db, ctx: Ctx, id: string, out: string) {
  const w = createWriteStream(out);
  w.write('\ufeff');
  let n = -1;
  for await (const row of svc.errorRows(db, ctx, id)) {
    w.write(`${Papa.unparse([row], { newline: '\r\n' })}\r\n`);
    n += 1;
  }
  await new Promise<void>((resolve, reject) => w.end((e?: Error | null) => (e ? reject(e) : resolve())));
  console.log(`${n} rejected row(s) written to ${out} (the original cells, the reason, the row number)`);
}

export function importCommand(program: Command): void {
  program
    .command('import')
    .description(
      'Import a CSV or Excel file of leads, contacts, … : read and preview every row, then run (resumable), or resume, roll back, or write the error file of an earlier import',
    )
    .argument('[file]', 'the CSV or .xlsx file')
    .requiredOption('--workspace-id <id>', 'workspace')
    .option('--entity <entity>', `what the rows are: ${IMPORT_ENTITIES.join(', ')}`)
    .option(
      '--mapping <json|file>',
      'column → field mapping (JSON object or a .json file); default: the suggested one',
    )
    .option('--template <id>', 'a saved mapping template')
    .option('--mode <mode>', `${IMPORT_MODES.join(', ')} (default create)`)
    .option('--match-on <key>', 'id, externalId, email, phone or custom.<key> (default email)')
    .option('--duplicate-policy <policy>', `${DUPLICATE_POLICIES.join(', ')} (default skip)`)
    .option(
      '--default <field=value>',
      'a value for rows that leave the field empty (repeatable)',
      collect,
      [] as string[],
    )
    .option('--default-country <CC>', 'country of local phone numbers')
    .option('--date-format <order>', 'auto, ymd, dmy or mdy')
    .option('--dry-run', 'preview only: print what would happen, write nothing')
    .option('--resume <importId>', 'continue an interrupted import')
    .option('--rollback <importId>', 'undo an import (records changed since are reported, not overwritten)')
    .option('--force', 'with --rollback: undo records changed since the import too')
    .option('--errors <importId>', 'write the error file of an import (with --out)')
    .option('--out <file>', 'where --errors writes (default <importId>-errors.csv)')
    .action(async (file: string | undefined, o: Opts) => {
      if (!isUuid(o.workspaceId)) throw AppError.invalid('--workspace-id', 'must be a workspace id (UUID)');
      await withDatabase(async ({ db }) => {
        const ws = await workspaceSettings(db, o.workspaceId);
        const ctx = { ...systemCtx(ws.id, await firstOwner(db, ws.id)), defaultCountry: ws.defaultCountry };
        if (o.resume) return printResult(await run(db, ctx, o.resume));
        if (o.rollback) {
          const imp = await svc.undoImport(db, ctx, o.rollback, !!o.force);
          await printResult(imp);
          if (imp.result?.rolledBack?.conflicts)
            console.log('  Records changed since the import were left as they are; --force undoes them too.');
          return;
        }
        if (o.errors) return writeErrors(db, ctx, o.errors, o.out ?? `${o.errors}-errors.csv`);
        if (!file) throw AppError.invalid('file', 'is required (or --resume, --rollback, --errors)');
        if (!existsSync(file)) throw AppError.invalid('file', `${file} does not exist`);
        if (!o.entity || !(IMPORT_ENTITIES as readonly string[]).includes(o.entity))
          throw AppError.invalid('--entity', `must be one of ${IMPORT_ENTITIES.join(', ')}`);
        const defaults = Object.fromEntries(
          o.default.map((p) => {
            const i = p.indexOf('=');
            if (i < 1) throw AppError.invalid('--default', `"${p}" must be field=value`);
            return [p.slice(0, i), p.slice(i + 1)];
          }),
        );
        let mapping: unknown;
        if (o.mapping)
          try {
            mapping = JSON.parse(existsSync(o.mapping) ? readFileSync(o.mapping, 'utf8') : o.mapping);
          } catch {
            throw AppError.invalid('--mapping', 'must be a JSON object or a .json file of one');
          }
        const parsed = importSettings.safeParse({
          mapping,
          mode: o.mode,
          matchOn: o.matchOn,
          duplicatePolicy: o.duplicatePolicy,
          options: {
            ...(Object.keys(defaults).length ? { defaults } : {}),
            ...(o.defaultCountry ? { defaultCountry: o.defaultCountry } : {}),
            ...(o.dateFormat ? { dateFormat: o.dateFormat } : {}),
          },
        });
        if (!parsed.success)
          throw AppError.invalid(
            `--${String(parsed.error.issues[0]!.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
            parsed.error.issues[0]!.message,
          );
        const { size } = await stat(file);
        console.error(`Reading ${file} (${(size / 1024 / 1024).toFixed(1)} MB) into ${describeDatabase()}…`);
        const table = await readTable(createReadStream(file), { fileName: basename(file) });
        const progress = phaseProgress();
        const started = performance.now();
        const imp = await svc.createImport(db, ctx, {
          entity: o.entity as ImportEntity,
          origin: 'cli',
          fileName: basename(file),
          fileFormat: table.format,
          fileBytes: size,
          fileInfo: table.info,
          headers: table.headers,
          batches: table.batches,
          settings: { ...parsed.data, ...(o.template ? { templateId: o.template } : {}) },
          onProgress: (n) => progress.update('Reading', n, Math.max(n, 1)),
        });
        progress.stop();
        console.log(
          `Import ${imp.id}: ${imp.totalRows.toLocaleString('en-US')} rows read and previewed in ${((performance.now() - started) / 1000).toFixed(1)} s: ${line(imp)}`,
        );
        for (const h of imp.headers) console.log(`  ${h} → ${imp.mapping[h] ?? '(ignored)'}`);
        if (o.dryRun) {
          const errs = await svc.listImportRows(db, ctx, imp.id, { decision: 'error', limit: 10 });
          for (const r of errs.data) console.log(`  row ${r.rowNo}: ${r.reason}`);
          console.log('Dry run: nothing written. Run it later with --resume', imp.id);
          return;
        }
        const t0 = performance.now();
        const done = await run(db, ctx, imp.id);
        await printResult(done);
        const secs = (performance.now() - t0) / 1000;
        console.log(
          `  ${Math.round(done.totalRows / secs).toLocaleString('en-US')} rows/s (${secs.toFixed(1)} s)`,
        );
        if (done.result?.failed)
          console.log(`  Error file: leadbase import --workspace-id ${ws.id} --errors ${imp.id}`);
      });
    });
}
