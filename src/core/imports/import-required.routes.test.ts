import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client } from '../../../test/helpers.js';
import { uploadImport } from '../../../test/multipart.js';
import { settleImports } from './import-run.js';

describe.each(DB_KINDS)('required custom fields on import creates (%s)', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Required');
    c = client(t, s);
  });
  afterAll(async () => {
    await settleImports();
    await t?.close();
  });

  it('a row that would create a lead or contact without a required field is an error naming it', async () => {
    for (const f of [
      { entity: 'lead', key: 'budget_code', label: 'Budget code', type: 'text', required: true },
      { entity: 'contact', key: 'region', label: 'Region', type: 'text', required: true },
    ]) {
      const r = await c.post('/api/v1/custom-fields', f);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    // An existing person (with her region): a new lead for her needs only the lead's field.
    const cat = await c.post('/api/v1/contacts', {
      firstName: 'Cat',
      emails: [{ email: 'cat@example.com' }],
      customFields: { region: 'West' },
    });
    expect(cat.status, JSON.stringify(cat.body)).toBe(201);
    const file = [
      'Name,Email,Budget,Area',
      'Ann Able,ann@example.com,B-1,North',
      'Bob Baker,bob@example.com,,South',
      'Cat Cole,cat@example.com,B-3,',
      'Dan Dunn,dan@example.com,,',
    ].join('\r\n');
    const up = await uploadImport(
      t,
      s.auth,
      {
        entity: 'leads',
        mapping: JSON.stringify({
          Name: 'fullName',
          Email: 'email',
          Budget: 'custom.budget_code',
          Area: 'contact.custom.region',
        }),
      },
      { name: 'required.csv', content: file },
    );
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const imp = (await c.get(`/api/v1/imports/${up.body.id}`)).body;
    expect(imp.preview.counts).toEqual({ create: 2, update: 0, skip: 0, duplicate: 0, error: 2 });
    const rows = (await c.get(`/api/v1/imports/${up.body.id}/rows?limit=50`)).body.data as {
      rowNo: number;
      decision: string;
      errors: { field: string; reason: string }[] | null;
    }[];
    const byRow = new Map(rows.map((r) => [r.rowNo, r]));
    expect(byRow.get(1)!.decision).toBe('create');
    expect(byRow.get(3)!.decision).toBe('create');
    expect(byRow.get(2)!.errors).toEqual([
      {
        field: 'Budget',
        reason: 'is required for a new lead: fill it in (or give the field a default)',
      },
    ]);
    expect(byRow.get(4)!.errors!.map((e) => e.field)).toEqual(['Budget', 'Area']);

    const run = await c.post(`/api/v1/imports/${up.body.id}/run`);
    expect(run.status, JSON.stringify(run.body)).toBe(202);
    await settleImports();
    const done = (await c.get(`/api/v1/imports/${up.body.id}`)).body;
    expect(done.result).toMatchObject({ created: 2, failed: 2 });
    const leads = (await c.get('/api/v1/leads?limit=10')).body.data as {
      email: string;
      customFields: Record<string, unknown>;
    }[];
    expect(leads.map((l) => [l.email, l.customFields.budget_code]).sort()).toEqual([
      ['ann@example.com', 'B-1'],
      ['cat@example.com', 'B-3'],
    ]);
  });
});
