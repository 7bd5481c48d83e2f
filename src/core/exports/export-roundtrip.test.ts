import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, walk } from '../../../test/helpers.js';
import { uploadImport } from '../../../test/multipart.js';
import { settleImports } from '../imports/import-run.js';

/**
 * "An exported file re-imports to the same records": export a list, import the file back
 * (create or update, matched on the Leadbase ID, the suggested mapping), and nothing changes: every
 * column maps back to its field, no row is created or rejected, and a second export is identical.
 */
describe.each(DB_KINDS)('export → import round trip on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Roundtrip');
    c = client(t, s);
    for (const f of [
      { entity: 'lead', key: 'budget', label: 'Budget', type: 'money' },
      { entity: 'lead', key: 'visit', label: 'Site visit', type: 'date' },
      { entity: 'contact', key: 'vip', label: 'VIP', type: 'boolean' },
      {
        entity: 'contact',
        key: 'hobbies',
        label: 'Hobbies',
        type: 'multiselect',
        options: [
          { value: 'golf', label: 'Golf' },
          { value: 'chess', label: 'Chess' },
        ],
      },
    ])
      expect((await c.post('/api/v1/custom-fields', f)).status).toBe(201);
    const leads = [
      {
        firstName: 'Maya',
        lastName: 'Patel',
        email: 'maya@example.com',
        phone: '+14155552671',
        company: 'Patel Homes',
        title: 'Kitchen',
        source: 'web',
        dealValue: '12000.50',
        expectedCloseDate: '2027-01-15',
        ownerId: s.userId,
        address: { street1: '1 Main St', city: 'Springfield', postcode: '01234', country: 'US' },
        customFields: { budget: '9000.00', visit: '2026-12-01' },
        contactCustomFields: { vip: true, hobbies: ['golf', 'chess'] },
      },
      {
        firstName: '=HYPERLINK("http://evil.example","x")',
        lastName: "'quoted",
        email: 'evil@example.com',
        title: '-2+3',
        source: '@partner',
        priority: 'high',
        customFields: { budget: '-250.00' },
        contactCustomFields: { vip: false },
      },
      { firstName: 'Olu', lastName: 'Ade', company: 'Ade, "Quoted" & Co', title: 'Two\nlines' },
    ];
    for (const l of leads) {
      const r = await c.post('/api/v1/leads', l);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  });
  afterAll(async () => {
    await settleImports();
    await t?.close();
  });

  const exportOf = async (format: 'csv' | 'xlsx') => {
    const r = await t.app.inject({
      method: 'GET',
      url: `/api/v1/leads/export?format=${format}&sort=lastName`,
      headers: s.auth,
    });
    expect(r.statusCode, r.body).toBe(200);
    return r.rawPayload;
  };

  for (const format of ['csv', 'xlsx'] as const)
    it(`re-imports a ${format} export of leads to the same records`, async () => {
      const before = await walk(c, '/api/v1/leads?sort=lastName', 50);
      const csvBefore = (await exportOf('csv')).toString('utf8');
      const file = await exportOf(format);
      const up = await uploadImport(
        t,
        s.auth,
        { entity: 'leads', mode: 'upsert', matchOn: 'id' },
        {
          name: `leads.${format}`,
          content: file,
          type:
            format === 'csv'
              ? 'text/csv'
              : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        },
      );
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      // Every exported column maps back to the field it came from.
      const columns = (await c.get('/api/v1/leads/export/columns')).body.data as {
        key: string;
        label: string;
        default: boolean;
      }[];
      const expected = Object.fromEntries(columns.filter((x) => x.default).map((x) => [x.label, x.key]));
      expect(up.body.mapping).toEqual(expected);
      const counts = up.body.preview.counts;
      expect(counts, JSON.stringify(up.body.preview)).toMatchObject({ create: 0, error: 0, duplicate: 0 });
      expect(counts.update + counts.skip).toBe(before.length);

      const run = await c.post(`/api/v1/imports/${up.body.id}/run`);
      expect(run.status, JSON.stringify(run.body)).toBe(202);
      await settleImports();
      const done = await c.get(`/api/v1/imports/${up.body.id}`);
      expect(done.body.status, JSON.stringify(done.body)).toBe('completed');
      expect(done.body.result).toMatchObject({ created: 0, failed: 0 });

      const after = await walk(c, '/api/v1/leads?sort=lastName', 50);
      const strip = (l: Record<string, unknown>) => {
        const { updatedAt: _u, version: _v, contactVersion: _cv, scoredAt: _s, ...rest } = l;
        return rest;
      };
      expect(after.map(strip)).toEqual(before.map(strip));
      expect((await exportOf('csv')).toString('utf8')).toBe(csvBefore);
    });

  it('re-imports exports of contacts (account by name, second email, custom fields), accounts and deals to the same records', async () => {
    const acc = await c.post('/api/v1/accounts', {
      name: 'Acme Ltd',
      domain: 'acme.example',
      website: 'https://acme.example',
      annualRevenue: '1500000.00',
      address: { street1: '5 Works Rd', city: 'Leeds', country: 'GB' },
    });
    expect(acc.status, JSON.stringify(acc.body)).toBe(201);
    const ct = await c.post('/api/v1/contacts', {
      firstName: 'Cara',
      lastName: 'Acme',
      emails: [{ email: 'cara@acme.example' }, { email: 'cara.home@example.com' }],
      accountId: acc.body.id,
      status: 'active',
      gdprConsent: true,
      ownerId: s.userId,
      customFields: { vip: true },
    });
    expect(ct.status, JSON.stringify(ct.body)).toBe(201);
    const deal = await c.post('/api/v1/deals', {
      name: 'Acme roof',
      accountId: acc.body.id,
      primaryContactId: ct.body.id,
      amount: '25000.00',
      closeDate: '2027-03-31',
      ownerId: s.userId,
    });
    expect(deal.status, JSON.stringify(deal.body)).toBe(201);
    for (const resource of ['contacts', 'accounts', 'deals']) {
      const before = await walk(c, `/api/v1/${resource}`, 50);
      const csv = await t.app.inject({ method: 'GET', url: `/api/v1/${resource}/export`, headers: s.auth });
      expect(csv.statusCode, csv.body).toBe(200);
      const up = await uploadImport(
        t,
        s.auth,
        { entity: resource, mode: 'upsert', matchOn: 'id' },
        { name: `${resource}.csv`, content: csv.rawPayload },
      );
      expect(up.status, `${resource}: ${JSON.stringify(up.body)}`).toBe(201);
      const columns = (await c.get(`/api/v1/${resource}/export/columns`)).body.data as {
        key: string;
        label: string;
        default: boolean;
      }[];
      expect(up.body.mapping, resource).toEqual(
        Object.fromEntries(columns.filter((x) => x.default).map((x) => [x.label, x.key])),
      );
      expect(up.body.preview.counts, `${resource}: ${JSON.stringify(up.body.preview)}`).toMatchObject({
        create: 0,
        error: 0,
        duplicate: 0,
      });
      expect((await c.post(`/api/v1/imports/${up.body.id}/run`)).status).toBe(202);
      await settleImports();
      const done = await c.get(`/api/v1/imports/${up.body.id}`);
      expect(done.body.status, `${resource}: ${JSON.stringify(done.body)}`).toBe('completed');
      const after = await walk(c, `/api/v1/${resource}`, 50);
      const strip = (r: Record<string, unknown>) => {
        const { updatedAt: _u, version: _v, ...rest } = r;
        return rest;
      };
      expect(after.map(strip), resource).toEqual(before.map(strip));
    }
  });
  it('an activities export re-imported skips the activities that are there (no doubles)', async () => {
    const lead = (await c.get('/api/v1/leads?limit=1')).body.data[0];
    for (const body of ['Called about the roof', 'Sent the quote'])
      expect((await c.post('/api/v1/activities', { type: 'call', leadId: lead.id, body })).status).toBe(201);
    const count = async () => (await walk(c, '/api/v1/activities?sort=createdAt', 100)).length;
    const before = await count();
    const r = await t.app.inject({
      method: 'GET',
      url: '/api/v1/activities/export?format=csv',
      headers: s.auth,
    });
    expect(r.statusCode, r.body).toBe(200);
    const up = await uploadImport(
      t,
      s.auth,
      { entity: 'activities' },
      { name: 'activities.csv', content: r.rawPayload, type: 'text/csv' },
    );
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body.mapping['Leadbase ID']).toBe('id');
    expect(up.body.preview.counts).toMatchObject({ create: 0, error: 0, skip: before });
    const run = await c.post(`/api/v1/imports/${up.body.id}/run`);
    expect(run.status, JSON.stringify(run.body)).toBe(202);
    await settleImports();
    expect((await c.get(`/api/v1/imports/${up.body.id}`)).body.result).toMatchObject({
      created: 0,
      skipped: before,
    });
    expect(await count()).toBe(before);
  });
});
