import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, expectProblem, query } from '../../../test/helpers.js';
import { settleJobs } from '../jobs/jobs.service.js';
import { agingWorkspaces, recomputeAgingScores } from './recompute.service.js';

const RULES = '/api/v1/scoring-rules';
const DAY = 86_400_000;

describe.each(DB_KINDS)('scoring rules on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
  });
  afterAll(async () => {
    await settleJobs();
    await t?.close();
  });

  /** A fresh workspace (rules are per workspace) and its owner's client. */
  const workspace = async (name = 'Score') => {
    const s = await t.signup(name);
    return { s, c: client(t, s) };
  };
  const rule = async (c: Client, body: Record<string, unknown>) => {
    const r = await c.post(RULES, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const lead = async (c: Client, body: Record<string, unknown>) => {
    const r = await c.post('/api/v1/leads', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const read = async (c: Client, id: string) => (await c.get(`/api/v1/leads/${id}`)).body;

  it('refuses bad rules naming the field and the reason', async () => {
    const { c } = await workspace();
    const ok = { name: 'Referral', conditions: { field: 'source', op: 'eq', value: 'referral' }, points: 20 };
    expectProblem(await c.post(RULES, { ...ok, name: '' }), 422, ['name']);
    expectProblem(await c.post(RULES, { ...ok, points: 2.5 }), 422, ['points']);
    expectProblem(await c.post(RULES, { ...ok, points: 5000 }), 422, ['points']);
    expectProblem(await c.post(RULES, { ...ok, category: 'vibes' }), 422, ['category']);
    expectProblem(await c.post(RULES, { ...ok, conditions: { field: 'sorce', op: 'eq', value: 'x' } }), 422, [
      ['conditions.field', /sorce is not a known lead field/],
    ]);
    expectProblem(
      await c.post(RULES, { ...ok, conditions: { all: [{ field: 'dealValue', op: 'gt', value: 'lots' }] } }),
      422,
      [['conditions.all.0.value', /must be a number/]],
    );
    expectProblem(await c.post(RULES, { ...ok, conditions: { field: 'score', op: 'gt', value: 50 } }), 422, [
      ['conditions.field', /cannot depend on it/],
    ]);
    expectProblem(
      await c.post(RULES, { ...ok, conditions: { field: 'activities.any.last_7d', op: 'gt', value: 0 } }),
      422,
      [['conditions.field', /count call, email, meeting/]],
    );
    expectProblem(
      await c.post(RULES, { ...ok, conditions: { field: 'status', op: 'changed_to', value: 'won' } }),
      422,
      ['conditions.op'],
    );
    expectProblem(await c.post(RULES, { ...ok, extra: 1 }), 422, ['extra']);
    expect((await c.get(RULES)).body.data).toEqual([]);
  });

  it('scores a new lead, explains it, and follows lead updates', async () => {
    const { c } = await workspace();
    const referral = await rule(c, {
      name: 'Referral',
      category: 'behavioural',
      conditions: { field: 'source', op: 'eq', value: 'referral' },
      points: 30,
    });
    expect(referral).toMatchObject({ category: 'behavioural', active: true, points: 30, version: 1 });
    expect(referral.jobId).toEqual(expect.any(String));
    const big = await rule(c, {
      name: 'Big deal',
      conditions: { field: 'dealValue', op: 'gte', value: 10000 },
      points: 45,
    });
    const l = await lead(c, { firstName: 'Maya', source: 'referral', dealValue: '25000' });
    expect(l.score).toBe(75);
    // Biggest effect first.
    expect(l.scoreReasons).toEqual([
      { ruleId: big.id, name: 'Big deal', points: 45, category: 'demographic' },
      { ruleId: referral.id, name: 'Referral', points: 30, category: 'behavioural' },
    ]);
    expect(l.scoredAt).toEqual(expect.any(String));
    expect(await read(c, l.id)).toMatchObject({ score: 75, scoreReasons: l.scoreReasons });

    const plain = await lead(c, { firstName: 'Ned', source: 'ads' });
    expect(plain).toMatchObject({ score: 0, scoreReasons: [] });

    const r = await c.patch(`/api/v1/leads/${l.id}`, { source: 'ads' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      score: 45,
      scoreReasons: [expect.objectContaining({ name: 'Big deal' })],
    });
    const r2 = await c.patch(`/api/v1/leads/${plain.id}`, { source: 'referral' });
    expect(r2.body).toMatchObject({
      score: 30,
      scoreReasons: [expect.objectContaining({ ruleId: referral.id })],
    });
    // The score change is in the lead's audit trail.
    const audit = await c.get(`/api/v1/audit?entity=lead&id=${plain.id}`);
    expect(audit.body.data[0]).toMatchObject({ action: 'update', after: { score: 30 } });
  });

  it('rescores the leads of a contact when the contact changes (contact.* fields)', async () => {
    const { c } = await workspace();
    await rule(c, {
      name: 'Director',
      conditions: { field: 'contact.jobTitle', op: 'contains', value: 'director' },
      points: 25,
    });
    await rule(c, {
      name: 'Pune',
      conditions: { field: 'city', op: 'eq', value: 'Pune' },
      points: 10,
    });
    const a = await lead(c, { firstName: 'Asha', email: 'asha@example.com', jobTitle: 'Analyst' });
    expect(a.score).toBe(0);
    const b = await lead(c, { contactId: a.contactId, productInterest: 'Second product' });
    expect(b.score).toBe(0);
    const p = await c.patch(`/api/v1/contacts/${a.contactId}`, {
      jobTitle: 'Sales Director',
      addresses: [{ type: 'business', city: 'Pune' }],
    });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    for (const id of [a.id, b.id]) {
      const x = await read(c, id);
      expect(x.score).toBe(35);
      expect(x.scoreReasons.map((r: { name: string }) => r.name)).toEqual(['Director', 'Pune']);
    }
  });

  it('counts activities in a window: logging, backdating and deleting calls move the score', async () => {
    const { c } = await workspace();
    const calls = await rule(c, {
      name: 'Two calls this week',
      category: 'engagement',
      conditions: { field: 'activities.call.last_7d', op: 'gte', value: 2 },
      points: 15,
    });
    const l = await lead(c, { firstName: 'Cal' });
    const log = (occurredAt?: string) =>
      c.post('/api/v1/activities', { type: 'call', leadId: l.id, subject: 'Call', occurredAt });
    const first = await log();
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((await read(c, l.id)).score).toBe(0);
    // A call three weeks ago is outside the window.
    await log(new Date(Date.now() - 21 * DAY).toISOString());
    expect((await read(c, l.id)).score).toBe(0);
    const second = await log();
    const scored = await read(c, l.id);
    expect(scored).toMatchObject({
      score: 15,
      scoreReasons: [{ ruleId: calls.id, name: 'Two calls this week', points: 15, category: 'engagement' }],
    });
    // Deleting one of the recent calls: below the threshold again.
    expect((await c.del(`/api/v1/activities/${second.body.id}`)).status).toBe(200);
    expect(await read(c, l.id)).toMatchObject({ score: 0, scoreReasons: [] });
    // Moving the other recent call out of the window through an update.
    await log();
    expect((await read(c, l.id)).score).toBe(15);
    const moved = await c.patch(`/api/v1/activities/${first.body.id}`, {
      occurredAt: new Date(Date.now() - 30 * DAY).toISOString(),
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect((await read(c, l.id)).score).toBe(0);
  });

  it('windows age: the scheduled recompute catches up the workspaces whose rules count in a window', async () => {
    const { s, c } = await workspace();
    await rule(c, {
      name: 'Called this week',
      conditions: { field: 'activities.call.last_7d', op: 'gte', value: 1 },
      points: 20,
    });
    const steady = await workspace('Steady');
    await rule(steady.c, { name: 'Web', conditions: { field: 'source', op: 'eq', value: 'web' }, points: 5 });
    await settleJobs();
    const l = await lead(c, { firstName: 'Aging' });
    await c.post('/api/v1/activities', { type: 'call', leadId: l.id, subject: 'Intro' });
    expect((await read(c, l.id)).score).toBe(20);
    // Eight days pass: nothing changed the lead, so its stored score still counts the call.
    await query(t, `update activities set occurred_at = now() - interval '8 days' where lead_id = '${l.id}'`);
    expect((await read(c, l.id)).score).toBe(20);
    const aging = await agingWorkspaces(t.handle.db);
    expect(aging).toContain(s.workspaceId);
    expect(aging).not.toContain(steady.s.workspaceId);
    expect((await recomputeAgingScores(t.handle.db)).length).toBe(aging.length);
    await settleJobs();
    expect(await read(c, l.id)).toMatchObject({ score: 0, scoreReasons: [] });
  });

  it('clamps the sum to 0..100 and keeps every fired rule in the reasons', async () => {
    const { c } = await workspace();
    await rule(c, { name: 'Hot', conditions: { field: 'temperature', op: 'eq', value: 'hot' }, points: 80 });
    await rule(c, {
      name: 'Urgent',
      conditions: { field: 'priority', op: 'eq', value: 'urgent' },
      points: 50,
    });
    await rule(c, {
      name: 'Student',
      conditions: { field: 'jobTitle', op: 'eq', value: 'Student' },
      points: -200,
    });
    const top = await lead(c, { firstName: 'Top', temperature: 'hot', priority: 'urgent' });
    expect(top.score).toBe(100);
    expect(top.scoreReasons.map((r: { points: number }) => r.points)).toEqual([80, 50]);
    const low = await lead(c, { firstName: 'Low', temperature: 'hot', jobTitle: 'Student' });
    expect(low.score).toBe(0);
    expect(low.scoreReasons.map((r: { name: string; points: number }) => [r.name, r.points])).toEqual([
      ['Student', -200],
      ['Hot', 80],
    ]);
  });

  it('a rule change recomputes every lead in a background job with progress', async () => {
    const { c } = await workspace();
    const leads: { id: string; score: number }[] = [];
    for (let i = 0; i < 12; i++)
      leads.push(await lead(c, { firstName: `L${i}`, source: i % 3 === 0 ? 'partner' : 'website' }));
    expect(leads.every((l) => l.score === 0)).toBe(true);
    const partner = await rule(c, {
      name: 'Partner',
      conditions: { field: 'source', op: 'eq', value: 'partner' },
      points: 40,
    });
    await settleJobs();
    const job = await c.get(`/api/v1/jobs/${partner.jobId}`);
    expect(job.body).toMatchObject({
      type: 'scoring.recompute',
      status: 'succeeded',
      result: { leads: 12, changed: 4, rules: 1, superseded: false },
    });
    const scores = async () => Promise.all(leads.map(async (l) => (await read(c, l.id)).score));
    expect(await scores()).toEqual(leads.map((_, i) => (i % 3 === 0 ? 40 : 0)));
    expect((await read(c, leads[0]!.id)).scoreReasons).toEqual([
      { ruleId: partner.id, name: 'Partner', points: 40, category: 'demographic' },
    ]);

    // Renaming the rule changes the explanation of the leads it scored.
    const renamed = await c.patch(`${RULES}/${partner.id}`, { name: 'Partner referral', points: 35 });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ version: 2, jobId: expect.any(String) });
    await settleJobs();
    expect((await read(c, leads[3]!.id)).scoreReasons).toEqual([
      { ruleId: partner.id, name: 'Partner referral', points: 35, category: 'demographic' },
    ]);

    // Deactivating, then deleting and restoring.
    const off = await c.patch(`${RULES}/${partner.id}`, { active: false });
    await settleJobs();
    expect((await c.get(`/api/v1/jobs/${off.body.jobId}`)).body.result).toMatchObject({ changed: 4 });
    expect(await scores()).toEqual(leads.map(() => 0));
    await c.patch(`${RULES}/${partner.id}`, { active: true });
    const del = await c.del(`${RULES}/${partner.id}`);
    expect(del.status).toBe(200);
    expect(del.body.deletedAt).toEqual(expect.any(String));
    await settleJobs();
    expect(await scores()).toEqual(leads.map(() => 0));
    expect((await c.get(RULES)).body.data).toEqual([]);
    const restored = await c.post(`${RULES}/${partner.id}/restore`);
    expect(restored.body.jobId).toEqual(expect.any(String));
    await settleJobs();
    expect(await scores()).toEqual(leads.map((_, i) => (i % 3 === 0 ? 35 : 0)));

    // A change that moves nothing starts no job; the explicit rerun does.
    expect((await c.patch(`${RULES}/${partner.id}`, { points: 35 })).body.jobId).toBeNull();
    const rerun = await c.post(`${RULES}/recompute`);
    expect(rerun.status).toBe(202);
    await settleJobs();
    expect((await c.get(`/api/v1/jobs/${rerun.body.jobId}`)).body).toMatchObject({
      status: 'succeeded',
      progress: 12,
      total: 12,
      result: { leads: 12, changed: 0 },
    });
  });

  it('another workspace’s rules are 404; a rep reads rules but cannot change them', async () => {
    const { c } = await workspace('Owner');
    const r = await rule(c, {
      name: 'Web',
      conditions: { field: 'source', op: 'eq', value: 'web' },
      points: 5,
    });
    const other = (await workspace('Other')).c;
    expectProblem(await other.get(`${RULES}/${r.id}`), 404);
    expectProblem(await other.patch(`${RULES}/${r.id}`, { points: 1 }), 404);
    expectProblem(await other.del(`${RULES}/${r.id}`), 404);
    expectProblem(await other.post(`${RULES}/${r.id}/restore`), 404);
    expect((await other.get(RULES)).body.data).toEqual([]);

    const keyFor = async (role: string) => {
      const k = await c.post('/api/v1/api-keys', { name: role, role });
      expect(k.status).toBe(201);
      return client(t, { auth: { authorization: `Bearer ${k.body.key}` } });
    };
    const rep = await keyFor('rep');
    expect((await rep.get(RULES)).body.data.map((x: { id: string }) => x.id)).toEqual([r.id]);
    expect((await rep.get(`${RULES}/${r.id}`)).status).toBe(200);
    const body = { name: 'Mine', conditions: { field: 'source', op: 'eq', value: 'x' }, points: 5 };
    expectProblem(await rep.post(RULES, body), 403);
    expectProblem(await rep.patch(`${RULES}/${r.id}`, { points: 50 }), 403);
    expectProblem(await rep.del(`${RULES}/${r.id}`), 403);
    expectProblem(await rep.post(`${RULES}/recompute`), 403);
    const manager = await keyFor('manager');
    const made = await manager.post(RULES, body);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await c.get(`${RULES}/${r.id}`)).body).toMatchObject({ points: 5, version: 1 });
    // Stale If-Match.
    expectProblem(await c.patch(`${RULES}/${r.id}`, { points: 6 }, { 'if-match': '"7"' }), 412);
  });
});
