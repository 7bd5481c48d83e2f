import { and, asc, eq, isNull } from 'drizzle-orm';
import { type BoundCondition, bindCondition, loadConditionFields } from '../conditions/validate.js';
import type { Db } from '../db/client.js';
import { assignmentRules, workspaces } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';

/** An active rule as the engine tries it (its users, team and counter are re-read under its row lock). */
export type CachedRule = {
  id: string;
  name: string;
  priority: number;
  /** null: every lead. */
  condition: BoundCondition | null;
  /** The stored conditions no longer bind (e.g. a custom field was deleted): the rule matches nothing. */
  conditionError?: string;
};

export type AssignmentSetup = { rules: CachedRule[]; fallbackUserId: string | null };

/**
 * Per-workspace cache of the active rules and the fallback owner: every new lead without an owner
 * reads them, and a workspace without rules or fallback must cost the create path nothing. Cleared by
 * every rule and settings change (after commit, and again inside the transaction); a load that raced
 * with a change is not stored (generation check); at worst a TTL bounds staleness across processes.
 */
const cache = new Map<string, { at: number; setup: AssignmentSetup }>();
const generation = new Map<string, number>();
const TTL_MS = 5000;

export function invalidateAssignment(workspaceId: string): void {
  cache.delete(workspaceId);
  generation.set(workspaceId, (generation.get(workspaceId) ?? 0) + 1);
}

export async function assignmentSetup(db: Db, ctx: Ctx): Promise<AssignmentSetup> {
  const hit = cache.get(ctx.workspaceId);
  if (hit && Date.now() - hit.at <= TTL_MS) return hit.setup;
  const gen = generation.get(ctx.workspaceId) ?? 0;
  const setup = await loadSetup(db, ctx);
  if ((generation.get(ctx.workspaceId) ?? 0) === gen) cache.set(ctx.workspaceId, { at: Date.now(), setup });
  return setup;
}

async function loadSetup(db: Db, ctx: Ctx): Promise<AssignmentSetup> {
  const [ws] = await db
    .select({ fallback: workspaces.assignmentFallbackUserId })
    .from(workspaces)
    .where(eq(workspaces.id, ctx.workspaceId));
  const rows = await db
    .select()
    .from(assignmentRules)
    .where(
      and(
        eq(assignmentRules.workspaceId, ctx.workspaceId),
        eq(assignmentRules.active, true),
        isNull(assignmentRules.deletedAt),
      ),
    )
    .orderBy(asc(assignmentRules.priority), asc(assignmentRules.id));
  const fields = rows.some((r) => r.conditions) ? await loadConditionFields(db, ctx, 'lead') : null;
  const rules = rows.map((r): CachedRule => {
    const rule: CachedRule = { id: r.id, name: r.name, priority: r.priority, condition: null };
    if (r.conditions)
      try {
        rule.condition = bindCondition(fields!, r.conditions, { path: 'conditions', allowChangedTo: false });
      } catch (e) {
        rule.conditionError = e instanceof Error ? e.message : String(e);
      }
    return rule;
  });
  return { rules, fallbackUserId: ws?.fallback ?? null };
}
