import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/core/shared/ids.js';
import { type Session, type TestApp, testApp } from './app.js';
import { DB_KINDS } from './db.js';
import { client, expectProblem, query } from './helpers.js';

/** Sign-up, sign-in, sessions, API keys and roles. */

const PASSWORD = 'correct horse battery';
const cookieOf = (headers: Record<string, unknown>): string => {
  const raw = headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : [String(raw)];
  return all.find((c) => c.startsWith('lb_session='))!;
};

describe.each(DB_KINDS)('auth and access on %s', (kind) => {
  let t: TestApp;
  let owner: Session;
  beforeAll(async () => {
    t = await testApp(kind);
    owner = await t.signup('Olga');
  });
  afterAll(() => t.close());

  const asCookie = (cookie: string) => ({ auth: { cookie: cookie.split(';')[0]! } });

  it('signs up: 201 with user and workspace, an HttpOnly SameSite session cookie, a scrypt password hash', async () => {
    const email = `Sam.${newId()}@Example.com`;
    const r = await t.call({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email, password: PASSWORD, name: 'Sam', workspaceName: 'Sam Roofing' },
    });
    expect(r.status).toBe(201);
    expect(r.body.user).toMatchObject({ id: expect.any(String), email: email.toLowerCase(), name: 'Sam' });
    expect(r.body.workspace).toMatchObject({ id: expect.any(String), name: 'Sam Roofing', role: 'owner' });
    const cookie = cookieOf(r.headers);
    expect(cookie).toMatch(/^lb_session=[\w-]{20,};/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=(Lax|Strict)/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    const [u] = await query<{ password_hash: string }>(
      t,
      `select password_hash from users where id = '${r.body.user.id}'`,
    );
    expect(u!.password_hash).not.toBe(PASSWORD);
    expect(u!.password_hash).not.toContain(PASSWORD);
    expect(u!.password_hash.startsWith('scrypt$')).toBe(true);
    // The session token is stored hashed too.
    const token = cookie.split(';')[0]!.split('=')[1]!;
    const tokens = await query<{ token_hash: string }>(
      t,
      `select token_hash from sessions where user_id = '${r.body.user.id}'`,
    );
    expect(tokens.length).toBe(1);
    expect(tokens[0]!.token_hash).not.toBe(token);
    const me = await client(t, asCookie(cookie)).get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(r.body.user.id);
    expect(me.body.workspace.id).toBe(r.body.workspace.id);
    // The same email (in any case) cannot sign up twice.
    const again = await t.call({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: email.toUpperCase(), password: PASSWORD, name: 'Sam', workspaceName: 'Other' },
    });
    expectProblem(again, 409, ['email']);
    expectProblem(
      await t.call({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: { email: 'x@example.com', password: 'short', name: 'X', workspaceName: 'X' },
      }),
      422,
      ['password'],
    );
  });

  it('signs in and out; a signed-out session is refused at once', async () => {
    const email = `lee.${newId()}@example.com`;
    await t.call({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email, password: PASSWORD, name: 'Lee', workspaceName: 'Lee Co' },
    });
    expectProblem(
      await t.call({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: 'wrong password!' },
      }),
      401,
    );
    expectProblem(
      await t.call({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: `nobody.${newId()}@example.com`, password: PASSWORD },
      }),
      401,
    );
    const r = await t.call({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: email.toUpperCase(), password: PASSWORD },
    });
    expect(r.status).toBe(200);
    expect(r.body.workspace.name).toBe('Lee Co');
    const cookie = cookieOf(r.headers);
    expect(cookie).toMatch(/HttpOnly/i);
    const c = client(t, asCookie(cookie));
    expect((await c.get('/api/v1/auth/me')).status).toBe(200);
    expect((await c.get('/api/v1/leads')).status).toBe(200);
    const out = await c.post('/api/v1/auth/logout');
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/lb_session=;/);
    expectProblem(await c.get('/api/v1/auth/me'), 401);
    expectProblem(await c.get('/api/v1/leads'), 401);
    expectProblem(await t.call({ method: 'GET', url: '/api/v1/leads' }), 401);
    expectProblem(
      await t.call({ method: 'GET', url: '/api/v1/leads', headers: { cookie: 'lb_session=forged' } }),
      401,
    );
  });

  it('switches between the workspaces a person belongs to, and only those', async () => {
    const c = client(t, asCookie(owner.cookie));
    const ws = await c.post('/api/v1/workspaces', { name: 'Second Co' });
    expect(ws.status).toBe(201);
    let me = await c.get('/api/v1/auth/me');
    expect(me.body.workspace.id).toBe(ws.body.id);
    expect(me.body.workspaces.map((w: any) => w.id).sort()).toEqual([owner.workspaceId, ws.body.id].sort());
    const lead = await c.post('/api/v1/leads', { lastName: 'InSecond' });
    expect(lead.status).toBe(201);
    const sw = await c.post('/api/v1/auth/switch-workspace', { workspaceId: owner.workspaceId });
    expect(sw.status).toBe(200);
    me = await c.get('/api/v1/auth/me');
    expect(me.body.workspace.id).toBe(owner.workspaceId);
    expectProblem(await c.get(`/api/v1/leads/${lead.body.id}`), 404);
    // A workspace the person does not belong to cannot be opened.
    const stranger = await t.signup('Stan');
    expectProblem(await c.post('/api/v1/auth/switch-workspace', { workspaceId: stranger.workspaceId }), 404);
    expect((await c.get('/api/v1/auth/me')).body.workspace.id).toBe(owner.workspaceId);
    // API keys cannot use person-only endpoints.
    expectProblem(
      await client(t, owner).post('/api/v1/auth/switch-workspace', { workspaceId: ws.body.id }),
      403,
    );
  });

  it('stores API keys hashed, shows the secret once, and revokes them at once', async () => {
    const c = client(t, owner);
    const made = await c.post('/api/v1/api-keys', { name: 'Zapier', role: 'rep' });
    expect(made.status).toBe(201);
    const key = made.body.key as string;
    expect(key).toMatch(/^lb_/);
    const [row] = await query<{ key_hash: string; prefix: string }>(
      t,
      `select key_hash, prefix from api_keys where id = '${made.body.id}'`,
    );
    expect(row!.key_hash).not.toBe(key);
    expect(row!.key_hash).not.toContain(key);
    expect(key.startsWith(row!.prefix)).toBe(true);
    const list = await c.get('/api/v1/api-keys');
    expect(list.status).toBe(200);
    const listed = list.body.data.find((k: any) => k.id === made.body.id);
    expect(listed).toMatchObject({ name: 'Zapier', role: 'rep', revokedAt: null });
    expect(listed.key).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(JSON.stringify(list.body)).not.toContain(row!.key_hash);
    const k = client(t, { auth: { authorization: `Bearer ${key}` } });
    expect((await k.get('/api/v1/leads')).status).toBe(200);
    expect((await k.post('/api/v1/leads', { lastName: 'ByKey' })).status).toBe(201);
    const rev = await c.del(`/api/v1/api-keys/${made.body.id}`);
    expect(rev.status).toBe(200);
    expect(rev.body.revokedAt).toEqual(expect.any(String));
    expectProblem(await k.get('/api/v1/leads'), 401);
    expectProblem(await k.post('/api/v1/leads', { lastName: 'ByKey' }), 401);
    expectProblem(
      await t.call({
        method: 'GET',
        url: '/api/v1/leads',
        headers: { authorization: 'Bearer lb_nope_nope' },
      }),
      401,
    );
    expectProblem(
      await t.call({ method: 'GET', url: '/api/v1/leads', headers: { authorization: 'Basic Zm9vOmJhcg==' } }),
      401,
    );
  });

  describe('roles', () => {
    const members: Record<string, { id: string; cookie: string; email: string }> = {};
    let leadId: string;
    beforeAll(async () => {
      const c = client(t, owner);
      leadId = (await c.post('/api/v1/leads', { lastName: 'Target' })).body.id;
      for (const role of ['admin', 'manager', 'rep', 'viewer']) {
        const email = `${role}.${newId()}@example.com`;
        const r = await c.post('/api/v1/members', {
          email,
          name: `${role} person`,
          role,
          password: PASSWORD,
        });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        expect(r.body).toMatchObject({ id: expect.any(String), role, email });
        const login = await t.call({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email, password: PASSWORD },
        });
        expect(login.status).toBe(200);
        members[role] = { id: r.body.id, cookie: cookieOf(login.headers), email };
      }
    });
    const as = (role: string) => client(t, asCookie(members[role]!.cookie));

    it('lets an added member sign in and see the workspace', async () => {
      const me = await as('rep').get('/api/v1/auth/me');
      expect(me.status).toBe(200);
      expect(me.body.workspace).toMatchObject({ id: owner.workspaceId, role: 'rep' });
      const lead = await as('rep').get(`/api/v1/leads/${leadId}`);
      expect(lead.status).toBe(200);
      const list = await client(t, owner).get('/api/v1/members');
      expect(list.body.data.map((m: any) => m.role).sort()).toEqual([
        'admin',
        'manager',
        'owner',
        'rep',
        'viewer',
      ]);
      // Added without a password, a member cannot sign in yet.
      const email = `nopass.${newId()}@example.com`;
      expect(
        (await client(t, owner).post('/api/v1/members', { email, name: 'No Pass', role: 'rep' })).status,
      ).toBe(201);
      expectProblem(
        await t.call({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: '!' } }),
        401,
      );
      expectProblem(
        await t.call({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email, password: 'anything at all' },
        }),
        401,
      );
      expectProblem(
        await client(t, owner).post('/api/v1/members', { email, name: 'Again', role: 'rep' }),
        409,
        ['email'],
      );
    });

    it('adds an existing person by email without touching their password (no account takeover)', async () => {
      const email = `existing.${newId()}@example.com`;
      await t.call({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: { email, password: PASSWORD, name: 'Eve', workspaceName: 'Eve Co' },
      });
      const added = await client(t, owner).post('/api/v1/members', {
        email: email.toUpperCase(),
        name: 'Renamed',
        role: 'viewer',
        password: 'admin chosen password',
      });
      expect(added.status).toBe(201);
      expect(added.body.name).toBe('Eve');
      expectProblem(
        await t.call({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email, password: 'admin chosen password' },
        }),
        401,
      );
      const login = await t.call({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: PASSWORD },
      });
      expect(login.status).toBe(200);
      expect(login.body.workspaces.map((w: any) => w.id)).toContain(owner.workspaceId);
    });

    it('lets a viewer read but not write records (403 on POST, PATCH, DELETE, restore, batch)', async () => {
      const v = as('viewer');
      expect((await v.get('/api/v1/leads')).status).toBe(200);
      expect((await v.get(`/api/v1/leads/${leadId}`)).status).toBe(200);
      for (const path of ['accounts', 'contacts', 'leads', 'deals', 'activities']) {
        expectProblem(
          await v.post(`/api/v1/${path}`, { name: 'X', lastName: 'X', type: 'note', body: 'x' }),
          403,
        );
        expectProblem(await v.post(`/api/v1/${path}/batch`, { records: [{ name: 'X' }] }), 403);
        expectProblem(await v.patch(`/api/v1/${path}/${leadId}`, {}), 403);
        expectProblem(await v.del(`/api/v1/${path}/${leadId}`), 403);
        expectProblem(await v.post(`/api/v1/${path}/${leadId}/restore`), 403);
      }
      expect((await client(t, owner).get(`/api/v1/leads/${leadId}`)).body.deletedAt).toBeNull();
      // A viewer API key is read-only too.
      const key = (await client(t, owner).post('/api/v1/api-keys', { name: 'ro', role: 'viewer' })).body.key;
      const k = client(t, { auth: { authorization: `Bearer ${key}` } });
      expect((await k.get('/api/v1/leads')).status).toBe(200);
      expectProblem(await k.post('/api/v1/leads', { lastName: 'X' }), 403);
      // A rep can write records.
      expect((await as('rep').patch(`/api/v1/leads/${leadId}`, { title: 'By rep' })).status).toBe(200);
    });

    it('lets only admins and owners manage members, API keys and workspace settings', async () => {
      for (const role of ['manager', 'rep', 'viewer']) {
        const c = as(role);
        expectProblem(
          await c.post('/api/v1/members', { email: `x.${newId()}@example.com`, name: 'X', role: 'rep' }),
          403,
        );
        expectProblem(await c.patch(`/api/v1/members/${members.viewer!.id}`, { role: 'admin' }), 403);
        expectProblem(await c.del(`/api/v1/members/${members.viewer!.id}`), 403);
        expectProblem(await c.get('/api/v1/api-keys'), 403);
        expectProblem(await c.post('/api/v1/api-keys', { name: 'mine' }), 403);
        expectProblem(await c.del(`/api/v1/api-keys/${newId()}`), 403);
        expectProblem(await c.patch('/api/v1/workspace', { name: 'Renamed' }), 403);
      }
      const me = await client(t, owner).get('/api/v1/members');
      expect(me.body.data.find((m: any) => m.id === members.viewer!.id).role).toBe('viewer');
      // An admin can.
      const admin = as('admin');
      expect((await admin.get('/api/v1/api-keys')).status).toBe(200);
      const ws = await admin.patch('/api/v1/workspace', { name: 'Renamed Co', defaultCountry: 'GB' });
      expect(ws.status).toBe(200);
      expect(ws.body).toMatchObject({ name: 'Renamed Co', defaultCountry: 'GB' });
      expect((await admin.patch(`/api/v1/members/${members.viewer!.id}`, { role: 'rep' })).body.role).toBe(
        'rep',
      );
      expect((await admin.patch(`/api/v1/members/${members.viewer!.id}`, { role: 'viewer' })).body.role).toBe(
        'viewer',
      );
      // …but cannot make owners, or add one.
      expectProblem(await admin.patch(`/api/v1/members/${members.viewer!.id}`, { role: 'owner' }), 403);
      expectProblem(
        await admin.post('/api/v1/members', { email: `o.${newId()}@example.com`, name: 'O', role: 'owner' }),
        422,
        ['role'],
      );
      // The last owner stays.
      expectProblem(
        await client(t, asCookie(owner.cookie)).patch(`/api/v1/members/${owner.userId}`, { role: 'admin' }),
        409,
      );
      await client(t, owner).patch('/api/v1/workspace', { defaultCountry: 'US' });
    });

    it('drops access at once when a member is removed or demoted, including their API keys', async () => {
      const c = client(t, owner);
      const email = `temp.${newId()}@example.com`;
      const m = await c.post('/api/v1/members', { email, name: 'Temp', role: 'admin', password: PASSWORD });
      const login = await t.call({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: PASSWORD },
      });
      const temp = client(t, asCookie(cookieOf(login.headers)));
      const key = (await temp.post('/api/v1/api-keys', { name: 'temp admin key', role: 'admin' })).body
        .key as string;
      const k = client(t, { auth: { authorization: `Bearer ${key}` } });
      expect((await k.get('/api/v1/api-keys')).status).toBe(200);
      // Demoted to rep: neither the session nor the key they made keep admin powers.
      expect((await c.patch(`/api/v1/members/${m.body.id}`, { role: 'rep' })).status).toBe(200);
      expectProblem(await temp.get('/api/v1/api-keys'), 403);
      expectProblem(await k.get('/api/v1/api-keys'), 403);
      expectProblem(
        await k.post('/api/v1/members', { email: `y.${newId()}@example.com`, name: 'Y', role: 'admin' }),
        403,
      );
      expect((await k.post('/api/v1/leads', { lastName: 'still a rep' })).status).toBe(201);
      // Removed: nothing works.
      expect((await c.del(`/api/v1/members/${m.body.id}`)).status).toBe(204);
      expectProblem(await temp.get('/api/v1/leads'), 403);
      expectProblem(await k.get('/api/v1/leads'), 401);
    });
  });
});
