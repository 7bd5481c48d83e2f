import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/core/shared/ids.js';
import { type Session, type TestApp, testApp } from './app.js';
import { DB_KINDS } from './db.js';
import { type Client, client, countRows, expectProblem, walk } from './helpers.js';

/** Every mutation writes an audit entry in its own transaction; a failed one writes none. */

const RECORDS: {
  path: string;
  entity: string;
  make: () => Record<string, unknown>;
  patch: Record<string, unknown>;
}[] = [
  { path: 'accounts', entity: 'account', make: () => ({ name: 'Acme' }), patch: { industry: 'solar' } },
  {
    path: 'contacts',
    entity: 'contact',
    make: () => ({ lastName: 'Nguyen', email: `n.${newId()}@example.com` }),
    patch: { jobTitle: 'CFO' },
  },
  {
    path: 'leads',
    entity: 'lead',
    make: () => ({ lastName: 'Okafor', title: 'Solar' }),
    patch: { title: 'Roof' },
  },
  {
    path: 'deals',
    entity: 'deal',
    make: () => ({ name: 'Big deal', amount: 1000 }),
    patch: { amount: '2500.50' },
  },
];

describe.each(DB_KINDS)('audit on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  let contactId: string;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup();
    c = client(t, s);
    contactId = (await c.post('/api/v1/contacts', { lastName: 'Timeline' })).body.id;
  });
  afterAll(() => t.close());

  const auditOf = async (entity: string, id: string) => {
    const r = await c.get(`/api/v1/audit?entity=${entity}&id=${id}`);
    expect(r.status).toBe(200);
    return [...r.body.data].reverse(); // oldest first
  };
  const auditCount = async () => (await countRows(t, ['audit_entries'])).audit_entries!;

  const all = [
    ...RECORDS,
    {
      path: 'activities',
      entity: 'activity',
      make: () => ({ type: 'call', contactId, subject: 'Hi' }),
      patch: { outcome: 'connected' },
    },
  ];

  it.each(all)(
    'records create, update, delete and restore of $entity with actor, before and after',
    async (R) => {
      const base = `/api/v1/${R.path}`;
      const created = await c.post(base, R.make());
      expect(created.status).toBe(201);
      const id = created.body.id;
      const updated = await c.patch(`${base}/${id}`, R.patch);
      expect(updated.status).toBe(200);
      const deleted = await c.del(`${base}/${id}`);
      const restored = await c.post(`${base}/${id}/restore`);
      expect(restored.status).toBe(200);
      const entries = await auditOf(R.entity, id);
      expect(entries.map((e) => e.action)).toEqual(['create', 'update', 'delete', 'restore']);
      for (const e of entries) {
        expect(e).toMatchObject({
          entity: R.entity,
          entityId: id,
          actorUserId: s.userId,
          actorApiKeyId: expect.any(String),
        });
        expect(e.requestId).toEqual(expect.any(String));
        expect(Date.parse(e.at)).not.toBeNaN();
      }
      const [cr, up, de, re] = entries;
      expect(cr.before).toBeNull();
      expect(cr.after).toEqual(created.body);
      expect(up.before).toEqual(created.body);
      expect(up.after).toEqual(updated.body);
      const [field, value] = Object.entries(R.patch)[0]!;
      expect(up.before[field]).not.toEqual(value);
      expect(up.after[field]).toEqual(value);
      expect(de.before.deletedAt).toBeNull();
      expect(de.after).toEqual(deleted.body);
      expect(re.before.deletedAt).toEqual(deleted.body.deletedAt);
      expect(re.after).toEqual(restored.body);
      // Deleting twice, or restoring what is not deleted, changes nothing and records nothing.
      await c.post(`${base}/${id}/restore`);
      expect((await auditOf(R.entity, id)).length).toBe(4);
    },
  );

  it('records the contact a lead creates, and contact edits made through the lead', async () => {
    const lead = await c.post('/api/v1/leads', {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: `ada.${newId()}@example.com`,
    });
    const contactAudit = await auditOf('contact', lead.body.contactId);
    expect(contactAudit.map((e) => e.action)).toEqual(['create']);
    await c.patch(`/api/v1/leads/${lead.body.id}`, { jobTitle: 'Analyst' });
    const after = await auditOf('contact', lead.body.contactId);
    expect(after.map((e) => e.action)).toEqual(['create', 'update']);
    expect(after[1].before.jobTitle).toBeNull();
    expect(after[1].after.jobTitle).toBe('Analyst');
  });

  it('records members, API keys and workspace settings', async () => {
    const m = await c.post('/api/v1/members', {
      email: `m.${newId()}@example.com`,
      name: 'Max',
      role: 'rep',
    });
    await c.patch(`/api/v1/members/${m.body.id}`, { role: 'manager' });
    await c.del(`/api/v1/members/${m.body.id}`);
    expect(
      (await auditOf('member', m.body.id)).map((e) => [e.action, e.after?.role ?? e.before?.role]),
    ).toEqual([
      ['create', 'rep'],
      ['update', 'manager'],
      ['delete', 'manager'],
    ]);
    const k = await c.post('/api/v1/api-keys', { name: 'k' });
    await c.del(`/api/v1/api-keys/${k.body.id}`);
    const keyAudit = await auditOf('api_key', k.body.id);
    expect(keyAudit.map((e) => e.action)).toEqual(['create', 'revoke']);
    // The secret is never written to the audit log.
    expect(JSON.stringify(keyAudit)).not.toContain(k.body.key);
    await c.patch('/api/v1/workspace', { name: 'Audited Co' });
    const ws = await auditOf('workspace', s.workspaceId);
    expect(ws.at(-1)).toMatchObject({ action: 'update', after: { name: 'Audited Co' } });
  });

  it('writes no audit entry when a mutation fails', async () => {
    const lead = (await c.post('/api/v1/leads', { lastName: 'Stable' })).body;
    const before = await auditCount();
    const rowsBefore = await countRows(t, ['accounts', 'contacts', 'leads', 'deals', 'activities']);
    // An atomic batch whose third record fails after two were inserted in the same transaction.
    const batch = await c.post('/api/v1/leads/batch', {
      mode: 'atomic',
      records: [{ lastName: 'One' }, { lastName: 'Two' }, { lastName: 'Three', ownerId: newId() }],
    });
    expectProblem(batch, 422, ['records[2].ownerId']);
    const accBatch = await c.post('/api/v1/accounts/batch', {
      records: [{ name: 'A' }, { name: 'B', accountType: 'alien' }],
    });
    expectProblem(accBatch, 422, ['records[1].accountType']);
    // Stale If-Match, a bad owner, a missing record, a refused stage.
    expectProblem(await c.patch(`/api/v1/leads/${lead.id}`, { title: 'X' }, { 'if-match': '"0.0"' }), 412);
    expectProblem(await c.patch(`/api/v1/leads/${lead.id}`, { title: 'X', ownerId: newId() }), 422, [
      'ownerId',
    ]);
    expectProblem(
      await c.patch(`/api/v1/leads/${lead.id}`, { firstName: 'Changed', stageId: newId() }),
      422,
      ['stageId'],
    );
    expectProblem(await c.del(`/api/v1/leads/${newId()}`), 404);
    expectProblem(await c.post('/api/v1/deals', { name: 'D', accountId: newId() }), 404, ['accountId']);
    expectProblem(await c.post('/api/v1/leads', { lastName: 'L', phone: '12' }), 422, ['phone']);
    expect(await auditCount()).toBe(before);
    expect(await countRows(t, ['accounts', 'contacts', 'leads', 'deals', 'activities'])).toEqual(rowsBefore);
    // The contact edit that came with the refused stage move was undone too.
    expect((await c.get(`/api/v1/leads/${lead.id}`)).body.firstName).toBeNull();
    // An idempotent replay is not a second mutation.
    const key = newId();
    await c.post('/api/v1/accounts', { name: 'Once' }, { 'idempotency-key': key });
    const afterOne = await auditCount();
    await c.post('/api/v1/accounts', { name: 'Once' }, { 'idempotency-key': key });
    expect(await auditCount()).toBe(afterOne);
  });

  it('keeps the audit log read-only and paged', async () => {
    expectProblem(await c.del('/api/v1/audit'), 404);
    expectProblem(await c.patch('/api/v1/audit', {}), 404);
    const entries = await walk(c, '/api/v1/audit', 7);
    expect(entries.length).toBe(await auditCount());
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    // Another workspace's log is not visible.
    const other = client(t, await t.signup());
    const theirs = await walk(other, '/api/v1/audit', 200);
    expect(theirs.every((e) => !entries.some((m) => m.id === e.id))).toBe(true);
  });
});
