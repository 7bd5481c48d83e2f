import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';

describe.each(DB_KINDS)('leads API on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup();
  });
  afterAll(() => t.close());

  it('creates a lead with flat contact fields, finding or creating the contact', async () => {
    const a = await t.call({
      method: 'POST',
      url: '/api/v1/leads',
      headers: s.auth,
      payload: {
        firstName: 'Maya',
        lastName: 'Patel',
        email: ' Maya@Example.com ',
        phone: '(415) 555-2671',
        company: 'Patel Homes',
        source: 'website',
        title: 'Kitchen remodel',
      },
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({
      firstName: 'Maya',
      lastName: 'Patel',
      email: 'Maya@Example.com',
      phone: '+14155552671',
      company: 'Patel Homes',
      source: 'website',
      status: 'new',
      stageName: 'New',
    });
    expect(a.body.contactId).toMatch(/^[0-9a-f-]{36}$/);
    // A second interest of the same person links the same contact (email matched case-insensitively).
    const b = await t.call({
      method: 'POST',
      url: '/api/v1/leads',
      headers: s.auth,
      payload: { email: 'maya@example.COM', title: 'Solar' },
    });
    expect(b.status).toBe(201);
    expect(b.body.contactId).toBe(a.body.contactId);
    expect(b.body.firstName).toBe('Maya');
    // …and by phone in another format.
    const c = await t.call({
      method: 'POST',
      url: '/api/v1/leads',
      headers: s.auth,
      payload: { phone: '+1 415-555-2671', title: 'Roof' },
    });
    expect(c.body.contactId).toBe(a.body.contactId);
    const contact = await t.call({
      method: 'GET',
      url: `/api/v1/contacts/${a.body.contactId}/leads`,
      headers: s.auth,
    });
    expect(contact.body.data.map((l: { title: string }) => l.title).sort()).toEqual([
      'Kitchen remodel',
      'Roof',
      'Solar',
    ]);
  });

  it('writes contact fields edited on a lead to the contact, with If-Match', async () => {
    const a = await t.call({
      method: 'POST',
      url: '/api/v1/leads',
      headers: s.auth,
      payload: { firstName: 'Li', email: 'li@example.com' },
    });
    const etag = a.headers.etag as string;
    const stale = await t.call({
      method: 'PATCH',
      url: `/api/v1/leads/${a.body.id}`,
      headers: { ...s.auth, 'if-match': '"7.7"' },
      payload: { lastName: 'Wei' },
    });
    expect(stale.status).toBe(412);
    const ok = await t.call({
      method: 'PATCH',
      url: `/api/v1/leads/${a.body.id}`,
      headers: { ...s.auth, 'if-match': etag },
      payload: { lastName: 'Wei', status: 'contacted' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ lastName: 'Wei', status: 'contacted', stageName: 'Contacted' });
    const contact = await t.call({
      method: 'GET',
      url: `/api/v1/contacts/${a.body.contactId}`,
      headers: s.auth,
    });
    expect(contact.body.lastName).toBe('Wei');
    const again = await t.call({
      method: 'PATCH',
      url: `/api/v1/leads/${a.body.id}`,
      headers: { ...s.auth, 'if-match': etag },
      payload: { lastName: 'X' },
    });
    expect(again.status).toBe(412);
    const timeline = await t.call({
      method: 'GET',
      url: `/api/v1/leads/${a.body.id}/timeline`,
      headers: s.auth,
    });
    expect(timeline.body.data.map((x: { type: string }) => x.type)).toEqual(['stage_change', 'system']);
  });

  it('lists each lead exactly as it reads by id, page by page (timestamps, custom fields, contact fields)', async () => {
    for (const [entity, key] of [
      ['lead', 'list_budget'],
      ['contact', 'list_tier'],
    ] as const) {
      const r = await t.call({
        method: 'POST',
        url: '/api/v1/custom-fields',
        headers: s.auth,
        payload: { entity, key, label: key, type: entity === 'lead' ? 'money' : 'text' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const ids: string[] = [];
    for (const [i, extra] of [
      { customFields: { list_budget: '1200.50' }, contactCustomFields: { list_tier: 'gold' } },
      { status: 'won', dealValue: '99.90' },
      { status: 'lost', lostReason: 'Went with a competitor', address: { city: 'Lyon', postcode: '69001' } },
      {},
      {},
    ].entries()) {
      const r = await t.call({
        method: 'POST',
        url: '/api/v1/leads',
        headers: s.auth,
        payload: { firstName: 'Page', lastName: `Row${i}`, email: `page-row-${i}@example.com`, ...extra },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push(r.body.id);
    }
    const gone = await t.call({ method: 'DELETE', url: `/api/v1/leads/${ids[3]}`, headers: s.auth });
    expect(gone.status).toBeLessThan(300);
    const listed = new Map<string, unknown>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await t.call({
        method: 'GET',
        url: `/api/v1/leads?limit=2&sort=-createdAt&deleted=include${cursor ? `&cursor=${cursor}` : ''}`,
        headers: s.auth,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      for (const row of r.body.data) {
        expect(row).not.toHaveProperty('_sort');
        listed.set(row.id, row);
      }
      cursor = r.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    for (const id of ids) {
      const one = await t.call({ method: 'GET', url: `/api/v1/leads/${id}`, headers: s.auth });
      expect(listed.get(id)).toEqual(one.body);
    }
    const rows = ids.map((id) => listed.get(id) as Record<string, unknown>);
    expect(rows[0]).toMatchObject({
      customFields: { list_budget: '1200.50' },
      contactCustomFields: { list_tier: 'gold' },
    });
    expect(rows[1]!.convertedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(rows[3]!.deletedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(rows[4]!.deletedAt).toBeNull();
  });
});
