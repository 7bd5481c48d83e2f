import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/core/shared/ids.js';
import { type Session, type TestApp, testApp } from './app.js';
import { DB_KINDS } from './db.js';
import { type Client, client, expectProblem, walk } from './helpers.js';

/**
 * The API conventions every record resource shares (accounts, contacts, leads, deals, activities):
 * cursor pagination and sorting, Idempotency-Key on create, If-Match on PATCH, soft delete and
 * restore, batch create, and refusal of unknown and read-only fields.
 */

type Env = { c: Client; s: Session; contactId?: string };
type Resource = {
  path: string;
  /** Prepares what the records need (e.g. a contact for activities). */
  setup?: (env: Env) => Promise<void>;
  make: (i: number, env: Env) => Record<string, unknown>;
  patch: Record<string, unknown>;
  /** A field the PATCH changes, and its new value. */
  patched: [string, unknown];
  /** Narrows the list to the records the test made (activities: not the system entries). */
  filter: string;
  /** Sorts to walk; the first is a text sort whose values tie. */
  sorts: string[];
  /** A valid-looking create that the service refuses, and the field it names. */
  refused: (env: Env) => [Record<string, unknown>, string];
};

const NAMES = [
  'delta',
  'alpha',
  'charlie',
  'alpha',
  'bravo',
  'alpha',
  'echo',
  'bravo',
  'charlie',
  'alpha',
  'delta',
];
const MONEY = ['100.00', null, '250.50', '100.00', '5', null, '99999.99', '250.50', '0', '100.00', '7.25'];
const DAYS = [
  '2024-03-01',
  '2024-01-15',
  null,
  '2024-03-01',
  '2023-12-31',
  '2024-01-15',
  null,
  '2025-06-30',
  '2024-03-01',
  '2024-02-29',
  '2024-01-15',
];
const WHEN = (i: number) => `2024-0${1 + (i % 3)}-10T10:00:00.000Z`;
const nonMember = () => newId();

const RESOURCES: Resource[] = [
  {
    path: 'accounts',
    make: (i) => ({ name: NAMES[i], annualRevenue: MONEY[i], industry: 'construction' }),
    patch: { industry: 'solar' },
    patched: ['industry', 'solar'],
    filter: '',
    sorts: ['name', '-name', '-annualRevenue', 'annualRevenue', 'createdAt', '-createdAt', '-updatedAt'],
    refused: () => [{ name: 'Acme', ownerId: nonMember() }, 'ownerId'],
  },
  {
    path: 'contacts',
    make: (i) => ({
      firstName: `P${i}`,
      lastName: NAMES[i],
      email: `p${i}.${newId()}@example.com`,
      companyName: NAMES[10 - i],
    }),
    patch: { jobTitle: 'CTO' },
    patched: ['jobTitle', 'CTO'],
    filter: '',
    sorts: ['lastName', '-lastName', 'companyName', '-companyName', 'firstName', '-createdAt', 'createdAt'],
    refused: () => [{ lastName: 'X', ownerId: nonMember() }, 'ownerId'],
  },
  {
    path: 'leads',
    make: (i) => ({
      firstName: `L${i}`,
      lastName: NAMES[i],
      email: `l${i}.${newId()}@example.com`,
      company: NAMES[10 - i],
      title: `Interest ${i}`,
      dealValue: MONEY[i],
      expectedCloseDate: DAYS[i],
    }),
    patch: { title: 'Solar' },
    patched: ['title', 'Solar'],
    filter: '',
    sorts: [
      'lastName',
      '-lastName',
      '-company',
      '-dealValue',
      'dealValue',
      'score',
      '-score',
      'expectedCloseDate',
      '-createdAt',
      'stageEnteredAt',
    ],
    refused: () => [{ lastName: 'X', ownerId: nonMember() }, 'ownerId'],
  },
  {
    path: 'deals',
    make: (i) => ({ name: NAMES[i], amount: MONEY[i], closeDate: DAYS[i] }),
    patch: { description: 'Big one' },
    patched: ['description', 'Big one'],
    filter: '',
    sorts: ['name', '-name', '-amount', 'amount', 'closeDate', '-closeDate', 'createdAt'],
    refused: () => [{ name: 'X', ownerId: nonMember() }, 'ownerId'],
  },
  {
    path: 'activities',
    setup: async (env) => {
      const r = await env.c.post('/api/v1/contacts', { firstName: 'Time', lastName: 'Line' });
      env.contactId = r.body.id;
    },
    make: (i, env) => ({
      type: 'call',
      contactId: env.contactId,
      subject: NAMES[i],
      occurredAt: WHEN(i),
      durationMinutes: i,
    }),
    patch: { outcome: 'connected' },
    patched: ['outcome', 'connected'],
    filter: 'type=call',
    sorts: ['occurredAt', '-occurredAt', 'createdAt', '-createdAt'],
    refused: () => [{ type: 'call', leadId: newId() }, 'leadId'],
  },
];

/** The sort key of a record as the API sorts it, in JavaScript (names are plain ASCII so collation agrees). */
const KEY: Record<string, (r: any) => string | number> = {
  name: (r) => r.name.toLowerCase(),
  lastName: (r) => (r.lastName ?? '').toLowerCase(),
  firstName: (r) => (r.firstName ?? '').toLowerCase(),
  company: (r) => (r.company ?? '').toLowerCase(),
  companyName: (r) => (r.companyName ?? '').toLowerCase(),
  annualRevenue: (r) => Number(r.annualRevenue ?? -1),
  dealValue: (r) => Number(r.dealValue ?? -1),
  amount: (r) => Number(r.amount ?? -1),
  score: (r) => r.score,
  closeDate: (r) => r.closeDate ?? '',
  expectedCloseDate: (r) => r.expectedCloseDate ?? '',
  createdAt: (r) => r.createdAt,
  updatedAt: (r) => r.updatedAt,
  occurredAt: (r) => r.occurredAt,
  stageEnteredAt: (r) => r.stageEnteredAt,
};
const TIMESTAMPS = new Set(['createdAt', 'updatedAt', 'occurredAt', 'stageEnteredAt']);

/** Checks records are in sort order, ties broken by id (in the sort's direction). */
function expectSorted(records: any[], sort: string): void {
  const desc = sort.startsWith('-');
  const field = desc ? sort.slice(1) : sort;
  const key = KEY[field]!;
  for (let i = 1; i < records.length; i++) {
    const [a, b] = [records[i - 1], records[i]];
    const [ka, kb] = [key(a), key(b)];
    const msg = `${sort}: ${JSON.stringify(ka)} (${a.id}) before ${JSON.stringify(kb)} (${b.id})`;
    if (ka === kb) {
      // Timestamps compare at microseconds in the database, milliseconds here: only the key is checked.
      if (!TIMESTAMPS.has(field)) expect(desc ? a.id > b.id : a.id < b.id, msg).toBe(true);
    } else expect(desc ? ka > kb : ka < kb, msg).toBe(true);
  }
}

describe.each(DB_KINDS)('API conventions on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
  });
  afterAll(() => t.close());

  describe.each(RESOURCES)('/api/v1/$path', (R) => {
    const base = `/api/v1/${R.path}`;
    const env = {} as Env;
    const listUrl = (extra = '') => `${base}?${[R.filter, extra].filter(Boolean).join('&')}`;
    const count = async () => (await walk(env.c, listUrl('deleted=include'), 200)).length;
    beforeAll(async () => {
      env.s = await t.signup();
      env.c = client(t, env.s);
      await R.setup?.(env);
    });

    it('creates, reads, and answers with Location and ETag', async () => {
      const r = await env.c.post(base, R.make(1, env));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
      expect(r.headers.location).toBe(`${base}/${r.body.id}`);
      expect(r.headers.etag).toMatch(/^"\d+(\.\d+)?"$/);
      const g = await env.c.get(`${base}/${r.body.id}`);
      expect(g.status).toBe(200);
      expect(g.body).toEqual(r.body);
      expect(g.headers.etag).toBe(r.headers.etag);
      expect(g.body.deletedAt).toBeNull();
      expectProblem(await env.c.get(`${base}/${newId()}`), 404);
    });

    it('pages through every record exactly once, in order, for each sort (limit ≤ 200)', async () => {
      // Some in one batch (equal createdAt), some one by one; text, number and date keys tie and are null.
      const batch = await env.c.post(`${base}/batch`, {
        mode: 'atomic',
        records: NAMES.slice(0, 6).map((_, i) => R.make(i, env)),
      });
      expect(batch.status, JSON.stringify(batch.body)).toBe(201);
      for (let i = 6; i < NAMES.length; i++)
        expect((await env.c.post(base, R.make(i, env))).status).toBe(201);
      const total = await count();
      expect(total).toBeGreaterThanOrEqual(NAMES.length);

      for (const sort of R.sorts) {
        const all = await walk(env.c, listUrl(`sort=${sort}`), 200);
        expect(all.length, sort).toBe(total);
        expectSorted(all, sort);
        for (const limit of [1, 2, 3, 5]) {
          const paged = await walk(env.c, listUrl(`sort=${sort}`), limit);
          const ids = paged.map((x) => x.id);
          expect(new Set(ids).size, `${sort} limit ${limit}: duplicates`).toBe(ids.length);
          expect(ids, `${sort} limit ${limit}`).toEqual(all.map((x) => x.id));
        }
      }
      // The default sort pages too.
      expect((await walk(env.c, listUrl(), 4)).length).toBe(total);

      expect((await env.c.get(`${base}?limit=200`)).status).toBe(200);
      expectProblem(await env.c.get(`${base}?limit=201`), 400, ['limit']);
      expectProblem(await env.c.get(`${base}?limit=0`), 400, ['limit']);
      expectProblem(await env.c.get(`${base}?sort=nope`), 400, ['sort']);
      // A cursor only works with the sort it was made for; a forged one is refused.
      const first = await env.c.get(listUrl(`sort=${R.sorts[0]}&limit=2`));
      const cursor = encodeURIComponent(first.body.nextCursor);
      expectProblem(await env.c.get(listUrl(`sort=${R.sorts[1]}&limit=2&cursor=${cursor}`)), 400, ['cursor']);
      expectProblem(await env.c.get(`${base}?cursor=bm90LWEtY3Vyc29y`), 400, ['cursor']);
    });

    it('replays a create with the same Idempotency-Key, refuses the key with another body', async () => {
      const before = await count();
      const key = `key-${newId()}`;
      const body = R.make(2, env);
      const a = await env.c.post(base, body, { 'idempotency-key': key });
      expect(a.status).toBe(201);
      const b = await env.c.post(base, body, { 'idempotency-key': key });
      expect(b.status).toBe(201);
      expect(b.body).toEqual(a.body);
      expect(b.headers['idempotent-replayed']).toBe('true');
      expect(b.headers.location).toBe(a.headers.location);
      expect(await count()).toBe(before + 1);
      const other = await env.c.post(base, R.make(3, env), { 'idempotency-key': key });
      expectProblem(other, 422, ['Idempotency-Key']);
      expect(await count()).toBe(before + 1);
      // Another key is another create (of another record: the same email would link to the first contact).
      const c = await env.c.post(base, R.make(2, env), { 'idempotency-key': `${key}-2` });
      expect(c.status).toBe(201);
      expect(c.body.id).not.toBe(a.body.id);
      expect(await count()).toBe(before + 2);
    });

    it('creates once when the same Idempotency-Key arrives concurrently', async () => {
      const before = await count();
      const key = `race-${newId()}`;
      const body = R.make(4, env);
      const rs = await Promise.all(
        Array.from({ length: 6 }, () => env.c.post(base, body, { 'idempotency-key': key })),
      );
      // The first creates; the others wait for it and replay its response.
      for (const r of rs) expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(new Set(rs.map((r) => r.body.id)).size).toBe(1);
      expect(rs.filter((r) => r.headers['idempotent-replayed'] === 'true').length).toBe(rs.length - 1);
      expect(await count()).toBe(before + 1);
    });

    it('updates with If-Match: a stale ETag is refused with 412 and changes nothing', async () => {
      const r = await env.c.post(base, R.make(5, env));
      const etag = r.headers.etag as string;
      const url = `${base}/${r.body.id}`;
      const stale = await env.c.patch(url, R.patch, { 'if-match': '"999"' });
      expectProblem(stale, 412, ['If-Match']);
      expect((await env.c.get(url)).body).toEqual(r.body);
      const ok = await env.c.patch(url, R.patch, { 'if-match': etag });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(ok.body[R.patched[0]]).toEqual(R.patched[1]);
      expect(ok.body.version).toBe(r.body.version + 1);
      expect(ok.headers.etag).not.toBe(etag);
      expect((await env.c.get(url)).headers.etag).toBe(ok.headers.etag);
      // The old ETag is now stale; a weak form of the current one matches.
      expectProblem(await env.c.patch(url, R.patch, { 'if-match': etag }), 412);
      const weak = await env.c.patch(url, R.patch, { 'if-match': `W/${ok.headers.etag}` });
      expect(weak.status).toBe(200);
      expectProblem(await env.c.patch(`${base}/${newId()}`, R.patch), 404);
    });

    it('lets only one of several concurrent updates with the same If-Match win; the others get 412', async () => {
      const r = await env.c.post(base, R.make(5, env));
      const url = `${base}/${r.body.id}`;
      const rs = await Promise.all(
        Array.from({ length: 5 }, () => env.c.patch(url, R.patch, { 'if-match': r.headers.etag as string })),
      );
      expect(rs.map((x) => x.status).sort()).toEqual([200, 412, 412, 412, 412]);
      expect((await env.c.get(url)).body.version).toBe(r.body.version + 1);
    });

    it('soft-deletes (hidden from lists, still readable, listed with deleted=only) and restores', async () => {
      const r = await env.c.post(base, R.make(6, env));
      const id = r.body.id;
      const del = await env.c.del(`${base}/${id}`);
      expect(del.status).toBe(200);
      expect(del.body.deletedAt).toEqual(expect.any(String));
      const listed = async (mode: string) =>
        (await walk(env.c, listUrl(`deleted=${mode}`), 200)).map((x) => x.id);
      expect(await listed('exclude')).not.toContain(id);
      expect(await listed('only')).toEqual([id]);
      expect(await listed('include')).toContain(id);
      const g = await env.c.get(`${base}/${id}`);
      expect(g.status).toBe(200);
      expect(g.body.deletedAt).toBe(del.body.deletedAt);
      // A deleted record cannot be edited until restored.
      expectProblem(await env.c.patch(`${base}/${id}`, R.patch), 404);
      const res = await env.c.post(`${base}/${id}/restore`);
      expect(res.status).toBe(200);
      expect(res.body.deletedAt).toBeNull();
      expect(await listed('exclude')).toContain(id);
      expect(await listed('only')).toEqual([]);
      expectProblem(await env.c.post(`${base}/${newId()}/restore`), 404);
      expectProblem(await env.c.del(`${base}/${newId()}`), 404);
    });

    it('batch atomic: one bad record refuses the whole batch, naming records[i].field, and writes nothing', async () => {
      const before = await count();
      const records = [R.make(7, env), { ...R.make(8, env), bogus: 1 }, R.make(9, env)];
      const bad = await env.c.post(`${base}/batch`, { mode: 'atomic', records });
      expectProblem(bad, 422, [['records[1].bogus', 'is not a known field']]);
      expect(await count()).toBe(before);
      // A record the service refuses (not the schema) also undoes the records before it.
      const [refused, field] = R.refused(env);
      const bad2 = await env.c.post(`${base}/batch`, { records: [R.make(7, env), R.make(8, env), refused] });
      expect([404, 422]).toContain(bad2.status);
      expectProblem(bad2, bad2.status, [`records[2].${field}`]);
      expect(await count()).toBe(before);
      const ok = await env.c.post(`${base}/batch`, {
        mode: 'atomic',
        records: [R.make(7, env), R.make(8, env)],
      });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ created: 2, failed: 0 });
      expect(ok.body.results.map((x: any) => [x.index, x.status])).toEqual([
        [0, 201],
        [1, 201],
      ]);
      expect(await count()).toBe(before + 2);
    });

    it('batch partial: creates the good records and reports each bad one', async () => {
      const before = await count();
      const [refused, field] = R.refused(env);
      const records = [R.make(1, env), { ...R.make(2, env), id: newId() }, refused, R.make(3, env)];
      const r = await env.c.post(`${base}/batch`, { mode: 'partial', records });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({ created: 2, failed: 2 });
      const [a, b, c, d] = r.body.results;
      expect(a).toMatchObject({ index: 0, status: 201, data: { id: expect.any(String) } });
      expect(b).toMatchObject({ index: 1, status: 422 });
      expect(b.error.errors).toEqual([{ field: 'id', reason: 'is read-only' }]);
      expect(c.index).toBe(2);
      expect([404, 422]).toContain(c.status);
      expect(c.error.errors.map((e: any) => e.field)).toContain(field);
      expect(d).toMatchObject({ index: 3, status: 201 });
      expect(await count()).toBe(before + 2);
      for (const x of [a, d]) expect((await env.c.get(`${base}/${x.data.id}`)).status).toBe(200);
    });

    it('replays a batch (atomic or partial) sent again with the same Idempotency-Key', async () => {
      for (const mode of ['atomic', 'partial']) {
        const before = await count();
        const key = `batch-${newId()}`;
        const body = { mode, records: [R.make(1, env), R.make(2, env)] };
        const a = await env.c.post(`${base}/batch`, body, { 'idempotency-key': key });
        expect(a.status, JSON.stringify(a.body)).toBe(mode === 'atomic' ? 201 : 200);
        const b = await env.c.post(`${base}/batch`, body, { 'idempotency-key': key });
        expect(b.status).toBe(a.status);
        expect(b.body).toEqual(a.body);
        expect(b.headers['idempotent-replayed']).toBe('true');
        expect(await count(), mode).toBe(before + 2);
        expectProblem(
          await env.c.post(
            `${base}/batch`,
            { ...body, records: [R.make(3, env)] },
            { 'idempotency-key': key },
          ),
          422,
          ['Idempotency-Key'],
        );
        expect(await count()).toBe(before + 2);
      }
    });

    it('refuses more than 1,000 records in a batch, and an empty one', async () => {
      const before = await count();
      const records = Array.from({ length: 1001 }, (_, i) => R.make(i % NAMES.length, env));
      const r = await env.c.post(`${base}/batch`, { mode: 'atomic', records });
      expectProblem(r, 422, ['records']);
      const p = await env.c.post(`${base}/batch`, { mode: 'partial', records });
      expectProblem(p, 422, ['records']);
      expectProblem(await env.c.post(`${base}/batch`, { records: [] }), 422, ['records']);
      expect(await count()).toBe(before);
    });

    it('refuses unknown and read-only fields by name, on create and update', async () => {
      const before = await count();
      expectProblem(await env.c.post(base, { ...R.make(1, env), favouriteColour: 'red' }), 422, [
        ['favouriteColour', 'is not a known field'],
      ]);
      for (const f of ['id', 'createdAt', 'updatedAt', 'deletedAt', 'version', 'workspaceId'])
        expectProblem(
          await env.c.post(base, { ...R.make(1, env), [f]: f === 'version' ? 3 : newId() }),
          422,
          [[f, 'is read-only']],
        );
      expect(await count()).toBe(before);
      const r = await env.c.post(base, R.make(1, env));
      const url = `${base}/${r.body.id}`;
      expectProblem(await env.c.patch(url, { favouriteColour: 'red' }), 422, [
        ['favouriteColour', 'is not a known field'],
      ]);
      expectProblem(await env.c.patch(url, { createdAt: '2020-01-01T00:00:00Z' }), 422, [
        ['createdAt', 'is read-only'],
      ]);
      expect((await env.c.get(url)).body).toEqual(r.body);
    });
  });

  it('searches accounts, deals and activities with q, wildcards matched literally', async () => {
    const s = await t.signup();
    const c = client(t, s);
    const acme = await c.post('/api/v1/accounts', {
      name: 'Acme 100% Solar',
      domain: 'acme-solar.com',
      taxId: '29ABCDE1234F1Z5',
    });
    await c.post('/api/v1/accounts', { name: 'Globex', domain: 'globex.com' });
    const ids = async (url: string) => (await c.get(url)).body.data.map((x: any) => x.id);
    expect(await ids('/api/v1/accounts?q=acme')).toEqual([acme.body.id]);
    expect(await ids('/api/v1/accounts?q=ACME-SOLAR')).toEqual([acme.body.id]);
    expect(await ids('/api/v1/accounts?q=29ABCDE1234F1Z5')).toEqual([acme.body.id]);
    expect(await ids(`/api/v1/accounts?q=${encodeURIComponent('100%')}`)).toEqual([acme.body.id]);
    expect(await ids('/api/v1/accounts?q=%25')).toEqual([acme.body.id]);
    expect(await ids('/api/v1/accounts?q=_')).toEqual([]);
    const deal = await c.post('/api/v1/deals', { name: 'Roof_2025 upgrade' });
    await c.post('/api/v1/deals', { name: 'Roof 2025' });
    expect(await ids('/api/v1/deals?q=roof_')).toEqual([deal.body.id]);
    const ct = await c.post('/api/v1/contacts', { lastName: 'Kim' });
    const call = await c.post('/api/v1/activities', {
      type: 'call',
      contactId: ct.body.id,
      subject: 'Intro',
      body: 'Asked about 50% discount',
    });
    await c.post('/api/v1/activities', { type: 'note', contactId: ct.body.id, body: 'Sent 500 brochures' });
    expect(await ids('/api/v1/activities?q=50%25')).toEqual([call.body.id]);
    expect(await ids('/api/v1/activities?q=intro&type=call')).toEqual([call.body.id]);
  });

  it('keeps externalId unique per workspace under concurrent creates: one 201, the rest 409 naming it', async () => {
    const s = await t.signup();
    const c = client(t, s);
    for (const [path, body] of [
      ['accounts', { name: 'Same' }],
      ['contacts', { lastName: 'Same' }],
      ['leads', { lastName: 'Same' }],
      ['deals', { name: 'Same' }],
    ] as const) {
      const externalId = `crm-${newId()}`;
      const rs = await Promise.all(
        Array.from({ length: 6 }, () => c.post(`/api/v1/${path}`, { ...body, externalId })),
      );
      expect(rs.filter((r) => r.status === 201).length, path).toBe(1);
      for (const r of rs.filter((x) => x.status !== 201)) expectProblem(r, 409, ['externalId']);
      const list = await c.get(`/api/v1/${path}?externalId=${externalId}`);
      expect(list.body.data.length).toBe(1);
    }
    // The same externalId in another workspace is fine.
    const other = client(t, await t.signup());
    const ext = (await c.get('/api/v1/accounts?limit=1')).body.data[0].externalId;
    expect((await other.post('/api/v1/accounts', { name: 'Mine', externalId: ext })).status).toBe(201);
  });

  it('signs up one account per email under concurrent sign-ups', async () => {
    const email = `race.${newId()}@example.com`;
    const rs = await Promise.all(
      Array.from({ length: 4 }, () =>
        t.call({
          method: 'POST',
          url: '/api/v1/auth/signup',
          payload: { email, password: 'correct horse battery', name: 'R', workspaceName: 'R' },
        }),
      ),
    );
    expect(rs.filter((r) => r.status === 201).length).toBe(1);
    for (const r of rs.filter((x) => x.status !== 201)) expectProblem(r, 409, ['email']);
  });

  it('1,000 records in one atomic batch are all created', async () => {
    const s = await t.signup();
    const c = client(t, s);
    const records = Array.from({ length: 1000 }, (_, i) => ({
      name: `Company ${i}`,
      externalId: `ext-${i}`,
    }));
    const r = await c.post('/api/v1/accounts/batch', { mode: 'atomic', records });
    expect(r.status).toBe(201);
    expect(r.body.created).toBe(1000);
    expect((await walk(c, '/api/v1/accounts?sort=name', 200)).length).toBe(1000);
  });
});

describe.each(DB_KINDS)('lead lists, filters and search on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  let repId: string;
  const L: Record<string, any> = {};
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup();
    c = client(t, s);
    const m = await c.post('/api/v1/members', {
      email: `rep.${newId()}@example.com`,
      name: 'Rita Rep',
      role: 'rep',
    });
    expect(m.status).toBe(201);
    repId = m.body.id;
    const mk = async (name: string, body: Record<string, unknown>) => {
      const r = await c.post('/api/v1/leads', body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      L[name] = r.body;
    };
    await mk('maya', {
      firstName: 'Maya',
      lastName: 'Patel',
      email: 'maya.patel@example.com',
      phone: '(415) 555-2671',
      company: 'Patel Homes',
      title: 'Kitchen',
    });
    await mk('omar', {
      firstName: 'Omar',
      lastName: 'Haddad',
      email: 'omar@haddad.io',
      phone: '+44 20 7946 0958',
      company: 'Sunrise Solar',
      status: 'contacted',
      ownerId: repId,
    });
    await mk('li', {
      firstName: 'Li',
      lastName: 'Wei',
      email: 'li.wei@example.org',
      company: 'Wei & Sons',
      status: 'qualified',
      ownerId: repId,
    });
    await mk('zoe', {
      firstName: 'Zoë',
      lastName: 'Brandt',
      phone: '212-555-0199',
      company: '100% Roofing_Co',
      status: 'won',
    });
    // Scores come from scoring rules; set them directly. Backdate two leads for the date filters.
    await t.handle.exec(`update leads set score = 80 where id = '${L.maya.id}'; update leads set score = 40 where id = '${L.omar.id}';
      update leads set score = 10 where id = '${L.li.id}';
      update leads set created_at = '2024-01-10T12:00:00Z' where id = '${L.li.id}';
      update leads set created_at = '2024-02-20T12:00:00Z' where id = '${L.zoe.id}';`);
  });
  afterAll(() => t.close());

  const names = async (qs: string) => {
    const r = await c.get(`/api/v1/leads?${qs}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.data.map((x: any) => x.firstName).sort();
  };

  it('filters by status (one or several), owner, score and creation date', async () => {
    expect(await names('status=new')).toEqual(['Maya']);
    expect(await names('status=new,contacted')).toEqual(['Maya', 'Omar']);
    expect(await names('status=won,lost')).toEqual(['Zoë']);
    expect(await names(`ownerId=${repId}`)).toEqual(['Li', 'Omar']);
    expect(await names('ownerId=none')).toEqual(['Maya', 'Zoë']);
    expect(await names(`ownerId=${s.userId}`)).toEqual([]);
    expect(await names('scoreMin=40')).toEqual(['Maya', 'Omar']);
    expect(await names('scoreMin=10&scoreMax=40')).toEqual(['Li', 'Omar']);
    expect(await names('createdAtFrom=2024-01-01&createdAtTo=2024-02-01')).toEqual(['Li']);
    expect(await names('createdAtFrom=2024-01-01T00:00:00Z&createdAtTo=2024-12-31T00:00:00Z')).toEqual([
      'Li',
      'Zoë',
    ]);
    expect(await names('createdAtFrom=2025-01-01')).toEqual(['Maya', 'Omar']);
    expect(await names(`status=contacted,qualified&ownerId=${repId}&scoreMin=20`)).toEqual(['Omar']);
    expectProblem(await c.get('/api/v1/leads?status=bogus'), 400, ['status[0]']);
    expectProblem(await c.get('/api/v1/leads?ownerId=not-a-uuid'), 400);
    expectProblem(await c.get('/api/v1/leads?scoreMin=lots'), 400, ['scoreMin']);
    expectProblem(await c.get('/api/v1/leads?createdAtFrom=yesterday'), 400, ['createdAtFrom']);
    expectProblem(await c.get('/api/v1/leads?colour=red'), 400, ['colour']);
  });

  it('searches names, emails, phones in any format and company with q', async () => {
    expect(await names('q=patel')).toEqual(['Maya']);
    expect(await names('q=MAYA')).toEqual(['Maya']);
    expect(await names('q=haddad.io')).toEqual(['Omar']);
    expect(await names('q=li.wei@example')).toEqual(['Li']);
    expect(await names(`q=${encodeURIComponent('415.555.2671')}`)).toEqual(['Maya']);
    expect(await names(`q=${encodeURIComponent('+1 (415) 555 2671')}`)).toEqual(['Maya']);
    expect(await names(`q=${encodeURIComponent('(44) 20-7946-0958')}`)).toEqual(['Omar']);
    expect(await names('q=2125550199')).toEqual(['Zoë']);
    expect(await names('q=sunrise')).toEqual(['Omar']);
    expect(await names(`q=${encodeURIComponent('wei & sons')}`)).toEqual(['Li']);
    expect(await names('q=Zo%C3%AB')).toEqual(['Zoë']);
    // LIKE wildcards are matched literally.
    expect(await names(`q=${encodeURIComponent('100%')}`)).toEqual(['Zoë']);
    expect(await names('q=_')).toEqual(['Zoë']);
    expect(await names('q=%25')).toEqual(['Zoë']);
    // Search text is the values, not the structure they are stored in.
    for (const word of ['email', 'normalized', 'label', 'primary', 'e164', 'true', 'null', 'al'])
      expect(await names(`q=${word}`), word).toEqual([]);
    expect(await names('q=nobody')).toEqual([]);
    // q combines with filters.
    expect(await names(`q=example&status=qualified`)).toEqual(['Li']);
  });

  it('searches contacts the same way', async () => {
    const r = await c.get(`/api/v1/contacts?q=${encodeURIComponent('(415) 555-2671')}`);
    expect(r.body.data.map((x: any) => x.id)).toEqual([L.maya.contactId]);
    const e = await c.get('/api/v1/contacts?email=MAYA.PATEL@example.com');
    expect(e.body.data.map((x: any) => x.id)).toEqual([L.maya.contactId]);
    expect((await c.get('/api/v1/contacts?q=label')).body.data).toEqual([]);
  });

  it("changes a lead's ETag when its contact is edited, so a stale If-Match on the lead fails", async () => {
    const g = await c.get(`/api/v1/leads/${L.maya.id}`);
    const etag = g.headers.etag as string;
    const contact = await c.get(`/api/v1/contacts/${L.maya.contactId}`);
    const edit = await c.patch(
      `/api/v1/contacts/${L.maya.contactId}`,
      { jobTitle: 'Owner' },
      { 'if-match': contact.headers.etag as string },
    );
    expect(edit.status).toBe(200);
    const g2 = await c.get(`/api/v1/leads/${L.maya.id}`);
    expect(g2.body.jobTitle).toBe('Owner');
    expect(g2.headers.etag).not.toBe(etag);
    expect(g2.body.version).toBe(g.body.version);
    expectProblem(await c.patch(`/api/v1/leads/${L.maya.id}`, { title: 'Bath' }, { 'if-match': etag }), 412, [
      'If-Match',
    ]);
    const ok = await c.patch(
      `/api/v1/leads/${L.maya.id}`,
      { title: 'Bath' },
      { 'if-match': g2.headers.etag as string },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.title).toBe('Bath');
    // Concurrent edits of the lead's contact fields with the same ETag: one wins, the others are stale.
    const cur = await c.get(`/api/v1/leads/${L.maya.id}`);
    const rs = await Promise.all(
      ['A', 'B', 'C', 'D'].map((x) =>
        c.patch(
          `/api/v1/leads/${L.maya.id}`,
          { lastName: `Patel-${x}` },
          { 'if-match': cur.headers.etag as string },
        ),
      ),
    );
    expect(rs.map((x) => x.status).sort()).toEqual([200, 412, 412, 412]);
    const winner = rs.find((x) => x.status === 200)!;
    expect((await c.get(`/api/v1/leads/${L.maya.id}`)).body.lastName).toBe(winner.body.lastName);
    // Read-only lead fields are named as such.
    expectProblem(await c.patch(`/api/v1/leads/${L.maya.id}`, { score: 99 }), 422, [
      ['score', 'is read-only'],
    ]);
    expectProblem(await c.post('/api/v1/leads', { lastName: 'X', score: 99, convertedAt: null }), 422, [
      ['score', 'is read-only'],
      ['convertedAt', 'is read-only'],
    ]);
  });
});
