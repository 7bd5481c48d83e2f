import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { query } from '../../../test/helpers.js';

/** The six scenarios of seeds/contact-lead-bidirectional-sync.md, through the API, plus SPEC 2's edges. */
describe.each(DB_KINDS)('contact ↔ lead lifecycle on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let stages: Record<string, string>;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup();
    const p = await t.call({ method: 'GET', url: '/api/v1/pipelines', headers: s.auth });
    stages = Object.fromEntries(
      p.body.data[0].stages.map((x: { name: string; id: string }) => [x.name, x.id]),
    );
  });
  afterAll(() => t.close());

  const get = async (url: string) => (await t.call({ method: 'GET', url, headers: s.auth })).body;
  const post = (url: string, payload: Record<string, unknown>) =>
    t.call({ method: 'POST', url, headers: s.auth, payload });
  const patch = (url: string, payload: Record<string, unknown>) =>
    t.call({ method: 'PATCH', url, headers: s.auth, payload });
  const leadsOf = async (contactId: string) =>
    (await get(`/api/v1/leads?contactId=${contactId}&sort=createdAt`)).data as any[];
  const timeline = async (contactId: string) =>
    ((await get(`/api/v1/contacts/${contactId}/timeline`)).data as any[]).map((a) => a.subject as string);

  it('1. a contact created with status lead gets an open lead, linked, showing the same data', async () => {
    const c = await post('/api/v1/contacts', {
      firstName: 'Jane',
      lastName: 'Smith',
      email: 'jane@acme.example',
      phone: '+1 415 555 0101',
      companyName: 'Acme Corp',
      status: 'lead',
      source: 'trade show',
    });
    expect(c.status).toBe(201);
    const leads = await leadsOf(c.body.id);
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      contactId: c.body.id,
      status: 'new',
      priority: 'medium',
      source: 'trade show',
      autoCreatedFromContact: true,
      firstName: 'Jane',
      lastName: 'Smith',
      email: 'jane@acme.example',
      phone: '+14155550101',
      company: 'Acme Corp',
    });
    expect(await timeline(c.body.id)).toContain('Lead created automatically: the contact is a Lead');
    // Without a source the lead's source is "website".
    const d = await post('/api/v1/contacts', { firstName: 'No', lastName: 'Source', status: 'lead' });
    expect((await leadsOf(d.body.id))[0].source).toBe('website');
    // A contact created as prospect gets none.
    const e = await post('/api/v1/contacts', { firstName: 'Pat', status: 'prospect' });
    expect(await leadsOf(e.body.id)).toHaveLength(0);
  });

  it('2. moving a contact to lead creates a lead (once); lead → active marks it won', async () => {
    const c = await post('/api/v1/contacts', { firstName: 'Omar', lastName: 'Haddad', status: 'active' });
    expect(await leadsOf(c.body.id)).toHaveLength(0);
    const toLead = await patch(`/api/v1/contacts/${c.body.id}`, { status: 'lead' });
    expect(toLead.status).toBe(200);
    const [lead] = await leadsOf(c.body.id);
    expect(lead).toMatchObject({ status: 'new', autoCreatedFromContact: true });
    // Back and forth does not create a second open lead.
    await patch(`/api/v1/contacts/${c.body.id}`, { status: 'prospect' });
    await patch(`/api/v1/contacts/${c.body.id}`, { status: 'lead' });
    expect(await leadsOf(c.body.id)).toHaveLength(1);

    const toActive = await patch(`/api/v1/contacts/${c.body.id}`, { status: 'active' });
    expect(toActive.status).toBe(200);
    expect(toActive.body).toMatchObject({ status: 'active', isConvertedFromLead: true });
    expect(toActive.body.conversionDate).toBeTruthy();
    const won = await get(`/api/v1/leads/${lead.id}`);
    expect(won).toMatchObject({ status: 'won', stageName: 'Won' });
    expect(won.convertedAt).toBeTruthy();
    const tl = await timeline(c.body.id);
    expect(tl).toContain('Status: Lead → Active');
    expect(tl).toContain('Stage: New → Won (the contact became Active)');
  });

  it('3. contact data edited on the contact shows on its lead (no copy to sync)', async () => {
    const c = await post('/api/v1/contacts', { firstName: 'Li', email: 'li@old.example', status: 'lead' });
    const [lead] = await leadsOf(c.body.id);
    await patch(`/api/v1/contacts/${c.body.id}`, { email: 'li@new.example', phone: '4155550102' });
    expect(await get(`/api/v1/leads/${lead.id}`)).toMatchObject({
      email: 'li@new.example',
      phone: '+14155550102',
    });
  });

  it('4. a lead moved to won makes its contact active and converted; lost leaves the contact', async () => {
    const a = await post('/api/v1/leads', { firstName: 'Ravi', email: 'ravi@x.example', title: 'Solar' });
    expect(a.status).toBe(201);
    // A contact created through its first open lead is a lead.
    expect((await get(`/api/v1/contacts/${a.body.contactId}`)).status).toBe('lead');
    const won = await patch(`/api/v1/leads/${a.body.id}`, { stageId: stages.Won });
    expect(won.status).toBe(200);
    expect(won.body).toMatchObject({ status: 'won' });
    expect(won.body.convertedAt).toBeTruthy();
    const contact = await get(`/api/v1/contacts/${a.body.contactId}`);
    expect(contact).toMatchObject({ status: 'active', isConvertedFromLead: true });
    expect(contact.conversionDate).toBeTruthy();
    // The ETag of the answer covers the contact version the rule wrote.
    expect(won.body.contactVersion).toBe(contact.version);

    const b = await post('/api/v1/leads', { firstName: 'Mia', email: 'mia@x.example' });
    const lost = await patch(`/api/v1/leads/${b.body.id}`, { status: 'lost', lostReason: 'budget' });
    expect(lost.body.status).toBe('lost');
    expect((await get(`/api/v1/contacts/${b.body.contactId}`)).status).toBe('lead');
  });

  it('5. contact fields edited through a lead are written to the contact', async () => {
    const a = await post('/api/v1/leads', { firstName: 'Ken', email: 'ken@x.example' });
    const r = await patch(`/api/v1/leads/${a.body.id}`, {
      email: 'ken@y.example',
      phone: '(415) 555-0103',
      lastName: 'Adams',
    });
    expect(r.status).toBe(200);
    expect(await get(`/api/v1/contacts/${a.body.contactId}`)).toMatchObject({
      email: 'ken@y.example',
      phone: '+14155550103',
      lastName: 'Adams',
    });
  });

  it('6. bad input creates neither contact nor lead; a failing rule rolls back its cause', async () => {
    const before = (await get('/api/v1/contacts?limit=200')).data.length;
    const bad = await post('/api/v1/contacts', { firstName: 'X', status: 'lead', email: 'not-an-email' });
    expect(bad.status).toBe(422);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(bad.body.errors[0].field).toBe('email');
    expect((await get('/api/v1/contacts?limit=200')).data.length).toBe(before);

    // A rule that cannot be applied (the pipeline has no won stage) fails the whole change.
    const c = await post('/api/v1/contacts', { firstName: 'Rollback', status: 'lead' });
    const [lead] = await leadsOf(c.body.id);
    await query(
      t,
      `update stages set type = 'open' where workspace_id = '${s.workspaceId}' and name = 'Won'`,
    );
    try {
      const r = await patch(`/api/v1/contacts/${c.body.id}`, { status: 'active', jobTitle: 'CTO' });
      expect(r.status).toBe(409);
      const after = await get(`/api/v1/contacts/${c.body.id}`);
      expect(after).toMatchObject({ status: 'lead', jobTitle: null, version: c.body.version });
      expect((await get(`/api/v1/leads/${lead.id}`)).status).toBe('new');
    } finally {
      await query(
        t,
        `update stages set type = 'won' where workspace_id = '${s.workspaceId}' and name = 'Won'`,
      );
    }
  });

  it('a second product interest of a customer leaves the customer active; of a prospect makes it a lead', async () => {
    const customer = await post('/api/v1/contacts', { firstName: 'Ada', status: 'active' });
    const l = await post('/api/v1/leads', { contactId: customer.body.id, productInterest: 'Solar' });
    expect(l.status).toBe(201);
    expect((await get(`/api/v1/contacts/${customer.body.id}`)).status).toBe('active');
    const prospect = await post('/api/v1/contacts', { firstName: 'Bo', status: 'prospect' });
    await post('/api/v1/leads', { contactId: prospect.body.id, productInterest: 'Roof' });
    expect((await get(`/api/v1/contacts/${prospect.body.id}`)).status).toBe('lead');
    expect(await timeline(prospect.body.id)).toContain('Status: Prospect → Lead (it has an open lead)');
  });

  it('winning a manual lead does not win the auto-created one', async () => {
    const c = await post('/api/v1/contacts', { firstName: 'Eve', status: 'lead' });
    const [auto] = await leadsOf(c.body.id);
    const manual = await post('/api/v1/leads', { contactId: c.body.id, productInterest: 'Windows' });
    await patch(`/api/v1/leads/${manual.body.id}`, { status: 'won' });
    expect((await get(`/api/v1/contacts/${c.body.id}`)).status).toBe('active');
    expect((await get(`/api/v1/leads/${auto.id}`)).status).toBe('new');
  });

  it('contact status and owner changes appear on the contact timeline', async () => {
    const c = await post('/api/v1/contacts', { firstName: 'Tim', status: 'prospect' });
    await patch(`/api/v1/contacts/${c.body.id}`, { ownerId: s.userId, status: 'inactive' });
    const tl = await timeline(c.body.id);
    expect(tl).toContain('Contact owner changed');
    expect(tl).toContain('Status: Prospect → Inactive');
  });
});
