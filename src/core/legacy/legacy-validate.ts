import { getAccount } from '../accounts/accounts.service.js';
import { getContact } from '../contacts/contacts.service.js';
import type { Db } from '../db/client.js';
import {
  fold,
  readBoolean,
  readDate,
  readEnum,
  readList,
  readNumber,
  readTimestamp,
} from '../imports/cell-values.js';
import { targetFields } from '../imports/import-fields.js';
import type { ImportRowOut, TargetField } from '../imports/imports.schemas.js';
import { listImportRows } from '../imports/imports.service.js';
import { getLead } from '../leads/leads.service.js';
import type { Ctx } from '../shared/context.js';
import { isAppError } from '../shared/errors.js';
import { normalizePhone } from '../shared/normalize.js';
import { lastRun, migrationImports } from './legacy-runs.js';
import { openStep, type Problem, stepName } from './legacy-steps.js';
import type { LegacyEntity, MappingSpec } from './mapping.schemas.js';

export type Difference = {
  step: number;
  rowNo: number;
  /** The row's external id (or first value), to find it in the source. */
  key: string | null;
  field: string;
  expected: string | null;
  actual: string | null;
};

export type StepValidation = {
  step: number;
  name: string;
  entity: LegacyEntity;
  importId: string | null;
  sourceRows: number;
  stagedRows: number;
  /** Rows whose record was read back and compared field by field. */
  compared: number;
  /** Field values compared. */
  values: number;
  /** Rows not written on purpose (skip, duplicate of an earlier row or record), with their reasons. */
  skipped: number;
  rejected: number;
  /** Distinct records the step wrote, and how many of them the target still holds. */
  records: number;
  found: number;
  differences: number;
  /** Mapped fields that are references (owner, pipeline, account) and are not compared. */
  notCompared: string[];
  problems: { count: number; examples: Problem[] };
};

export type ValidationResult = {
  runId: string | null;
  ok: boolean;
  steps: StepValidation[];
  /** Per entity: records the migration wrote, and found in the target. */
  entities: Record<string, { written: number; found: number }>;
  differences: Difference[];
  totalDifferences: number;
  seconds: number;
};

const MAX_LISTED = 500;
const NOT_COMPARED = new Set(['owner', 'pipeline', 'account', 'lead', 'user', 'fullName', 'id']);

type Rec = Record<string, unknown>;
type Reader = { entity: LegacyEntity; record: Rec; contact: () => Promise<Rec> };

/** A record's value for a target key, read the way the API shows it. */
async function actualOf(r: Reader, key: string): Promise<unknown> {
  const rec = r.record;
  if (key.startsWith('contact.custom.')) return (rec.contactCustomFields as Rec | undefined)?.[key.slice(15)];
  if (key.startsWith('custom.')) return (rec.customFields as Rec | undefined)?.[key.slice(7)];
  if (key.startsWith('address.')) {
    const part = key.slice(8);
    if (r.entity === 'contacts') return (rec.addresses as Rec[] | undefined)?.[0]?.[part];
    return (rec.address as Rec | null | undefined)?.[part];
  }
  if (key === 'email2' || key === 'phone2') {
    const c = r.entity === 'contacts' ? rec : await r.contact();
    return key === 'email2'
      ? (c.emails as { email: string; primary: boolean }[]).filter((e) => !e.primary).map((e) => e.email)
      : (c.phones as { e164: string; primary: boolean }[]).filter((p) => !p.primary).map((p) => p.e164);
  }
  if (r.entity === 'leads') {
    if (key === 'stage') return rec.stageName;
    if (key === 'contactExternalId') return (await r.contact()).externalId;
  }
  if (r.entity === 'contacts' && key === 'company') return rec.companyName;
  return rec[key];
}

type Norm = (v: string) => unknown;

/** How a value of the field compares: read as the import reads it (so "Yes" = true, "+1 415…" = E.164). */
function normalizer(f: TargetField | undefined, country: string): Norm {
  const read =
    <T>(fn: (s: string) => { value: T } | { reason: string }) =>
    (s: string) => {
      const r = fn(s);
      return 'value' in r ? r.value : s;
    };
  const opts = f?.options ?? [];
  switch (f?.type) {
    case 'email':
      return (s) => s.trim().toLowerCase();
    case 'phone':
      return (s) => normalizePhone(s, country) ?? s.trim();
    case 'timestamp':
      return (s) => {
        const r = readTimestamp(s);
        return 'value' in r ? Date.parse(r.value) : s;
      };
    case 'date':
      return read(readDate);
    case 'number':
    case 'money':
      return (s) => {
        const r = readNumber(s);
        return 'value' in r ? r.value : s;
      };
    case 'boolean':
      return read(readBoolean);
    case 'enum':
    case 'select':
      return (s) => {
        const r = readEnum(s, opts);
        return 'value' in r ? r.value : fold(s);
      };
    case 'multiselect':
      return (s) => readList(s).map(fold).sort().join('|');
    case 'ref':
      return (s) => fold(s);
    case 'url':
      // The import stores a web address without a scheme as https://.
      return (s) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(s.trim()) ? s.trim() : `https://${s.trim()}`);
    default:
      return (s) => s.trim();
  }
}

const text = (v: unknown): string | null =>
  v === null || v === undefined ? null : Array.isArray(v) ? v.map(String).join(', ') : String(v);

async function readRecord(db: Db, ctx: Ctx, entity: LegacyEntity, id: string): Promise<Rec | null> {
  try {
    if (entity === 'leads') return (await getLead(db, ctx, id)) as unknown as Rec;
    if (entity === 'contacts') return (await getContact(db, ctx, id)) as unknown as Rec;
    return (await getAccount(db, ctx, id)) as unknown as Rec;
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') return null;
    throw e;
  }
}

/** Pages through an import's rows in row order. */
async function* importRowsOf(db: Db, ctx: Ctx, id: string): AsyncGenerator<ImportRowOut> {
  let cursor: number | undefined;
  for (;;) {
    const page = await listImportRows(db, ctx, id, { cursor, limit: 500 });
    yield* page.data;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

/**
 * `validate`: reads every source row again (same query, same transforms) and compares it with the
 * row the migration staged, then the record it wrote, read back through the services (a lead shows
 * its contact's fields), field by field, every row. Blank source values are not compared (an import
 * never clears a value with a blank; defaults fill some). Also counts per entity.
 */
export async function validateMigration(db: Db, ctx: Ctx, m: MappingSpec): Promise<ValidationResult> {
  const t0 = performance.now();
  const run = lastRun(await migrationImports(db, ctx, m));
  const country = m.defaultCountry ?? ctx.defaultCountry ?? 'US';
  const out: ValidationResult = {
    runId: run?.runId ?? null,
    ok: true,
    steps: [],
    entities: {},
    differences: [],
    totalDifferences: 0,
    seconds: 0,
  };
  const differ = (d: Difference, sv: StepValidation) => {
    sv.differences += 1;
    out.totalDifferences += 1;
    if (out.differences.length < MAX_LISTED) out.differences.push(d);
  };
  const contactsSeen = new Map<string, boolean>();
  for (let i = 0; i < m.steps.length; i++) {
    const step = m.steps[i]!;
    const imp = run?.steps.get(i) ?? null;
    const table = await openStep(m, i);
    const fields = new Map((await targetFields(db, ctx, step.entity)).map((f) => [f.key, f]));
    const norms = table.headers.map((h) => normalizer(fields.get(h), country));
    const keyCol = Math.max(0, table.headers.indexOf('externalId'));
    const sv: StepValidation = {
      step: i,
      name: stepName(step, i),
      entity: step.entity,
      importId: imp?.id ?? null,
      sourceRows: 0,
      stagedRows: imp?.totalRows ?? 0,
      compared: 0,
      values: 0,
      skipped: 0,
      rejected: 0,
      records: 0,
      found: 0,
      differences: 0,
      notCompared: table.headers.filter((h) => NOT_COMPARED.has(h)),
      problems: { count: 0, examples: [] },
    };
    const targets = new Set<string>();
    const staged = imp ? importRowsOf(db, ctx, imp.id) : null;
    try {
      for await (const batch of table.batches) {
        for (const cells of batch) {
          sv.sourceRows += 1;
          const rowNo = sv.sourceRows;
          const key = cells[keyCol] ?? null;
          const base = { step: i, rowNo, key };
          const row = staged ? (await staged.next()).value : undefined;
          if (!row) {
            differ({ ...base, field: '(row)', expected: 'imported', actual: 'not in the migration' }, sv);
            continue;
          }
          table.headers.forEach((h, k) => {
            const was = row.cells[h] ?? null;
            if (was !== (cells[k] ?? null))
              differ(
                { ...base, field: h, expected: cells[k] ?? null, actual: `staged as ${was ?? '(blank)'}` },
                sv,
              );
          });
          if (row.decision === 'error') {
            sv.rejected += 1;
            differ({ ...base, field: '(row)', expected: 'imported', actual: `rejected: ${row.reason}` }, sv);
            continue;
          }
          if (row.decision === 'skip' || !row.targetId) {
            sv.skipped += 1;
            continue;
          }
          if (!row.applied) {
            differ(
              { ...base, field: '(row)', expected: 'imported', actual: `${row.decision} not applied yet` },
              sv,
            );
            continue;
          }
          const record = await readRecord(db, ctx, step.entity, row.targetId);
          const fresh = !targets.has(row.targetId);
          targets.add(row.targetId);
          if (!record || record.deletedAt) {
            differ(
              { ...base, field: '(record)', expected: row.targetId, actual: record ? 'deleted' : 'missing' },
              sv,
            );
            continue;
          }
          if (fresh) sv.found += 1;
          let contact: Rec | null = null;
          const reader: Reader = {
            entity: step.entity,
            record,
            contact: async () => {
              contact ??= (await getContact(db, ctx, String(record.contactId))) as unknown as Rec;
              return contact;
            },
          };
          if (step.entity === 'leads' && fresh) contactsSeen.set(String(record.contactId), true);
          if (step.entity === 'contacts' && fresh) contactsSeen.set(row.targetId, true);
          sv.compared += 1;
          for (let k = 0; k < table.headers.length; k++) {
            const h = table.headers[k]!;
            const want = cells[k];
            if (want === null || want === undefined || want.trim() === '' || NOT_COMPARED.has(h)) continue;
            sv.values += 1;
            const got = await actualOf(reader, h);
            const norm = norms[k]!;
            const expected = norm(want);
            const ok = Array.isArray(got)
              ? got.some((g) => norm(String(g)) === expected)
              : got !== null &&
                got !== undefined &&
                JSON.stringify(norm(text(got)!)) === JSON.stringify(expected);
            if (!ok) differ({ ...base, field: h, expected: want, actual: text(got) }, sv);
          }
        }
      }
      const extra = staged ? await staged.next() : { done: true };
      if (!extra.done)
        differ(
          {
            step: i,
            rowNo: sv.sourceRows + 1,
            key: null,
            field: '(row)',
            expected: 'no more rows',
            actual: 'the migration staged more rows than the source has',
          },
          sv,
        );
    } finally {
      await table.close();
      await staged?.return(undefined);
    }
    sv.records = targets.size;
    sv.problems = { count: table.stats.problems, examples: table.stats.examples };
    const e = out.entities[step.entity] ?? { written: 0, found: 0 };
    out.entities[step.entity] = e;
    e.written += sv.records;
    e.found += sv.found;
    out.steps.push(sv);
  }
  if (m.steps.some((s) => s.entity === 'leads')) {
    // The contacts behind the migrated leads (and migrated contacts), each counted once.
    let found = 0;
    for (const id of contactsSeen.keys()) {
      const c = await readRecord(db, ctx, 'contacts', id);
      if (c && !c.deletedAt) found += 1;
    }
    out.entities.contacts = { written: contactsSeen.size, found };
  }
  out.ok = out.totalDifferences === 0 && Object.values(out.entities).every((e) => e.written === e.found);
  out.seconds = Math.round((performance.now() - t0) / 100) / 10;
  return out;
}
