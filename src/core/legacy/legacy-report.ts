import type { Db } from '../db/client.js';
import type { ImportCounts, ImportOut, ImportRowOut } from '../imports/imports.schemas.js';
import { getImport, listImportRows } from '../imports/imports.service.js';
import type { Ctx } from '../shared/context.js';
import { lastRun, migrationImports, runDone } from './legacy-runs.js';
import { stepName, stepSource } from './legacy-steps.js';
import { type ValidationResult, validateMigration } from './legacy-validate.js';
import type { MappingSpec } from './mapping.schemas.js';

type RowNote = { rowNo: number; key: string | null; reason: string | null; matchId: string | null };
export type ReportStep = {
  step: number;
  name: string;
  entity: string;
  importId: string | null;
  status: string;
  rows: number;
  counts: ImportCounts | null;
  result: ImportOut['result'];
  seconds: { stageAndPreview: number | null; run: number | null };
  errorCount: number;
  duplicateCount: number;
  errors: RowNote[];
  duplicates: RowNote[];
};
export type MigrationReport = {
  mapping: { name: string; description: string | null; sources: string[] };
  generatedAt: string;
  run: {
    runId: string;
    status: 'completed' | 'unfinished' | 'rolled back';
    startedAt: string | null;
    finishedAt: string | null;
  } | null;
  steps: ReportStep[];
  totals: {
    rows: number;
    created: number;
    updated: number;
    skipped: number;
    failed: number;
    contactsCreated: number;
  };
  validation: ValidationResult;
};

const LISTED = 20;
const secs = (a: string | null, b: string | null) =>
  a && b ? Math.round((Date.parse(b) - Date.parse(a)) / 100) / 10 : null;
const safeUrl = (url: string) => {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(url)';
  }
};

async function notes(db: Db, ctx: Ctx, id: string, decision: 'error' | 'duplicate'): Promise<RowNote[]> {
  const page = await listImportRows(db, ctx, id, { decision, limit: LISTED });
  return page.data.map((r: ImportRowOut) => ({
    rowNo: r.rowNo,
    key: r.cells.externalId ?? Object.values(r.cells)[0] ?? null,
    reason: r.reason,
    matchId: r.matchId,
  }));
}

/** `report`: the last run's steps (counts per decision, results, timings, first errors and duplicates) and a validation. */
export async function migrationReport(db: Db, ctx: Ctx, m: MappingSpec): Promise<MigrationReport> {
  const run = lastRun(await migrationImports(db, ctx, m));
  const steps: ReportStep[] = [];
  const totals = { rows: 0, created: 0, updated: 0, skipped: 0, failed: 0, contactsCreated: 0 };
  for (let i = 0; i < m.steps.length; i++) {
    const tagged = run?.steps.get(i);
    const imp = tagged ? await getImport(db, ctx, tagged.id) : null;
    const r = imp?.result ?? null;
    totals.rows += imp?.totalRows ?? 0;
    totals.created += r?.created ?? 0;
    totals.updated += r?.updated ?? 0;
    totals.skipped += r?.skipped ?? 0;
    totals.failed += r?.failed ?? 0;
    totals.contactsCreated += r?.contactsCreated ?? 0;
    steps.push({
      step: i,
      name: stepName(m.steps[i]!, i),
      entity: m.steps[i]!.entity,
      importId: imp?.id ?? null,
      status: imp?.status ?? (run?.ran ? 'empty' : 'not staged'),
      rows: imp?.totalRows ?? 0,
      counts: imp?.preview.counts ?? null,
      result: r,
      seconds: {
        stageAndPreview: imp ? secs(imp.createdAt, imp.previewedAt) : null,
        run: imp ? secs(imp.startedAt, imp.finishedAt) : null,
      },
      errorCount: imp?.preview.counts?.error ?? 0,
      duplicateCount: imp?.preview.counts?.duplicate ?? 0,
      errors: imp ? await notes(db, ctx, imp.id, 'error') : [],
      duplicates: imp ? await notes(db, ctx, imp.id, 'duplicate') : [],
    });
  }
  const imps = run ? [...run.steps.values()] : [];
  const started =
    imps
      .map((s) => s.startedAt)
      .filter((x): x is string => !!x)
      .sort()[0] ?? null;
  const finished =
    imps
      .map((s) => s.finishedAt)
      .filter((x): x is string => !!x)
      .sort()
      .at(-1) ?? null;
  const sources = [
    ...new Set(
      m.steps.map((s) => stepSource(m, s)).map((s) => ('path' in s ? s.path : `${s.type} ${safeUrl(s.url)}`)),
    ),
  ];
  return {
    mapping: { name: m.name, description: m.description ?? null, sources },
    generatedAt: new Date().toISOString(),
    run: run
      ? {
          runId: run.runId,
          status: imps.some((s) => s.status === 'rolled_back')
            ? 'rolled back'
            : runDone(run, m)
              ? 'completed'
              : 'unfinished',
          startedAt: started,
          finishedAt: finished,
        }
      : null,
    steps,
    totals,
    validation: await validateMigration(db, ctx, m),
  };
}

const n = (x: number | null | undefined) => (x ?? 0).toLocaleString('en-US');
const cell = (s: string | null | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The report as Markdown. */
export function reportMarkdown(r: MigrationReport): string {
  const out: string[] = [];
  out.push(`# Legacy migration report: ${r.mapping.name}`, '');
  if (r.mapping.description) out.push(r.mapping.description, '');
  out.push(`- Source: ${r.mapping.sources.join(', ')}`);
  out.push(`- Generated: ${r.generatedAt}`);
  if (!r.run) out.push('- Run: none yet (`migrate-legacy run`)');
  else
    out.push(
      `- Run: ${r.run.runId}, **${r.run.status}**${r.run.startedAt ? `, ${r.run.startedAt} → ${r.run.finishedAt ?? '…'}` : ''}`,
    );
  out.push(
    `- Totals: ${n(r.totals.rows)} rows, ${n(r.totals.created)} created, ${n(r.totals.updated)} updated, ${n(r.totals.skipped)} skipped, ${n(r.totals.failed)} failed; ${n(r.totals.contactsCreated)} contacts created by lead steps`,
    '',
  );
  out.push('## Steps', '');
  out.push(
    '| # | step | entity | status | rows | create | update | skip | duplicate | error | stage+preview s | run s |',
  );
  out.push('|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of r.steps) {
    const c = s.counts;
    out.push(
      `| ${s.step + 1} | ${cell(s.name)} | ${s.entity} | ${s.status} | ${n(s.rows)} | ${n(c?.create)} | ${n(c?.update)} | ${n(c?.skip)} | ${n(c?.duplicate)} | ${n(c?.error)} | ${s.seconds.stageAndPreview ?? ''} | ${s.seconds.run ?? ''} |`,
    );
  }
  out.push('');
  for (const [title, pick, count] of [
    ['Errors', (s: ReportStep) => s.errors, (s: ReportStep) => s.errorCount],
    ['Duplicates', (s: ReportStep) => s.duplicates, (s: ReportStep) => s.duplicateCount],
  ] as const) {
    out.push(`## ${title}`, '');
    const any = r.steps.filter((s) => pick(s).length);
    if (!any.length) out.push('None.', '');
    for (const s of any) {
      out.push(
        `Step ${s.step + 1} (${cell(s.name)}): ${n(count(s))}${count(s) > pick(s).length ? `, the first ${pick(s).length}` : ''}`,
        '',
      );
      out.push('| row | key | reason | match |', '|---:|---|---|---|');
      for (const e of pick(s))
        out.push(`| ${e.rowNo} | ${cell(e.key)} | ${cell(e.reason)} | ${e.matchId ?? ''} |`);
      out.push('');
    }
  }
  const v = r.validation;
  out.push('## Validation', '');
  out.push(
    `**${v.ok ? 'Passed' : 'Failed'}**: ${n(v.totalDifferences)} differences (every source row read again and compared with its record, field by field; ${v.seconds} s).`,
    '',
  );
  out.push(
    '| # | step | source rows | staged | compared | values | skipped | rejected | records | found | differences |',
  );
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of v.steps)
    out.push(
      `| ${s.step + 1} | ${cell(s.name)} | ${n(s.sourceRows)} | ${n(s.stagedRows)} | ${n(s.compared)} | ${n(s.values)} | ${n(s.skipped)} | ${n(s.rejected)} | ${n(s.records)} | ${n(s.found)} | ${n(s.differences)} |`,
    );
  out.push('', '| entity | written | found |', '|---|---:|---:|');
  for (const [e, c] of Object.entries(v.entities)) out.push(`| ${e} | ${n(c.written)} | ${n(c.found)} |`);
  out.push('');
  if (v.differences.length) {
    out.push(
      `Differences${v.totalDifferences > v.differences.length ? ` (the first ${v.differences.length})` : ''}:`,
      '',
    );
    out.push('| step | row | key | field | expected | actual |', '|---:|---:|---|---|---|---|');
    for (const d of v.differences)
      out.push(
        `| ${d.step + 1} | ${d.rowNo} | ${cell(d.key)} | ${cell(d.field)} | ${cell(d.expected)} | ${cell(d.actual)} |`,
      );
    out.push('');
  }
  const problems = v.steps.filter((s) => s.problems.count);
  if (problems.length) {
    out.push('## Values the transforms could not read (kept as in the source)', '');
    for (const s of problems) {
      out.push(`Step ${s.step + 1}: ${n(s.problems.count)}`, '');
      for (const p of s.problems.examples) out.push(`- row ${p.rowNo}, ${p.field}: ${p.reason}`);
      out.push('');
    }
  }
  return out.join('\n');
}
