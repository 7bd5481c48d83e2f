import { and, asc, eq } from 'drizzle-orm';
import { logSystemEvents } from '../activities/timeline-events.js';
import type { ConditionRecord } from '../conditions/condition-fields.js';
import { loadConditionRecord } from '../conditions/condition-record.service.js';
import { evaluateCondition } from '../conditions/evaluate.js';
import type { Db } from '../db/client.js';
import { assignmentRules, leads, teamMembers } from '../db/schema/index.js';
import type { LeadRow } from '../leads/lead-reads.service.js';
import { notify } from '../notifications/notifications.service.js';
import type { Ctx } from '../shared/context.js';
import type { AssignmentType, CandidateOut } from './assignment.schemas.js';
import { type AssignmentSetup, assignmentSetup, type CachedRule } from './assignment-cache.js';
import { recordAssignments } from './assignment-history.js';
import { eligibility, memberLoads } from './member-loads.js';

const _TYPE_NAMES: Record<AssignmentType, string> = {
  round_robin: 'round robin',
  least_loaded: 'least loaded',
  specific_user: 'specific user',
};

/** The active rules whose conditions hold for the lead, in the order they are tried (priority, id). */
export function matchingRules(
  rules: CachedRule[],
  record: ConditionRecord | null,
  now: Date | string = new Date(),
): CachedRule[] {
  return rules.filter((r) => {
    if (r.conditionError) return false;
    if (!r.condition) return true;
    return record !== null && evaluateCondition(r.condition, record, { now });
  });
}

type Pick = {
  userId: string;
  name: string;
  details: Record<string, unknown>;
  summary: string;
};

/**
 * Tries one rule under its row lock (concurrent creates serialize on it, so the rotation counter is
 * read and advanced atomically): the eligible candidate it picks, or null (rule gone or inactive, no
 * candidates, every candidate paused or capped).
 */
async function tryRule(tx: Db, ctx: Ctx, rule: CachedRule): Promise<Pick | null> {
  const [locked] = await tx
    .select()
    .from(assignmentRules)
    .where(and(eq(assignmentRules.workspaceId, ctx.workspaceId), eq(assignmentRules.id, rule.id)))
    .for('update');
  if (!locked?.active || locked.deletedAt) return null;
  let ids: string[];
  if (locked.teamId) {
    const rows = await tx
      .select({ userId: teamMembers.userId })
      .from(teamMembers)
      .where(and(eq(teamMembers.workspaceId, ctx.workspaceId), eq(teamMembers.teamId, locked.teamId)))
      .orderBy(asc(teamMembers.userId));
    ids = rows.map((r) => r.userId);
  } else ids = locked.type === 'specific_user' ? locked.userIds.slice(0, 1) : locked.userIds;
  const n = ids.length;
  if (n === 0) return null;
  const loads = await memberLoads(tx, ctx, ids);
  const candidates: CandidateOut[] = loads.map((m) => {
    const e = eligibility(m);
    return {
      userId: m.userId,
      ...(m.name ? { name: m.name } : {}),
      openLeads: m.openLeads,
      assigned30d: m.assigned30d,
      paused: m.paused,
      maxOpen: m.maxOpen,
      maxPer30d: m.maxPer30d,
      eligible: e.eligible,
      reason: e.reason,
    };
  });
  const counter = locked.rrCounter;
  const start = counter % n;
  // Offsets from the rotation start: round robin takes the first eligible one; least loaded the eligible
  // one with the fewest open leads, ties going to the earliest in rotation.
  let offset = -1;
  for (let k = 0; k < n; k++) {
    const c = candidates[(start + k) % n]!;
    if (!c.eligible) continue;
    if (locked.type !== 'least_loaded') {
      offset = k;
      break;
    }
    if (offset < 0 || c.openLeads < candidates[(start + offset) % n]!.openLeads) offset = k;
  }
  if (offset < 0) return null;
  const index = (start + offset) % n;
  const chosen = candidates[index]!;
  chosen.reason =
    locked.type === 'round_robin'
      ? offset === 0
        ? 'next in rotation'
        : `next eligible in rotation (${offset} skipped)`
      : locked.type === 'least_loaded'
        ? `fewest open leads (${chosen.openLeads})`
        : 'the rule’s user';
  await tx
    .update(assignmentRules)
    .set({ rrCounter: counter + offset + 1 })
    .where(and(eq(assignmentRules.workspaceId, ctx.workspaceId), eq(assignmentRules.id, rule.id)));
  const name = chosen.name ?? chosen.userId;
  const how =
    locked.type === 'round_robin'
      ? `round robin, position ${index + 1} of ${n}`
      : locked.type === 'least_loaded'
        ? `least loaded, ${chosen.openLeads} open lead${chosen.openLeads === 1 ? '' : 's'}, position ${index + 1} of ${n}`
        : 'specific user';
  return {
    userId: chosen.userId,
    name,
    summary: `Assigned to ${name} by rule '${locked.name}' (${how})`,
    details: {
      ruleName: locked.name,
      type: locked.type,
      position: index + 1,
      of: n,
      counter,
      ...(locked.teamId ? { teamId: locked.teamId } : {}),
      candidates,
    },
  };
}

/** The fallback owner, when they are still an active member. */
async function fallbackPick(
  tx: Db,
  ctx: Ctx,
  setup: AssignmentSetup,
  tried: { ruleId: string; ruleName: string; outcome: string }[],
): Promise<Pick | null> {
  if (!setup.fallbackUserId) return null;
  const [m] = await memberLoads(tx, ctx, [setup.fallbackUserId]);
  if (!m?.live) return null;
  const name = m.name ?? m.userId;
  const why = tried.length ? 'no matching rule had an eligible member' : 'no rule matched';
  return {
    userId: m.userId,
    name,
    summary: `Assigned to ${name}, the fallback owner (${why})`,
    details: { fallback: true, why, tried, openLeads: m.openLeads, assigned30d: m.assigned30d },
  };
}

/**
 * Assignment rules on a new lead without an owner (SPEC 4, 10): tried in priority order, the first
 * whose conditions hold (in memory, on the new lead) and that has an eligible member picks the owner;
 * else the workspace's fallback owner; else the lead stays unassigned. Sets leads.owner_id, writes the
 * history with the reason and an assignment_change activity, in the caller's transaction.
 */
export async function assignNewLead(tx: Db, ctx: Ctx, row: LeadRow): Promise<LeadRow> {
  const setup = await assignmentSetup(tx, ctx);
  if (setup.rules.length === 0 && !setup.fallbackUserId) return row;
  const needsRecord = setup.rules.some((r) => r.condition);
  const record = needsRecord ? await loadConditionRecord(tx, ctx, 'lead', row.id) : null;
  const tried: { ruleId: string; ruleName: string; outcome: string }[] = [];
  let pick: Pick | null = null;
  let ruleId: string | null = null;
  for (const rule of matchingRules(setup.rules, record)) {
    pick = await tryRule(tx, ctx, rule);
    if (pick) {
      ruleId = rule.id;
      break;
    }
    tried.push({ ruleId: rule.id, ruleName: rule.name, outcome: 'no eligible member' });
  }
  if (pick === null) pick = await fallbackPick(tx, ctx, setup, tried);
  if (pick === null) return row;
  if (tried.length && ruleId) pick.details.skippedRules = tried;
  const [updated] = await tx
    .update(leads)
    .set({ ownerId: pick.userId })
    .where(and(eq(leads.workspaceId, ctx.workspaceId), eq(leads.id, row.id)))
    .returning();
  await recordAssignments(tx, ctx, [
    {
      leadId: row.id,
      fromUserId: null,
      toUserId: pick.userId,
      reason: ruleId ? 'rule' : 'fallback',
      ruleId,
      details: pick.details,
    },
  ]);
  await logSystemEvents(tx, ctx, [
    {
      type: 'assignment_change',
      leadId: row.id,
      contactId: row.contactId,
      subject: pick.summary,
      metadata: { fromOwnerId: null, toOwnerId: pick.userId, reason: ruleId ? 'rule' : 'fallback', ruleId },
    },
  ]);
  // The new owner hears of it (unless they created the lead themselves).
  if (pick.userId !== ctx.userId)
    await notify(tx, ctx, {
      userId: pick.userId,
      type: 'lead_assigned',
      title: `New lead for you: ${row.title ?? 'untitled lead'}`,
      body: pick.summary,
      entity: 'lead',
      entityId: row.id,
    });
  return (updated as LeadRow | undefined) ?? row;
}
