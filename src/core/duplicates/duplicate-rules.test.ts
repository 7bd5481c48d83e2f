import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, expectProblem } from '../../../test/helpers.js';
import { settleJobs } from '../jobs/jobs.service.js';
import { newId } from '../shared/ids.js';

const RULES = '/api/v1/duplicate-rules';

describe.each(DB_KINDS)('duplicate rules: conditions and access on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
  });
  afterAll(async () => {
    await settleJobs();
    await t?.close();
  });

  /** A fresh workspace (rules apply to a whole workspace) with its admin client. */
  const workspace = async (name: string): Promise<{ s: Session; c: Client }> => {
    const s = await t.signup(name);
    return { s, c: client(t, s) };
  };
  const scan = async (c: Client, entity: string) => {
    const r = await c.post('/api/v1/duplicates/scan', { entity });
    expect(r.status).toBe(202);
    await settleJobs();
    const job = await c.get(`/api/v1/jobs/${r.body.jobId}`);
    expect(job.body.status, JSON.stringify(job.body)).toBe('succeeded');
    const pairs = await c.get(`/api/v1/duplicates?entity=${entity}&limit=200`);
    return pairs.body.data.map((p: { recordIds: string[] }) => [...p.recordIds].sort().join());
  };
  const pair = (a: string, b: string) => [a, b].sort().join();

  it('validates a condition against the fields of the rule entity, naming condition.<path>', async () => {
    const { c } = await workspace('Validate');
    const base = { entity: 'lead', name: 'R', fields: [{ field: 'email', match: 'exact' }], action: 'block' };
    expectProblem(await c.post(RULES, { ...base, condition: { field: 'nope', op: 'eq', value: 1 } }), 422, [
      ['condition.field', /not a known lead field/],
    ]);
    expectProblem(
      await c.post(RULES, {
        ...base,
        condition: {
          all: [
            { field: 'source', op: 'eq', value: 'partner' },
            { field: 'score', op: 'gte', value: 'high' },
          ],
        },
      }),
      422,
      [['condition.all.1.value', /number/]],
    );
    expectProblem(
      await c.post(RULES, { ...base, condition: { field: 'source', op: 'changed_to', value: 'x' } }),
      422,
      ['condition.op'],
    );
    // Contact fields are not account fields: an account rule refuses a contact field.
    expectProblem(
      await c.post(RULES, {
        entity: 'account',
        name: 'A',
        fields: [{ field: 'domain', match: 'exact' }],
        condition: { field: 'lastName', op: 'eq', value: 'x' },
      }),
      422,
      ['condition.field'],
    );
    const ok = await c.post(RULES, {
      ...base,
      condition: { any: [{ field: 'source', op: 'in', value: ['partner', 'referral'] }] },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.condition).toEqual({
      any: [{ field: 'source', op: 'in', value: ['partner', 'referral'] }],
    });
    // Update: validated the same way against the rule's entity; null removes it.
    expectProblem(
      await c.patch(`${RULES}/${ok.body.id}`, { condition: { field: 'contact.nope', op: 'is_empty' } }),
      422,
      ['condition.field'],
    );
    const cleared = await c.patch(`${RULES}/${ok.body.id}`, { condition: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.condition).toBeNull();
  });

  it('at write time a block rule with condition source = partner blocks a partner duplicate, a website one links', async () => {
    const { c } = await workspace('Partner');
    const block = await c.post(RULES, {
      entity: 'lead',
      name: 'Partner leads must be new people',
      fields: [{ field: 'email', match: 'exact' }],
      action: 'block',
      condition: { field: 'source', op: 'eq', value: 'partner' },
      position: 0,
    });
    expect(block.status, JSON.stringify(block.body)).toBe(201);
    const link = await c.post(RULES, {
      entity: 'lead',
      name: 'Same email',
      fields: [{ field: 'email', match: 'exact' }],
      action: 'link',
      position: 1,
    });
    expect(link.status).toBe(201);
    const email = `ana.${newId()}@example.com`;
    const first = await c.post('/api/v1/leads', {
      firstName: 'Ana',
      lastName: 'Silva',
      email,
      source: 'website',
    });
    expect(first.status).toBe(201);
    const partner = await c.post('/api/v1/leads', {
      firstName: 'Ana',
      lastName: 'Silva',
      email: email.toUpperCase(),
      source: 'partner',
    });
    expectProblem(partner, 409);
    expect(partner.body.candidates).toEqual([
      expect.objectContaining({ id: first.body.contactId, ruleId: block.body.id, rule: block.body.name }),
    ]);
    const website = await c.post('/api/v1/leads', {
      firstName: 'Ana',
      email,
      source: 'website',
      title: 'Solar',
    });
    expect(website.status, JSON.stringify(website.body)).toBe(201);
    expect(website.body.contactId).toBe(first.body.contactId);
    // The condition reads the lead's contact fields too (as the lead will be written).
    await c.patch(`${RULES}/${block.body.id}`, {
      condition: {
        all: [
          { field: 'source', op: 'eq', value: 'partner' },
          { field: 'company', op: 'eq', value: 'Acme' },
        ],
      },
    });
    const otherCompany = await c.post('/api/v1/leads', { email, source: 'partner', company: 'Globex' });
    expect(otherCompany.status, JSON.stringify(otherCompany.body)).toBe(201);
    expect(otherCompany.body.contactId).toBe(first.body.contactId);
    expectProblem(await c.post('/api/v1/leads', { email, source: 'partner', company: 'Acme' }), 409);
    // Deactivated: no longer applies.
    await c.patch(`${RULES}/${block.body.id}`, { active: false });
    expect((await c.post('/api/v1/leads', { email, source: 'partner', company: 'Acme' })).status).toBe(201);
  });

  it('contact and account rules apply only to records meeting their condition, on create and update', async () => {
    const { c } = await workspace('Contacts');
    await c.post(RULES, {
      entity: 'contact',
      name: 'Active customers are unique by phone',
      fields: [{ field: 'phone', match: 'exact' }],
      action: 'block',
      condition: { field: 'status', op: 'eq', value: 'active' },
    });
    const a = await c.post('/api/v1/contacts', {
      firstName: 'Li',
      lastName: 'Wei',
      phone: '+1 415 555 0111',
    });
    expect(a.status).toBe(201);
    // Default status (prospect) does not meet the condition: no rule applies, a second contact is made.
    const b = await c.post('/api/v1/contacts', { firstName: 'Li', phone: '415 555 0111' });
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    const blocked = await c.post('/api/v1/contacts', {
      firstName: 'Li',
      phone: '4155550111',
      status: 'active',
    });
    expectProblem(blocked, 409);
    expect(blocked.body.candidates.map((x: { id: string }) => x.id).sort()).toEqual(
      [a.body.id, b.body.id].sort(),
    );
    // An update is checked as the record will be after it: a phone change of an active contact.
    const active = await c.post('/api/v1/contacts', {
      firstName: 'Mo',
      phone: '+1 415 555 0122',
      status: 'active',
    });
    expect(active.status).toBe(201);
    expectProblem(await c.patch(`/api/v1/contacts/${active.body.id}`, { phone: '+1 415 555 0111' }), 409);

    await c.post(RULES, {
      entity: 'account',
      name: 'One software account per domain',
      fields: [{ field: 'domain', match: 'exact' }],
      action: 'block',
      condition: { field: 'industry', op: 'eq', value: 'Software' },
    });
    const acme = await c.post('/api/v1/accounts', { name: 'Acme', domain: 'acme.example' });
    expect(acme.status).toBe(201);
    const retail = await c.post('/api/v1/accounts', {
      name: 'Acme Retail',
      domain: 'ACME.example',
      industry: 'Retail',
    });
    expect(retail.status).toBe(201);
    expectProblem(
      await c.post('/api/v1/accounts', { name: 'Acme Soft', domain: 'acme.example', industry: 'Software' }),
      409,
    );
    expectProblem(
      await c.patch(`/api/v1/accounts/${retail.body.id}`, { industry: 'Software', name: 'Acme Retail Co' }),
      409,
    );
  });

  it('in a scan a conditional rule only pairs records that both meet its condition (contacts and leads)', async () => {
    const { c } = await workspace('Scan');
    await c.post(RULES, {
      entity: 'contact',
      name: 'Partner contacts by email',
      fields: [{ field: 'email', match: 'exact' }],
      action: 'flag',
      condition: { field: 'source', op: 'eq', value: 'partner' },
    });
    const mk = async (email: string, source: string) =>
      (await c.post('/api/v1/contacts', { firstName: 'X', email, source })).body.id as string;
    const p1 = await mk('p@example.com', 'partner');
    const p2 = await mk('p@example.com', 'partner');
    const w1 = await mk('w@example.com', 'website');
    const w2 = await mk('w@example.com', 'partner');
    // At write time each partner contact was checked (and flagged) as it was written.
    const flagged = await c.get('/api/v1/duplicates?entity=contact&limit=200');
    expect(
      flagged.body.data.map((p: { recordIds: string[] }) => [...p.recordIds].sort().join()).sort(),
    ).toEqual([pair(p1, p2), pair(w1, w2)].sort());
    // The scan considers only records meeting the condition: the website contact is out of scope.
    expect(await scan(c, 'contact')).toEqual([pair(p1, p2)]);

    // Lead rules in a lead scan: the pair's leads must both meet the lead condition.
    await c.post(RULES, {
      entity: 'lead',
      name: 'Partner leads by email',
      fields: [{ field: 'email', match: 'exact' }],
      action: 'flag',
      condition: { field: 'source', op: 'eq', value: 'partner' },
    });
    const lead = async (email: string, source: string) =>
      (await c.post('/api/v1/leads', { firstName: 'Y', email, source })).body as {
        id: string;
        isDuplicate: boolean;
      };
    const l1 = await lead('l@example.com', 'partner');
    const l2 = await lead('l@example.com', 'partner');
    const l3 = await lead('m@example.com', 'website');
    const l4 = await lead('m@example.com', 'partner');
    expect([l1.isDuplicate, l2.isDuplicate, l3.isDuplicate, l4.isDuplicate]).toEqual([
      false,
      true,
      false,
      true,
    ]);
    expect(await scan(c, 'lead')).toEqual([pair(l1.id, l2.id)]);
  });

  it('reading rules is for every member; creating, changing and deleting them needs admin or owner', async () => {
    const { c } = await workspace('Access');
    const keyFor = async (role: string) => {
      const k = await c.post('/api/v1/api-keys', { name: role, role });
      expect(k.status).toBe(201);
      return client(t, { auth: { authorization: `Bearer ${k.body.key}` } });
    };
    const rep = await keyFor('rep');
    const manager = await keyFor('manager');
    const admin = await keyFor('admin');
    const body = {
      entity: 'contact',
      name: 'Email',
      fields: [{ field: 'email', match: 'exact' }],
      action: 'link',
    };
    const r = await c.post(RULES, body);
    expect(r.status).toBe(201);
    expect((await rep.get(RULES)).body.data.map((x: { id: string }) => x.id)).toEqual([r.body.id]);
    expect((await rep.get(`${RULES}/${r.body.id}`)).status).toBe(200);
    for (const cl of [rep, manager]) {
      expectProblem(await cl.post(RULES, body), 403);
      expectProblem(await cl.patch(`${RULES}/${r.body.id}`, { active: false }), 403);
      expectProblem(await cl.del(`${RULES}/${r.body.id}`), 403);
      expectProblem(await cl.post(`${RULES}/${r.body.id}/restore`), 403);
      expectProblem(await cl.post(`${RULES}/batch`, { records: [body] }), 403);
    }
    // Nothing changed: still the one active rule.
    expect((await c.get(RULES)).body.data).toEqual([
      expect.objectContaining({ id: r.body.id, active: true, version: 1 }),
    ]);
    const made = await admin.post(RULES, { ...body, name: 'By admin' });
    expect(made.status).toBe(201);
    expect((await admin.patch(`${RULES}/${made.body.id}`, { active: false })).body.active).toBe(false);
    expect((await admin.del(`${RULES}/${made.body.id}`)).status).toBe(200);
  });
});
