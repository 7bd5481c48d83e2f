import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { ConditionRecord } from '../conditions/condition-fields.js';
import { loadConditionRecord } from '../conditions/condition-record.service.js';
import { evaluateCondition } from '../conditions/evaluate.js';
import type { Db } from '../db/client.js';
import { leads } from '../db/schema/index.js';
import type { LeadRow } from '../leads/lead-reads.service.js';
import type { Ctx } from '../shared/context.js';
import type { ScoreReason } from './scoring.schemas.js';
import { type RuleSet, reasonOf, ruleSetFor } from './scoring-rule-set.js';

export type ScoreOptions = {
  /** The instant activity windows (`last_7d`) and relative dates are measured from (default: now). */
  now?: Date | string;
  /** The rule set to use instead of the workspace's cached one (tests, jobs). */
  ruleSet?: RuleSet;
};

/** A lead's score and its explanation under a rule set: the clamped sum of the rules that hold. */
export function scoreOf(
  set: RuleSet,
  record: ConditionRecord,
  now?: Date | string,
): { score: number; reasons: ScoreReason[] } {
  const fired = set.rules.filter((r) => evaluateCondition(r.condition, record, { now }));
  const sum = fired.reduce((s, r) => s + r.points, 0);
  return { score: Math.max(0, Math.min(100, sum)), reasons: fired.map(reasonOf) };
}

const sameReasons = (
  a: readonly { ruleId: string; name: string; points: number; category?: string }[] | null | undefined,
  b: readonly ScoreReason[],
) =>
  (a ?? []).length === b.length &&
  b.every((r, i) => {
    const x = a![i]!;
    return x.ruleId === r.ruleId && x.name === r.name && x.points === r.points && x.category === r.category;
  });

/**
 * Recomputes one lead's score from the workspace's active scoring rules, in the caller's transaction
 * (the caller holds the lead's row lock); returns the row with score, score_reasons and scored_at as
 * stored. Without active rules it costs nothing (no query; the score is 0 with no reasons, so only a
 * lead left with an old score is written). The lead is
 * read again through `loadConditionRecord` only when a rule needs more than the row (contact, account,
 * activities, timestamps to the microsecond). Written only when the score or the reasons change
 * (`scored_at` is when they last did); the lead's version and updated_at stay: the score is derived.
 */
export async function rescoreLead(tx: Db, ctx: Ctx, row: LeadRow, opts: ScoreOptions = {}): Promise<LeadRow> {
  const set = opts.ruleSet ?? (await ruleSetFor(tx, ctx));
  // No rules: the score is 0 without reasons (as the recompute stores it); a new lead already is.
  if (!set.rules.length && row.score === 0 && !row.scoreReasons?.length) return row;
  const record: ConditionRecord =
    set.needsRecord && set.rules.length
      ? await loadConditionRecord(tx, ctx, 'lead', row.id, { withDeleted: true })
      : row;
  const { score, reasons } = scoreOf(set, record, opts.now);
  if (score === row.score && sameReasons(row.scoreReasons, reasons)) return row;
  const [updated] = await tx
    .update(leads)
    .set({ score, scoreReasons: reasons, scoredAt: sql`now()` })
    .where(and(eq(leads.workspaceId, ctx.workspaceId), eq(leads.id, row.id)))
    .returning();
  return updated ?? row;
}

/**
 * Rescores the leads a change may have moved, in the caller's transaction: `leadId` — that lead (an
 * activity of it was logged, changed or deleted; activity counts are per lead); else `contactId` —
 * every lead of the contact (its fields, or its account, changed). Nothing happens when no active rule
 * reads what changed (activities, or the contact and account).
 */
export async function rescoreLeadsOf(
  tx: Db,
  ctx: Ctx,
  target: { contactId?: string | null; leadId?: string | null; exceptLeadId?: string },
  opts: ScoreOptions = {},
): Promise<void> {
  const set = opts.ruleSet ?? (await ruleSetFor(tx, ctx));
  if (!set.rules.length) return;
  let where: ReturnType<typeof eq>;
  if (target.leadId) {
    if (!set.readsActivities) return;
    where = eq(leads.id, target.leadId);
  } else if (target.contactId) {
    if (!set.readsContact) return;
    where = eq(leads.contactId, target.contactId);
  } else return;
  // Locked as the update would lock them, but before reading: a concurrent change of a lead waits.
  const rows = await tx
    .select()
    .from(leads)
    .where(
      and(
        eq(leads.workspaceId, ctx.workspaceId),
        where,
        // A lead being written rescores itself once it is (its contact's change is part of that write).
        target.exceptLeadId ? ne(leads.id, target.exceptLeadId) : undefined,
      ),
    )
    .orderBy(asc(leads.id))
    .for('update');
  for (const row of rows) await rescoreLead(tx, ctx, row, { ...opts, ruleSet: set });
}
