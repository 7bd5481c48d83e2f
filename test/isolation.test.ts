import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepReminders } from '../src/core/notifications/reminders.js';
import { newId } from '../src/core/shared/ids.js';
import { type Session, type TestApp, testApp } from './app.js';
import { DB_KINDS } from './db.js';
import { ALL_TABLES, type Client, client, countRows, query } from './helpers.js';
import { multipart } from './multipart.js';

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
  | 'exportJob'
  | 'import'
  | 'importRolled'
  | 'importTemplate'
  | 'appointment'
  | 'task'
  | 'notification'
  | 'team'
  | 'assignmentRule'
  | 'scoringRule'
  | 'otherLead'
  | 'sparePipeline'
  | 'spareStage'
  | 'spareStage2'
  | 'stage'
  | 'user'
  | 'campaign'
  | 'savedReport'
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
  merges: 'merge',
  'custom-fields': 'customField',
  'duplicate-rules': 'duplicateRule',
  jobs: 'job',
  'export-jobs': 'exportJob',
  imports: 'import',
  'import-templates': 'importTemplate',
  appointments: 'appointment',
  tasks: 'task',
  notifications: 'notification',
  teams: 'team',
  campaigns: 'campaign',
  // /api/v1/reports/saved/:id
  saved: 'savedReport',
  'assignment-rules': 'assignmentRule',
  'scoring-rules': 'scoringRule',
  // A's spare pipeline (not the default, holding no leads), so that removing a stage and deleting
  // the pipeline succeed in the controls; the board takes the default pipeline (PARAM_KIND below).
  pipelines: 'sparePipeline',
};
/** Parameter kinds that depend on the route, by a prefix of its path. */
const PARAM_KIND: [string, Record<string, Kind>][] = [
  ['/api/v1/pipelines/:id/board', { id: 'pipeline', stageId: 'stage' }],
  ['/api/v1/imports/:id/rollback', { id: 'importRolled' }],
  ['/api/v1/pipelines/:id/stages/:stageId', { stageId: 'spareStage' }],
];
/** The kind of id other parameters and body fields take, by name. */
const NAME_KIND: Record<string, Kind> = {
  contactId: 'contact',
  primaryContactId: 'contact',
  leadId: 'lead',
  originLeadId: 'lead',
  accountId: 'account',
  dealId: 'deal',
  ownerId: 'user',
  assigneeId: 'user',
  fallbackUserId: 'user',
  teamId: 'team',
  // Another card of the lead's column, to place the moved lead next to.
  beforeId: 'otherLead',
  afterId: 'otherLead',
  // Where a removed stage's leads go: another stage of the spare pipeline.
  moveToStageId: 'spareStage2',
  // Arrays of ids (checked with one id of the kind).
  leadIds: 'lead',
  userIds: 'user',
  stageIds: 'stage',
  userId: 'user',
  stageId: 'stage',
  // Leads whose stage history has a stay in the stage (the lead list's reachedStageId).
  reachedStageId: 'stage',
  pipelineId: 'pipeline',
  workspaceId: 'workspace',
  survivorId: 'contact',
  // A merged or surviving record (merge history): the contact that survived the workspace's merge.
  recordId: 'contact2',
};
/** Body fields whose kind depends on the route (a merge's survivor is of the route's entity). */
const ROUTE_FIELD_KIND: Record<string, Record<string, Kind>> = {
  'POST /api/v1/leads/merge': { survivorId: 'lead', mergedIds: 'spareLead' },
  'POST /api/v1/accounts/merge': { survivorId: 'account', mergedIds: 'spareAccount' },
  'POST /api/v1/contacts/merge': { mergedIds: 'spareContact' },
  'POST /api/v1/pipelines/:id/stages/reorder': { stageIds: 'spareStage' },
  'POST /api/v1/custom-fields/reorder': { ids: 'customField' },
};
/** Body fields that cannot be sent together (a rule rotates over users or over a team). */
const EXCLUSIVE: Record<string, string[]> = { teamId: ['userIds'], userIds: ['teamId'] };
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
  const byRoute = PARAM_KIND.find(([prefix]) => url.startsWith(prefix))?.[1][name];
  if (byRoute) return byRoute;
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
const isUuidArraySchema = (s: any): boolean =>
  !!s &&
  ((s.type === 'array' && isUuidSchema(s.items)) ||
    (Array.isArray(s.anyOf) && s.anyOf.some((x: any) => x.type === 'array' && isUuidSchema(x.items))));

/** Creates one record of each kind in a workspace, linked to each other as a real workspace would be. */
async function makeRecords(t: TestApp, s: Session): Promise<Ids> {
  const c = client(t, s);
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
  const appointment = ok(
    await c.post('/api/v1/appointments', {
      leadId: lead.id,
      scheduledAt: new Date(Date.now() + 86_400_000).toISOString(),
      assigneeId: s.userId,
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
  const finished = async (jobId: string) => {
    for (let i = 0; i < 500 && ok(await c.get(`/api/v1/jobs/${jobId}`)).finishedAt === null; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(ok(await c.get(`/api/v1/jobs/${jobId}`)).finishedAt).not.toBeNull();
  };
  await finished(job.jobId);
  // An export job of the leads (GET /export-jobs/:id/file downloads its file).
  const exportJob = ok(await c.post('/api/v1/leads/export-jobs', { format: 'csv' }));
  await finished(exportJob.jobId);
  // An import, previewed (not run), and a saved mapping.
  const upload = multipart(
    { entity: 'contacts' },
    { name: 'iso.csv', content: `Email,Last name\r\niso.${newId()}@example.com,Iso\r\n` },
  );
  const imp = ok(
    await t.call({
      method: 'POST',
      url: '/api/v1/imports',
      payload: upload.payload,
      headers: { ...s.auth, ...upload.headers },
    }),
  );
  // Another import for the rollback control (the control may roll back before it runs the first).
  const upload2 = multipart(
    { entity: 'contacts' },
    { name: 'iso2.csv', content: `Email\r\niso2.${newId()}@example.com\r\n` },
  );
  const importRolled = ok(
    await t.call({
      method: 'POST',
      url: '/api/v1/imports',
      payload: upload2.payload,
      headers: { ...s.auth, ...upload2.headers },
    }),
  );
  const importTemplate = ok(
    await c.post('/api/v1/import-templates', {
      entity: 'contacts',
      name: `Iso ${newId()}`,
      mapping: { Email: 'email' },
    }),
  );
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
  // Pipeline work: a task whose reminder is due (the sweep in beforeAll makes its notification),
  // another card in the lead's column, and a spare pipeline (not the default, holding no leads:
  // New and Contacted are its first two stages) whose stages the controls remove and reorder.
  const task = ok(
    await c.post('/api/v1/tasks', {
      title: 'Call',
      leadId: lead.id,
      dealId: deal.id,
      dueAt: new Date(Date.now() - 60_000).toISOString(),
      remindAt: new Date(Date.now() - 1000).toISOString(),
    }),
  );
  const otherLead = ok(
    await c.post('/api/v1/leads', {
      lastName: 'Neighbour',
      ownerId: s.userId,
      stageId: pipelines[0].stages[0].id,
    }),
  );
  const spare = ok(await c.post('/api/v1/pipelines', { name: `Spare ${newId()}` }));
  // Assignment: a team, a rule rotating over the user (not the team, so the team can be deleted),
  // the fallback owner; scoring: a rule, its recompute of the workspace's leads waited for.
  const team = ok(await c.post('/api/v1/teams', { name: `Team ${newId()}`, userIds: [s.userId] }));
  const assignmentRule = ok(
    await c.post('/api/v1/assignment-rules', { name: 'R', type: 'round_robin', userIds: [s.userId] }),
  );
  ok(
    await t.call({
      method: 'PUT',
      url: '/api/v1/assignment/settings',
      headers: s.auth,
      payload: { fallbackUserId: s.userId },
    }),
  );
  const scoringRule = ok(
    await c.post('/api/v1/scoring-rules', {
      name: 'Web',
      conditions: { field: 'source', op: 'eq', value: 'web' },
      points: 5,
    }),
  );
  await finished(scoringRule.jobId);
  expect(me.id).toBe(s.userId);
  const campaign = ok(
    await c.post('/api/v1/campaigns', {
      name: `Campaign ${newId()}`,
      source: 'web',
      costs: [{ periodStart: '2026-01-01', periodEnd: '2026-01-31', amount: '310.00' }],
    }),
  );
  const savedReport = ok(
    await c.post('/api/v1/reports/saved', { name: 'My funnel', kind: 'funnel', params: {}, chart: 'bar' }),
  );

  return {
    account: account.id,
    contact: contact.id,
    contact2: contact2.id,
    lead: lead.id,
    deal: deal.id,
    activity: activity.id,
    appointment: appointment.id,
    task: task.id,
    // Set once the reminders are swept (beforeAll).
    notification: '',
    team: team.id,
    assignmentRule: assignmentRule.id,
    scoringRule: scoringRule.id,
    otherLead: otherLead.id,
    sparePipeline: spare.id,
    spareStage: spare.stages[0].id,
    spareStage2: spare.stages[1].id,
    member: member.id,
    apiKey: apiKey.id,
    merge: merge.mergeId,
    spareContact: spareContact.id,
    spareLead: spareLead.id,
    spareAccount: spareAccount.id,
    customField: customField.id,
    duplicateRule: duplicateRule.id,
    job: job.jobId,
    exportJob: exportJob.jobId,
    import: imp.id,
    importRolled: importRolled.id,
    importTemplate: importTemplate.id,
    pipeline: pipelines[0].id,
    stage: pipelines[0].stages[0].id,
    user: s.userId,
    workspace: s.workspaceId,
    campaign: campaign.id,
    savedReport: savedReport.id,
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
    A = await makeRecords(t, a);
    B = await makeRecords(t, b);
    // Each user's task reminder becomes a notification.
    await sweepReminders(t.handle.db);
    for (const [ids, s] of [
      [A, a],
      [B, b],
    ] as const) {
      const rows = await query<{ id: string }>(
        t,
        `select id from notifications where user_id = '${s.userId}' and workspace_id = '${s.workspaceId}'`,
      );
      expect(rows.length).toBeGreaterThan(0);
      ids.notification = rows[0]!.id;
    }
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
        const payload = await bodyFor(r, A);
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
  async function bodyFor(r: Route, ids: Ids): Promise<Record<string, unknown> | undefined> {
    if (r.method !== 'POST' && r.method !== 'PATCH' && r.method !== 'PUT') return undefined;
    if (r.url === '/api/v1/pipelines/:id/stages/reorder') {
      // Every live stage of the spare pipeline, as it is now (the controls remove one).
      const p = await t.call({
        method: 'GET',
        url: `/api/v1/pipelines/${ids.sparePipeline}`,
        headers: { cookie: a.cookie },
      });
      expect(p.status).toBe(200);
      return { stageIds: p.body.stages.map((x: { id: string }) => x.id).reverse() };
    }
    if (r.url === '/api/v1/custom-fields/reorder') {
      // Every live contact field of the workspace.
      const l = await ca.get('/api/v1/custom-fields?entity=contact&limit=200');
      expect(l.status).toBe(200);
      return { entity: 'contact', ids: l.body.data.map((x: { id: string }) => x.id).reverse() };
    }
    const bodies: Record<string, Record<string, unknown>> = {
      'POST /api/v1/accounts': { name: 'Iso' },
      'POST /api/v1/contacts': { lastName: 'Iso' },
      'POST /api/v1/leads': { lastName: 'Iso' },
      'POST /api/v1/deals': { name: 'Iso' },
      'POST /api/v1/activities': { type: 'note', body: 'iso', contactId: ids.contact },
      'POST /api/v1/appointments': { leadId: ids.lead, scheduledAt: '2030-01-01T10:00:00Z' },
      'POST /api/v1/appointments/:id/reschedule': { scheduledAt: '2030-01-02T10:00:00Z' },
      'POST /api/v1/appointments/:id/outcome': { status: 'no_show' },
      'POST /api/v1/leads/:id/contacts': { contactId: ids.contact2, role: 'technical' },
      'POST /api/v1/auth/login': { email: aEmail, password },
      'POST /api/v1/auth/switch-workspace': { workspaceId: ids.workspace },
      'POST /api/v1/members': { email: `n.${newId()}@example.com`, name: 'N', role: 'viewer' },
      'POST /api/v1/api-keys': { name: 'k' },
      'POST /api/v1/workspaces': { name: 'W' },
      'PATCH /api/v1/members/:id': { role: 'viewer' },
      'POST /api/v1/tasks': { title: 'Iso' },
      'POST /api/v1/pipelines': { name: 'Iso' },
      'POST /api/v1/pipelines/:id/stages': { name: 'Iso' },
      'POST /api/v1/pipelines/:id/stages/:stageId/remove': { moveToStageId: ids.spareStage2 },
      'POST /api/v1/leads/:id/move': { stageId: ids.stage },
      'POST /api/v1/teams': { name: `Iso ${newId()}` },
      'POST /api/v1/assignment-rules': { name: 'Iso', type: 'round_robin', userIds: [ids.user] },
      'PUT /api/v1/assignment/settings': { fallbackUserId: null },
      'PUT /api/v1/members/:id/capacity': { paused: false, maxOpen: null, maxPer30d: null },
      'POST /api/v1/leads/bulk-assign': { leadIds: [ids.lead], ownerId: ids.user },
      'POST /api/v1/scoring-rules': {
        name: 'Iso',
        conditions: { field: 'source', op: 'eq', value: 'web' },
        points: 5,
      },
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

  /** The request body's schema (batch: of each record), from the OpenAPI document. */
  function bodyProps(r: Route): Record<string, any> {
    const op = doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
    const schema = op?.requestBody?.content?.['application/json']?.schema;
    return schema?.properties?.records?.items?.properties ?? schema?.properties ?? {};
  }
  /** The uuid fields (and arrays of uuids) of a route's request body. */
  function uuidFields(r: Route): string[] {
    const fields = Object.entries(bodyProps(r))
      .filter(([name, s]) => (isUuidSchema(s) || isUuidArraySchema(s)) && !NOT_OUR_IDS.has(name))
      .map(([name]) => name);
    for (const f of fields)
      if (!NAME_KIND[f] && !ROUTE_FIELD_KIND[`${r.method} ${r.url}`]?.[f])
        throw new Error(`${r.method} ${r.url}: no id kind for body field ${f}`);
    return fields;
  }
  const isArrayField = (r: Route, field: string) => isUuidArraySchema(bodyProps(r)[field]);
  /** The body with the field set (an array field to a one-id array), dropping fields it excludes. */
  const withField = (body: Record<string, unknown>, field: string, value: string | string[]) => {
    const set = (o: Record<string, unknown>) => {
      const out: Record<string, unknown> = { ...o, [field]: value };
      for (const other of EXCLUSIVE[field] ?? []) delete out[other];
      return out;
    };
    if (Array.isArray(body.records))
      return { ...body, records: [set(body.records[0] as Record<string, unknown>)] };
    return set(body);
  };
  const writes = (x: Route) => x.method === 'POST' || x.method === 'PATCH' || x.method === 'PUT';

  it("refuses B's ids in body fields of every create and update, writing nothing", async () => {
    const before = await countRows(t, ALL_TABLES);
    const tried: string[] = [];
    for (const r of routes.filter(writes)) {
      for (const field of uuidFields(r)) {
        const url = fill(
          r.url,
          Object.fromEntries(paramsOf(r.url).map((p) => [p, A[kindOfParam(r.url, p)]])),
        );
        const bId = B[fieldKind(r, field)];
        const payload = withField((await bodyFor(r, A))!, field, isArrayField(r, field) ? [bId] : bId);
        const res = await t.call({ method: r.method as any, url, headers: { cookie: a.cookie }, payload });
        const label = `${r.method} ${r.url} with B's ${field}: ${JSON.stringify(res.body)}`;
        expect([404, 422], label).toContain(res.status);
        expect(
          res.body.errors.map((e: any) =>
            e.field.replace(/^records\[0\]\./, '').replace(/(\.\d+|\[\d+\])$/, ''),
          ),
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
      'POST /api/v1/appointments leadId',
      'POST /api/v1/appointments assigneeId',
      'POST /api/v1/appointments/batch leadId',
      'PATCH /api/v1/appointments/:id assigneeId',
      'POST /api/v1/tasks leadId',
      'POST /api/v1/tasks/batch dealId',
      'PATCH /api/v1/tasks/:id assigneeId',
      'POST /api/v1/leads/:id/move stageId',
      'POST /api/v1/leads/:id/move beforeId',
      'POST /api/v1/leads/:id/move afterId',
      'POST /api/v1/leads/bulk-assign leadIds',
      'POST /api/v1/leads/bulk-assign ownerId',
      'POST /api/v1/pipelines/:id/stages/reorder stageIds',
      'POST /api/v1/pipelines/:id/stages/:stageId/remove moveToStageId',
      'POST /api/v1/teams userIds',
      'PATCH /api/v1/teams/:id userIds',
      'POST /api/v1/assignment-rules userIds',
      'POST /api/v1/assignment-rules teamId',
      'PATCH /api/v1/assignment-rules/:id teamId',
      'PUT /api/v1/assignment/settings fallbackUserId',
      'POST /api/v1/contacts/merge mergedIds',
      'POST /api/v1/custom-fields/reorder ids',
      'POST /api/v1/leads/:id/contacts contactId',
      'POST /api/v1/auth/switch-workspace workspaceId',
      'POST /api/v1/auth/login workspaceId',
    ])
      expect(tried).toContain(expected);
    expect(await countRows(t, ALL_TABLES)).toEqual(before);
    expect(await snapshot(t, b.workspaceId)).toEqual(bSnapshot);

    // Control: the same calls with A's own ids succeed, so the refusals above were about B's ids.
    const mine = await makeRecords(t, a);
    const sent = new Set<string>();
    for (const r of routes.filter(writes)) {
      for (const field of uuidFields(r)) {
        const url = fill(
          r.url,
          Object.fromEntries(paramsOf(r.url).map((p) => [p, mine[kindOfParam(r.url, p)]])),
        );
        const base = (await bodyFor(r, mine))!;
        const value =
          field === 'contactId' && r.url.endsWith('/contacts') ? mine.contact2 : mine[fieldKind(r, field)];
        // An array field the body already fills (with A's ids, e.g. every stage to reorder) stays as it is.
        const payload = isArrayField(r, field)
          ? field in base
            ? base
            : withField(base, field, [value])
          : withField(base, field, value);
        // The same call made for another field (a merge, done once) is not repeated.
        const key = `${r.method} ${url} ${JSON.stringify(payload)}`;
        if (sent.has(key)) continue;
        sent.add(key);
        const res = await t.call({ method: r.method as any, url, headers: { cookie: a.cookie }, payload });
        expect(
          res.status,
          `${r.method} ${r.url} with A's ${field}: ${JSON.stringify(res.body)}`,
        ).toBeLessThan(300);
      }
    }
  });

  const listRoutes = () => routes.filter((r) => r.method === 'GET' && paramsOf(r.url).length === 0);
  /** A list's rows: `data`, or the lines of an export (CSV) after its header. */
  // A list's rows; an export's CSV lines; a list count's figure as that many (counted) rows.
  const rowsOf = (body: any): unknown[] =>
    typeof body === 'string'
      ? body.split('\r\n').filter(Boolean).slice(1)
      : (body.data ?? Array.from({ length: body.count }, () => 'counted'));
  const queryParams = (r: Route): string[] =>
    (doc.paths[r.url]?.get?.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name);

  /** Lists that answer counts rather than rows, and the same figures counted from A's own rows. */
  const FIGURES: Record<string, () => Promise<unknown>> = {
    // GET /<list>/count with `deleted=include&limit=200`: A's own list with the same query, counted.
    ...Object.fromEntries(
      ['leads', 'contacts', 'accounts', 'deals', 'activities', 'tasks'].map((e) => [
        `/api/v1/${e}/count`,
        async () => {
          const rows = (await ca.get(`/api/v1/${e}?deleted=include&limit=200`)).body.data;
          expect(rows.length).toBeGreaterThan(0);
          expect(rows.length).toBeLessThan(200);
          return { count: rows.length };
        },
      ]),
    ),
    '/api/v1/tasks/counts': async () => {
      // A's tasks are overdue (due a minute before they were made) and none is due later today.
      const overdue = (await ca.get('/api/v1/tasks?view=overdue&limit=200')).body.data.filter(
        (x: any) => x.assigneeId === a.userId,
      ).length;
      expect(overdue).toBeGreaterThan(0);
      return { overdue, dueToday: expect.any(Number), total: overdue };
    },
    '/api/v1/notifications/unread-count': async () => {
      const unread = (await ca.get('/api/v1/notifications?limit=100')).body.data.filter(
        (x: any) => x.readAt === null,
      ).length;
      expect(unread).toBeGreaterThan(0);
      return { unreadCount: unread };
    },
  };

  it("never lists B's rows, whatever the list", async () => {
    let checked = 0;
    for (const r of listRoutes()) {
      // Deleted rows too (`include`, or `true` where the list takes a boolean), and a long page.
      const deleted = (doc.paths[r.url]?.get?.parameters ?? []).find(
        (p: any) => p.in === 'query' && p.name === 'deleted',
      );
      const qs = new URLSearchParams();
      if (deleted) qs.set('deleted', deleted.schema?.enum?.includes('include') ? 'include' : 'true');
      if (queryParams(r).includes('limit')) qs.set('limit', '200');
      const res = await ca.get(`${r.url}${qs.size ? `?${qs}` : ''}`);
      expect(res.status, `${r.url}: ${JSON.stringify(res.body)}`).toBe(200);
      expectNoB(r.url, res.body);
      const figures = FIGURES[r.url];
      if (figures) {
        // Figures, not rows: they must be A's own figures (and not zero, A has what they count).
        const mine = await figures();
        expect(res.body, `${r.url} (A's own figures)`).toEqual(mine);
        checked++;
      } else if (
        r.url !== '/api/v1/health' &&
        // Reports are figures over A's records; they need not name a record (checked above: nothing of B's).
        !(r.url.startsWith('/api/v1/reports/') && r.url !== '/api/v1/reports/saved') &&
        !r.url.endsWith('/export/columns') &&
        // What an import can map to, and its template file: field definitions, no records.
        !['/api/v1/imports/fields', '/api/v1/imports/template'].includes(r.url)
      ) {
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
        if (r.url.startsWith('/api/v1/reports/')) {
          // A report filtered by B's pipeline or team answers 404 (the filter names a record A cannot
          // see); by B's user, figures of nobody. Either way nothing of B's.
          expect([200, 404], `${r.url}?${name}: ${JSON.stringify(res.body)}`).toContain(res.status);
          if (['pipelineId', 'teamId'].includes(name)) expect(res.status, `${r.url}?${name}`).toBe(404);
          expectNoB(`${r.url}?${name}`, res.body, [B[k]]);
          tried.push(`${r.url}?${name}`);
          continue;
        }
        expect(res.status, `${r.url}?${name}: ${JSON.stringify(res.body)}`).toBe(200);
        expect(rowsOf(res.body), `${r.url}?${name}=<B's ${k}>`).toEqual([]);
        const mine = await ca.get(`${r.url}?${name}=${A[k]}`);
        expect(rowsOf(mine.body).length, `${r.url}?${name}=<A's ${k}> (control)`).toBeGreaterThan(0);
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
      '/api/v1/appointments?leadId',
      '/api/v1/appointments?contactId',
      '/api/v1/tasks?leadId',
      '/api/v1/tasks?assigneeId',
      '/api/v1/tasks?dealId',
      '/api/v1/audit?id',
    ])
      expect(tried).toContain(expected);
  });

  it("shows no card on A's board filtered by B's owner", async () => {
    const board = `/api/v1/pipelines/${A.pipeline}/board`;
    const column = `${board}/columns/${A.stage}`;
    const theirs = await ca.get(`${board}?ownerId=${B.user}`);
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(200);
    expectNoB(board, theirs.body);
    for (const c of theirs.body.columns) {
      expect(c.count).toBe(0);
      expect(c.cards).toEqual([]);
    }
    const theirColumn = await ca.get(`${column}?ownerId=${B.user}`);
    expect(theirColumn.status, JSON.stringify(theirColumn.body)).toBe(200);
    expect(theirColumn.body.cards).toEqual([]);
    // Control: A's owner has cards there (its lead among them).
    const mine = await ca.get(`${board}?ownerId=${A.user}`);
    expect(mine.body.columns.find((c: any) => c.stage.id === A.stage).cards.map((x: any) => x.id)).toContain(
      A.lead,
    );
    expect((await ca.get(`${column}?ownerId=${A.user}`)).body.cards.map((x: any) => x.id)).toContain(A.lead);
    expectNoB(board, mine.body);
  });

  it("leaves B as it was after A's workspace-wide actions", async () => {
    // Every unread notification of A's is marked read, and none of B's.
    const before = (await ca.get('/api/v1/notifications/unread-count')).body.unreadCount;
    expect(before).toBeGreaterThan(0);
    const read = await ca.post('/api/v1/notifications/read-all');
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.updated).toBe(before);
    expect((await ca.get('/api/v1/notifications/unread-count')).body.unreadCount).toBe(0);
    // A recompute of every lead's score is a recompute of A's leads.
    const recompute = await ca.post('/api/v1/scoring-rules/recompute');
    expect(recompute.status, JSON.stringify(recompute.body)).toBe(202);
    for (
      let i = 0;
      i < 500 && (await ca.get(`/api/v1/jobs/${recompute.body.jobId}`)).body.finishedAt === null;
      i++
    )
      await new Promise((r) => setTimeout(r, 20));
    const job = (await ca.get(`/api/v1/jobs/${recompute.body.jobId}`)).body;
    expect(job.finishedAt).not.toBeNull();
    expectNoB('recompute job', job);
    expect(await snapshot(t, b.workspaceId)).toEqual(bSnapshot);
  });

  it("works on every route given A's own ids (the control for the 404s)", async () => {
    const rank: Record<string, number> = { GET: 0, HEAD: 0, PATCH: 1, PUT: 1, POST: 2, DELETE: 3 };
    const withParams = routes
      .filter((r) => paramsOf(r.url).length > 0)
      .sort((x, y) => rank[x.method]! - rank[y.method]! || y.url.split('/').length - x.url.split('/').length);
    for (const r of withParams) {
      const values = Object.fromEntries(
        paramsOf(r.url).map((p) => [p, A[p === 'contactId' ? 'contact2' : kindOfParam(r.url, p)]]),
      );
      const payload = await bodyFor(r, A);
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
