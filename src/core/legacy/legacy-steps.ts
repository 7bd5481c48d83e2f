import { and, eq } from 'drizzle-orm';
import type { CustomFieldEntity } from '../custom-fields/custom-fields.schemas.js';
import { createCustomField, setCustomFieldDeleted } from '../custom-fields/custom-fields.service.js';
import type { Db } from '../db/client.js';
import { customFieldDefinitions } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import type { CustomFieldSpec, LegacyEntity, MappingSpec, SourceSpec, StepSpec } from './mapping.schemas.js';
import { openSource } from './sources.js';
import { compileColumns } from './transforms.js';

export type Cells = (string | null)[];
export type Problem = { rowNo: number; field: string; reason: string };

/** The custom-field entity a target key writes: `custom.x` on the step's entity, `contact.custom.x` on a lead's contact. */
export function customTarget(
  entity: LegacyEntity,
  key: string,
): { entity: CustomFieldEntity; key: string } | null {
  if (key.startsWith('contact.custom.'))
    return entity === 'leads' ? { entity: 'contact', key: key.slice(15) } : null;
  if (!key.startsWith('custom.')) return null;
  const own: Record<LegacyEntity, CustomFieldEntity> = {
    contacts: 'contact',
    leads: 'lead',
    accounts: 'account',
  };
  return { entity: own[entity], key: key.slice(7) };
}

type Def = { id: string; entity: string; key: string; type: string; deletedAt: Date | null };

async function definitions(db: Db, ctx: Ctx): Promise<Def[]> {
  return db
    .select({
      id: customFieldDefinitions.id,
      entity: customFieldDefinitions.entity,
      key: customFieldDefinitions.key,
      type: customFieldDefinitions.type,
      deletedAt: customFieldDefinitions.deletedAt,
    })
    .from(customFieldDefinitions)
    .where(eq(customFieldDefinitions.workspaceId, ctx.workspaceId));
}

export type FieldStatus = {
  /** Declared under customFields and absent (or archived): `run` creates (or restores) them. */
  missing: (CustomFieldSpec & { archivedId?: string })[];
  /** Target keys per step that name a custom field neither existing nor declared. */
  unknown: { step: number; field: string }[];
  /** Declared fields that exist with another type. */
  conflicts: { field: string; reason: string }[];
};

/** Which of the mapping's custom fields the workspace lacks. */
export async function customFieldStatus(db: Db, ctx: Ctx, m: MappingSpec): Promise<FieldStatus> {
  const defs = await definitions(db, ctx);
  const find = (entity: string, key: string) => defs.find((d) => d.entity === entity && d.key === key);
  const missing: FieldStatus['missing'] = [];
  const conflicts: FieldStatus['conflicts'] = [];
  for (const f of m.customFields) {
    const d = find(f.entity, f.key);
    if (!d) missing.push(f);
    else if (d.type !== f.type)
      conflicts.push({
        field: `${f.entity}.${f.key}`,
        reason: `exists as a ${d.type} field, the mapping declares ${f.type}`,
      });
    else if (d.deletedAt) missing.push({ ...f, archivedId: d.id });
  }
  const unknown: FieldStatus['unknown'] = [];
  m.steps.forEach((s, i) => {
    for (const key of Object.keys(s.columns)) {
      const t = customTarget(s.entity, key);
      if (!t) continue;
      const d = find(t.entity, t.key);
      const declared = m.customFields.some((f) => f.entity === t.entity && f.key === t.key);
      if ((!d || d.deletedAt) && !declared) unknown.push({ step: i, field: key });
    }
  });
  return { missing, unknown, conflicts };
}

/** Creates (or restores) the missing declared custom fields; returns the ids this call created or restored. */
export async function ensureCustomFields(db: Db, ctx: Ctx, status: FieldStatus): Promise<string[]> {
  if (status.conflicts.length)
    throw new AppError(
      'conflict',
      'Custom fields of the mapping conflict with existing ones',
      status.conflicts,
    );
  if (status.unknown.length)
    throw new AppError(
      'validation_failed',
      'The mapping writes custom fields that do not exist; declare them under customFields',
      status.unknown.map((u) => ({
        field: `steps[${u.step}].columns.${u.field}`,
        reason: 'is not a custom field of the workspace',
      })),
    );
  const ids: string[] = [];
  for (const f of status.missing) {
    if (f.archivedId) {
      await setCustomFieldDeleted(db, ctx, f.archivedId, false);
      ids.push(f.archivedId);
    } else {
      const { archivedId: _, ...input } = f;
      ids.push((await createCustomField(db, ctx, input)).id);
    }
  }
  return ids;
}

/** Archives custom fields a run created (rollback). */
export async function archiveCustomFields(db: Db, ctx: Ctx, ids: string[]): Promise<number> {
  let n = 0;
  for (const id of ids) {
    const [d] = await db
      .select({ deletedAt: customFieldDefinitions.deletedAt })
      .from(customFieldDefinitions)
      .where(and(eq(customFieldDefinitions.workspaceId, ctx.workspaceId), eq(customFieldDefinitions.id, id)));
    if (d && !d.deletedAt) {
      await setCustomFieldDeleted(db, ctx, id, true);
      n += 1;
    }
  }
  return n;
}

export const stepName = (s: StepSpec, i: number) => s.name ?? `${i + 1}. ${s.entity}`;
export const stepSource = (m: MappingSpec, s: StepSpec): SourceSpec => s.source ?? m.source;

/** A step's rows as the import engine takes them: headers = target keys, cells = transformed values. */
export type StepTable = {
  headers: string[];
  /** The source's columns (as the source names them). */
  sourceColumns: string[];
  batches: AsyncGenerator<Cells[]>;
  /** Rows read so far, and values a transform could not handle (they keep their source value). */
  stats: { rows: number; problems: number; examples: Problem[] };
  close(): Promise<void>;
};

/**
 * Opens a step's source and maps its rows. `omit`: target keys left out (custom fields `check`
 * cannot preview before `run` creates them).
 */
export async function openStep(m: MappingSpec, i: number, omit: Set<string> = new Set()): Promise<StepTable> {
  const step = m.steps[i]!;
  const columns = Object.fromEntries(Object.entries(step.columns).filter(([k]) => !omit.has(k)));
  const compiled = compileColumns(columns);
  const src = await openSource(stepSource(m, step), step.query);
  const have = new Set(src.columns);
  const lower = new Map(src.columns.map((c) => [c.toLowerCase(), c]));
  const missing = compiled.sourceColumns.filter((c) => !have.has(c));
  if (missing.length) {
    await src.close();
    throw new AppError(
      'validation_failed',
      `Step ${stepName(step, i)}: the source has no column ${missing.map((c) => `"${c}"`).join(', ')}`,
      missing.map((c) => ({
        field: `steps[${i}].columns`,
        reason: `"${c}" is not a column of the source${lower.get(c.toLowerCase()) ? ` (did you mean "${lower.get(c.toLowerCase())}"?)` : ''}; it has ${src.columns.join(', ')}`,
      })),
    );
  }
  const index = src.columns.map((c, k) => [c, k] as const);
  const stats: StepTable['stats'] = { rows: 0, problems: 0, examples: [] };
  async function* batches(): AsyncGenerator<Cells[]> {
    for await (const batch of src.batches) {
      const out: Cells[] = [];
      for (const cells of batch) {
        stats.rows += 1;
        const row: Record<string, string | null> = {};
        for (const [c, k] of index) row[c] = cells[k] ?? null;
        const r = compiled.apply(row);
        if (r.problems.length) {
          stats.problems += r.problems.length;
          for (const p of r.problems)
            if (stats.examples.length < 20) stats.examples.push({ rowNo: stats.rows, ...p });
        }
        out.push(r.cells);
      }
      yield out;
    }
  }
  return {
    headers: compiled.targets,
    sourceColumns: src.columns,
    batches: batches(),
    stats,
    close: src.close,
  };
}
