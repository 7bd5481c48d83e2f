import { and, count, eq, isNull, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import { validateCondition } from '../conditions/validate.js';
import type { Db } from '../db/client.js';
import { SCORING_CATEGORIES, scoringRules } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { withIdempotency } from '../shared/idempotency.js';
import { newId } from '../shared/ids.js';
import type { ListQuery, ListSpec } from '../shared/list-query.js';
import { checkVersion, iso } from '../shared/records.js';
import { listTenantRows, loadTenantRow } from '../shared/tenant-rows.js';
import { lockScoringRules, startRecompute } from './recompute.service.js';
import {
  MAX_ACTIVE_RULES,
  type ScoringRuleChangeOut,
  type ScoringRuleCreate,
  type ScoringRuleOut,
  type ScoringRuleUpdate,
} from './scoring.schemas.js';
import { invalidateRuleSet, scoringConditionErrors } from './scoring-rule-set.js';

type Row = typeof scoringRules.$inferSelect;

export const toScoringRule = (r: Row): ScoringRuleOut => ({
  id: r.id,
  name: r.name,
  category: r.category,
  conditions: r.conditions,
  points: r.points,
  active: r.active,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  deletedAt: iso(r.deletedAt),
  version: r.version,
});

export const scoringRuleListSpec: ListSpec = {
  idExpr: scoringRules.id,
  defaultSort: 'name',
  sorts: {
    name: { expr: sql`lower(${scoringRules.name})`, type: 'text' },
    points: { expr: sql`${scoringRules.points}`, type: 'number' },
    createdAt: { expr: sql`${scoringRules.createdAt}`, type: 'date' },
  },
  filters: {
    category: {
      kind: 'enum',
      expr: scoringRules.category,
      values: SCORING_CATEGORIES,
      description: 'Category',
    },
    active: { kind: 'bool', expr: scoringRules.active, description: 'Active' },
  },
};

export function listScoringRules(db: Db, ctx: Ctx, query: ListQuery) {
  return listTenantRows(db, ctx, scoringRules, scoringRuleListSpec, query, toScoringRule);
}

const loadRow = (db: Db, ctx: Ctx, id: string, opts: { lock?: boolean; withDeleted?: boolean } = {}) =>
  loadTenantRow(db, ctx, scoringRules, 'Scoring rule', id, opts);

export async function getScoringRule(db: Db, ctx: Ctx, id: string): Promise<ScoringRuleOut> {
  return toScoringRule(await loadRow(db, ctx, id, { withDeleted: true }));
}

/** A rule's conditions over lead fields; 422 naming `conditions.<path>`. */
async function checkConditions(tx: Db, ctx: Ctx, input: unknown): Promise<Record<string, unknown>> {
  const bound = await validateCondition(tx, ctx, 'lead', input, {
    path: 'conditions',
    allowChangedTo: false,
  });
  const errors = scoringConditionErrors(bound);
  if (errors.length)
    throw new AppError(
      'validation_failed',
      `The condition is not valid: ${errors[0]!.field}: ${errors[0]!.reason}`,
      errors,
    );
  return bound.condition as Record<string, unknown>;
}

async function checkActiveCount(tx: Db, ctx: Ctx, exceptId?: string): Promise<void> {
  const [r] = await tx
    .select({ n: count() })
    .from(scoringRules)
    .where(
      and(
        eq(scoringRules.workspaceId, ctx.workspaceId),
        eq(scoringRules.active, true),
        isNull(scoringRules.deletedAt),
        exceptId ? sql`${scoringRules.id} <> ${exceptId}` : undefined,
      ),
    );
  if ((r?.n ?? 0) >= MAX_ACTIVE_RULES)
    throw AppError.invalid('active', `a workspace has at most ${MAX_ACTIVE_RULES} active scoring rules`);
}

/**
 * A rule change: its transaction holds the workspace's scoring lock (a running recompute batch waits,
 * then sees the new rules and stops), clears the rule cache, and once committed starts the recompute
 * of every lead when the change can move scores.
 */
async function change(
  db: Db,
  ctx: Ctx,
  run: (tx: Db) => Promise<{ out: ScoringRuleOut; rescore: boolean }>,
  idempotency?: { key: string | undefined; route: string; body: unknown },
): Promise<ScoringRuleChangeOut> {
  const exec = async (tx: Db) => {
    await lockScoringRules(tx, ctx, 'change');
    const r = await run(tx);
    invalidateRuleSet(ctx.workspaceId);
    return r;
  };
  let r: { out: ScoringRuleOut; rescore: boolean };
  let replayed = false;
  if (idempotency?.key) {
    const s = await withIdempotency(db, ctx, idempotency, async (tx) => ({
      status: 201,
      body: await exec(tx),
    }));
    r = s.body;
    replayed = s.replayed;
  } else r = await db.transaction(exec);
  invalidateRuleSet(ctx.workspaceId);
  const jobId =
    r.rescore && !replayed ? await startRecompute(db, ctx, `scoring rule ${r.out.id} changed`) : null;
  return { ...r.out, jobId };
}

export function createScoringRule(
  db: Db,
  ctx: Ctx,
  input: ScoringRuleCreate,
  idempotencyKey?: string,
): Promise<ScoringRuleChangeOut> {
  return change(
    db,
    ctx,
    async (tx) => {
      const conditions = await checkConditions(tx, ctx, input.conditions);
      if (input.active) await checkActiveCount(tx, ctx);
      const [row] = await tx
        .insert(scoringRules)
        .values({
          workspaceId: ctx.workspaceId,
          id: newId(),
          name: input.name,
          category: input.category,
          conditions,
          points: input.points,
          active: input.active,
          createdBy: ctx.userId,
        })
        .returning();
      const out = toScoringRule(row!);
      await writeAudit(tx, ctx, { action: 'create', entity: 'scoring_rule', entityId: out.id, after: out });
      return { out, rescore: out.active };
    },
    { key: idempotencyKey, route: 'POST /api/v1/scoring-rules', body: input },
  );
}

export function updateScoringRule(
  db: Db,
  ctx: Ctx,
  id: string,
  input: ScoringRuleUpdate,
  ifMatch?: string,
): Promise<ScoringRuleChangeOut> {
  return change(db, ctx, async (tx) => {
    const before = await loadRow(tx, ctx, id, { lock: true });
    checkVersion('scoring rule', String(before.version), ifMatch);
    const set: Partial<typeof scoringRules.$inferInsert> = {};
    for (const k of ['name', 'category', 'points', 'active'] as const)
      if (input[k] !== undefined && input[k] !== before[k]) (set as Record<string, unknown>)[k] = input[k];
    if (input.conditions !== undefined) {
      const conditions = await checkConditions(tx, ctx, input.conditions);
      if (JSON.stringify(conditions) !== JSON.stringify(before.conditions)) set.conditions = conditions;
    }
    if (set.active === true) await checkActiveCount(tx, ctx, id);
    if (!Object.keys(set).length) return { out: toScoringRule(before), rescore: false };
    const [row] = await tx
      .update(scoringRules)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${scoringRules.version} + 1` })
      .where(and(eq(scoringRules.workspaceId, ctx.workspaceId), eq(scoringRules.id, id)))
      .returning();
    const out = toScoringRule(row!);
    await writeAudit(tx, ctx, {
      action: 'update',
      entity: 'scoring_rule',
      entityId: id,
      before: toScoringRule(before),
      after: out,
    });
    // Any change of an active rule (its name and category are in the reasons), or (de)activation.
    return { out, rescore: before.active || out.active };
  });
}

export function setScoringRuleDeleted(
  db: Db,
  ctx: Ctx,
  id: string,
  deleted: boolean,
): Promise<ScoringRuleChangeOut> {
  return change(db, ctx, async (tx) => {
    const before = await loadRow(tx, ctx, id, { lock: true, withDeleted: true });
    if (deleted === (before.deletedAt !== null)) return { out: toScoringRule(before), rescore: false };
    if (!deleted && before.active) await checkActiveCount(tx, ctx, id);
    const [row] = await tx
      .update(scoringRules)
      .set({
        deletedAt: deleted ? sql`now()` : null,
        updatedAt: sql`now()`,
        version: sql`${scoringRules.version} + 1`,
      })
      .where(and(eq(scoringRules.workspaceId, ctx.workspaceId), eq(scoringRules.id, id)))
      .returning();
    const out = toScoringRule(row!);
    await writeAudit(tx, ctx, {
      action: deleted ? 'delete' : 'restore',
      entity: 'scoring_rule',
      entityId: id,
      before: toScoringRule(before),
      after: out,
    });
    return { out, rescore: before.active };
  });
}

/** Reruns the recompute (activity windows such as last_7d age as time passes). */
export function recomputeScores(db: Db, ctx: Ctx): Promise<string> {
  return startRecompute(db, ctx, 'requested');
}
