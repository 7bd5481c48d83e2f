import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/core/shared/ids.js';
import { type Session, type TestApp, testApp } from './app.js';
import { DB_KINDS } from './db.js';
import { ALL_TABLES, type Client, client, countRows, expectProblem, type Res } from './helpers.js';

/**
 * Hostile and malformed input: each gets a clear 4xx problem+json naming the field (never a 500), and
 * writes nothing; free text that happens to contain SQL or markup is stored verbatim as inert data.
 */

const SQL_STRINGS = [
  "Robert'); DROP TABLE contacts; --",
  "' OR '1'='1",
  '1; DELETE FROM leads WHERE 1=1; --',
  "x' UNION SELECT password_hash FROM users --",
  '$$; truncate audit_entries; $$',
  "\\'; select pg_sleep(5); --",
];
const MARKUP = [
  '<script>alert(document.cookie)</script>',
  '<img src=x onerror="alert(1)">',
  '"><svg/onload=alert(1)>',
  "javascript:alert('x')",
  '{{constructor.constructor("alert(1)")()}}',
];

describe.each(DB_KINDS)('bad input on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  let lead: any;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup();
    c = client(t, s);
    lead = (await c.post('/api/v1/leads', { firstName: 'Base', lastName: 'Line', email: 'base@example.com' }))
      .body;
  });
  afterAll(() => t.close());

  /** Sends a request that must be refused: the status, the fields named, and no row written anywhere. */
  async function refused(
    opts: InjectOptions,
    status: number,
    fields: (string | [string, string | RegExp])[] = [],
  ): Promise<Res> {
    const before = await countRows(t, ALL_TABLES);
    const r = await t.call({ ...opts, headers: { ...s.auth, ...(opts.headers ?? {}) } });
    expectProblem(r, status, fields);
    expect(await countRows(t, ALL_TABLES)).toEqual(before);
    return r;
  }
  const json = (
    method: 'POST' | 'PATCH',
    url: string,
    payload: string,
    headers: Record<string, string> = {},
  ): InjectOptions => ({
    method,
    url,
    payload,
    headers: { 'content-type': 'application/json', ...headers },
  });

  it('refuses malformed JSON with 400', async () => {
    for (const body of [
      '{"lastName": "x"',
      '{lastName: "x"}',
      "{'lastName': 'x'}",
      '{"lastName": "x"} trailing',
      '{"a":1,}',
      'nul',
      '"',
    ])
      await refused(json('POST', '/api/v1/leads', body), 400, [['(body)', 'is not valid JSON']]);
    await refused(json('POST', '/api/v1/leads', ''), 400);
    await refused(json('PATCH', `/api/v1/leads/${lead.id}`, '{"title": }'), 400, ['(body)']);
    await refused(json('POST', '/api/v1/accounts/batch', '{"records": [{"name": "a"},]}'), 400, ['(body)']);
  });

  it('refuses JSON that is not an object', async () => {
    for (const body of ['[]', '[{"lastName": "x"}]', '"lastName"', '42', 'true', 'null'])
      await refused(json('POST', '/api/v1/leads', body), 422, ['(body)']);
    await refused(json('POST', '/api/v1/leads/batch', '{"records": {"lastName": "x"}}'), 422, ['records']);
    await refused(json('POST', '/api/v1/leads/batch', '{"records": ["x", 1]}'), 422, [
      'records[0]',
      'records[1]',
    ]);
  });

  it('refuses wrong types, naming each field and why', async () => {
    await refused({ method: 'POST', url: '/api/v1/accounts', payload: { name: 42 } }, 422, [
      ['name', /string/],
    ]);
    await refused({ method: 'POST', url: '/api/v1/accounts', payload: {} }, 422, [['name', 'is required']]);
    await refused(
      { method: 'POST', url: '/api/v1/accounts', payload: { name: 'A', annualRevenue: 'lots' } },
      422,
      [['annualRevenue', /amount/]],
    );
    await refused(
      { method: 'POST', url: '/api/v1/accounts', payload: { name: 'A', annualRevenue: 1e20 } },
      422,
      ['annualRevenue'],
    );
    await refused(
      { method: 'POST', url: '/api/v1/accounts', payload: { name: 'A', annualRevenue: '1.234' } },
      422,
      ['annualRevenue'],
    );
    await refused(
      { method: 'POST', url: '/api/v1/accounts', payload: { name: 'A', accountType: 'alien', health: 7 } },
      422,
      ['accountType', 'health'],
    );
    await refused({ method: 'POST', url: '/api/v1/accounts', payload: { name: 'x'.repeat(201) } }, 422, [
      'name',
    ]);
    await refused(
      { method: 'POST', url: '/api/v1/accounts', payload: { name: 'A', domain: 'not a domain' } },
      422,
      ['domain'],
    );
    await refused(
      { method: 'POST', url: '/api/v1/contacts', payload: { lastName: 'X', gdprConsent: 'yes' } },
      422,
      ['gdprConsent'],
    );
    await refused(
      { method: 'POST', url: '/api/v1/contacts', payload: { lastName: 'X', emails: 'a@b.com' } },
      422,
      ['emails'],
    );
    await refused(
      { method: 'POST', url: '/api/v1/contacts', payload: { lastName: 'X', emails: [{ email: 'nope' }] } },
      422,
      [['emails[0].email', /email/]],
    );
    await refused(
      { method: 'POST', url: '/api/v1/contacts', payload: { lastName: 'X', phones: [{ phone: '12' }] } },
      422,
      ['phones[0].phone'],
    );
    await refused(
      { method: 'POST', url: '/api/v1/contacts', payload: { lastName: 'X', phone: '+1 555 000' } },
      422,
      ['phone'],
    );
    await refused(
      { method: 'POST', url: '/api/v1/contacts', payload: { lastName: 'X', optInAt: 'yesterday' } },
      422,
      ['optInAt'],
    );
    await refused(
      { method: 'POST', url: '/api/v1/contacts', payload: { lastName: 'X', accountId: 'acme' } },
      422,
      ['accountId'],
    );
    await refused({ method: 'POST', url: '/api/v1/leads', payload: { lastName: 'X', spamScore: 1.5 } }, 422, [
      'spamScore',
    ]);
    await refused({ method: 'POST', url: '/api/v1/leads', payload: { lastName: 'X', spamScore: '5' } }, 422, [
      'spamScore',
    ]);
    await refused(
      { method: 'POST', url: '/api/v1/leads', payload: { lastName: 'X', expectedCloseDate: '2024-02-30' } },
      422,
      ['expectedCloseDate'],
    );
    await refused(
      { method: 'POST', url: '/api/v1/leads', payload: { lastName: 'X', expectedCloseDate: '31/12/2024' } },
      422,
      ['expectedCloseDate'],
    );
    await refused({ method: 'POST', url: '/api/v1/leads', payload: { lastName: 'X', status: 'hot' } }, 422, [
      'status',
    ]);
    await refused({ method: 'POST', url: '/api/v1/leads', payload: { title: 'No contact' } }, 422, [
      'contactId',
    ]);
    await refused(
      { method: 'POST', url: '/api/v1/deals', payload: { name: 'D', closeDate: '2024-13-01' } },
      422,
      ['closeDate'],
    );
    await refused(
      { method: 'POST', url: '/api/v1/deals', payload: { name: 'D', currency: 'dollars' } },
      422,
      ['currency'],
    );
    await refused(
      {
        method: 'POST',
        url: '/api/v1/activities',
        payload: { type: 'call', contactId: lead.contactId, durationMinutes: 1e308 },
      },
      422,
      ['durationMinutes'],
    );
    await refused(
      {
        method: 'POST',
        url: '/api/v1/activities',
        payload: { type: 'stage_change', contactId: lead.contactId },
      },
      422,
      ['type'],
    );
    await refused(
      {
        method: 'POST',
        url: '/api/v1/activities',
        payload: { type: 'call', contactId: lead.contactId, occurredAt: '0000-01-01T00:00:00Z' },
      },
      422,
      ['occurredAt'],
    );
    await refused(
      {
        method: 'POST',
        url: '/api/v1/activities',
        payload: { type: 'call', contactId: lead.contactId, metadata: [1, 2] },
      },
      422,
      ['metadata'],
    );
    await refused(
      { method: 'PATCH', url: `/api/v1/leads/${lead.id}`, payload: { priority: 'asap', temperature: 3 } },
      422,
      ['priority', 'temperature'],
    );
    await refused(
      { method: 'PATCH', url: `/api/v1/leads/${lead.id}`, payload: { dealValue: '12,50' } },
      422,
      ['dealValue'],
    );
    await refused(
      { method: 'POST', url: '/api/v1/members', payload: { email: 'not-an-email', name: 'X', role: 'rep' } },
      422,
      ['email'],
    );
    await refused(
      {
        method: 'POST',
        url: '/api/v1/members',
        payload: { email: 'x@example.com', name: 'X', role: 'emperor' },
      },
      422,
      ['role'],
    );
    await refused(
      { method: 'PATCH', url: '/api/v1/workspace', payload: { defaultCountry: 'usa', currency: 1 } },
      422,
      ['defaultCountry', 'currency'],
    );
    expect((await c.get(`/api/v1/leads/${lead.id}`)).body).toEqual(lead);
  });

  it('refuses unknown fields, and prototype tricks', async () => {
    await refused({ method: 'POST', url: '/api/v1/leads', payload: { lastName: 'X', isAdmin: true } }, 422, [
      ['isAdmin', 'is not a known field'],
    ]);
    await refused(
      {
        method: 'POST',
        url: '/api/v1/contacts',
        payload: { lastName: 'X', emails: [{ email: 'a@b.co', verified: true }] },
      },
      422,
      [['emails[0].verified', 'is not a known field']],
    );
    await refused(
      {
        method: 'POST',
        url: '/api/v1/accounts',
        payload: { name: 'X', address: { city: 'Pune', planet: 'Mars' } },
      },
      422,
      [['address.planet', 'is not a known field']],
    );
    await refused(
      { method: 'PATCH', url: `/api/v1/leads/${lead.id}`, payload: { workspaceId: newId() } },
      422,
      [['workspaceId', 'is read-only']],
    );
    await refused(json('POST', '/api/v1/leads', '{"lastName": "X", "__proto__": {"role": "owner"}}'), 400);
    await refused(
      json('POST', '/api/v1/leads', '{"lastName": "X", "constructor": {"prototype": {"role": "owner"}}}'),
      400,
    );
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  it('refuses a 10 MB body with 413 (batch included), and a wrong content type with 415', async () => {
    const big = JSON.stringify({ lastName: 'X', title: 'y'.repeat(10 * 1024 * 1024) });
    await refused(json('POST', '/api/v1/leads', big), 413, ['(body)']);
    await refused(json('PATCH', `/api/v1/leads/${lead.id}`, big), 413);
    const records = JSON.stringify({
      records: Array.from({ length: 1000 }, () => ({ name: 'z'.repeat(10_500) })),
    });
    expect(records.length).toBeGreaterThan(10 * 1024 * 1024);
    await refused(json('POST', '/api/v1/accounts/batch', records), 413);
    await refused(
      {
        method: 'POST',
        url: '/api/v1/leads',
        payload: 'lastName=X',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      415,
    );
    await refused(
      {
        method: 'POST',
        url: '/api/v1/leads',
        payload: '{"lastName":"X"}',
        headers: { 'content-type': 'text/plain' },
      },
      415,
    );
    await refused(
      {
        method: 'POST',
        url: '/api/v1/leads',
        payload: '<lead/>',
        headers: { 'content-type': 'application/xml' },
      },
      415,
    );
    await refused(
      {
        method: 'PATCH',
        url: `/api/v1/leads/${lead.id}`,
        payload: 'x',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
      },
      415,
    );
  });

  it('refuses invalid UUIDs in paths and in the query with 400 naming them', async () => {
    for (const bad of [
      '123',
      'not-a-uuid',
      "1' OR '1'='1",
      '01900000-0000-7000-8000-00000000000g',
      `${newId()}x`,
      '%00',
    ])
      for (const url of [
        `/api/v1/leads/${encodeURIComponent(bad)}`,
        `/api/v1/accounts/${encodeURIComponent(bad)}/restore`,
      ])
        await refused({ method: url.endsWith('restore') ? 'POST' : 'GET', url }, 400, ['id']);
    await refused({ method: 'DELETE', url: `/api/v1/leads/${lead.id}/contacts/nope` }, 400, ['contactId']);
    await refused({ method: 'PATCH', url: '/api/v1/deals/xyz', payload: { name: 'X' } }, 400, ['id']);
    await refused({ method: 'GET', url: '/api/v1/leads?ownerId=abc' }, 400, ['ownerId[0]']);
    await refused({ method: 'GET', url: `/api/v1/leads?contactId=${newId()},zzz` }, 400, ['contactId[1]']);
    await refused({ method: 'GET', url: '/api/v1/audit?id=123' }, 400, ['id']);
    await refused({ method: 'GET', url: '/api/v1/audit?cursor=123' }, 400, ['cursor']);
    // A well-formed id of nothing is a 404, not a 400.
    await refused({ method: 'GET', url: `/api/v1/leads/${newId()}` }, 404);
  });

  it('treats SQL in q, sort and filters as data or refuses it; the tables stay intact', async () => {
    const before = await countRows(t, ALL_TABLES);
    for (const sql of SQL_STRINGS) {
      const e = encodeURIComponent(sql);
      for (const path of ['leads', 'contacts', 'accounts', 'deals', 'activities']) {
        const r = await c.get(`/api/v1/${path}?q=${e}`);
        expect(r.status, `${path} q=${sql}`).toBe(200);
        expect(r.body.data).toEqual([]);
      }
      expect((await c.get(`/api/v1/leads?source=${e}`)).body.data).toEqual([]);
      expect((await c.get(`/api/v1/contacts?email=${e}`)).body.data).toEqual([]);
      expect((await c.get(`/api/v1/accounts?domain=${e}`)).body.data).toEqual([]);
      await refused({ method: 'GET', url: `/api/v1/leads?sort=${e}` }, 400, ['sort']);
      await refused({ method: 'GET', url: `/api/v1/leads?status=${e}` }, 400);
      await refused({ method: 'GET', url: `/api/v1/leads?ownerId=${e}` }, 400);
      await refused({ method: 'GET', url: `/api/v1/leads?scoreMin=${e}` }, 400, ['scoreMin']);
      await refused({ method: 'GET', url: `/api/v1/leads?createdAtFrom=${e}` }, 400, ['createdAtFrom']);
      await refused({ method: 'GET', url: `/api/v1/leads?deleted=${e}` }, 400, ['deleted']);
      await refused({ method: 'GET', url: `/api/v1/leads?limit=${e}` }, 400, ['limit']);
      await refused({ method: 'GET', url: `/api/v1/leads?${e}=1` }, 400);
      const audit = await c.get(`/api/v1/audit?entity=${e}`);
      expect(audit.status).toBe(200);
      expect(audit.body.data).toEqual([]);
    }
    // A forged cursor carrying SQL is refused as a cursor, not run.
    for (const v of ["2024-01-01'); drop table leads; --", 'not a date', 12]) {
      const forged = Buffer.from(JSON.stringify({ s: '-createdAt', v, id: newId() })).toString('base64url');
      await refused({ method: 'GET', url: `/api/v1/leads?cursor=${forged}` }, 400, ['cursor']);
    }
    for (const id of ["x'::uuid); drop table leads; --", 42]) {
      const forged = Buffer.from(
        JSON.stringify({ s: '-createdAt', v: '2024-01-01 00:00:00+00', id }),
      ).toString('base64url');
      await refused({ method: 'GET', url: `/api/v1/leads?cursor=${forged}` }, 400, ['cursor']);
    }
    const forgedNum = Buffer.from(JSON.stringify({ s: 'score', v: '1 or 1=1', id: newId() })).toString(
      'base64url',
    );
    await refused({ method: 'GET', url: `/api/v1/leads?sort=score&cursor=${forgedNum}` }, 400, ['cursor']);
    expect(await countRows(t, ALL_TABLES)).toEqual(before);
    expect((await c.get(`/api/v1/leads/${lead.id}`)).body).toEqual(lead);
  });

  it('stores SQL and markup in free text verbatim, byte for byte, as inert data', async () => {
    const tricky = [
      ...SQL_STRINGS,
      ...MARKUP,
      'Zoë Ñúñez 李小龍 🚀 עברית',
      'tab\there\nnew line',
      'back\\slash "quoted" \'single\'',
    ];
    for (const text of tricky) {
      const l = await c.post('/api/v1/leads', {
        firstName: text,
        lastName: text,
        company: text,
        title: text,
        source: text,
      });
      expect(l.status, JSON.stringify(l.body)).toBe(201);
      expect(l.headers['content-type']).toMatch(/^application\/json/);
      const g = await c.get(`/api/v1/leads/${l.body.id}`);
      for (const f of ['firstName', 'lastName', 'company', 'title', 'source']) expect(g.body[f]).toBe(text);
      expect(Buffer.from(g.body.title, 'utf8').equals(Buffer.from(text, 'utf8'))).toBe(true);
      // …and is found as plain text by search and filters.
      const q = await c.get(`/api/v1/leads?q=${encodeURIComponent(text.slice(0, 30))}`);
      expect(q.body.data.map((x: any) => x.id)).toContain(l.body.id);
      const f = await c.get(`/api/v1/leads?source=${encodeURIComponent(text.replace(/,/g, ''))}`);
      if (!text.includes(',')) expect(f.body.data.map((x: any) => x.id)).toEqual([l.body.id]);
      const a = await c.post('/api/v1/activities', {
        type: 'note',
        leadId: l.body.id,
        body: text,
        metadata: { [text]: text },
      });
      expect(a.status).toBe(201);
      expect((await c.get(`/api/v1/activities/${a.body.id}`)).body).toMatchObject({
        body: text,
        metadata: { [text]: text },
      });
      const acc = await c.post('/api/v1/accounts', { name: text, description: text });
      expect((await c.get(`/api/v1/accounts/${acc.body.id}`)).body.name).toBe(text);
    }
    // The tables are intact and still hold every row.
    const counts = await countRows(t, ALL_TABLES);
    expect(counts.leads).toBeGreaterThanOrEqual(tricky.length + 1);
    expect(counts.users).toBeGreaterThanOrEqual(1);
    expect((await c.get(`/api/v1/leads/${lead.id}`)).body).toEqual(lead);
  });

  it('refuses NUL characters, which PostgreSQL cannot store, naming the field', async () => {
    await refused({ method: 'POST', url: '/api/v1/leads', payload: { lastName: 'Nul\u0000Byte' } }, 422, [
      'lastName',
    ]);
    await refused(
      {
        method: 'POST',
        url: '/api/v1/contacts',
        payload: { lastName: 'X', emails: [{ email: 'a@b.co', label: 'w\u0000rk' }] },
      },
      422,
      ['emails[0].label'],
    );
    await refused(
      {
        method: 'POST',
        url: '/api/v1/activities',
        payload: { type: 'note', leadId: lead.id, body: 'x', metadata: { k: ['\u0000'] } },
      },
      422,
      ['metadata.k[0]'],
    );
    await refused(
      {
        method: 'POST',
        url: '/api/v1/activities',
        payload: { type: 'note', leadId: lead.id, body: 'x', metadata: { 'k\u0000': 1 } },
      },
      422,
      ['metadata'],
    );
    await refused(
      {
        method: 'POST',
        url: '/api/v1/accounts/batch',
        payload: { records: [{ name: 'ok' }, { name: 'n\u0000' }] },
      },
      422,
      ['records[1].name'],
    );
    await refused({ method: 'GET', url: '/api/v1/leads?q=a%00b' }, 400, ['q']);
    await refused({ method: 'GET', url: '/api/v1/leads?source=a%00b' }, 400, ['source']);
  });

  it('refuses deeply nested JSON without falling over', async () => {
    const depth = 20_000;
    const deep = `{"type":"note","leadId":"${lead.id}","body":"x","metadata":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const r = await refused(json('POST', '/api/v1/activities', deep), 422);
    expect(r.body.errors[0].field).toMatch(/^metadata\.a(\[0\])+$/);
    expect(r.body.errors[0].reason).toMatch(/nested too deeply/);
    // Reasonable nesting is fine.
    const ok = await c.post('/api/v1/activities', {
      type: 'note',
      leadId: lead.id,
      body: 'x',
      metadata: { a: { b: { c: [1, [2, [3]]] } } },
    });
    expect(ok.status).toBe(201);
  });

  it('never answers 500 to random values in known and unknown fields (property-based)', async () => {
    const doc = (await t.call({ method: 'GET', url: '/api/docs/json' })).body;
    const fieldsOf = (path: string, method: 'post' | 'patch') =>
      Object.keys(doc.paths[path][method].requestBody.content['application/json'].schema.properties ?? {});
    const value = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double(),
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '',
        ' ',
        '2024-02-29',
        '2024-02-30T25:61:00Z',
        '+1 415 555 2671',
        'a@b.co',
        '1e400',
        '-0',
        '9'.repeat(40),
      ),
      fc.constantFrom(newId(), lead.id, lead.contactId, s.userId, '00000000-0000-0000-0000-000000000000'),
      fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 2 }), { maxKeys: 3 }),
    );
    for (const path of ['accounts', 'contacts', 'leads', 'deals', 'activities']) {
      for (const method of ['post', 'patch'] as const) {
        const url = method === 'post' ? `/api/v1/${path}` : `/api/v1/${path}/{id}`;
        const names = fieldsOf(url, method);
        const target =
          method === 'patch'
            ? (
                await c.post(
                  `/api/v1/${path}`,
                  path === 'activities'
                    ? { type: 'note', leadId: lead.id, body: 'x' }
                    : { name: 'N', lastName: 'N' },
                )
              ).body.id
            : null;
        await fc.assert(
          fc.asyncProperty(
            fc.dictionary(fc.constantFrom(...names), value, { maxKeys: 4 }),
            async (random) => {
              // A valid base, so that random values reach the services and the database, not only the schema.
              const base =
                method === 'patch'
                  ? {}
                  : path === 'activities'
                    ? { type: 'note', leadId: lead.id, body: 'x' }
                    : { name: 'N', lastName: 'N' };
              const body = { ...base, ...random };
              if (path === 'leads' || path === 'contacts') delete (body as Record<string, unknown>).name;
              if (path !== 'leads' && path !== 'contacts' && path !== 'activities')
                delete (body as Record<string, unknown>).lastName;
              const r = await t.call({
                method: method === 'post' ? 'POST' : 'PATCH',
                url: method === 'post' ? url : `/api/v1/${path}/${target}`,
                headers: s.auth,
                payload: body,
              });
              expect(
                r.status,
                `${method} ${path} ${JSON.stringify(body)} → ${JSON.stringify(r.body)}`,
              ).toBeLessThan(500);
              if (r.status >= 400) expect(String(r.headers['content-type'])).toMatch(/problem\+json/);
            },
          ),
          { numRuns: 60, seed: 20_251_122 },
        );
      }
    }
  });

  it('refuses bad headers: Idempotency-Key, If-Match, Authorization', async () => {
    await refused(
      {
        method: 'POST',
        url: '/api/v1/leads',
        payload: { lastName: 'X' },
        headers: { 'idempotency-key': 'k'.repeat(201) },
      },
      400,
      ['idempotency-key'],
    );
    await refused(
      {
        method: 'PATCH',
        url: `/api/v1/leads/${lead.id}`,
        payload: { title: 'X' },
        headers: { 'if-match': '"garbage"' },
      },
      412,
      ['If-Match'],
    );
    await refused(
      {
        method: 'POST',
        url: '/api/v1/leads',
        payload: { lastName: 'X' },
        headers: { authorization: "Bearer ' OR 1=1 --" },
      },
      401,
    );
    await refused(
      {
        method: 'POST',
        url: '/api/v1/leads',
        payload: { lastName: 'X' },
        headers: { authorization: 'Bearer' },
      },
      401,
    );
  });

  it('answers unknown routes and methods with a 404 problem', async () => {
    await refused({ method: 'PUT', url: `/api/v1/leads/${lead.id}`, payload: { lastName: 'X' } }, 404);
    await refused({ method: 'GET', url: '/api/v1/nothing' }, 404);
    await refused({ method: 'GET', url: '/api/v1/leads/../../etc/passwd' }, 404);
  });
});
