import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { accountOut } from '../accounts/accounts.schemas.js';
import { appointmentOut } from '../appointments/appointments.schemas.js';
import { writeAudit, writeAuditMany } from '../audit/audit.service.js';
import { contactOut } from '../contacts/contacts.schemas.js';
import type { Db } from '../db/client.js';
import {
  accounts,
  appointments,
  contacts,
  customFieldDefinitions,
  deals,
  leads,
} from '../db/schema/index.js';
import { dealOut } from '../deals/deals.schemas.js';
import { leadOut } from '../leads/leads.schemas.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { containsPattern } from '../shared/like.js';
import type { ListQuery, ListSpec } from '../shared/list-query.js';
import { checkVersion, iso } from '../shared/records.js';
import { listTenantRows, loadTenantRow } from '../shared/tenant-rows.js';
import {
  CUSTOM_FIELD_ENTITIES,
  CUSTOM_FIELD_TYPES,
  type CustomFieldCreate,
  type CustomFieldEntity,
  type CustomFieldOut,
  type CustomFieldReorder,
  type CustomFieldUpdate,
} from './custom-fields.schemas.js';
import { definitionsChanged } from './custom-values.js';

type Row = typeof customFieldDefinitions.$inferSelect;

export const toCustomField = (r: Row): CustomFieldOut => ({
  id: r.id,
  entity: r.entity,
  key: r.key,
  label: r.label,
  type: r.type,
  options: r.options ?? [],
  required: r.required,
  description: r.description,
  position: r.position,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  deletedAt: iso(r.deletedAt),
  version: r.version,
});

const squash = (name: string) => name.replace(/_/g, '').toLowerCase();
const COMMON = [
  'custom',
  'customFields',
  'contactCustomFields',
  'workspaceId',
  'contact',
  'account',
  'deal',
  'lead',
];
/** Built-in field names per entity (compared without case and underscores: `first_name` is `firstName`). */
const BUILT_IN: Record<CustomFieldEntity, Set<string>> = {
  contact: new Set([...Object.keys(contactOut.shape), ...COMMON].map(squash)),
  lead: new Set([...Object.keys(leadOut.shape), ...COMMON].map(squash)),
  account: new Set([...Object.keys(accountOut.shape), ...COMMON].map(squash)),
  deal: new Set([...Object.keys(dealOut.shape), ...COMMON].map(squash)),
  appointment: new Set(
    [...Object.keys(appointmentOut.shape), 'duration', 'outcome', 'notes', ...COMMON].map(squash),
  ),
};

/**
 * A lead shows its own fields and, inherited, its contact's: a key is used by one of the two levels
 * only, so `custom.<key>` on a lead (lists, rules) names one field.
 */
const SHARED_NAMESPACE: Partial<Record<CustomFieldEntity, CustomFieldEntity>> = {
  lead: 'contact',
  contact: 'lead',
};

/** Tables holding each entity's values. */
const VALUE_TABLES = {
  contact: contacts,
  lead: leads,
  account: accounts,
  deal: deals,
  appointment: appointments,
} as const;

export const customFieldListSpec: ListSpec = {
  idExpr: customFieldDefinitions.id,
  defaultSort: 'position',
  sorts: {
    position: { expr: sql`${customFieldDefinitions.position}`, type: 'number' },
    key: { expr: sql`${customFieldDefinitions.key}`, type: 'text' },
    createdAt: { expr: sql`${customFieldDefinitions.createdAt}`, type: 'date' },
    updatedAt: { expr: sql`${customFieldDefinitions.updatedAt}`, type: 'date' },
  },
  filters: {
    entity: {
      kind: 'enum',
      expr: customFieldDefinitions.entity,
      values: CUSTOM_FIELD_ENTITIES,
      description: 'Entity',
    },
    type: {
      kind: 'enum',
      expr: customFieldDefinitions.type,
      values: CUSTOM_FIELD_TYPES,
      description: 'Type',
    },
    key: { kind: 'text', expr: customFieldDefinitions.key, description: 'Key' },
  },
  search: (q) =>
    sql`(${customFieldDefinitions.label} ilike ${containsPattern(q)} or ${customFieldDefinitions.key} = ${q})`,
};

/** Definitions, in form order (`sort=position`, the default) when listed per entity. */
export async function listCustomFields(db: Db, ctx: Ctx, query: ListQuery) {
  return listTenantRows(db, ctx, customFieldDefinitions, customFieldListSpec, query, toCustomField);
}

const loadRow = (db: Db, ctx: Ctx, id: string, opts: { lock?: boolean; withDeleted?: boolean } = {}) =>
  loadTenantRow(db, ctx, customFieldDefinitions, 'Custom field', id, opts);

export async function getCustomField(db: Db, ctx: Ctx, id: string): Promise<CustomFieldOut> {
  return toCustomField(await loadRow(db, ctx, id, { withDeleted: true }));
}

async function assertKeyFree(db: Db, ctx: Ctx, entity: CustomFieldEntity, key: string) {
  if (BUILT_IN[entity].has(squash(key)))
    throw new AppError('validation_failed', `key ${key} is a built-in field of ${entity}s`, [
      { field: 'key', reason: `is a built-in field of ${entity}s; choose another key` },
    ]);
  const entities = [entity, ...(SHARED_NAMESPACE[entity] ? [SHARED_NAMESPACE[entity]] : [])];
  const [hit] = await db
    .select({ entity: customFieldDefinitions.entity, deletedAt: customFieldDefinitions.deletedAt })
    .from(customFieldDefinitions)
    .where(
      and(
        eq(customFieldDefinitions.workspaceId, ctx.workspaceId),
        inArray(customFieldDefinitions.entity, entities),
        eq(customFieldDefinitions.key, key),
      ),
    )
    .limit(1);
  if (hit) {
    const reason =
      hit.entity !== entity
        ? `is already a ${hit.entity}-level field (leads show their contact's fields too)`
        : hit.deletedAt
          ? 'is used by an archived field; restore that field instead'
          : `is already a custom field of ${entity}s`;
    throw new AppError('conflict', `key ${key} ${reason}`, [{ field: 'key', reason }]);
  }
}

function checkOptions(type: string, options: { value: string }[] | null | undefined) {
  const choice = type === 'select' || type === 'multiselect';
  if (choice && options !== undefined && (!options || options.length === 0))
    throw AppError.invalid('options', `a ${type} field needs at least one option`);
  if (!choice && options && options.length > 0)
    throw AppError.invalid('options', `a ${type} field has no options`);
}

/** Refuses removing options that stored values still use (they would become invalid silently). */
async function assertOptionsUnused(db: Db, ctx: Ctx, row: Row, removed: string[]) {
  if (removed.length === 0) return;
  const table = VALUE_TABLES[row.entity];
  const uses = (v: string): SQL =>
    sql`${table.custom} @> ${JSON.stringify({ [row.key]: row.type === 'multiselect' ? [v] : v })}::jsonb`;
  for (const v of removed) {
    const [r] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(table)
      .where(and(eq(table.workspaceId, ctx.workspaceId), uses(v)));
    if (r && Number(r.n) > 0)
      throw new AppError('conflict', `Option ${v} is still used by ${r.n} ${row.entity}(s)`, [
        {
          field: 'options',
          reason: `"${v}" is used by ${r.n} ${row.entity}(s); change those values before removing it`,
        },
      ]);
  }
}

export async function createCustomField(db: Db, ctx: Ctx, input: CustomFieldCreate): Promise<CustomFieldOut> {
  return db.transaction(async (tx) => {
    // One definition change at a time per workspace, so the key checks across levels cannot race.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`custom-fields:${ctx.workspaceId}`}))`);
    checkOptions(input.type, input.options ?? null);
    await assertKeyFree(tx, ctx, input.entity, input.key);
    let position = input.position;
    if (position === undefined) {
      const [m] = await tx
        .select({ p: sql<number | null>`max(${customFieldDefinitions.position})` })
        .from(customFieldDefinitions)
        .where(
          and(
            eq(customFieldDefinitions.workspaceId, ctx.workspaceId),
            eq(customFieldDefinitions.entity, input.entity),
          ),
        );
      position = m?.p === null || m?.p === undefined ? 0 : Number(m.p) + 1;
    }
    const [row] = await tx
      .insert(customFieldDefinitions)
      .values({
        workspaceId: ctx.workspaceId,
        id: newId(),
        entity: input.entity,
        key: input.key,
        label: input.label,
        type: input.type,
        options: input.type === 'select' || input.type === 'multiselect' ? input.options! : null,
        required: input.required ?? false,
        description: input.description ?? null,
        position,
      })
      .returning();
    const out = toCustomField(row!);
    await writeAudit(tx, ctx, { action: 'create', entity: 'custom_field', entityId: out.id, after: out });
    definitionsChanged();
    return out;
  });
}

export async function updateCustomField(
  db: Db,
  ctx: Ctx,
  id: string,
  input: CustomFieldUpdate,
  ifMatch?: string,
): Promise<CustomFieldOut> {
  return db.transaction(async (tx) => {
    const before = await loadRow(tx, ctx, id, { lock: true });
    checkVersion('custom field', String(before.version), ifMatch);
    for (const f of ['entity', 'key', 'type'] as const)
      if (input[f] !== undefined && input[f] !== before[f])
        throw AppError.invalid(
          f,
          `cannot be changed once the field exists (it is ${before[f]}); create another field instead`,
        );
    checkOptions(before.type, input.options);
    if (input.options) {
      const kept = new Set(input.options.map((o) => o.value));
      await assertOptionsUnused(
        tx,
        ctx,
        before,
        (before.options ?? []).map((o) => o.value).filter((v) => !kept.has(v)),
      );
    }
    const set: Partial<typeof customFieldDefinitions.$inferInsert> = {};
    if (input.label !== undefined) set.label = input.label;
    if (input.options !== undefined && input.options !== null) set.options = input.options;
    if (input.required !== undefined) set.required = input.required;
    if (input.description !== undefined) set.description = input.description;
    if (input.position !== undefined) set.position = input.position;
    const [row] = await tx
      .update(customFieldDefinitions)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${customFieldDefinitions.version} + 1` })
      .where(and(eq(customFieldDefinitions.workspaceId, ctx.workspaceId), eq(customFieldDefinitions.id, id)))
      .returning();
    const out = toCustomField(row!);
    await writeAudit(tx, ctx, {
      action: 'update',
      entity: 'custom_field',
      entityId: id,
      before: toCustomField(before),
      after: out,
    });
    definitionsChanged();
    return out;
  });
}

/** Archives (or restores) a field: archived fields leave forms and validation; stored values stay. */
export async function setCustomFieldDeleted(
  db: Db,
  ctx: Ctx,
  id: string,
  deleted: boolean,
): Promise<CustomFieldOut> {
  return db.transaction(async (tx) => {
    const before = await loadRow(tx, ctx, id, { lock: true, withDeleted: true });
    if (deleted === (before.deletedAt !== null)) return toCustomField(before);
    const [row] = await tx
      .update(customFieldDefinitions)
      .set({
        deletedAt: deleted ? sql`now()` : null,
        updatedAt: sql`now()`,
        version: sql`${customFieldDefinitions.version} + 1`,
      })
      .where(and(eq(customFieldDefinitions.workspaceId, ctx.workspaceId), eq(customFieldDefinitions.id, id)))
      .returning();
    const out = toCustomField(row!);
    await writeAudit(tx, ctx, {
      action: deleted ? 'delete' : 'restore',
      entity: 'custom_field',
      entityId: id,
      before: toCustomField(before),
      after: out,
    });
    definitionsChanged();
    return out;
  });
}

/** Sets the order of an entity's live fields: `ids` must be exactly those fields, in the new order. */
export async function reorderCustomFields(
  db: Db,
  ctx: Ctx,
  input: CustomFieldReorder,
): Promise<{ data: CustomFieldOut[] }> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(customFieldDefinitions)
      .where(
        and(
          eq(customFieldDefinitions.workspaceId, ctx.workspaceId),
          eq(customFieldDefinitions.entity, input.entity),
          sql`${customFieldDefinitions.deletedAt} is null`,
        ),
      )
      .for('update');
    const byId = new Map(rows.map((r) => [r.id, r]));
    const unknown = input.ids.findIndex((x) => !byId.has(x));
    if (unknown >= 0)
      throw new AppError(
        'not_found',
        `Custom field ${input.ids[unknown]} is not a live ${input.entity} field`,
        [{ field: `ids[${unknown}]`, reason: `is not a live ${input.entity} field` }],
      );
    if (new Set(input.ids).size !== input.ids.length || input.ids.length !== rows.length)
      throw AppError.invalid('ids', `must list each of the ${rows.length} live ${input.entity} fields once`);
    const audits = [];
    for (const [position, id] of input.ids.entries()) {
      const before = byId.get(id)!;
      if (before.position === position) continue;
      const [row] = await tx
        .update(customFieldDefinitions)
        .set({ position, updatedAt: sql`now()`, version: sql`${customFieldDefinitions.version} + 1` })
        .where(
          and(eq(customFieldDefinitions.workspaceId, ctx.workspaceId), eq(customFieldDefinitions.id, id)),
        )
        .returning();
      byId.set(id, row!);
      audits.push({
        action: 'update',
        entity: 'custom_field',
        entityId: id,
        before: toCustomField(before),
        after: toCustomField(row!),
      });
    }
    await writeAuditMany(tx, ctx, audits);
    definitionsChanged();
    return { data: input.ids.map((id) => toCustomField(byId.get(id)!)) };
  });
}
