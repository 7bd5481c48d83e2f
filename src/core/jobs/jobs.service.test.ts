import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, query } from '../../../test/helpers.js';
import { jobs } from '../db/schema/index.js';
import { newId } from '../shared/ids.js';
import { INTERRUPTED, recoverInterruptedJobs, settleJobs, startJob } from './jobs.service.js';

describe.each(DB_KINDS)('jobs on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Jobs');
    c = client(t, s);
  });
  afterAll(async () => {
    await settleJobs();
    await t?.close();
  });
  const ctxOf = (x: Session) => ({
    workspaceId: x.workspaceId,
    userId: x.userId,
    apiKeyId: null,
    role: 'owner' as const,
  });

  it('shows who started a job and its progress while it runs, then its result', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let reported!: () => void;
    const progressed = new Promise<void>((r) => {
      reported = r;
    });
    const id = await startJob(t.handle.db, ctxOf(s), 'test.wait', { n: 10 }, async (progress) => {
      await progress('count', 4, 10);
      reported();
      await gate;
      return { counted: 10 };
    });
    await progressed;
    const running = await c.get(`/api/v1/jobs/${id}`);
    expect(running.status).toBe(200);
    expect(running.body).toMatchObject({
      id,
      type: 'test.wait',
      status: 'running',
      phase: 'count',
      progress: 4,
      total: 10,
      input: { n: 10 },
      createdBy: s.userId,
      result: null,
      error: null,
      finishedAt: null,
    });
    expect(running.body.startedAt).toEqual(expect.any(String));
    // A sweep at start-up of "another process" leaves this process's own running job alone.
    expect(await recoverInterruptedJobs(t.handle.db, { staleMs: 0 })).not.toContain(id);
    release();
    await settleJobs();
    const done = await c.get(`/api/v1/jobs/${id}`);
    expect(done.body).toMatchObject({ status: 'succeeded', result: { counted: 10 }, createdBy: s.userId });
    expect(done.body.finishedAt).toEqual(expect.any(String));
  });

  it('marks jobs a stopped process left queued or running failed at start-up; the scan can run again', async () => {
    const other = await t.signup('Other');
    // Rows as a process that stopped mid-scan leaves them: running with progress, and one still queued.
    const left = async (status: 'queued' | 'running', ws: Session, ageSeconds: number) => {
      const id = newId();
      await t.handle.db.insert(jobs).values({
        workspaceId: ws.workspaceId,
        id,
        type: 'duplicates.scan',
        status,
        input: { entity: 'contact', _phase: 'compare' },
        progress: status === 'running' ? 1200 : 0,
        total: status === 'running' ? 5000 : null,
        createdBy: ws.userId,
      });
      await query(
        t,
        `update jobs set updated_at = now() - interval '${ageSeconds} seconds', started_at = ${status === 'running' ? 'now()' : 'null'} where id = '${id}'`,
      );
      return id;
    };
    const running = await left('running', s, 5);
    const queued = await left('queued', s, 5);
    const elsewhere = await left('running', other, 120);
    const finished = await c.post('/api/v1/duplicates/scan', { entity: 'contact' });
    await settleJobs();
    // Several servers on one database: only jobs whose heartbeat stopped long enough ago.
    expect(await recoverInterruptedJobs(t.handle.db, { staleMs: 60_000 })).toEqual([elsewhere]);
    expect((await c.get(`/api/v1/jobs/${running}`)).body.status).toBe('running');
    // One process per database (PGlite, or one server): every queued or running job was interrupted.
    expect((await recoverInterruptedJobs(t.handle.db, { staleMs: 0 })).sort()).toEqual(
      [queued, running].sort(),
    );
    const r = await c.get(`/api/v1/jobs/${running}`);
    expect(r.body).toMatchObject({
      status: 'failed',
      error: INTERRUPTED,
      progress: 1200,
      total: 5000,
      phase: 'compare',
      createdBy: s.userId,
      input: { entity: 'contact' },
    });
    expect(r.body.finishedAt).toEqual(expect.any(String));
    expect((await c.get(`/api/v1/jobs/${queued}`)).body).toMatchObject({
      status: 'failed',
      error: INTERRUPTED,
    });
    // A finished job is left as it was; another workspace's job is not visible here.
    expect((await c.get(`/api/v1/jobs/${finished.body.jobId}`)).body.status).toBe('succeeded');
    expect((await c.get(`/api/v1/jobs/${elsewhere}`)).status).toBe(404);
    expect((await client(t, other).get(`/api/v1/jobs/${elsewhere}`)).body).toMatchObject({
      status: 'failed',
      error: INTERRUPTED,
    });
    // Nothing stops the scan from being started again.
    const again = await c.post('/api/v1/duplicates/scan', { entity: 'contact' });
    expect(again.status).toBe(202);
    await settleJobs();
    expect((await c.get(`/api/v1/jobs/${again.body.jobId}`)).body).toMatchObject({
      status: 'succeeded',
      createdBy: s.userId,
      input: { entity: 'contact' },
    });
    expect(await recoverInterruptedJobs(t.handle.db, { staleMs: 0 })).toEqual([]);
  });
});
