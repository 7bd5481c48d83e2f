import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { JOB_STATUSES, jobs } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { iso } from '../shared/records.js';

/**
 * A small in-process background-job runner. A job is a `jobs` row (queued → running → succeeded |
 * failed) that its work updates with progress as it goes; an exception marks it failed with the
 * message. While a job runs, its process touches `updatedAt` at least every HEARTBEAT_MS. A job does
 * not survive its process: when a server starts, `recoverInterruptedJobs` marks the jobs left queued
 * or running by a stopped process failed (INTERRUPTED); start them again.
 */

export const INTERRUPTED = 'interrupted: the server stopped before the job finished';
/** How often a running job's process touches its row (its heartbeat). */
export const HEARTBEAT_MS = 15_000;

export const jobOut = z.object({
  id: z.uuid(),
  type: z.string(),
  status: z.enum(JOB_STATUSES),
  progress: z.number().int(),
  total: z.number().int().nullable(),
  phase: z.string().nullable().describe('What the job is doing now (e.g. load, compare, save)'),
  input: z.record(z.string(), z.unknown()),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type JobOut = z.infer<typeof jobOut>;
type Row = typeof jobs.$inferSelect;

const toJob = (r: Row): JobOut => ({
  id: r.id,
  type: r.type,
  status: r.status,
  progress: r.progress,
  total: r.total,
  phase: typeof r.input?._phase === 'string' ? (r.input._phase as string) : null,
  input: Object.fromEntries(Object.entries(r.input ?? {}).filter(([k]) => !k.startsWith('_'))),
  result: r.result ?? null,
  error: r.error,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  startedAt: iso(r.startedAt),
  finishedAt: iso(r.finishedAt),
  updatedAt: r.updatedAt.toISOString(),
});

export async function getJob(db: Db, ctx: Ctx, id: string): Promise<JobOut> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.workspaceId, ctx.workspaceId), eq(jobs.id, id)));
  if (!row) throw AppError.notFound('Job', id);
  return toJob(row);
}

/**
 * Marks failed (with INTERRUPTED) every queued or running job, in any workspace, whose row has not
 * been touched for `staleMs`: its process stopped. With one process per database (PGlite, or a single
 * server) call it at start with 0; with several servers on one PostgreSQL, a few heartbeats (the
 * default, 4 × HEARTBEAT_MS) so that another live server's jobs are left alone. Returns the job ids.
 */
export async function recoverInterruptedJobs(db: Db, opts: { staleMs?: number } = {}): Promise<string[]> {
  const staleMs = opts.staleMs ?? 4 * HEARTBEAT_MS;
  const rows = await db
    .update(jobs)
    .set({ status: 'failed', error: INTERRUPTED, finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(
        inArray(jobs.status, ['queued', 'running']),
        sql`${jobs.updatedAt} <= now() - make_interval(secs => ${staleMs / 1000})`,
        // Not a job of this process (its heartbeat may lag behind a long synchronous step).
        mine.size ? notInArray(jobs.id, [...mine]) : undefined,
      ),
    )
    .returning({ id: jobs.id });
  return rows.map((r) => r.id);
}

/**
 * Recovery for a server: once now (`staleMs` as for `recoverInterruptedJobs`), then every `everyMs`
 * when given (several servers on one database: a server that stopped is noticed by the others).
 * Returns a function that stops the timer.
 */
export function startJobRecovery(
  db: Db,
  opts: { staleMs?: number; everyMs?: number; log?: (msg: string) => void } = {},
): { first: Promise<string[]>; stop: () => void } {
  const run = async (staleMs?: number) => {
    const ids = await recoverInterruptedJobs(db, { staleMs });
    if (ids.length) opts.log?.(`Marked ${ids.length} interrupted job(s) failed: ${ids.join(', ')}`);
    return ids;
  };
  const first = run(opts.staleMs);
  const timer = opts.everyMs
    ? setInterval(
        () => void run().catch((e) => opts.log?.(`Job recovery failed: ${String(e)}`)),
        opts.everyMs,
      )
    : null;
  timer?.unref();
  return { first, stop: () => timer && clearInterval(timer) };
}

export type Progress = (phase: string, done: number, total: number) => Promise<void>;

/** Ids of the jobs this process is running. */
const mine = new Set<string>();

const running = new Set<Promise<unknown>>();

/** Resolves when every job started by this process has finished (tests, graceful shutdown). */
export async function settleJobs(): Promise<void> {
  while (running.size) await Promise.allSettled([...running]);
}

/**
 * Creates a job row and runs `work` in the background. Progress writes are throttled (at most every
 * 250 ms, plus phase changes). Returns the job id at once.
 */
export async function startJob(
  db: Db,
  ctx: Ctx,
  type: string,
  input: Record<string, unknown>,
  work: (progress: Progress, jobId: string) => Promise<Record<string, unknown>>,
): Promise<string> {
  const id = newId();
  await db.insert(jobs).values({ workspaceId: ctx.workspaceId, id, type, input, createdBy: ctx.userId });
  const where = and(eq(jobs.workspaceId, ctx.workspaceId), eq(jobs.id, id));
  let last = 0;
  let lastPhase = '';
  const progress: Progress = async (phase, done, total) => {
    const now = Date.now();
    if (phase === lastPhase && now - last < 250) return;
    last = now;
    lastPhase = phase;
    await db
      .update(jobs)
      .set({
        progress: done,
        total,
        input: sql`${jobs.input} || ${JSON.stringify({ _phase: phase })}::jsonb`,
        updatedAt: sql`now()`,
      })
      .where(where);
  };
  mine.add(id);
  const heartbeat = setInterval(
    () =>
      void db
        .update(jobs)
        .set({ updatedAt: sql`now()` })
        .where(where)
        .catch(() => {}),
    HEARTBEAT_MS,
  );
  heartbeat.unref();
  const run = (async () => {
    await new Promise((r) => setImmediate(r));
    try {
      await db
        .update(jobs)
        .set({ status: 'running', startedAt: sql`now()`, updatedAt: sql`now()` })
        .where(where);
      const result = await work(progress, id);
      await db
        .update(jobs)
        .set({ status: 'succeeded', result, finishedAt: sql`now()`, updatedAt: sql`now()` })
        .where(where);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await db
        .update(jobs)
        .set({
          status: 'failed',
          error: message.slice(0, 2000),
          finishedAt: sql`now()`,
          updatedAt: sql`now()`,
        })
        .where(where)
        .catch(() => {});
    } finally {
      clearInterval(heartbeat);
      mine.delete(id);
    }
  })();
  running.add(run);
  void run.finally(() => running.delete(run));
  return id;
}
