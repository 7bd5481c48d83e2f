import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/core/shared/ids.js';
import { type Session, type TestApp, testApp } from './app.js';
import { DB_KINDS } from './db.js';
import { ALL_TABLES, type Client, client, countRows, query } from './helpers.js';

/**
 * Workspace isolation, walking every route the app registers (so new routes are covered without
 * touching this file): workspace A, calling with workspace B's ids in paths, query filters and body
 * fields, gets 404 (or 422 for a reference in a body) and changes nothing of B's; A's lists never show
 * B's rows. Each refusal has a positive control: the same call with A's own ids succeeds.
 */

type Kind =
  | 'account'
  | 'contact'
  | 'contact2'
  | 'lead'
  | 'deal'
  | 'activity'
  | 'member'
  | 'apiKey'
  | 'pipeline'
  | 'merge'
  | 'spareContact'
  | 'spareLead'
  | 'spareAccount'
  | 'customField'
  | 'duplicateRule'
  | 'job'
  | 'stage'
  | 'user'
  | 'workspace';
type Ids = Record<Kind, string>;

/** The kind of id a path parameter named `id` takes, by the path segment before it. */
const SEGMENT_KIND: Record<string, Kind> = {
  accounts: 'account',
  contacts: 'contact',
  leads: 'lead',
  deals: 'deal',
  activities: 'activity',
  members: 'member',
  'api-keys': 'apiKey',
  pipelines: 'pipeline',
  merges: 'merge',
  'custom-fields': 'customField',
  'duplicate-rules': 'duplicateRule',
  jobs: 'job',
};
/** The kind of id other parameters and body fields take, by name. */
const NAME_KIND: Record<string, Kind> = {
  contactId: 'contact',
  primaryContactId: 'contact',
  leadId: 'lead',
  originLeadId: 'lead',
  accountId: 'account',
  dealId: 'deal',
  ownerId: 'user',
  userId: 'user',
  stageId: 'stage',
  pipelineId: 'pipeline',
  workspaceId: 'workspace',
  survivorId: 'contact',
  // A merged or surviving record (merge history): the contact that survived the workspace's merge.
  recordId: 'contact2',
};
/** Body fields whose kind depends on the route (a merge's survivor is of the route's entity). */
const ROUTE_FIELD_KIND: Record<string, Record<string, Kind>> = {
  'POST /api/v1/leads/merge': { survivorId: 'lead' },
  'POST /api/v1/accounts/merge': { survivorId: 'account' },
};
const fieldKind = (r: { method: string; url: string }, f: string): Kind =>
  ROUTE_FIELD_KIND[`${r.method} ${r.url}`]?.[f] ?? NAME_KIND[f]!;
/** Parameters whose names look like ids but are not ours. */
const NOT_OUR_IDS = new Set(['externalId']);

type Route = { method: string; url: string };

/** Every route of the app, read from Fastify's route tree (not a hand-written list). */
function routesOf(app: FastifyInstance): Route[] {
  const out: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const url = (depth > 0 ? stack[depth - 1]! : '') + m[2]!;
    stack.push(url);
    for (const method of (m[3] ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean))
      out.push({ method, url });
  }
  return out.filter((r) => r.url.startsWith('/api/v1/'));
}

const paramsOf = (url: string): string[] => [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
function kindOfParam(url: string, name: string): Kind {
  if (name !== 'id') {
    const k = NAME_KIND[name];
    if (!k) throw new Error(`${url}: no id kind for parameter :${name}; add it to NAME_KIND`);
    return k;
  }
  const seg = url.split('/:id')[0]!.split('/').pop()!;
  const k = SEGMENT_KIND[seg];
  if (!k) throw new Error(`${url}: no id kind for /${seg}/:id; add it to SEGMENT_KIND`);
  return k;
}
const fill = (url: string, values: Record<string, string>) => url.replace(/:(\w+)/g, (_, p) => values[p]!);

const isUuidSchema = (s: any): boolean =>
  !!s && (s.format === 'uuid' || (Array.isArray(s.anyOf) && s.anyOf.some((x: any) => x.format === 'uuid')));

/** Creates one record of each kind in a workspace, linked to each other as a real workspace would be. */
async function makeRecords(c: Client, s: Session): Promise<Ids> {
  const ok = (r: { status: number; body: any }) => {
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };
  const me = ok(await c.get('/api/v1/members')).data[0];
  const pipelines = ok(await c.get('/api/v1/pipelines')).data;
  const account = ok(await c.post('/api/v1/accounts', { name: `Acct ${newId()}`, ownerId: s.userId }));
  const contact = ok(
    await c.post('/api/v1/contacts', {
      lastName: 'Primary',
      email: `p.${newId()}@example.com`,
      accountId: account.id,
      ownerId: s.userId,
    }),
  );
  const contact2 = ok(await c.post('/api/v1/contacts', { lastName: 'Second', accountId: account.id }));
  const lead = ok(
    await c.post('/api/v1/leads', { contactId: contact.id, ownerId: s.userId, title: 'Solar' }),
  );
  const deal = ok(
    await c.post('/api/v1/deals', {
      name: 'Deal',
      accountId: account.id,
      primaryContactId: contact.id,
      originLeadId: lead.id,
      ownerId: s.userId,
    }),
  );
  const activity = ok(
    await c.post('/api/v1/activities', {
      type: 'call',
      leadId: lead.id,
      dealId: deal.id,
      accountId: account.id,
      subject: 'Hi',
    }),
  );
  ok(await c.post(`/api/v1/leads/${lead.id}/contacts`, { contactId: contact2.id, role: 'billing' }));
  // A deleted record, so that `deleted=include` would show it if it leaked.
  const gone = ok(await c.post('/api/v1/leads', { lastName: 'Deleted', email: `d.${newId()}@example.com` }));
  ok(await c.del(`/api/v1/leads/${gone.id}`));
  const member = ok(
    await c.post('/api/v1/members', {
      email: `m.${newId()}@example.com`,
      name: 'Member',
      role: 'rep',
      password: 'correct horse battery',
    }),
  );
  const apiKey = ok(await c.post('/api/v1/api-keys', { name: 'spare', role: 'rep' }));
  // Duplicates: a rule, a flagged pair with contact2 (a twin with the same name and address), a scan job.
  const duplicateRule = ok(
    await c.post('/api/v1/duplicate-rules', {
      entity: 'account',
      name: 'Same domain',
      fields: [{ field: 'domain', match: 'exact' }],
      threshold: 1,
      action: 'link',
    }),
  );
  const home = { type: 'personal', street1: '1 Main St', city: 'San Francisco', postcode: '94105' };
  ok(await c.patch(`/api/v1/contacts/${contact2.id}`, { firstName: 'Twin', addresses: [home] }));
  ok(await c.post('/api/v1/contacts', { firstName: 'Twin', lastName: 'Second', addresses: [home] }));
  const job = ok(await c.post('/api/v1/duplicates/scan', { entity: 'account' }));
  for (let i = 0; i < 200 && ok(await c.get(`/api/v1/jobs/${job.jobId}`)).finishedAt === null; i++)
    await new Promise((r) => setTimeout(r, 20));
  // A merge (a fresh contact into contact2), and a spare unlinked record of each mergeable kind.
  const merged = ok(await c.post('/api/v1/contacts', { lastName: `Merged ${newId()}` }));
  const merge = ok(
    await c.post('/api/v1/contacts/merge', { survivorId: contact2.id, mergedIds: [merged.id] }),
  );
  const spareContact = ok(await c.post('/api/v1/contacts', { lastName: `Spare ${newId()}` }));
  const spareLead = ok(await c.post('/api/v1/leads', { contactId: spareContact.id, title: 'Spare' }));
  const spareAccount = ok(await c.post('/api/v1/accounts', { name: `Spare ${newId()}` }));
  const customField = ok(
    await c.post('/api/v1/custom-fields', {
      entity: 'contact',
      key: `iso_${newId().slice(-12)}`,
      label: 'Notes',
      type: 'text',
    }),
  );
  expect(me.id).toBe(s.userId);

  return {
    account: account.id,
    contact: contact.id,
    contact2: contact2.id,
    lead: lead.id,
    deal: deal.id,
    activity: activity.id,
    member: member.id,
    apiKey: apiKey.id,
    merge: merge.mergeId,
    spareContact: spareContact.id,
    spareLead: spareLead.id,
    spareAccount: spareAccount.id,
    customField: customField.id,
    duplicateRule: duplicateRule.id,
    job: job.jobId,
    pipeline: pipelines[0].id,
    stage: pipelines[0].stages[0].id,
    user: s.userId,
    workspace: s.workspaceId,
  };
}

/** Everything stored for a workspace: its rows in every tenant table, its row, its users and sessions. */
async function snapshot(t: TestApp, workspaceId: string): Promise<Record<string, string[]>> {
  const tenant = (
    await query<{ t: string }>(
      t,
      `select table_name as t from information_schema.columns where table_schema = 'public' and column_name = 'workspace_id' order by 1`,
    )
  ).map((r) => r.t);
  const out: Record<string, string[]> = {};
  for (const table of tenant)
    out[table] = (
      await query<{ j: string }>(
        t,
        `select to_jsonb(x)::text as j from ${table} x where workspace_id = '${workspaceId}' order by 1`,
      )
    ).map((r) => r.j);
  const users = `(select user_id from memberships where workspace_id = '${workspaceId}')`;
  for (const [k, q] of Object.entries({
    workspace: `select to_jsonb(x)::text as j from workspaces x where id = '${workspaceId}'`,
    users: `select to_jsonb(x)::text as j from users x where id in ${users} order by 1`,
    sessions: `select to_jsonb(x)::text as j from sessions x where user_id in ${users} order by 1`,
  }))
    out[k] = (await query<{ j: string }>(t, q)).map((r) => r.j);
  expect(out.leads!.length).toBeGreaterThan(0);
  return out;
}

describe.each(DB_KINDS)('workspace isolation on %s', (kind) => {
  let t: TestApp;
  let a: Session;
  let b: Session;
  let A: Ids;
  let B: Ids;
  let ca: Client;
  let routes: Route[];
  let doc: any;
  let bSnapshot: Record<string, string[]>;
  let aEmail: string;
  const password = 'correct horse battery';
  /** B's ids (and its contact's email) must never appear in anything A is sent. */
  let bSecrets: string[];
  /** `echoed`: the ids the request itself sent, which an error may name back. */
  const expectNoB = (label: string, body: unknown, echoed: string[] = []) => {
    const text = JSON.stringify(body ?? null);
    for (const id of bSecrets)
      if (!echoed.includes(id)) expect(text.includes(id), `${label} leaks ${id}`).toBe(false);
  };

  beforeAll(async () => {
    t = await testApp(kind);
    a = await t.signup('Alice');
    b = await t.signup('Bob');
    // A works with its browser session, so the person-only routes are walked too.
    ca = client(t, { auth: { cookie: a.cookie } });
    A = await makeRecords(client(t, a), a);
    B = await makeRecords(client(t, b), b);
    aEmail = (await ca.get('/api/v1/auth/me')).body.user.email;
    routes = routesOf(t.app);
    doc = (await t.call({ method: 'GET', url: '/api/docs/json' })).body;
    const bContact = (await client(t, b).get(`/api/v1/contacts/${B.contact}`)).body;
    bSecrets = [...Object.values(B), bContact.email];
    bSnapshot = await snapshot(t, b.workspaceId);
  });
  afterAll(() => t.close());

  it('finds the routes from the app itself, matching the OpenAPI document', () => {
    const fromDoc = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const fromApp = new Set(routes.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`));
    expect([...fromApp].sort()).toEqual([...fromDoc].sort());
    expect(routes.filter((r) => paramsOf(r.url).length > 0).length).toBeGreaterThanOrEqual(25);
  });

  it("answers 404 on every route given B's ids, and changes nothing of B's", async () => {
    const withParams = routes.filter((r) => paramsOf(r.url).length > 0);
    const seen: string[] = [];
    for (const r of withParams) {
      const params = paramsOf(r.url);
      // Every combination in which at least one id is B's.
      const combos = Array.from({ length: 2 ** params.length - 1 }, (_, n) => n + 1).map((mask) =>
        Object.fromEntries(params.map((p, i) => [p, ((mask >> i) & 1 ? B : A)[kindOfParam(r.url, p)]])),
      );
      for (const values of combos) {
        const url = fill(r.url, values);
        const payload = bodyFor(r, A);
        const res = await t.call({
          method: r.method as any,
          url,
          headers: { cookie: a.cookie },
          ...(payload ? { payload } : {}),
        });
        expect(
          res.status,
          `${r.method} ${r.url} with ${JSON.stringify(values)}: ${JSON.stringify(res.body)}`,
        ).toBe(404);
        if (r.method !== 'HEAD') {
          expect(String(res.headers['content-type'])).toMatch(/application\/problem\+json/);
          expectNoB(`${r.method} ${url}`, res.body, Object.values(values));
        }
        seen.push(`${r.method} ${r.url}`);
      }
    }
    expect(new Set(seen).size).toBe(withParams.length);
    expect(await snapshot(t, b.workspaceId)).toEqual(bSnapshot);
  });

  /** A body that passes validation for the route, so the handler (not the schema) answers. */
  function bodyFor(r: Route, ids: Ids): Record<string, unknown> | undefined {
    if (r.method !== 'POST' && r.method !== 'PATCH') return undefined;
    const bodies: Record<string, Record<string, unknown>> = {
      'POST /api/v1/accounts': { name: 'Iso' },
      'POST /api/v1/contacts': { lastName: 'Iso' },
      'POST /api/v1/leads': { lastName: 'Iso' },
      'POST /api/v1/deals': { name: 'Iso' },
      'POST /api/v1/activities': { type: 'note', body: 'iso', contactId: ids.contact },
      'POST /api/v1/leads/:id/contacts': { contactId: ids.contact2, role: 'technical' },
      'POST /api/v1/auth/login': { email: aEmail, password },
      'POST /api/v1/auth/switch-workspace': { workspaceId: ids.workspace },
      'POST /api/v1/members': { email: `n.${newId()}@example.com`, name: 'N', role: 'viewer' },
      'POST /api/v1/api-keys': { name: 'k' },
      'POST /api/v1/workspaces': { name: 'W' },
      'PATCH /api/v1/members/:id': { role: 'viewer' },
      'POST /api/v1/contacts/merge': { survivorId: ids.contact, mergedIds: [ids.spareContact] },
      'POST /api/v1/leads/merge': { survivorId: ids.lead, mergedIds: [ids.spareLead] },
      'POST /api/v1/accounts/merge': { survivorId: ids.account, mergedIds: [ids.spareAccount] },
    };
    const key = `${r.method} ${r.url}`;
    if (bodies[key]) return { ...bodies[key] };
    const batch = /^POST (\/api\/v1\/[\w-]+)\/batch$/.exec(key);
    if (batch) return { mode: 'atomic', records: [{ ...bodies[`POST ${batch[1]}`] }] };
    return {};
  }

  /** The uuid fields of a route's request body (batch: of each record), from the OpenAPI document. */
  function uuidFields(r: Route): string[] {
    const op = doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
    const schema = op?.requestBody?.content?.['application/json']?.schema;
    const props = schema?.properties?.records?.items?.properties ?? schema?.properties ?? {};
    const fields = Object.entries(props)
      .filter(([name, s]) => isUuidSchema(s) && !NOT_OUR_IDS.has(name))
      .map(([name]) => name);
    for (const f of fields)
      if (!NAME_KIND[f]) throw new Error(`${r.method} ${r.url}: no id kind for body field ${f}`);
    return fields;
  }
  const withField = (body: Record<string, unknown>, field: string, value: string) => {
    if (Array.isArray(body.records))
      return { ...body, records: [{ ...(body.records[0] as object), [field]: value }] };
    return { ...body, [field]: value };
  };

  it("refuses B's ids in body fields of every create and update, writing nothing", async () => {
    const before = await countRows(t, ALL_TABLES);
    const tried: string[] = [];
    for (const r of routes.filter((x) => x.method === 'POST' || x.method === 'PATCH')) {
      for (const field of uuidFields(r)) {
        const url = fill(
          r.url,
          Object.fromEntries(paramsOf(r.url).map((p) => [p, A[kindOfParam(r.url, p)]])),
        );
        const payload = withField(bodyFor(r, A)!, field, B[fieldKind(r, field)]);
        const res = await t.call({ method: r.method as any, url, headers: { cookie: a.cookie }, payload });
        const label = `${r.method} ${r.url} with B's ${field}: ${JSON.stringify(res.body)}`;
        expect([404, 422], label).toContain(res.status);
        expect(
          res.body.errors.map((e: any) => e.field.replace(/^records\[0\]\./, '')),
          label,
        ).toContain(field);
        expectNoB(label, res.body, [B[fieldKind(r, field)]]);
        tried.push(`${r.method} ${r.url} ${field}`);
      }
    }
    // Creates, batches and updates of every record kind, and the lead's further contacts.
    for (const expected of [
      'POST /api/v1/leads contactId',
      'POST /api/v1/leads ownerId',
      'POST /api/v1/leads stageId',
      'POST /api/v1/leads pipelineId',
      'POST /api/v1/leads/batch contactId',
      'PATCH /api/v1/leads/:id contactId',
      'POST /api/v1/contacts accountId',
      'POST /api/v1/deals accountId',
      'POST /api/v1/deals primaryContactId',
      'POST /api/v1/deals originLeadId',
      'PATCH /api/v1/deals/:id stageId',
      'POST /api/v1/activities leadId',
      'POST /api/v1/activities dealId',
      'POST /api/v1/activities/batch accountId',
      'POST /api/v1/leads/:id/contacts contactId',
      'POST /api/v1/auth/switch-workspace workspaceId',
      'POST /api/v1/auth/login workspaceId',
    ])
      expect(tried).toContain(expected);
    expect(await countRows(t, ALL_TABLES)).toEqual(before);
    expect(await snapshot(t, b.workspaceId)).toEqual(bSnapshot);

    // Control: the same calls with A's own ids succeed, so the refusals above were about B's ids.
    const mine = await makeRecords(client(t, a), a);
    for (const r of routes.filter((x) => x.method === 'POST' || x.method === 'PATCH')) {
      for (const field of uuidFields(r)) {
        const url = fill(
          r.url,
          Object.fromEntries(paramsOf(r.url).map((p) => [p, mine[kindOfParam(r.url, p)]])),
        );
        const value =
          field === 'contactId' && r.url.endsWith('/contacts') ? mine.contact2 : mine[fieldKind(r, field)];
        const payload = withField(bodyFor(r, mine)!, field, value);
        const res = await t.call({ method: r.method as any, url, headers: { cookie: a.cookie }, payload });
        expect(
          res.status,
          `${r.method} ${r.url} with A's ${field}: ${JSON.stringify(res.body)}`,
        ).toBeLessThan(300);
      }
    }
  });

  const listRoutes = () => routes.filter((r) => r.method === 'GET' && paramsOf(r.url).length === 0);
  const queryParams = (r: Route): string[] =>
    (doc.paths[r.url]?.get?.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name);

  it("never lists B's rows, whatever the list", async () => {
    let checked = 0;
    for (const r of listRoutes()) {
      const qs = queryParams(r).includes('deleted') ? '?deleted=include&limit=200' : '';
      const res = await ca.get(`${r.url}${qs}`);
      expect(res.status, `${r.url}: ${JSON.stringify(res.body)}`).toBe(200);
      expectNoB(r.url, res.body);
      if (r.url !== '/api/v1/health') {
        // Control: A's own rows are there.
        const text = JSON.stringify(res.body);
        expect(
          Object.values(A).some((id) => text.includes(id)),
          `${r.url} shows none of A's rows`,
        ).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it("returns nothing when a list is filtered by B's ids", async () => {
    const tried: string[] = [];
    for (const r of listRoutes()) {
      for (const name of queryParams(r)) {
        if (NOT_OUR_IDS.has(name) || !(name === 'id' || name.endsWith('Id'))) continue;
        const k: Kind | undefined = name === 'id' ? 'lead' : NAME_KIND[name];
        if (!k) throw new Error(`${r.url}: no id kind for query parameter ${name}`);
        const res = await ca.get(`${r.url}?${name}=${B[k]}`);
        expect(res.status, `${r.url}?${name}: ${JSON.stringify(res.body)}`).toBe(200);
        expect(res.body.data, `${r.url}?${name}=<B's ${k}>`).toEqual([]);
        const mine = await ca.get(`${r.url}?${name}=${A[k]}`);
        expect(mine.body.data.length, `${r.url}?${name}=<A's ${k}> (control)`).toBeGreaterThan(0);
        tried.push(`${r.url}?${name}`);
      }
    }
    for (const expected of [
      '/api/v1/leads?contactId',
      '/api/v1/leads?ownerId',
      '/api/v1/leads?stageId',
      '/api/v1/contacts?accountId',
      '/api/v1/deals?primaryContactId',
      '/api/v1/activities?leadId',
      '/api/v1/activities?dealId',
      '/api/v1/audit?id',
    ])
      expect(tried).toContain(expected);
  });

  it("works on every route given A's own ids (the control for the 404s)", async () => {
    const rank: Record<string, number> = { GET: 0, HEAD: 0, PATCH: 1, POST: 2, DELETE: 3 };
    const withParams = routes
      .filter((r) => paramsOf(r.url).length > 0)
      .sort((x, y) => rank[x.method]! - rank[y.method]! || y.url.split('/').length - x.url.split('/').length);
    for (const r of withParams) {
      const values = Object.fromEntries(
        paramsOf(r.url).map((p) => [p, A[p === 'contactId' ? 'contact2' : kindOfParam(r.url, p)]]),
      );
      const payload = bodyFor(r, A);
      const res = await t.call({
        method: r.method as any,
        url: fill(r.url, values),
        headers: { cookie: a.cookie },
        ...(payload ? { payload } : {}),
      });
      expect(res.status, `${r.method} ${r.url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      expectNoB(`${r.method} ${r.url}`, res.body);
    }
    expect(await snapshot(t, b.workspaceId)).toEqual(bSnapshot);
  });
});
