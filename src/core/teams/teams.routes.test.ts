import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { client, expectProblem } from '../../../test/helpers.js';
import { newId } from '../shared/ids.js';

describe.each(DB_KINDS)('teams on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates, edits and deletes teams of live members; reps read, managers write', async () => {
    const s = await t.signup('Lead');
    const c = client(t, s);
    const add = async (name: string) =>
      (await c.post('/api/v1/members', { email: `${name}.${newId()}@example.com`, name, role: 'rep' })).body
        .id as string;
    const ann = await add('Ann');
    const bob = await add('Bob');
    expectProblem(await c.post('/api/v1/teams', { name: 'X', userIds: [ann, newId()] }), 422, [
      ['userIds.1', 'is not a member of this workspace'],
    ]);
    expectProblem(await c.post('/api/v1/teams', { name: 'X', userIds: [ann, ann] }), 422, [
      ['userIds.1', 'is listed twice'],
    ]);
    expectProblem(await c.post('/api/v1/teams', { name: ' ', userIds: [] }), 422, ['name']);
    const team = await c.post('/api/v1/teams', { name: 'Inbound', description: 'Web', userIds: [bob, ann] });
    expect(team.status, JSON.stringify(team.body)).toBe(201);
    expect(team.body.members.map((m: any) => m.name)).toEqual(['Ann', 'Bob']);
    expect(team.headers.etag).toBe('"1"');

    const repKey = await c.post('/api/v1/api-keys', { name: 'rep', role: 'rep' });
    const rep = client(t, { auth: { authorization: `Bearer ${repKey.body.key}` } });
    expect((await rep.get('/api/v1/teams')).body.data.map((x: any) => x.name)).toEqual(['Inbound']);
    expectProblem(await rep.post('/api/v1/teams', { name: 'Mine' }), 403);
    expectProblem(await rep.patch(`/api/v1/teams/${team.body.id}`, { name: 'Mine' }), 403);

    // A removed member stays listed (marked inactive) and may stay; a new one must be live.
    expect((await c.del(`/api/v1/members/${bob}`)).status).toBe(204);
    const after = await c.get(`/api/v1/teams/${team.body.id}`);
    expect(after.body.members.find((m: any) => m.userId === bob).active).toBe(false);
    expectProblem(await c.patch(`/api/v1/teams/${team.body.id}`, { name: 'Y' }, { 'if-match': '"9"' }), 412);
    const renamed = await c.patch(`/api/v1/teams/${team.body.id}`, {
      name: 'Inbound EMEA',
      userIds: [ann, bob],
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Inbound EMEA', version: 2 });
    const wl = await c.get('/api/v1/assignment/workload');
    expect(wl.body.data.find((m: any) => m.userId === ann).teams).toEqual([
      { id: team.body.id, name: 'Inbound EMEA' },
    ]);
    // Another workspace: 404.
    const other = client(t, await t.signup('Other'));
    expect((await other.get(`/api/v1/teams/${team.body.id}`)).status).toBe(404);
    expect((await other.del(`/api/v1/teams/${team.body.id}`)).status).toBe(404);
    // Deleted: gone from the list; an audit entry records it.
    expect((await c.del(`/api/v1/teams/${team.body.id}`)).body.deletedAt).not.toBeNull();
    expect((await c.get('/api/v1/teams')).body.data).toEqual([]);
    const audit = await c.get(`/api/v1/audit?entity=team&id=${team.body.id}`);
    expect(audit.body.data.map((a: any) => a.action).sort()).toEqual(['create', 'delete', 'update']);
  });
});
