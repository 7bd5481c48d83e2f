import { and, asc, eq, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import {
  type BoundCondition,
  bindCondition,
  loadConditionFields,
  validateCondition,
} from '../conditions/validate.js';
import type { Db } from '../db/client.js';
import { duplicateRules } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { ListQuery, ListSpec } from '../shared/list-query.js';
import { checkVersion, iso } from '../shared/records.js';
import { listTenantRows, loadTenantRow } from '../shared/tenant-rows.js';
import {
  DEFAULT_RULES,
  DUPLICATE_ACTIONS,
  DUPLICATE_ENTITIES,
  type DuplicateAction,
  type DuplicateEntity,
  type DuplicateRuleCreate,
  type DuplicateRuleOut,
  type DuplicateRuleUpdate,
  RULE_FIELDS,
} from './duplicates.schemas.js';

type Row = typeof duplicateRules.$inferSelect;

/** A rule as the matcher uses it (stored or built-in). */
export type Rule = {
  id: string | null;
  name: string;
  fields: { field: string; match: 'exact' | 'fuzzy'; weight?: number }[];
  threshold: number;
  action: DuplicateAction;
  /** Applies only to records satisfying it (null: to every record). */
  condition?: BoundCondition | null;
  /** The stored condition no longer binds (e.g. a custom field was deleted): the rule applies to nothing. */
  conditionError?: string;
};

export { DEFAULT_RULES };

export const toRule = (r: Row): DuplicateRuleOut => ({
  id: r.id,
  entity: r.entity,
  name: r.name,
  fields: r.fields,
  condition: r.condition ?? null,
  threshold: r.threshold,
  action: r.action,
  active: r.active,
  position: r.position,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  deletedAt: iso(r.deletedAt),
  version: r.version,
});

export const duplicateRuleListSpec: ListSpec = {
  idExpr: duplicateRules.id,
  defaultSort: 'position',
  sorts: {
    position: { expr: sql`${duplicateRules.position}`, type: 'number' },
    createdAt: { expr: sql`${duplicateRules.createdAt}`, type: 'date' },
    name: { expr: sql`lower(${duplicateRules.name})`, type: 'text' },
  },
  filters: {
    entity: { kind: 'enum', expr: duplicateRules.entity, values: DUPLICATE_ENTITIES, description: 'Entity' },
    action: { kind: 'enum', expr: duplicateRules.action, values: DUPLICATE_ACTIONS, description: 'Action' },
    active: { kind: 'bool', expr: duplicateRules.active, description: 'Active' },
  },
};

export async function listDuplicateRules(db: Db, ctx: Ctx, query: ListQuery) {
  return listTenantRows(db, ctx, duplicateRules, duplicateRuleListSpec, query, toRule);
}

const loadRow = (db: Db, ctx: Ctx, id: string, opts: { lock?: boolean; withDeleted?: boolean } = {}) =>
  loadTenantRow(db, ctx, duplicateRules, 'Duplicate rule', id, opts);

export async function getDuplicateRule(db: Db, ctx: Ctx, id: string): Promise<DuplicateRuleOut> {
  return toRule(await loadRow(db, ctx, id, { withDeleted: true }));
}

/** Per-workspace cache of active rules (rules are read on every create); cleared by every rule change. */
const cache = new Map<string, { at: number; rules: Record<DuplicateEntity, Rule[]> }>();
const TTL_MS = 5000;

export function invalidateRules(workspaceId: string): void {
  cache.delete(workspaceId);
}

/** The rules that apply to an entity: the workspace's active ones by position, else the built-in ones. */
export async function rulesFor(db: Db, ctx: Ctx, entity: DuplicateEntity): Promise<Rule[]> {
  let hit = cache.get(ctx.workspaceId);
  if (!hit || Date.now() - hit.at > TTL_MS) {
    const rows = await db
      .select()
      .from(duplicateRules)
      .where(
        and(
          eq(duplicateRules.workspaceId, ctx.workspaceId),
          eq(duplicateRules.active, true),
          sql`${duplicateRules.deletedAt} is null`,
        ),
      )
      .orderBy(asc(duplicateRules.position), asc(duplicateRules.id));
    const rules = { contact: [], lead: [], account: [] } as Record<DuplicateEntity, Rule[]>;
    const fields = new Map<DuplicateEntity, Awaited<ReturnType<typeof loadConditionFields>>>();
    for (const r of rows) {
      const rule: Rule = {
        id: r.id,
        name: r.name,
        fields: r.fields,
        threshold: r.threshold,
        action: r.action,
      };
      if (r.condition) {
        if (!fields.has(r.entity)) fields.set(r.entity, await loadConditionFields(db, ctx, r.entity));
        try {
          rule.condition = bindCondition(fields.get(r.entity)!, r.condition, { allowChangedTo: false });
        } catch (e) {
          rule.conditionError = e instanceof Error ? e.message : String(e);
        }
      }
      rules[r.entity].push(rule);
    }
    hit = { at: Date.now(), rules };
    cache.set(ctx.workspaceId, hit);
  }
  const own = hit.rules[entity];
  return own.length ? own : DEFAULT_RULES[entity];
}

function checkRuleFields(entity: DuplicateEntity, fields: { field: string }[]) {
  const allowed = RULE_FIELDS[entity];
  const bad = fields.flatMap((f, i) =>
    allowed.includes(f.field)
      ? []
      : [
          {
            field: `fields[${i}].field`,
            reason: `is not a field of a ${entity} rule (one of ${allowed.join(', ')})`,
          },
        ],
  );
  if (bad.length)
    throw new AppError('validation_failed', bad.map((b) => `${b.field} ${b.reason}`).join('; '), bad);
}

/**
 * A rule's condition in the shared condition language, checked against the fields of the rule's
 * entity (lead rules read lead fields, and `contact.*` / `account.*`); 422 naming `condition.<path>`.
 * `changed_to` is refused: a rule is checked on a record, not on a change, and scans compile it to SQL.
 */
async function checkRuleCondition(
  tx: Db,
  ctx: Ctx,
  entity: DuplicateEntity,
  input: Record<string, unknown> | null | undefined,
): Promise<Record<string, unknown> | null> {
  if (input === null || input === undefined) return null;
  const bound = await validateCondition(tx, ctx, entity, input, { allowChangedTo: false });
  return bound.condition as Record<string, unknown>;
}

export async function insertDuplicateRule(
  tx: Db,
  ctx: Ctx,
  input: DuplicateRuleCreate,
): Promise<DuplicateRuleOut> {
  checkRuleFields(input.entity, input.fields);
  const condition = await checkRuleCondition(tx, ctx, input.entity, input.condition);
  const [row] = await tx
    .insert(duplicateRules)
    .values({
      workspaceId: ctx.workspaceId,
      id: newId(),
      entity: input.entity,
      name: input.name,
      fields: input.fields,
      condition,
      threshold: input.threshold,
      action: input.action,
      active: input.active,
      position: input.position,
    })
    .returning();
  const out = toRule(row!);
  await writeAudit(tx, ctx, { action: 'create', entity: 'duplicate_rule', entityId: out.id, after: out });
  invalidateRules(ctx.workspaceId);
  return out;
}

export async function updateDuplicateRule(
  db: Db,
  ctx: Ctx,
  id: string,
  input: DuplicateRuleUpdate,
  ifMatch?: string,
): Promise<DuplicateRuleOut> {
  return db.transaction(async (tx) => {
    const before = await loadRow(tx, ctx, id, { lock: true });
    checkVersion('duplicate rule', String(before.version), ifMatch);
    if (input.fields) checkRuleFields(before.entity, input.fields);
    const set: Partial<typeof duplicateRules.$inferInsert> = {};
    for (const k of ['name', 'fields', 'threshold', 'action', 'active', 'position'] as const)
      if (input[k] !== undefined) (set as Record<string, unknown>)[k] = input[k];
    if (input.condition !== undefined)
      set.condition = await checkRuleCondition(tx, ctx, before.entity, input.condition);
    const [row] = await tx
      .update(duplicateRules)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${duplicateRules.version} + 1` })
      .where(and(eq(duplicateRules.workspaceId, ctx.workspaceId), eq(duplicateRules.id, id)))
      .returning();
    const out = toRule(row!);
    await writeAudit(tx, ctx, {
      action: 'update',
      entity: 'duplicate_rule',
      entityId: id,
      before: toRule(before),
      after: out,
    });
    invalidateRules(ctx.workspaceId);
    return out;
  });
}

export async function setDuplicateRuleDeleted(
  db: Db,
  ctx: Ctx,
  id: string,
  deleted: boolean,
): Promise<DuplicateRuleOut> {
  return db.transaction(async (tx) => {
    const before = await loadRow(tx, ctx, id, { lock: true, withDeleted: true });
    if (deleted === (before.deletedAt !== null)) return toRule(before);
    const [row] = await tx
      .update(duplicateRules)
      .set({
        deletedAt: deleted ? sql`now()` : null,
        updatedAt: sql`now()`,
        version: sql`${duplicateRules.version} + 1`,
      })
      .where(and(eq(duplicateRules.workspaceId, ctx.workspaceId), eq(duplicateRules.id, id)))
      .returning();
    const out = toRule(row!);
    await writeAudit(tx, ctx, {
      action: deleted ? 'delete' : 'restore',
      entity: 'duplicate_rule',
      entityId: id,
      before: toRule(before),
      after: out,
    });
    invalidateRules(ctx.workspaceId);
    return out;
  });
}
