import { and, eq, isNull } from 'drizzle-orm';
import { compareText } from '../conditions/condition-values.js';
import type { BoundLeaf, BoundNode } from '../conditions/validate.js';
import { type BoundCondition, bindCondition, loadConditionFields } from '../conditions/validate.js';
import type { Db } from '../db/client.js';
import { scoringRules } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import type { FieldError } from '../shared/errors.js';
import type { ScoreReason } from './scoring.schemas.js';

/** An active scoring rule as both evaluators use it. */
export type ActiveRule = {
  id: string;
  name: string;
  category: string;
  points: number;
  condition: BoundCondition;
};

/**
 * A workspace's active rules in explanation order (|points| descending, then points, name and id, so
 * the in-memory and SQL reasons list the same rules in the same order), and what they read.
 */
export type RuleSet = {
  rules: ActiveRule[];
  /** Some rule reads more than the lead row holds exactly (contact, account, activities, timestamps). */
  needsRecord: boolean;
  /** Some rule reads the contact or the account (`contact.*`, `account.*`, flat contact names). */
  readsContact: boolean;
  /** Some rule counts activities. */
  readsActivities: boolean;
};

export const EMPTY_RULE_SET: RuleSet = {
  rules: [],
  needsRecord: false,
  readsContact: false,
  readsActivities: false,
};

/**
 * Activity types Leadbase writes itself, after a lead's score has been computed in the same change
 * (the creation event, stage and owner changes): counting them would score a lead on the state before
 * the change. `any` includes them.
 */
const SYSTEM_ACTIVITY = /^activities\.(any|stage_change|assignment_change|system)(_[a-z0-9_]+)?\./;

function leaves(n: BoundNode, out: BoundLeaf[] = []): BoundLeaf[] {
  if (n.kind === 'leaf') out.push(n);
  else if (n.kind === 'not') leaves(n.item, out);
  else for (const i of n.items) leaves(i, out);
  return out;
}

/** What a scoring condition may not use, as 422 field errors (`conditions.all.0.field`). */
export function scoringConditionErrors(bound: BoundCondition): FieldError[] {
  const errors: FieldError[] = [];
  for (const leaf of leaves(bound.root)) {
    const name = leaf.field.name;
    if (name === 'score')
      errors.push({
        field: `${leaf.path}.field`,
        reason: 'score is what scoring rules compute; a rule cannot depend on it',
      });
    else if (SYSTEM_ACTIVITY.test(name))
      errors.push({
        field: `${leaf.path}.field`,
        reason:
          'counts activities Leadbase writes after the score is computed (any, stage_change, assignment_change, system); count call, email, meeting, note, sms or task instead (combine them with "any")',
      });
  }
  return errors;
}

function reads(conditions: BoundCondition[]) {
  let needsRecord = false;
  let readsContact = false;
  let readsActivities = false;
  for (const c of conditions)
    for (const leaf of leaves(c.root)) {
      const f = leaf.field;
      if (f.name.startsWith('activities.')) readsActivities = true;
      else if (f.name.startsWith('custom.')) continue;
      // Own columns are plain; contact.*, account.* and the flat contact names (aliases) are not.
      else if (!f.plain || f.name.includes('.')) readsContact = true;
      // A Date from the row keeps milliseconds only; SQL compares microseconds.
      else if (f.type === 'timestamp') needsRecord = true;
    }
  return { needsRecord: needsRecord || readsContact || readsActivities, readsContact, readsActivities };
}

/** Explanation order: the biggest effect first. */
export function byEffect(a: { points: number; name: string; id: string }, b: typeof a): number {
  return (
    Math.abs(b.points) - Math.abs(a.points) ||
    b.points - a.points ||
    compareText(a.name, b.name) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Reads and binds the workspace's active rules (a rule whose stored condition no longer binds applies to nothing). */
export async function loadRuleSet(db: Db, ctx: Ctx): Promise<RuleSet> {
  const rows = await db
    .select()
    .from(scoringRules)
    .where(
      and(
        eq(scoringRules.workspaceId, ctx.workspaceId),
        eq(scoringRules.active, true),
        isNull(scoringRules.deletedAt),
      ),
    );
  if (!rows.length) return EMPTY_RULE_SET;
  const fields = await loadConditionFields(db, ctx, 'lead');
  const rules: ActiveRule[] = [];
  for (const r of rows) {
    try {
      const condition = bindCondition(fields, r.conditions, { path: 'conditions', allowChangedTo: false });
      rules.push({ id: r.id, name: r.name, category: r.category, points: r.points, condition });
    } catch {
      // e.g. a custom field it names was removed: the rule fires for nobody, in memory and in SQL alike.
    }
  }
  rules.sort(byEffect);
  return { rules, ...reads(rules.map((r) => r.condition)) };
}

/**
 * Per-workspace cache of the rule set: every lead write reads it, and a workspace without rules must
 * cost the write nothing. Cleared by every rule change (inside the transaction and after commit); a
 * load that raced with a change is not stored (generation check); the TTL bounds staleness across
 * processes.
 */
const cache = new Map<string, { at: number; set: RuleSet }>();
const generation = new Map<string, number>();
const TTL_MS = 5000;

export function invalidateRuleSet(workspaceId: string): void {
  cache.delete(workspaceId);
  generation.set(workspaceId, (generation.get(workspaceId) ?? 0) + 1);
}

export async function ruleSetFor(db: Db, ctx: Ctx): Promise<RuleSet> {
  const hit = cache.get(ctx.workspaceId);
  if (hit && Date.now() - hit.at <= TTL_MS) return hit.set;
  const gen = generation.get(ctx.workspaceId) ?? 0;
  const set = await loadRuleSet(db, ctx);
  if ((generation.get(ctx.workspaceId) ?? 0) === gen) cache.set(ctx.workspaceId, { at: Date.now(), set });
  return set;
}

export const reasonOf = (r: ActiveRule): ScoreReason => ({
  ruleId: r.id,
  name: r.name,
  points: r.points,
  category: r.category,
});
