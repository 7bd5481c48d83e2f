import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { query } from '../../../test/helpers.js';
import { newId } from '../shared/ids.js';

describe.each(DB_KINDS)('lead conversion on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup();
  });
  afterAll(() => t.close());

  const get = async (url: string) => (await t.call({ method: 'GET', url, headers: s.auth })).body;
  const post = (url: string, payload: Record<string, unknown>) =>
    t.call({ method: 'POST', url, headers: s.auth, payload });
  const count = async (table: string) =>
    Number(
      (
        await query<{ n: string }>(
          t,
          `select count(*) n from ${table} where workspace_id = '${s.workspaceId}'`,
        )
      )[0]!.n,
    );

  it('previews without writing, then converts into a new account, a contact link and a deal', async () => {
    const lead = await post('/api/v1/leads', {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@navyyard.example',
      company: 'Navy Yard Inc.',
      title: 'Compiler licences',
      dealValue: '12500.50',
      expectedCloseDate: '2027-01-31',
    });
    expect(lead.status).toBe(201);
    const before = {
      accounts: await count('accounts'),
      deals: await count('deals'),
      audit: await count('audit_entries'),
    };

    const preview = await post(`/api/v1/leads/${lead.body.id}/convert`, { preview: true });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      preview: true,
      account: {
        action: 'create',
        id: null,
        name: 'Navy Yard Inc.',
        domain: 'navyyard.example',
        matchedBy: 'none',
      },
      deal: {
        action: 'create',
        id: null,
        name: 'Compiler licences',
        amount: '12500.50',
        closeDate: '2027-01-31',
      },
      contact: { id: lead.body.contactId, accountChange: 'link' },
      lead: { status: 'won' },
    });
    expect({
      accounts: await count('accounts'),
      deals: await count('deals'),
      audit: await count('audit_entries'),
    }).toEqual(before);
    expect((await get(`/api/v1/leads/${lead.body.id}`)).convertedAt).toBeNull();

    const done = await post(`/api/v1/leads/${lead.body.id}/convert`, {});
    expect(done.status).toBe(200);
    expect(done.body.preview).toBe(false);
    const accountId = done.body.account.id;
    const dealId = done.body.deal.id;
    expect(accountId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await get(`/api/v1/accounts/${accountId}`)).toMatchObject({
      name: 'Navy Yard Inc.',
      domain: 'navyyard.example',
    });
    expect(await get(`/api/v1/deals/${dealId}`)).toMatchObject({
      name: 'Compiler licences',
      amount: '12500.50',
      closeDate: '2027-01-31',
      accountId,
      primaryContactId: lead.body.contactId,
      originLeadId: lead.body.id,
    });
    expect(await get(`/api/v1/contacts/${lead.body.contactId}`)).toMatchObject({
      accountId,
      status: 'active',
      isConvertedFromLead: true,
    });
    const after = await get(`/api/v1/leads/${lead.body.id}`);
    expect(after).toMatchObject({ status: 'won', convertedAccountId: accountId, convertedDealId: dealId });
    expect(after.convertedAt).toBeTruthy();
    const timeline = (await get(`/api/v1/leads/${lead.body.id}/timeline`)).data.map((a: any) => a.subject);
    expect(timeline).toContain('Converted · account Navy Yard Inc. (new) · deal Compiler licences (new)');

    // Converting twice is refused.
    const again = await post(`/api/v1/leads/${lead.body.id}/convert`, {});
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toMatch(/problem\+json/);
  });

  it('links an account matched by email domain, else by a similar name; free-mail domains are not matched', async () => {
    const byDomain = await post('/api/v1/accounts', {
      name: 'Initech LLC',
      domain: 'Initech.example',
    });
    expect(byDomain.status, JSON.stringify(byDomain.body)).toBe(201);
    const a = await post('/api/v1/leads', {
      firstName: 'Peter',
      email: 'peter@initech.example',
      company: 'Something else',
    });
    const pa = await post(`/api/v1/leads/${a.body.id}/convert`, { preview: true });
    expect(pa.body.account).toMatchObject({ action: 'link', id: byDomain.body.id, matchedBy: 'domain' });

    const byName = await post('/api/v1/accounts', { name: 'Globex Corporation' });
    const b = await post('/api/v1/leads', {
      firstName: 'Hank',
      email: 'hank@gmail.com',
      company: 'GLOBEX Corp.',
    });
    const pb = await post(`/api/v1/leads/${b.body.id}/convert`, { preview: true });
    expect(pb.body.account).toMatchObject({
      action: 'link',
      id: byName.body.id,
      matchedBy: 'name',
      domain: null,
    });
    expect(pb.body.account.similarity).toBeGreaterThanOrEqual(0.6);

    const c = await post('/api/v1/leads', {
      firstName: 'Solo',
      email: 'solo@gmail.com',
      company: 'Umbrella Holdings',
    });
    const pc = await post(`/api/v1/leads/${c.body.id}/convert`, { preview: true });
    expect(pc.body.account).toMatchObject({ action: 'create', name: 'Umbrella Holdings', domain: null });

    // A private person with no company: no account unless asked for.
    const d = await post('/api/v1/leads', { firstName: 'Home', lastName: 'Owner', email: 'home@gmail.com' });
    const pd = await post(`/api/v1/leads/${d.body.id}/convert`, { preview: true });
    expect(pd.body.account).toBeNull();
    const bad = await post(`/api/v1/leads/${d.body.id}/convert`, { account: { action: 'create' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('account.name');
  });

  it('adds the lead to an existing deal', async () => {
    const deal = await post('/api/v1/deals', { name: 'Fleet renewal', amount: '90000' });
    const lead = await post('/api/v1/leads', {
      firstName: 'Second',
      email: 'second@fleet.example',
      company: 'Fleet Co',
    });
    const r = await post(`/api/v1/leads/${lead.body.id}/convert`, {
      deal: { action: 'link', id: deal.body.id },
      account: { action: 'none' },
    });
    expect(r.status).toBe(200);
    expect(r.body.deal).toMatchObject({ action: 'link', id: deal.body.id, name: 'Fleet renewal' });
    expect(r.body.account).toBeNull();
    expect(await get(`/api/v1/deals/${deal.body.id}`)).toMatchObject({
      originLeadId: lead.body.id,
      primaryContactId: lead.body.contactId,
      amount: '90000.00',
    });
    expect((await get(`/api/v1/leads/${lead.body.id}`)).convertedDealId).toBe(deal.body.id);
  });

  it('maps custom values by key and compatible type, and says what it skipped', async () => {
    const def = (entity: string, key: string, type: string) =>
      query(
        t,
        `insert into custom_field_definitions (workspace_id, id, entity, key, label, type) values ('${s.workspaceId}', '${newId()}', '${entity}', '${key}', '${key}', '${type}')`,
      );
    await def('lead', 'budget', 'number');
    await def('deal', 'budget', 'money');
    await def('lead', 'roof_type', 'text');
    await def('deal', 'roof_type', 'number');
    await def('lead', 'notes_x', 'text');
    await def('contact', 'segment', 'select');
    await def('account', 'segment', 'select');
    const lead = await post('/api/v1/leads', {
      firstName: 'Custom',
      email: 'c@custom.example',
      company: 'Custom Ltd',
    });
    await query(
      t,
      `update leads set custom = '{"budget": 5000, "roof_type": "slate", "notes_x": "hi"}' where id = '${lead.body.id}'`,
    );
    await query(t, `update contacts set custom = '{"segment": "smb"}' where id = '${lead.body.contactId}'`);
    const r = await post(`/api/v1/leads/${lead.body.id}/convert`, {});
    expect(r.status).toBe(200);
    expect(r.body.customFields.mapped).toEqual(
      expect.arrayContaining([
        { key: 'budget', from: 'lead', to: 'deal', value: 5000 },
        { key: 'segment', from: 'contact', to: 'account', value: 'smb' },
      ]),
    );
    expect(r.body.customFields.skipped).toEqual(
      expect.arrayContaining([
        { key: 'roof_type', from: 'lead', reason: 'types differ (lead: text, deal: number)' },
        { key: 'notes_x', from: 'lead', reason: 'no deal field has the key notes_x' },
      ]),
    );
    const [deal] = await query<{ custom: Record<string, unknown> }>(
      t,
      `select custom from deals where id = '${r.body.deal.id}'`,
    );
    expect(deal!.custom).toEqual({ budget: 5000 });
    const [account] = await query<{ custom: Record<string, unknown> }>(
      t,
      `select custom from accounts where id = '${r.body.account.id}'`,
    );
    expect(account!.custom).toEqual({ segment: 'smb' });
  });

  it('is all or nothing: a failing step leaves no account, deal or change behind', async () => {
    const lead = await post('/api/v1/leads', {
      firstName: 'Atomic',
      email: 'a@atomic.example',
      company: 'Atomic Labs',
    });
    const before = { accounts: await count('accounts'), deals: await count('deals') };
    const r = await post(`/api/v1/leads/${lead.body.id}/convert`, {
      deal: { action: 'create', ownerId: newId() },
    });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].field).toBe('ownerId');
    expect({ accounts: await count('accounts'), deals: await count('deals') }).toEqual(before);
    const l = await get(`/api/v1/leads/${lead.body.id}`);
    expect(l).toMatchObject({ convertedAt: null, status: 'new', version: lead.body.version });
    expect((await get(`/api/v1/contacts/${lead.body.contactId}`)).accountId).toBeNull();

    const other = await t.signup('Other');
    const foreign = await t.call({
      method: 'POST',
      url: `/api/v1/leads/${lead.body.id}/convert`,
      headers: other.auth,
      payload: { preview: true },
    });
    expect(foreign.status).toBe(404);
    const linkMissing = await post(`/api/v1/leads/${lead.body.id}/convert`, { deal: { action: 'link' } });
    expect(linkMissing.status).toBe(422);
    expect(linkMissing.body.errors[0].field).toBe('deal.id');
  });
});
