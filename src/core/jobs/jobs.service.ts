import { and, eq, sql } from 'drizzle-orm';
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
 * message. Nothing survives a restart: a job whose process stopped stays `running` (its `updatedAt`
 * tells how long ago it last reported progress); start it again.
 */

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

export type Progress = (phase: string, done: number, total: number) => Promise<void>;

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
    }
  })();
  running.add(run);
  void run.finally(() => running.delete(run));
  return id;
}
