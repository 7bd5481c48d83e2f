import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, expectProblem, query } from '../../../test/helpers.js';
import { settleJobs } from '../jobs/jobs.service.js';
import { newId } from '../shared/ids.js';

describe.each(DB_KINDS)('assignment rules, teams and workload on %s', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await testApp(kind);
  });
  afterAll(async () => {
    await settleJobs();
    await t?.close();
  });

  /** A new workspace with n reps (named Rep 1..n). */
  async function workspace(
    n: number,
  ): Promise<{ s: Session; c: Client; reps: { id: string; name: string }[] }> {
    const s = await t.signup('Boss');
    const c = client(t, s);
    const reps = [];
    for (let i = 1; i <= n; i++) {
      const r = await c.post('/api/v1/members', {
        email: `rep${i}.${newId()}@example.com`,
        name: `Rep ${i}`,
        role: 'rep',
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      reps.push({ id: r.body.id as string, name: `Rep ${i}` });
    }
    return { s, c, reps };
  }
  const newLead = (c: Client, extra: Record<string, unknown> = {}) =>
    c.post('/api/v1/leads', { lastName: 'Lead', email: `l.${newId()}@example.com`, ...extra });
  const history = async (c: Client, leadId: string) => {
    const r = await c.get(`/api/v1/leads/${leadId}/assignments`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.data as any[];
  };

  it('validates rules and names the field; only managers and up change them', async () => {
    const { s, c, reps } = await workspace(2);
    expectProblem(
      await c.post('/api/v1/assignment-rules', {
        name: 'x',
        type: 'specific_user',
        userIds: [reps[0]!.id, reps[1]!.id],
      }),
      422,
      [['userIds', /exactly one user/]],
    );
    expectProblem(await c.post('/api/v1/assignment-rules', { name: 'x', type: 'round_robin' }), 422, [
      'userIds',
    ]);
    expectProblem(
      await c.post('/api/v1/assignment-rules', { name: 'x', type: 'round_robin', userIds: [newId()] }),
      422,
      [['userIds.0', 'is not a member of this workspace']],
    );
    expectProblem(
      await c.post('/api/v1/assignment-rules', {
        name: 'x',
        type: 'round_robin',
        userIds: [reps[0]!.id],
        conditions: { all: [{ field: 'nope', op: 'eq', value: 1 }] },
      }),
      422,
      ['conditions.all.0.field'],
    );
    expectProblem(
      await c.post('/api/v1/assignment-rules', { name: 'x', type: 'round_robin', teamId: newId() }),
      422,
      ['teamId'],
    );
    const repKey = await c.post('/api/v1/api-keys', { name: 'rep', role: 'rep' });
    const rep = client(t, { auth: { authorization: `Bearer ${repKey.body.key}` } });
    expectProblem(
      await rep.post('/api/v1/assignment-rules', { name: 'x', type: 'round_robin', userIds: [reps[0]!.id] }),
      403,
    );
    const ok = await c.post('/api/v1/assignment-rules', {
      name: 'Web',
      type: 'round_robin',
      userIds: [reps[0]!.id, reps[1]!.id],
      priority: 5,
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect((await rep.get('/api/v1/assignment-rules')).body.data.map((r: any) => r.name)).toEqual(['Web']);
    // Another workspace sees a 404.
    const other = client(t, await t.signup('Other'));
    expect((await other.get(`/api/v1/assignment-rules/${ok.body.id}`)).status).toBe(404);
    expect((await other.patch(`/api/v1/assignment-rules/${ok.body.id}`, { active: false })).status).toBe(404);
    const off = await c.patch(`/api/v1/assignment-rules/${ok.body.id}`, { active: false });
    expect(off.body.active).toBe(false);
    expect((await newLead(c)).body.ownerId).toBeNull();
    expect((await c.del(`/api/v1/assignment-rules/${ok.body.id}`)).body.deletedAt).not.toBeNull();
    expect((await c.get('/api/v1/assignment-rules')).body.data).toEqual([]);
    expect(s.workspaceId).toBeTruthy();
  });

  it('round robin rotates, says why, and skips paused and capped members', async () => {
    const { s, c, reps } = await workspace(3);
    const rule = await c.post('/api/v1/assignment-rules', {
      name: 'Inbound',
      type: 'round_robin',
      userIds: reps.map((r) => r.id),
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const owners: string[] = [];
    for (let i = 0; i < 4; i++) owners.push((await newLead(c)).body.ownerId);
    expect(owners).toEqual([reps[0]!.id, reps[1]!.id, reps[2]!.id, reps[0]!.id]);
    const lead = await newLead(c);
    expect(lead.body.ownerId).toBe(reps[1]!.id);
    const [h] = await history(c, lead.body.id);
    expect(h).toMatchObject({
      reason: 'rule',
      ruleId: rule.body.id,
      toUserId: reps[1]!.id,
      toName: 'Rep 2',
      details: { ruleName: 'Inbound', type: 'round_robin', position: 2, of: 3 },
    });
    expect(h.details.candidates.map((x: any) => [x.name, x.openLeads, x.eligible])).toEqual([
      ['Rep 1', 2, true],
      ['Rep 2', 1, true],
      ['Rep 3', 1, true],
    ]);
    // Rep 2 was notified.
    const notes = await query<{ title: string; body: string }>(
      t,
      `select title, body from notifications where user_id = '${reps[1]!.id}' and entity_id = '${lead.body.id}' and type = 'lead_assigned'`,
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toBe("Assigned to Rep 2 by rule 'Inbound' (round robin, position 2 of 3)");
    const tl = await c.get(`/api/v1/activities?leadId=${lead.body.id}`);
    const subjects = JSON.stringify(tl.body);
    expect(subjects).toContain("Assigned to Rep 2 by rule 'Inbound' (round robin, position 2 of 3)");

    // Rep 3 paused, Rep 1 capped at 2 open leads: everything goes to Rep 2.
    const put = (url: string, body: unknown) =>
      t.call({ method: 'PUT', url, headers: s.auth, payload: body as Record<string, unknown> });
    const cap = (userId: string, body: unknown) => put(`/api/v1/members/${userId}/capacity`, body);
    expectProblem(await cap(newId(), { paused: true, maxOpen: null, maxPer30d: null }), 404);
    expect((await cap(reps[2]!.id, { paused: true, maxOpen: null, maxPer30d: null })).status).toBe(200);
    expect((await cap(reps[0]!.id, { paused: false, maxOpen: 2, maxPer30d: null })).status).toBe(200);
    const next = await newLead(c);
    expect(next.body.ownerId).toBe(reps[1]!.id);
    const [nh] = await history(c, next.body.id);
    const byName = Object.fromEntries(nh.details.candidates.map((x: any) => [x.name, x]));
    expect(byName['Rep 3']).toMatchObject({ paused: true, eligible: false, reason: 'paused' });
    expect(byName['Rep 1']).toMatchObject({ eligible: false, maxOpen: 2, openLeads: 2 });
    expect(byName['Rep 1'].reason).toMatch(/open-lead cap/);

    // Every candidate unavailable: the next rule, else the fallback owner, else unassigned.
    await cap(reps[1]!.id, { paused: false, maxOpen: null, maxPer30d: 1 });
    expect((await newLead(c)).body.ownerId).toBeNull();
    expectProblem(await put('/api/v1/assignment/settings', { fallbackUserId: newId() }), 422, [
      'fallbackUserId',
    ]);
    const fb = await put('/api/v1/assignment/settings', { fallbackUserId: reps[2]!.id });
    expect(fb.status, JSON.stringify(fb.body)).toBe(200);
    const viaFallback = await newLead(c);
    expect(viaFallback.body.ownerId).toBe(reps[2]!.id);
    const [fh] = await history(c, viaFallback.body.id);
    expect(fh).toMatchObject({ reason: 'fallback', toName: 'Rep 3' });
    expect(fh.details.tried).toEqual([
      { ruleId: rule.body.id, ruleName: 'Inbound', outcome: 'no eligible member' },
    ]);

    const wl = await c.get('/api/v1/assignment/workload');
    expect(wl.status).toBe(200);
    const w = Object.fromEntries(wl.body.data.map((x: any) => [x.name, x]));
    expect(w['Rep 1']).toMatchObject({ openLeads: 2, assigned30d: 2, maxOpen: 2, paused: false });
    expect(w['Rep 2']).toMatchObject({ openLeads: 3, assigned30d: 3, maxPer30d: 1 });
    expect(w['Rep 3']).toMatchObject({ openLeads: 2, paused: true });
    expect(wl.body.unassignedOpen).toBe(1);
    const shares = wl.body.data.reduce((s: number, x: any) => s + x.share30d, 0);
    expect(shares).toBeCloseTo(1, 6);
  });

  it('least loaded, specific user, priority order, conditions and teams', async () => {
    const { c, reps } = await workspace(3);
    // Rep 1 already has 2 open leads, Rep 2 one.
    for (const owner of [reps[0]!.id, reps[0]!.id, reps[1]!.id]) await newLead(c, { ownerId: owner });
    const team = await c.post('/api/v1/teams', {
      name: 'Inbound',
      description: 'web leads',
      userIds: reps.map((r) => r.id),
    });
    expect(team.status, JSON.stringify(team.body)).toBe(201);
    expect(team.body.members.map((m: any) => m.name)).toEqual(['Rep 1', 'Rep 2', 'Rep 3']);
    const ll = await c.post('/api/v1/assignment-rules', {
      name: 'Balance',
      type: 'least_loaded',
      teamId: team.body.id,
      priority: 50,
    });
    expect(ll.status, JSON.stringify(ll.body)).toBe(201);
    const vip = await c.post('/api/v1/assignment-rules', {
      name: 'Partners to Rep 1',
      type: 'specific_user',
      userIds: [reps[0]!.id],
      conditions: { all: [{ field: 'source', op: 'eq', value: 'partner' }] },
      priority: 10,
    });
    expect(vip.status, JSON.stringify(vip.body)).toBe(201);
    const a = await newLead(c, { source: 'website' });
    expect(a.body.ownerId).toBe(reps[2]!.id);
    const [ah] = await history(c, a.body.id);
    expect(ah.details).toMatchObject({ ruleName: 'Balance', type: 'least_loaded' });
    expect(ah.details.candidates.find((x: any) => x.userId === reps[2]!.id).openLeads).toBe(0);
    const b = await newLead(c, { source: 'website' });
    // Rep 2 and Rep 3 now both have 1: the tie goes to the earlier in rotation from the counter (Rep 2).
    expect(b.body.ownerId).toBe(reps[1]!.id);
    expect((await history(c, b.body.id))[0].details.candidates.map((x: any) => x.openLeads)).toEqual([
      2, 1, 1,
    ]);
    const p = await newLead(c, { source: 'partner' });
    expect(p.body.ownerId).toBe(reps[0]!.id);
    expect((await history(c, p.body.id))[0]).toMatchObject({
      reason: 'rule',
      ruleId: vip.body.id,
      details: { type: 'specific_user' },
    });
    // The team cannot be deleted while a rule rotates over it.
    expectProblem(await c.del(`/api/v1/teams/${team.body.id}`), 409);
    const renamed = await c.patch(`/api/v1/teams/${team.body.id}`, {
      name: 'Inbound EMEA',
      userIds: [reps[1]!.id],
    });
    expect(renamed.body.members.map((m: any) => m.name)).toEqual(['Rep 2']);
    expect((await newLead(c, { source: 'website' })).body.ownerId).toBe(reps[1]!.id);
    expect((await c.get('/api/v1/teams')).body.data[0].name).toBe('Inbound EMEA');
    const preview = await c.post(`/api/v1/assignment-rules/${vip.body.id}/preview`);
    expect(preview.body.matching).toBe(1);
    expect(preview.body.sample[0].id).toBe(p.body.id);
  });

  it('assigns leads created in a batch, and a lead given an owner keeps it', async () => {
    const { c, reps } = await workspace(2);
    await c.post('/api/v1/assignment-rules', {
      name: 'Pair',
      type: 'round_robin',
      userIds: reps.map((r) => r.id),
    });
    const batch = await c.post('/api/v1/leads/batch', {
      records: [1, 2, 3].map((i) => ({ lastName: `B${i}`, email: `b${i}.${newId()}@example.com` })),
    });
    expect(batch.status, JSON.stringify(batch.body)).toBe(201);
    expect(batch.body.results.map((r: any) => r.data.ownerId)).toEqual([
      reps[0]!.id,
      reps[1]!.id,
      reps[0]!.id,
    ]);
    const own = await newLead(c, { ownerId: reps[0]!.id });
    expect(own.body.ownerId).toBe(reps[0]!.id);
    expect((await history(c, own.body.id)).map((h) => h.reason)).toEqual(['create']);
    // The rotation went on where it was: the owner given by hand did not take a turn.
    expect((await newLead(c)).body.ownerId).toBe(reps[1]!.id);
  });

  it('records manual and bulk reassignment in the history, all or nothing', async () => {
    const { c, reps } = await workspace(2);
    const l1 = await newLead(c, { ownerId: reps[0]!.id });
    const l2 = await newLead(c);
    const m = await c.patch(`/api/v1/leads/${l1.body.id}`, { ownerId: reps[1]!.id });
    expect(m.status, JSON.stringify(m.body)).toBe(200);
    expect((await history(c, l1.body.id)).map((h) => [h.reason, h.fromName, h.toName])).toEqual([
      ['manual', 'Rep 1', 'Rep 2'],
      ['create', null, 'Rep 1'],
    ]);
    // An unknown id: nothing changes.
    expectProblem(
      await c.post('/api/v1/leads/bulk-assign', { leadIds: [l1.body.id, newId()], ownerId: reps[0]!.id }),
      404,
      ['leadIds.1'],
    );
    expect((await c.get(`/api/v1/leads/${l1.body.id}`)).body.ownerId).toBe(reps[1]!.id);
    const bulk = await c.post('/api/v1/leads/bulk-assign', {
      leadIds: [l1.body.id, l2.body.id],
      ownerId: reps[0]!.id,
    });
    expect(bulk.body).toEqual({ updated: 2, unchanged: 0 });
    expect((await history(c, l2.body.id))[0]).toMatchObject({
      reason: 'bulk',
      toName: 'Rep 1',
      fromUserId: null,
    });
    expect((await history(c, l1.body.id))[0]).toMatchObject({ reason: 'bulk', fromName: 'Rep 2' });
    expect(
      (await c.post('/api/v1/leads/bulk-assign', { leadIds: [l1.body.id], ownerId: reps[0]!.id })).body,
    ).toEqual({ updated: 0, unchanged: 1 });
    expectProblem(
      await c.post('/api/v1/leads/bulk-assign', { leadIds: [l1.body.id], ownerId: newId() }),
      422,
      ['ownerId'],
    );
    const other = client(t, await t.signup('Other'));
    expect((await other.get(`/api/v1/leads/${l1.body.id}/assignments`)).status).toBe(404);
  });

  it.runIf(kind === 'postgres')(
    '1,000 leads created 50 at a time under a round-robin rule over 7 reps: counts differ by at most 1',
    async () => {
      const { s, c, reps } = await workspace(7);
      const rule = await c.post('/api/v1/assignment-rules', {
        name: 'Fair',
        type: 'round_robin',
        userIds: reps.map((r) => r.id),
      });
      expect(rule.status).toBe(201);
      const ids: string[] = [];
      for (let round = 0; round < 20; round++) {
        const rs = await Promise.all(Array.from({ length: 50 }, () => newLead(c)));
        for (const r of rs) {
          expect(r.status, JSON.stringify(r.body)).toBe(201);
          ids.push(r.body.id);
        }
      }
      const counts = await query<{ owner_id: string; n: number }>(
        t,
        `select owner_id, count(*)::int n from leads where workspace_id = '${s.workspaceId}' group by owner_id`,
      );
      expect(counts.length).toBe(7);
      const ns = counts.map((x) => Number(x.n));
      expect(Math.max(...ns) - Math.min(...ns)).toBeLessThanOrEqual(1);
      expect(ns.reduce((a, b) => a + b, 0)).toBe(1000);
      // Every lead's history names the rule and its position; positions run through the rotation.
      const rows = await query<{ lead_id: string; to_user_id: string; details: any; rule_id: string }>(
        t,
        `select lead_id, to_user_id, details, rule_id from lead_assignments where workspace_id = '${s.workspaceId}'`,
      );
      expect(rows.length).toBe(1000);
      expect(new Set(rows.map((r) => r.lead_id))).toEqual(new Set(ids));
      const counters = rows.map((r) => Number(r.details.counter)).sort((a, b) => a - b);
      expect(counters).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      for (const r of rows) {
        expect(r.rule_id).toBe(rule.body.id);
        expect(r.details.ruleName).toBe('Fair');
        expect(r.details.of).toBe(7);
        expect(r.details.position).toBe((r.details.counter % 7) + 1);
        expect(reps[r.details.position - 1]!.id).toBe(r.to_user_id);
      }
      expect((await c.get(`/api/v1/assignment-rules/${rule.body.id}`)).body.assignedCount).toBe(1000);
      console.log(`round robin over 7 reps, 1000 leads 50 at a time: ${ns.sort((a, b) => a - b).join(', ')}`);
    },
  );
});
