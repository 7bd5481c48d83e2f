import { and, asc, count, eq, gt, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { compileCondition } from '../conditions/compile-sql.js';
import type { RootTable } from '../conditions/condition-fields.js';
import type { Db } from '../db/client.js';
import { leads, scoringRules } from '../db/schema/index.js';
import { type Progress, startJob } from '../jobs/jobs.service.js';
import { type Ctx, systemCtx } from '../shared/context.js';
import { loadRuleSet, type RuleSet, reasonOf } from './scoring-rule-set.js';

/**
 * The set-based recompute: every lead of a workspace (deleted ones too, so a restore shows the right
 * score), in batches by id, with one UPDATE per batch that evaluates every active rule's compiled
 * condition once per lead. It stores exactly what `rescoreLead` computes in memory (the property test
 * checks it): score = clamp(Σ points of the rules that hold, 0, 100), reasons = those rules in
 * explanation order; rows whose score and reasons are already right are not written.
 */

const BATCH = 2000;
const L = alias(leads, 'score_l') as unknown as RootTable;

/** Serializes rule changes against recompute batches (exclusive for a change, shared for a batch). */
export async function lockScoringRules(tx: Db, ctx: Ctx, mode: 'change' | 'batch'): Promise<void> {
  const key = sql`hashtextextended(${`leadbase.scoring_rules:${ctx.workspaceId}`}, 0)`;
  await tx.execute(
    mode === 'change'
      ? sql`select pg_advisory_xact_lock(${key})`
      : sql`select pg_advisory_xact_lock_shared(${key})`,
  );
}

/** Changes with every create, update, delete and restore of a rule of the workspace. */
async function rulesFingerprint(tx: Db, ctx: Ctx): Promise<string> {
  const [r] = await tx
    .select({
      fp: sql<string>`coalesce(string_agg(${scoringRules.id}::text || ':' || ${scoringRules.version}, ',' order by ${scoringRules.id}), '')`,
    })
    .from(scoringRules)
    .where(eq(scoringRules.workspaceId, ctx.workspaceId));
  return r?.fp ?? '';
}

/** `(score, reasons)` of the lead `score_l` under the rule set, as SQL. */
function scoreSelect(set: RuleSet, now: Date | string): SQL {
  if (!set.rules.length) return sql`select 0 as score, '[]'::jsonb as reasons`;
  const rows = set.rules.map(
    (r, i) =>
      sql`(${sql.raw(String(i))}, ${compileCondition(r.condition, { now, table: L })}, ${r.points}::int, ${JSON.stringify(reasonOf(r))}::jsonb)`,
  );
  return sql`select greatest(0, least(100, coalesce(sum(r.points), 0)))::int as score,
      coalesce(jsonb_agg(r.reason order by r.ord), '[]'::jsonb) as reasons
    from (values ${sql.join(rows, sql`, `)}) as r(ord, hit, points, reason)
    where r.hit`;
}

/** Rescores the given leads of the workspace set-based; returns how many changed. */
export async function recomputeLeads(
  tx: Db,
  ctx: Ctx,
  set: RuleSet,
  ids: string[],
  now: Date | string = new Date(),
): Promise<number> {
  if (!ids.length) return 0;
  const res =
    (await tx.execute(sql`update leads set score = s.score, score_reasons = s.reasons, scored_at = now()
    from (
      select score_l.id, x.score, x.reasons
        from ${leads} score_l cross join lateral (${scoreSelect(set, now)}) x
       where score_l.workspace_id = ${ctx.workspaceId} and score_l.id in (${sql.join(
         ids.map((id) => sql`${id}::uuid`),
         sql`, `,
       )})
    ) s
    where leads.workspace_id = ${ctx.workspaceId} and leads.id = s.id
      and (leads.score <> s.score or leads.score_reasons <> s.reasons)
    returning leads.id`)) as unknown as { rows: unknown[] };
  return res.rows.length;
}

const isDeadlock = (e: unknown): boolean => {
  const code = (x: unknown) => (x && typeof x === 'object' ? (x as { code?: unknown }).code : undefined);
  return code(e) === '40P01' || code((e as { cause?: unknown })?.cause) === '40P01';
};

export type RecomputeResult = {
  leads: number;
  changed: number;
  rules: number;
  /** A newer rule change started its own recompute; this one stopped. */
  superseded: boolean;
  seconds: number;
};

/**
 * Recomputes every lead of the workspace in batches (each its own transaction, its leads locked, the
 * rules held unchanged by a shared advisory lock). Stops when the rules change under it: the change
 * started a recompute of its own.
 */
export async function recomputeWorkspace(
  db: Db,
  ctx: Ctx,
  opts: { now?: Date | string; progress?: Progress } = {},
): Promise<RecomputeResult> {
  const t0 = performance.now();
  const start = await db.transaction(async (tx) => {
    await lockScoringRules(tx, ctx, 'batch');
    return { fp: await rulesFingerprint(tx, ctx), set: await loadRuleSet(tx, ctx) };
  });
  const [{ n: total } = { n: 0 }] = await db
    .select({ n: count() })
    .from(leads)
    .where(eq(leads.workspaceId, ctx.workspaceId));
  let after: string | null = null;
  let done = 0;
  let changed = 0;
  let superseded = false;
  await opts.progress?.('recompute', 0, total);
  for (;;) {
    let attempt = 0;
    const batch = await (async () => {
      for (;;) {
        try {
          return await db.transaction(async (tx) => {
            await lockScoringRules(tx, ctx, 'batch');
            if ((await rulesFingerprint(tx, ctx)) !== start.fp) return null;
            const rows = await tx
              .select({ id: leads.id })
              .from(leads)
              .where(and(eq(leads.workspaceId, ctx.workspaceId), after ? gt(leads.id, after) : undefined))
              .orderBy(asc(leads.id))
              .limit(BATCH)
              .for('update');
            const ids = rows.map((r) => r.id);
            const n = await recomputeLeads(tx, ctx, start.set, ids, opts.now ?? new Date());
            return { ids, n };
          });
        } catch (e) {
          if (!isDeadlock(e) || ++attempt > 3) throw e;
        }
      }
    })();
    if (!batch) {
      superseded = true;
      break;
    }
    done += batch.ids.length;
    changed += batch.n;
    await opts.progress?.('recompute', Math.min(done, Math.max(total, done)), Math.max(total, done));
    if (batch.ids.length < BATCH) break;
    after = batch.ids[batch.ids.length - 1]!;
  }
  // A phase change is always written (progress writes are throttled): the final count shows.
  await opts.progress?.(superseded ? 'superseded' : 'done', done, Math.max(total, done));
  return {
    leads: done,
    changed,
    rules: start.set.rules.length,
    superseded,
    seconds: Math.round(performance.now() - t0) / 1000,
  };
}

/** Starts the recompute of every lead of the workspace as a background job; returns its id. */
export function startRecompute(db: Db, ctx: Ctx, reason: string): Promise<string> {
  return startJob(db, ctx, 'scoring.recompute', { reason }, async (progress) => {
    const r = await recomputeWorkspace(db, ctx, { progress });
    return r as unknown as Record<string, unknown>;
  });
}

/**
 * Workspaces whose active rules age with time: an activity window (`last_<N>d`) or a date relative to
 * now (`{"days": n}`). Their scores are right when written but drift as days pass without a change.
 */
export async function agingWorkspaces(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ workspaceId: scoringRules.workspaceId })
    .from(scoringRules)
    .where(
      and(
        eq(scoringRules.active, true),
        sql`${scoringRules.deletedAt} is null`,
        sql`(${scoringRules.conditions}::text ~ 'last_[0-9]+d' or ${scoringRules.conditions}::text like '%"days"%')`,
      ),
    );
  return rows.map((r) => r.workspaceId);
}

/** Starts the recompute of every workspace whose rules age with time; returns the job ids. */
export async function recomputeAgingScores(db: Db): Promise<string[]> {
  const ids: string[] = [];
  for (const ws of await agingWorkspaces(db))
    ids.push(await startRecompute(db, systemCtx(ws), 'scheduled: activity windows and relative dates age'));
  return ids;
}

/**
 * A server's periodic catch-up (default every 6 hours): scores counting activities in a window
 * (`activities.call.last_7d`) or comparing with relative dates fall out of date as time passes.
 * Returns a function that stops the timer.
 */
export function startScoreAging(
  db: Db,
  opts: { everyMs?: number; log?: (msg: string) => void } = {},
): () => void {
  const timer = setInterval(
    () =>
      void recomputeAgingScores(db)
        .then((ids) => ids.length && opts.log?.(`Recomputing aging scores: ${ids.length} workspace(s)`))
        .catch((e) => opts.log?.(`Recomputing aging scores failed: ${String(e)}`)),
    opts.everyMs ?? 6 * 3_600_000,
  );
  timer.unref();
  return () => clearInterval(timer);
}
