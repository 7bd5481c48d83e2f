import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { workspaceSettings } from '../../core/auth/auth.service.js';
import { EXPORT_FORMATS, type ExportFormat } from '../../core/exports/export.schemas.js';
import { exportFileName, openExport } from '../../core/exports/export.service.js';
import { parseExportFilters } from '../../core/exports/export-jobs.service.js';
import { EXPORT_RESOURCES, type ExportResource } from '../../core/exports/export-resources.js';
import { systemCtx } from '../../core/shared/context.js';
import { AppError } from '../../core/shared/errors.js';
import { isUuid } from '../../core/shared/ids.js';
import { describeDatabase, withDatabase } from '../db.js';
import { firstOwner } from './api-key.js';

const collect = (v: string, prev: string[]) => [...prev, v];

/** `k=v` pairs as query parameters (a repeated key joins its values with commas, as the list takes them). */
function filtersOf(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i < 1) throw AppError.invalid('--filter', `"${p}" must be key=value, e.g. status=new`);
    const [k, v] = [p.slice(0, i), p.slice(i + 1)];
    out[k] = out[k] === undefined ? v : `${out[k]},${v}`;
  }
  return out;
}

/** Rows written so far: a bar that counts (the list's size is known only at its end). */
function rowCounter(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const bar = stream.isTTY
    ? new cliProgress.SingleBar(
        {
          stream,
          format: `${label} {value} rows | {speed} rows/s | {duration_formatted}`,
          hideCursor: true,
          formatValue: (v, _o, type) => (type === 'value' ? v.toLocaleString('en-US') : String(v)),
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const started = performance.now();
  bar?.start(0, 0, { speed: 0 });
  return {
    update: (n: number) => {
      const s = (performance.now() - started) / 1000;
      bar?.update(n, { speed: s > 0 ? Math.round(n / s).toLocaleString('en-US') : 0 });
    },
    stop: () => bar?.stop(),
  };
}

export function exportCommand(program: Command): void {
  program
    .command('export')
    .description('Export a filtered list to CSV or Excel (the same file as the web app and the API give)')
    .argument('<resource>', `what to export: ${EXPORT_RESOURCES.join(', ')}`)
    .requiredOption('--workspace-id <id>', 'workspace')
    .option('--format <format>', `${EXPORT_FORMATS.join(' or ')} (default: from --out, else csv)`)
    .option('--out <file>', 'output file (default: <resource>-<date>.<format> here)')
    .option('--columns <keys>', 'column keys in order, comma-separated (default: the default set)')
    .option(
      '--filter <key=value>',
      'a list filter, search or sort as the API takes it (repeatable): status=new, q=patel, sort=-createdAt, custom.budget[gte]=1000',
      collect,
      [] as string[],
    )
    .action(
      async (
        resource: string,
        f: { workspaceId: string; format?: string; out?: string; columns?: string; filter: string[] },
      ) => {
        if (!(EXPORT_RESOURCES as readonly string[]).includes(resource))
          throw AppError.invalid('resource', `must be one of ${EXPORT_RESOURCES.join(', ')}`);
        if (!isUuid(f.workspaceId)) throw AppError.invalid('--workspace-id', 'must be a workspace id (UUID)');
        const fromOut = f.out?.match(/\.(csv|xlsx)$/i)?.[1]?.toLowerCase();
        const format = (f.format ?? fromOut ?? 'csv') as ExportFormat;
        if (!(EXPORT_FORMATS as readonly string[]).includes(format))
          throw AppError.invalid('--format', `must be one of ${EXPORT_FORMATS.join(', ')}`);
        const r = resource as ExportResource;
        const query = parseExportFilters(r, filtersOf(f.filter));
        const columns = f.columns
          ?.split(',')
          .map((c) => c.trim())
          .filter(Boolean);
        const out = f.out ?? exportFileName(r, format);
        await withDatabase(async ({ db }) => {
          const ws = await workspaceSettings(db, f.workspaceId);
          const ctx = { ...systemCtx(ws.id, await firstOwner(db, ws.id)), defaultCountry: ws.defaultCountry };
          console.error(`Exporting ${r} of "${ws.name}" from ${describeDatabase()} to ${out}…`);
          const progress = rowCounter(`Export ${r}`);
          const ex = await openExport(db, ctx, {
            resource: r,
            format,
            columns,
            query,
            onRows: progress.update,
          });
          const part = `${out}.part`;
          try {
            await pipeline(ex.stream, createWriteStream(part));
            await rename(part, out);
          } catch (e) {
            await rm(part, { force: true });
            throw e;
          } finally {
            progress.stop();
          }
          const { size } = await stat(out);
          console.log(
            `${ex.rows().toLocaleString('en-US')} ${r} written to ${out} (${(size / 1024 / 1024).toFixed(1)} MB)`,
          );
        });
      },
    );
}
