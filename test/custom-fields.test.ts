import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCustomValues } from '../src/core/custom-fields/custom-values.js';
import { newId } from '../src/core/shared/ids.js';
import { type Session, type TestApp, testApp } from './app.js';
import { DB_KINDS } from './db.js';
import { type Client, client, expectProblem, query, walk } from './helpers.js';

/**
 * Custom fields (SPEC 5): definitions (admin-managed, audited, If-Match), typed validation of values on
 * every write of contacts, leads, accounts and deals, contact-level fields inherited by leads, list
 * filters and sorts with cursor paging, and workspace isolation.
 */

const FIELDS = '/api/v1/custom-fields';

type Def = { key: string; type: string; options?: { value: string; label: string }[] };
const opts = (...values: string[]) => values.map((v) => ({ value: v, label: v.toUpperCase() }));

/** Every type: values accepted (input → stored) and refused (input → reason). */
const TYPES: {
  def: Def;
  good: [unknown, unknown][];
  bad: [unknown, RegExp][];
}[] = [
  {
    def: { key: 'notes_text', type: 'text' },
    good: [
      ['  hello  ', 'hello'],
      ["Robert'); DROP TABLE contacts; --", "Robert'); DROP TABLE contacts; --"],
      ['x'.repeat(10_000), 'x'.repeat(10_000)],
    ],
    bad: [
      [42, /must be text/],
      ['x'.repeat(10_001), /at most 10,000/],
      [['a'], /must be text/],
    ],
  },
  {
    def: { key: 'seats', type: 'number' },
    good: [
      [12, 12],
      [-3.5, -3.5],
      ['7', 7],
      [1e21, 1e21],
    ],
    bad: [
      ['many', /must be a number/],
      [true, /must be a number/],
      [{}, /must be a number/],
    ],
  },
  {
    def: { key: 'budget', type: 'money' },
    good: [
      [10000, '10000'],
      ['2500.50', '2500.50'],
      [99.9, '99.9'],
      ['-0.01', '-0.01'],
    ],
    bad: [
      ['1.234', /at most 2 decimals/],
      ['ten', /amount/],
      [1e20, /amount/],
      [false, /amount/],
    ],
  },
  {
    def: { key: 'renewal_on', type: 'date' },
    good: [
      ['2024-02-29', '2024-02-29'],
      ['0001-01-01', '0001-01-01'],
    ],
    bad: [
      ['2023-02-29', /YYYY-MM-DD/],
      ['31/12/2024', /YYYY-MM-DD/],
      ['2024-13-01', /YYYY-MM-DD/],
      ['0000-01-01', /YYYY-MM-DD/],
      [20240101, /YYYY-MM-DD/],
    ],
  },
  {
    def: { key: 'vip', type: 'boolean' },
    good: [
      [true, true],
      [false, false],
    ],
    bad: [
      ['true', /true or false/],
      [1, /true or false/],
    ],
  },
  {
    def: { key: 'tier', type: 'select', options: opts('gold', 'silver') },
    good: [['gold', 'gold']],
    bad: [
      ['bronze', /one of: gold, silver/],
      [['gold'], /one of the options/],
    ],
  },
  {
    def: { key: 'interests', type: 'multiselect', options: opts('solar', 'roof', 'kitchen') },
    good: [
      [
        ['kitchen', 'solar', 'kitchen'],
        ['solar', 'kitchen'],
      ],
      [['roof'], ['roof']],
    ],
    bad: [
      [['solar', 'pool'], /"pool" is not one of/],
      ['solar', /array of options/],
    ],
  },
  {
    def: { key: 'homepage', type: 'url' },
    good: [['https://example.com/a?b=1', 'https://example.com/a?b=1']],
    bad: [
      ['javascript:alert(1)', /http\(s\) URL/],
      ['ftp://example.com', /http\(s\) URL/],
      ['example.com', /http\(s\) URL/],
    ],
  },
  {
    def: { key: 'billing_email', type: 'email' },
    good: [[' ap@example.com ', 'ap@example.com']],
    bad: [
      ['not an email', /email address/],
      [7, /email address/],
    ],
  },
  {
    def: { key: 'assistant_phone', type: 'phone' },
    good: [
      ['(415) 555-2671', '+14155552671'],
      ['+44 20 7946 0958', '+442079460958'],
    ],
    bad: [
      ['12', /not a valid phone number/],
      ['call me', /not a valid phone number/],
    ],
  },
];

describe.each(DB_KINDS)('custom fields on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  let viewer: Client;
  let rep: Client;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup();
    c = client(t, s);
    for (const [role, set] of [
      ['viewer', (x: Client) => (viewer = x)],
      ['rep', (x: Client) => (rep = x)],
    ] as const) {
      const k = await c.post('/api/v1/api-keys', { name: role, role });
      expect(k.status, JSON.stringify(k.body)).toBe(201);
      set(client(t, { auth: { authorization: `Bearer ${k.body.key}` } }));
    }
  });
  afterAll(() => t.close());

  const define = async (body: Record<string, unknown>, cl: Client = c) => {
    const r = await cl.post(FIELDS, { label: String(body.key), ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };

  describe('definitions', () => {
    it('creates, lists, reads, changes (If-Match), archives and restores, with audit', async () => {
      const r = await c.post(FIELDS, {
        entity: 'account',
        key: 'employees_band',
        label: 'Employees',
        type: 'select',
        options: opts('small', 'large'),
        description: 'Headcount band',
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.headers.location).toBe(`${FIELDS}/${r.body.id}`);
      expect(r.body).toMatchObject({
        entity: 'account',
        key: 'employees_band',
        type: 'select',
        required: false,
        position: 0,
        deletedAt: null,
        version: 1,
      });
      const id = r.body.id;
      expect((await c.get(`${FIELDS}/${id}`)).body).toEqual(r.body);
      const listed = (await c.get(`${FIELDS}?entity=account`)).body.data.map((x: any) => x.id);
      expect(listed).toContain(id);
      expect((await c.get(`${FIELDS}?entity=deal`)).body.data.map((x: any) => x.id)).not.toContain(id);
      expectProblem(await c.get(`${FIELDS}?entity=planet`), 400, ['entity[0]']);

      // If-Match: stale is 412; key and type are fixed.
      expectProblem(await c.patch(`${FIELDS}/${id}`, { label: 'X' }, { 'if-match': '"9"' }), 412, [
        'If-Match',
      ]);
      const p = await c.patch(
        `${FIELDS}/${id}`,
        { label: 'Headcount', required: true, options: opts('small', 'mid', 'large') },
        { 'if-match': r.headers.etag as string },
      );
      expect(p.status, JSON.stringify(p.body)).toBe(200);
      expect(p.body).toMatchObject({ label: 'Headcount', required: true, version: 2 });
      expect(p.body.options.map((o: any) => o.value)).toEqual(['small', 'mid', 'large']);
      expectProblem(await c.patch(`${FIELDS}/${id}`, { key: 'other' }), 422, [['key', /cannot be changed/]]);
      expectProblem(await c.patch(`${FIELDS}/${id}`, { type: 'text' }), 422, [['type', /cannot be changed/]]);
      expect((await c.patch(`${FIELDS}/${id}`, { key: 'employees_band', type: 'select' })).status).toBe(200);
      expectProblem(await c.patch(`${FIELDS}/${id}`, { options: [] }), 422, ['options']);

      const del = await c.del(`${FIELDS}/${id}`);
      expect(del.status).toBe(200);
      expect(del.body.deletedAt).toEqual(expect.any(String));
      expect((await c.get(`${FIELDS}?entity=account`)).body.data.map((x: any) => x.id)).not.toContain(id);
      expect((await c.get(`${FIELDS}?entity=account&deleted=only`)).body.data.map((x: any) => x.id)).toEqual([
        id,
      ]);
      expectProblem(await c.patch(`${FIELDS}/${id}`, { label: 'Y' }), 404);
      // An archived field's key is still taken: restore it instead.
      expectProblem(
        await c.post(FIELDS, { entity: 'account', key: 'employees_band', label: 'E', type: 'text' }),
        409,
        [['key', /archived/]],
      );
      const res = await c.post(`${FIELDS}/${id}/restore`);
      expect(res.status).toBe(200);
      expect(res.body.deletedAt).toBeNull();

      const audit = (await c.get(`/api/v1/audit?entity=custom_field&id=${id}`)).body.data.map(
        (x: any) => x.action,
      );
      expect(audit.sort()).toEqual(['create', 'delete', 'restore', 'update', 'update'].sort());
      // Required from now on for new accounts: take it out of the way of the other tests.
      expectProblem(await c.post('/api/v1/accounts', { name: 'Acme' }), 422, [
        ['customFields.employees_band', 'is required'],
      ]);
      expect((await c.patch(`${FIELDS}/${id}`, { required: false })).status).toBe(200);
    });

    it('refuses bad keys, built-in names, duplicates, lead/contact clashes and options that do not fit', async () => {
      const base = { entity: 'contact', label: 'L', type: 'text' };
      for (const key of ['Budget', '1st', 'has-dash', 'a'.repeat(64), 'with space', ''])
        expectProblem(await c.post(FIELDS, { ...base, key }), 422, ['key']);
      for (const [entity, key] of [
        ['contact', 'first_name'],
        ['contact', 'email'],
        ['lead', 'deal_value'],
        ['lead', 'stage_id'],
        ['deal', 'amount'],
        ['account', 'annual_revenue'],
        ['account', 'custom_fields'],
        ['appointment', 'scheduled_at'],
      ])
        expectProblem(await c.post(FIELDS, { ...base, entity, key }), 422, [['key', /built-in/]]);
      await define({ entity: 'contact', key: 'shoe_size', type: 'number' });
      expectProblem(await c.post(FIELDS, { ...base, key: 'shoe_size' }), 409, [['key', /already/]]);
      // Leads show their contact's fields: one key names one field across both levels.
      expectProblem(await c.post(FIELDS, { ...base, entity: 'lead', key: 'shoe_size' }), 409, [
        ['key', /contact-level/],
      ]);
      // The same key on accounts or deals is another field.
      await define({ entity: 'deal', key: 'shoe_size', type: 'text' });
      await define({ entity: 'appointment', key: 'shoe_size', type: 'text' });
      expectProblem(await c.post(FIELDS, { ...base, key: 'pick', type: 'select' }), 422, [
        ['options', /at least one/],
      ]);
      expectProblem(await c.post(FIELDS, { ...base, key: 'pick', options: opts('a') }), 422, [
        ['options', /has no options/],
      ]);
      expectProblem(
        await c.post(FIELDS, { ...base, key: 'pick', type: 'select', options: [...opts('a'), ...opts('a')] }),
        422,
        ['options[1].value'],
      );
      expectProblem(await c.post(FIELDS, { ...base, key: 'pick', type: 'colour' }), 422, ['type']);
      expectProblem(await c.post(FIELDS, { ...base, key: 'pick', bogus: 1 }), 422, [
        ['bogus', 'is not a known field'],
      ]);
    });

    it('lets admins manage definitions and everyone read them', async () => {
      const f = await define({ entity: 'deal', key: 'region', type: 'text' });
      expectProblem(await rep.post(FIELDS, { entity: 'deal', key: 'x1', label: 'X', type: 'text' }), 403);
      expectProblem(await viewer.post(FIELDS, { entity: 'deal', key: 'x1', label: 'X', type: 'text' }), 403);
      expectProblem(await rep.patch(`${FIELDS}/${f.id}`, { label: 'R' }), 403);
      expectProblem(await rep.del(`${FIELDS}/${f.id}`), 403);
      expect((await viewer.get(`${FIELDS}/${f.id}`)).status).toBe(200);
      expect((await rep.get(`${FIELDS}?entity=deal`)).body.data.map((x: any) => x.key)).toContain('region');
    });

    it('reorders the fields of an entity in one step', async () => {
      const ids = [];
      for (const key of ['ro_a', 'ro_b', 'ro_c'])
        ids.push((await define({ entity: 'appointment', key, type: 'text' })).id);
      const all = (await c.get(`${FIELDS}?entity=appointment`)).body.data.map((x: any) => x.id);
      const wanted = [...all].reverse();
      const r = await c.post(`${FIELDS}/reorder`, { entity: 'appointment', ids: wanted });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect((await c.get(`${FIELDS}?entity=appointment`)).body.data.map((x: any) => x.id)).toEqual(wanted);
      expectProblem(await c.post(`${FIELDS}/reorder`, { entity: 'appointment', ids: wanted.slice(1) }), 422, [
        'ids',
      ]);
      expectProblem(
        await c.post(`${FIELDS}/reorder`, { entity: 'appointment', ids: [newId(), ...wanted.slice(1)] }),
        404,
        ['ids[0]'],
      );
    });

    it('refuses removing an option that stored values use', async () => {
      const f = await define({
        entity: 'deal',
        key: 'channel',
        type: 'multiselect',
        options: opts('web', 'phone', 'fax'),
      });
      const d = await c.post('/api/v1/deals', { name: 'D', customFields: { channel: ['phone'] } });
      expect(d.status, JSON.stringify(d.body)).toBe(201);
      expectProblem(await c.patch(`${FIELDS}/${f.id}`, { options: opts('web', 'fax') }), 409, [
        ['options', /"phone" is used by 1/],
      ]);
      const ok = await c.patch(`${FIELDS}/${f.id}`, { options: opts('web', 'phone') });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    });
  });

  describe('values', () => {
    beforeAll(async () => {
      for (const x of TYPES) await define({ entity: 'contact', ...x.def });
    });

    it.each(TYPES.map((x) => [x.def.type, x] as const))(
      'validates and normalizes %s values on create and update',
      async (_type, x) => {
        const key = x.def.key;
        for (const [input, stored] of x.good) {
          const r = await c.post('/api/v1/contacts', { lastName: 'Typed', customFields: { [key]: input } });
          expect(r.status, `${JSON.stringify(input)}: ${JSON.stringify(r.body)}`).toBe(201);
          expect(r.body.customFields[key]).toEqual(stored);
          expect((await c.get(`/api/v1/contacts/${r.body.id}`)).body.customFields[key]).toEqual(stored);
        }
        const target = (await c.post('/api/v1/contacts', { lastName: 'Target' })).body;
        for (const [input, reason] of x.bad) {
          expectProblem(
            await c.post('/api/v1/contacts', { lastName: 'Bad', customFields: { [key]: input } }),
            422,
            [[`customFields.${key}`, reason]],
          );
          expectProblem(
            await c.patch(`/api/v1/contacts/${target.id}`, { customFields: { [key]: input } }),
            422,
            [[`customFields.${key}`, reason]],
          );
        }
        expect((await c.get(`/api/v1/contacts/${target.id}`)).body.version).toBe(target.version);
      },
    );

    it('merges keys on PATCH, removes with null, refuses unknown and archived keys', async () => {
      const r = await c.post('/api/v1/contacts', {
        lastName: 'Merge',
        customFields: { seats: 3, vip: true },
      });
      const url = `/api/v1/contacts/${r.body.id}`;
      const p = await c.patch(url, { customFields: { tier: 'gold', seats: null } });
      expect(p.status, JSON.stringify(p.body)).toBe(200);
      expect(p.body.customFields).toEqual({ vip: true, tier: 'gold' });
      // A blank text or empty multiselect is "no value".
      const q = await c.patch(url, { customFields: { notes_text: '  ', interests: [] } });
      expect(q.body.customFields).toEqual({ vip: true, tier: 'gold' });
      expectProblem(await c.patch(url, { customFields: { nope: 1, other_nope: 2 } }), 422, [
        ['customFields.nope', /not a custom field of contacts/],
        'customFields.other_nope',
      ]);
      expectProblem(await c.patch(url, { customFields: ['x'] }), 422, ['customFields']);
      // Archived: stored values stay and are shown, but cannot be set until the field is restored.
      const f = await define({ entity: 'contact', key: 'legacy_code', type: 'text' });
      await c.patch(url, { customFields: { legacy_code: 'L1' } });
      await c.del(`${FIELDS}/${f.id}`);
      expect((await c.get(url)).body.customFields.legacy_code).toBe('L1');
      expectProblem(await c.patch(url, { customFields: { legacy_code: 'L2' } }), 422, [
        ['customFields.legacy_code', /archived/],
      ]);
      await c.post(`${FIELDS}/${f.id}/restore`);
      expect(
        (await c.patch(url, { customFields: { legacy_code: 'L2' } })).body.customFields.legacy_code,
      ).toBe('L2');
      // Validation happens in the write's transaction: a refused write leaves nothing behind.
      const before = (await c.get(url)).body;
      expectProblem(await c.patch(url, { jobTitle: 'CEO', customFields: { seats: 'x' } }), 422, [
        'customFields.seats',
      ]);
      expect((await c.get(url)).body).toEqual(before);
    });

    it('enforces required fields on create and when an update removes them', async () => {
      const f = await define({
        entity: 'account',
        key: 'segment',
        type: 'select',
        options: opts('smb', 'ent'),
        required: true,
      });
      expectProblem(await c.post('/api/v1/accounts', { name: 'NoSeg' }), 422, [
        ['customFields.segment', 'is required'],
      ]);
      expectProblem(
        await c.post('/api/v1/accounts', { name: 'NoSeg', customFields: { segment: null } }),
        422,
        [['customFields.segment', 'is required']],
      );
      const a = await c.post('/api/v1/accounts', { name: 'Seg', customFields: { segment: 'smb' } });
      expect(a.status, JSON.stringify(a.body)).toBe(201);
      const url = `/api/v1/accounts/${a.body.id}`;
      expectProblem(await c.patch(url, { customFields: { segment: null } }), 422, [
        ['customFields.segment', 'is required'],
      ]);
      expect((await c.patch(url, { industry: 'solar' })).status).toBe(200);
      expect((await c.patch(url, { customFields: { segment: 'ent' } })).body.customFields).toEqual({
        segment: 'ent',
      });
      // Batch: the error names the record, and nothing is created.
      const b = await c.post('/api/v1/accounts/batch', {
        records: [
          { name: 'B1', customFields: { segment: 'smb' } },
          { name: 'B2', customFields: { segment: 'mid' } },
        ],
      });
      expectProblem(b, 422, [['records[1].customFields.segment', /one of: smb, ent/]]);
      await c.del(`${FIELDS}/${f.id}`);
      expect((await c.post('/api/v1/accounts', { name: 'AfterArchive' })).status).toBe(201);
    });

    it('works on deals and in every record kind the same way', async () => {
      await define({ entity: 'deal', key: 'probability_note', type: 'text' });
      const d = await c.post('/api/v1/deals', { name: 'Deal', customFields: { probability_note: 'likely' } });
      expect(d.body.customFields).toEqual({ probability_note: 'likely' });
      expectProblem(await c.post('/api/v1/deals', { name: 'Deal', customFields: { seats: 1 } }), 422, [
        ['customFields.seats', /not a custom field of deals/],
      ]);
      const p = await c.patch(`/api/v1/deals/${d.body.id}`, { customFields: { probability_note: null } });
      expect(p.body.customFields).toEqual({});
    });
  });

  describe('levels: contact-level fields on leads', () => {
    beforeAll(async () => {
      await define({ entity: 'contact', key: 'household_size', type: 'number' });
      await define({
        entity: 'contact',
        key: 'preferred_language',
        type: 'select',
        options: opts('en', 'hi'),
      });
      await define({ entity: 'lead', key: 'roof_area', type: 'number' });
      await define({ entity: 'lead', key: 'install_by', type: 'date' });
    });

    it('reads contact-level fields from the contact on every lead (inherited, never copied)', async () => {
      const a = await c.post('/api/v1/leads', {
        firstName: 'Asha',
        email: `asha.${newId()}@example.com`,
        title: 'Solar',
        customFields: { roof_area: 120, install_by: '2025-03-01' },
        contactCustomFields: { household_size: 4, preferred_language: 'hi' },
      });
      expect(a.status, JSON.stringify(a.body)).toBe(201);
      expect(a.body.customFields).toEqual({ roof_area: 120, install_by: '2025-03-01' });
      expect(a.body.contactCustomFields).toEqual({ household_size: 4, preferred_language: 'hi' });
      const contact = (await c.get(`/api/v1/contacts/${a.body.contactId}`)).body;
      expect(contact.customFields).toEqual({ household_size: 4, preferred_language: 'hi' });
      // A second interest of the same contact shows the same contact-level values, and its own lead-level ones.
      const b = await c.post('/api/v1/leads', {
        contactId: a.body.contactId,
        title: 'Kitchen',
        customFields: { roof_area: 0 },
      });
      expect(b.body.contactCustomFields).toEqual({ household_size: 4, preferred_language: 'hi' });
      expect(b.body.customFields).toEqual({ roof_area: 0 });
      // Writing a contact-level field through one lead changes what every lead of the contact shows.
      const p = await c.patch(
        `/api/v1/leads/${b.body.id}`,
        { contactCustomFields: { household_size: 5 } },
        { 'if-match': b.headers.etag as string },
      );
      expect(p.status, JSON.stringify(p.body)).toBe(200);
      expect(p.body.contactCustomFields).toEqual({ household_size: 5, preferred_language: 'hi' });
      expect((await c.get(`/api/v1/leads/${a.body.id}`)).body.contactCustomFields.household_size).toBe(5);
      expect((await c.get(`/api/v1/contacts/${a.body.contactId}`)).body.customFields.household_size).toBe(5);
      // The lead's ETag covers its contact: the other lead's old ETag is now stale.
      expectProblem(
        await c.patch(`/api/v1/leads/${a.body.id}`, { title: 'X' }, { 'if-match': a.headers.etag as string }),
        412,
      );
      // Editing the contact directly shows on the leads.
      await c.patch(`/api/v1/contacts/${a.body.contactId}`, { customFields: { preferred_language: 'en' } });
      expect((await c.get(`/api/v1/leads/${b.body.id}`)).body.contactCustomFields.preferred_language).toBe(
        'en',
      );
      const row = await query<{ custom: any }>(t, `select custom from leads where id = '${a.body.id}'`);
      expect(row[0]!.custom).toEqual({ roof_area: 120, install_by: '2025-03-01' });
    });

    it('validates each level against its own definitions, naming the level', async () => {
      const mk = (body: Record<string, unknown>) => c.post('/api/v1/leads', { lastName: 'Lvl', ...body });
      expectProblem(await mk({ customFields: { household_size: 3 } }), 422, [
        ['customFields.household_size', /not a custom field of leads/],
      ]);
      expectProblem(await mk({ contactCustomFields: { roof_area: 3 } }), 422, [
        ['contactCustomFields.roof_area', /not a custom field of contacts/],
      ]);
      expectProblem(await mk({ contactCustomFields: { preferred_language: 'fr' } }), 422, [
        ['contactCustomFields.preferred_language', /one of: en, hi/],
      ]);
      const l = (await mk({ email: `lvl.${newId()}@example.com` })).body;
      expectProblem(
        await c.patch(`/api/v1/leads/${l.id}`, { contactCustomFields: { household_size: 'big' } }),
        422,
        [['contactCustomFields.household_size', /number/]],
      );
      expectProblem(await c.patch(`/api/v1/leads/${l.id}`, { customFields: { install_by: 'soon' } }), 422, [
        ['customFields.install_by', /YYYY-MM-DD/],
      ]);
      expect((await c.get(`/api/v1/leads/${l.id}`)).body.version).toBe(l.version);
    });

    it('enforces a required contact-level field when a lead creates a new contact', async () => {
      const f = await define({ entity: 'contact', key: 'consent_source', type: 'text', required: true });
      try {
        const email = `req.${newId()}@example.com`;
        expectProblem(await c.post('/api/v1/leads', { email }), 422, [
          ['contactCustomFields.consent_source', 'is required'],
        ]);
        expect((await c.get(`/api/v1/contacts?email=${email}`)).body.data).toEqual([]);
        const ok = await c.post('/api/v1/leads', {
          email,
          contactCustomFields: { consent_source: 'web form' },
        });
        expect(ok.status, JSON.stringify(ok.body)).toBe(201);
        // The contact exists now: a further lead for it needs nothing more.
        expect((await c.post('/api/v1/leads', { email, title: 'Second' })).status).toBe(201);
      } finally {
        await c.del(`${FIELDS}/${f.id}`);
      }
    });
  });

  describe('lists: filter and sort by custom fields', () => {
    const VALUES = [5, null, 100, 5, -2, 40.5, null, 7, 100, 0, 12];
    const MONEY = ['99', '100.50', null, '1000', '99', '5.01', null, '-1', '250', '99', '0'];
    const DATES = [
      '2024-03-01',
      null,
      '2023-12-31',
      '2024-03-01',
      '2025-01-01',
      null,
      '2024-02-29',
      '2024-03-01',
      null,
      '2023-01-01',
      '2024-01-01',
    ];
    const WORDS = [
      'delta',
      'Alpha',
      null,
      'bravo',
      'alpha',
      'charlie',
      null,
      'echo',
      'bravo',
      'Delta',
      'alpha',
    ];
    const RESOURCES = [
      { path: 'accounts', entity: 'account', body: (i: number) => ({ name: `A${i}` }) },
      { path: 'contacts', entity: 'contact', body: (i: number) => ({ lastName: `C${i}` }) },
      { path: 'deals', entity: 'deal', body: (i: number) => ({ name: `D${i}` }) },
      {
        path: 'leads',
        entity: 'lead',
        body: (i: number) => ({ lastName: `L${i}`, email: `l${i}.${newId()}@example.com` }),
      },
    ];
    // One workspace per record kind (leads create contacts), and one for the inherited fields.
    const clients: Record<string, Client> = {};
    let lc: Client;
    beforeAll(async () => {
      lc = client(t, await t.signup('Lister'));
      for (const R of RESOURCES) {
        const lc = client(t, await t.signup(R.path));
        clients[R.path] = lc;
        for (const [key, type] of [
          [`${R.entity}_score`, 'number'],
          [`${R.entity}_budget`, 'money'],
          [`${R.entity}_due`, 'date'],
          [`${R.entity}_word`, 'text'],
        ])
          expect((await lc.post(FIELDS, { entity: R.entity, key, label: key, type })).status).toBe(201);
        const records = VALUES.map((_, i) => {
          const cf: Record<string, unknown> = {};
          if (VALUES[i] !== null) cf[`${R.entity}_score`] = VALUES[i];
          if (MONEY[i] !== null) cf[`${R.entity}_budget`] = MONEY[i];
          if (DATES[i] !== null) cf[`${R.entity}_due`] = DATES[i];
          if (WORDS[i] !== null) cf[`${R.entity}_word`] = WORDS[i];
          return { ...R.body(i), customFields: cf };
        });
        // Half in one batch (ties in createdAt), half one by one.
        const b = await lc.post(`/api/v1/${R.path}/batch`, { records: records.slice(0, 6) });
        expect(b.status, JSON.stringify(b.body)).toBe(201);
        for (const r of records.slice(6)) expect((await lc.post(`/api/v1/${R.path}`, r)).status).toBe(201);
      }
    });

    /** The expected order: by value (nulls last either way), ties by id in the sort's direction. */
    const expectOrder = (rows: any[], key: string, desc: boolean, val: (v: unknown) => number | string) => {
      for (let i = 1; i < rows.length; i++) {
        const [a, b] = [rows[i - 1].customFields[key], rows[i].customFields[key]];
        const msg = `${key} ${desc ? 'desc' : 'asc'}: ${JSON.stringify(a)} (${rows[i - 1].id}) before ${JSON.stringify(b)} (${rows[i].id})`;
        if (a === undefined) {
          expect(b, msg).toBeUndefined();
          expect(desc ? rows[i - 1].id > rows[i].id : rows[i - 1].id < rows[i].id, msg).toBe(true);
          continue;
        }
        if (b === undefined) continue;
        const [ka, kb] = [val(a), val(b)];
        if (ka === kb)
          expect(desc ? rows[i - 1].id > rows[i].id : rows[i - 1].id < rows[i].id, msg).toBe(true);
        else expect(desc ? ka > kb : ka < kb, msg).toBe(true);
      }
    };

    it.each(RESOURCES)(
      'sorts $path by number, money, date and text values with exact cursor paging',
      async (R) => {
        const lc = clients[R.path]!;
        const base = `/api/v1/${R.path}`;
        const total = (await walk(lc, base, 200)).length;
        expect(total).toBe(VALUES.length);
        const byValue: [string, (v: unknown) => number | string][] = [
          [`${R.entity}_score`, (v) => Number(v)],
          [`${R.entity}_budget`, (v) => Number(v)],
          [`${R.entity}_due`, (v) => String(v)],
          // Text sorts lower-cased, bytewise.
          [`${R.entity}_word`, (v) => String(v).toLowerCase()],
        ];
        for (const [key, val] of byValue)
          for (const prefix of ['custom', 'cf'])
            for (const desc of [false, true]) {
              const sort = `${desc ? '-' : ''}${prefix}.${key}`;
              const all = await walk(lc, `${base}?sort=${sort}`, 200);
              expect(all.length, sort).toBe(total);
              expectOrder(all, key, desc, val);
              // Nulls last, both ways.
              const nulls = all.map((r) => r.customFields[key] === undefined);
              expect(
                nulls.indexOf(true) === -1 || nulls.slice(nulls.indexOf(true)).every(Boolean),
                sort,
              ).toBe(true);
              for (const limit of [1, 2, 3]) {
                const paged = await walk(lc, `${base}?sort=${sort}`, limit);
                expect(
                  paged.map((x) => x.id),
                  `${sort} limit ${limit}`,
                ).toEqual(all.map((x) => x.id));
              }
            }
        // Money by value, not as text: 1000 > 250 > 100.50 > 99.
        const money = (await walk(lc, `${base}?sort=-custom.${R.entity}_budget`, 200)).map(
          (r) => r.customFields[`${R.entity}_budget`],
        );
        expect(money.slice(0, 4)).toEqual(['1000', '250', '100.50', '99']);
      },
    );

    it.each(RESOURCES)('filters $path by custom values with every operator', async (R) => {
      const lc = clients[R.path]!;
      const base = `/api/v1/${R.path}`;
      const k = (s: string) => `${R.entity}_${s}`;
      const values = async (qs: string, key: string) => {
        const rows = await walk(lc, `${base}?${qs}&sort=custom.${key}`, 200);
        return rows.map((r) => r.customFields[key]);
      };
      expect(await values(`custom.${k('score')}[gte]=7`, k('score'))).toEqual([7, 12, 40.5, 100, 100]);
      expect(await values(`cf.${k('score')}[lt]=5`, k('score'))).toEqual([-2, 0]);
      expect(await values(`custom.${k('score')}=5,100`, k('score'))).toEqual([5, 5, 100, 100]);
      expect(await values(`custom.${k('score')}[eq]=40.50`, k('score'))).toEqual([40.5]);
      expect((await values(`custom.${k('score')}[ne]=5`, k('score'))).length).toBe(9);
      expect(await values(`custom.${k('score')}[empty]=true`, k('score'))).toEqual([undefined, undefined]);
      expect((await values(`custom.${k('score')}[empty]=false`, k('score'))).length).toBe(9);
      expect(
        await values(`custom.${k('budget')}[gt]=99&custom.${k('budget')}[lte]=1000`, k('budget')),
      ).toEqual(['100.50', '250', '1000']);
      expect(
        await values(`custom.${k('due')}[gte]=2024-03-01&custom.${k('due')}[lt]=2025-01-01`, k('due')),
      ).toEqual(['2024-03-01', '2024-03-01', '2024-03-01']);
      expect(await values(`custom.${k('word')}=alpha`, k('word'))).toEqual(['alpha', 'alpha']);
      expect(await values(`custom.${k('word')}[contains]=ALP`, k('word'))).toEqual([
        'Alpha',
        'alpha',
        'alpha',
      ]);
      // Filters combine with the built-in ones and page with a custom sort.
      const paged = await walk(lc, `${base}?custom.${k('score')}[gte]=0&sort=-custom.${k('budget')}`, 2);
      expect(paged.length).toBe(8);

      // Unknown keys, operators and bad values: 422 naming the parameter.
      expectProblem(await lc.get(`${base}?custom.nope=1`), 422, [
        ['custom.nope', /nope is not a custom field/],
      ]);
      expectProblem(await lc.get(`${base}?sort=-custom.nope`), 422, [['sort', /nope is not a custom field/]]);
      expectProblem(await lc.get(`${base}?custom.${k('score')}[about]=1`), 422, [
        [`custom.${k('score')}[about]`, /not an operator/],
      ]);
      expectProblem(await lc.get(`${base}?custom.${k('score')}[gte]=lots`), 422, [
        [`custom.${k('score')}[gte]`, /number/],
      ]);
      expectProblem(await lc.get(`${base}?custom.${k('due')}[gte]=yesterday`), 422, [
        [`custom.${k('due')}[gte]`, /YYYY-MM-DD/],
      ]);
      expectProblem(await lc.get(`${base}?custom.${k('word')}[gte]=a`), 422, [
        [`custom.${k('word')}[gte]`, /number, money and date/],
      ]);
      expectProblem(await lc.get(`${base}?custom.${k('score')}[empty]=maybe`), 422, [
        `custom.${k('score')}[empty]`,
      ]);
      // Still strict about everything else.
      expectProblem(await lc.get(`${base}?custom=1`), 400, [['custom', 'is not a known field']]);
      expectProblem(await lc.get(`${base}?customer.x=1`), 400, ['customer.x']);
      expectProblem(await lc.get(`${base}?sort=custom.Bad-Key`), 400, ['sort']);
    });

    it("filters and sorts leads by their contact's (inherited) fields", async () => {
      await lc.post(FIELDS, { entity: 'contact', key: 'household', label: 'H', type: 'number' });
      const made = [];
      for (const [i, h] of [3, 1, 2].entries()) {
        const r = await lc.post('/api/v1/leads', {
          lastName: `H${i}`,
          email: `h${i}.${newId()}@example.com`,
          contactCustomFields: { household: h },
        });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        made.push(r.body);
      }
      const rows = await walk(lc, '/api/v1/leads?custom.household[gte]=2&sort=custom.household', 1);
      expect(rows.map((r) => r.contactCustomFields.household)).toEqual([2, 3]);
      const desc = await walk(lc, '/api/v1/leads?sort=-custom.household', 2);
      expect(desc.slice(0, 3).map((r) => r.contactCustomFields.household)).toEqual([3, 2, 1]);
    });
  });

  describe('validateCustomValues (the service other features call)', () => {
    it('validates appointment-level values, though appointments have no resource yet', async () => {
      await define({
        entity: 'appointment',
        key: 'visit_rating',
        type: 'select',
        options: opts('good', 'bad'),
        required: true,
      });
      await define({ entity: 'appointment', key: 'quote_total', type: 'money' });
      const ctx = { workspaceId: s.workspaceId, userId: s.userId, apiKeyId: null, role: 'owner' as const };
      const db = t.handle.db;
      expect(
        await validateCustomValues(db, ctx, 'appointment', { visit_rating: 'good', quote_total: 12.5 }),
      ).toEqual({
        visit_rating: 'good',
        quote_total: '12.5',
      });
      await expect(validateCustomValues(db, ctx, 'appointment', {})).rejects.toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'customFields.visit_rating', reason: 'is required' }],
      });
      await expect(
        validateCustomValues(db, ctx, 'appointment', { visit_rating: 'meh', nope: 1 }, { field: 'outcome' }),
      ).rejects.toMatchObject({
        errors: [
          { field: 'outcome.visit_rating', reason: 'must be one of: good, bad' },
          { field: 'outcome.nope', reason: 'is not a custom field of appointments' },
        ],
      });
      // Update: merges into the stored values; removing a required one is refused.
      const current = { visit_rating: 'bad', quote_total: '5' };
      expect(await validateCustomValues(db, ctx, 'appointment', { quote_total: null }, { current })).toEqual({
        visit_rating: 'bad',
      });
      await expect(
        validateCustomValues(db, ctx, 'appointment', { visit_rating: null }, { current }),
      ).rejects.toMatchObject({ errors: [{ field: 'customFields.visit_rating', reason: 'is required' }] });
      // Another workspace's ctx sees none of these definitions.
      const other = await t.signup('Appt');
      const octx = { ...ctx, workspaceId: other.workspaceId, userId: other.userId };
      expect(await validateCustomValues(db, octx, 'appointment', {})).toEqual({});
      await expect(
        validateCustomValues(db, octx, 'appointment', { visit_rating: 'good' }),
      ).rejects.toMatchObject({
        errors: [{ field: 'customFields.visit_rating', reason: 'is not a custom field of appointments' }],
      });
    });
  });

  describe('isolation', () => {
    it("never shows, reads, changes or validates against another workspace's definitions", async () => {
      const other = client(t, await t.signup('Other'));
      const mine = await define({ entity: 'contact', key: 'secret_key_field', type: 'text' });
      const theirs = (await other.get(FIELDS)).body.data;
      expect(JSON.stringify(theirs)).not.toContain(mine.id);
      expect(theirs.map((x: any) => x.key)).not.toContain('secret_key_field');
      expectProblem(await other.get(`${FIELDS}/${mine.id}`), 404);
      expectProblem(await other.patch(`${FIELDS}/${mine.id}`, { label: 'Mine now' }), 404);
      expectProblem(await other.del(`${FIELDS}/${mine.id}`), 404);
      expectProblem(await other.post(`${FIELDS}/${mine.id}/restore`), 404);
      expectProblem(await other.post(`${FIELDS}/reorder`, { entity: 'contact', ids: [mine.id] }), 404, [
        'ids[0]',
      ]);
      expect((await c.get(`${FIELDS}/${mine.id}`)).body.label).toBe('secret_key_field');
      // Their records cannot use my keys, nor filter by them; the same key is free for them to define.
      expectProblem(
        await other.post('/api/v1/contacts', { lastName: 'X', customFields: { secret_key_field: 'x' } }),
        422,
        ['customFields.secret_key_field'],
      );
      expectProblem(await other.get('/api/v1/contacts?custom.secret_key_field=x'), 422, [
        'custom.secret_key_field',
      ]);
      expect(
        (
          await other.post(FIELDS, {
            entity: 'contact',
            key: 'secret_key_field',
            label: 'Theirs',
            type: 'number',
          })
        ).status,
      ).toBe(201);
      expect((await c.get(`${FIELDS}/${mine.id}`)).body.type).toBe('text');
    });
  });
});
