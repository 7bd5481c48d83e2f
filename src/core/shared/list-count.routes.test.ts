import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, expectProblem, walk } from '../../../test/helpers.js';
import { type DemoResult, generateDemo } from '../demo/demo.service.js';

/**
 * `GET /<list>/count` against the demo workspace: for every list and many filter combinations (the
 * report drill filters, `reachedStageId`, `condition`, custom fields, search, deleted), the count is the
 * number of records paging through the list yields, and the new filters select what plain SQL selects.
 */
const PASSWORD = 'demo password 123';
const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();

describe.each(DB_KINDS)('list counts and report drill filters on %s', (kind) => {
  let t: TestApp;
  let demo: DemoResult;
  let c: Client;
  const now = new Date('2026-03-15T12:00:00Z');
  const ws = () => demo.workspaceId;
  const q = async <T>(text: ReturnType<typeof sql>) => rowsOf<T>(await t.handle.db.execute(text));
  const one = async (text: ReturnType<typeof sql>) => Number((await q<{ n: number }>(text))[0]!.n);

  /** Pages through the list (200 a page) and asks the count with the same query; both must agree. */
  const agree = async (entity: string, query: Record<string, string>): Promise<number> => {
    const rows = await walk(c, `/api/v1/${entity}?${qs(query)}`, 200);
    const ids = new Set(rows.map((r) => r.id));
    expect(ids.size, 'no record twice').toBe(rows.length);
    const r = await c.get(`/api/v1/${entity}/count?${qs(query)}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body, `${entity}?${qs(query)}`).toEqual({ count: rows.length });
    return rows.length;
  };

  beforeAll(async () => {
    t = await testApp(kind);
    demo = await generateDemo(t.handle.db, { leads: 300, seed: 7, password: PASSWORD, batchSize: 150, now });
    const login = await t.call({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: demo.owner.email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    c = client(t, { auth: { cookie: String(login.headers['set-cookie']).split(';')[0]! } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers /count as a count, not as a record id, with limit, cursor and sort ignored', async () => {
    const all = await one(
      sql`select count(*) as n from leads where workspace_id = ${ws()} and deleted_at is null`,
    );
    expect(all).toBeGreaterThan(200);
    const r = await c.get('/api/v1/leads/count');
    expect(r.body).toEqual({ count: all });
    const first = await c.get('/api/v1/leads?limit=5&sort=score');
    const cursor = first.body.nextCursor as string;
    const withPaging = await c.get(
      `/api/v1/leads/count?${qs({ limit: '5', sort: 'score', cursor, status: 'new' })}`,
    );
    expect(withPaging.status).toBe(200);
    expect(withPaging.body.count).toBe(
      await one(
        sql`select count(*) as n from leads where workspace_id = ${ws()} and deleted_at is null and status = 'new'`,
      ),
    );
    // Unknown parameters are refused on the count as on the list.
    expectProblem(await c.get('/api/v1/leads/count?bogus=1'), 400);
  });

  it('counts leads as the list pages them, for the filters reports drill with', async () => {
    const [p] = await q<{ id: string }>(
      sql`select id from pipelines where workspace_id = ${ws()} and deleted_at is null order by created_at limit 1`,
    );
    const owner = demo.members.find((m) => m.role === 'rep')!.userId;
    const combos: Record<string, string>[] = [
      {},
      { status: 'won' },
      { pipelineId: p!.id, createdAtFrom: '2025-12-01T00:00:00Z', createdAtTo: '2026-03-01T00:00:00Z' },
      { source: 'referral,partner', ownerId: `${owner},none` },
      { stageEnteredAtFrom: '2026-02-01', stageEnteredAtTo: '2026-03-10' },
      { convertedAtFrom: '2025-06-01T00:00:00Z' },
      { lostReason: 'Price too high,Chose a competitor' },
      { status: 'lost', source: 'website' },
      { q: 'a', sort: '-score' },
      { deleted: 'include', expectedCloseDateFrom: '2026-01-01' },
    ];
    for (const combo of combos) await agree('leads', combo);
  });

  it('filters leads by stageEnteredAt, convertedAt and lostReason as plain SQL does', async () => {
    const n = await agree('leads', {
      stageEnteredAtFrom: '2026-02-01T00:00:00Z',
      stageEnteredAtTo: '2026-03-01T00:00:00Z',
    });
    expect(n).toBe(
      await one(sql`select count(*) as n from leads where workspace_id = ${ws()} and deleted_at is null
        and stage_entered_at >= '2026-02-01T00:00:00Z' and stage_entered_at < '2026-03-01T00:00:00Z'`),
    );
    const converted = await agree('leads', { convertedAtFrom: '2000-01-01' });
    expect(converted).toBe(
      await one(
        sql`select count(*) as n from leads where workspace_id = ${ws()} and deleted_at is null and converted_at is not null`,
      ),
    );
    expect(converted).toBeGreaterThan(0);
    const lost = await agree('leads', { lostReason: 'Price too high' });
    expect(lost).toBe(
      await one(
        sql`select count(*) as n from leads where workspace_id = ${ws()} and deleted_at is null and lost_reason = 'Price too high'`,
      ),
    );
    expect(lost).toBeGreaterThan(0);
  });

  it('filters leads that reached any of some stages by their stage history (reachedStageId)', async () => {
    const stages = await q<{ id: string; name: string; position: number }>(sql`select s.id, s.name, s.position
      from stages s join pipelines p on p.workspace_id = s.workspace_id and p.id = s.pipeline_id
      where s.workspace_id = ${ws()} and p.is_default order by s.position`);
    const byName = (n: string) => stages.find((s) => s.name === n)!.id;
    // The funnel's "reached Qualified": Qualified or any later open or won stage.
    const later = ['Qualified', 'Proposal', 'Won'].map(byName);
    const reached = await agree('leads', { reachedStageId: later.join(',') });
    const expected = await one(sql`select count(*) as n from leads l where l.workspace_id = ${ws()}
      and l.deleted_at is null and l.id in (select h.lead_id from lead_stage_history h
        where h.workspace_id = ${ws()} and h.stage_id in (${sql.join(
          later.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}))`);
    expect(reached).toBe(expected);
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeGreaterThanOrEqual(await agree('leads', { stageId: later.join(',') }));
    // A lead that went through Qualified and Proposal and was lost reached both; it is in neither now.
    const created = await c.post('/api/v1/leads', {
      firstName: 'Rita',
      lastName: 'Reach',
      email: 'rita.reach@example.com',
      source: 'referral',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    for (const body of [
      { stageId: byName('Qualified') },
      { stageId: byName('Proposal') },
      { stageId: byName('Lost'), lostReason: 'Chose a competitor' },
    ]) {
      const r = await c.patch(`/api/v1/leads/${id}`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const ids = async (query: Record<string, string>) =>
      (await walk(c, `/api/v1/leads?${qs(query)}`, 200)).map((l) => l.id as string);
    expect(await ids({ reachedStageId: byName('Proposal'), status: 'lost' })).toContain(id);
    expect(await ids({ reachedStageId: later.join(','), source: 'referral' })).toContain(id);
    expect(await ids({ stageId: later.join(',') })).not.toContain(id);
    expect(await ids({ reachedStageId: byName('Won') })).not.toContain(id);
    expect(await agree('leads', { reachedStageId: later.join(',') })).toBe(reached + 1);
    const lostAfter = await agree('leads', { reachedStageId: byName('Proposal'), status: 'lost' });
    expect(lostAfter).toBeGreaterThan(0);
    expect(lostAfter).toBe(
      await one(sql`select count(*) as n from leads l where l.workspace_id = ${ws()} and l.deleted_at is null
        and l.status = 'lost' and exists (select 1 from lead_stage_history h where h.workspace_id = l.workspace_id
          and h.lead_id = l.id and h.stage_id = ${byName('Proposal')}::uuid)`),
    );
    expectProblem(await c.get('/api/v1/leads/count?reachedStageId=none'), 400, [
      ['reachedStageId[0]', 'must be a UUID'],
    ]);
  });

  it('applies a condition ANDed with the other filters, on lists and counts', async () => {
    const cond = {
      all: [
        { field: 'source', op: 'in', value: ['referral', 'website'] },
        {
          any: [
            { field: 'score', op: 'gte', value: 40 },
            { field: 'status', op: 'eq', value: 'won' },
          ],
        },
      ],
    };
    const n = await agree('leads', { condition: JSON.stringify(cond) });
    expect(n).toBe(
      await one(sql`select count(*) as n from leads where workspace_id = ${ws()} and deleted_at is null
        and source in ('referral', 'website') and (score >= 40 or status = 'won')`),
    );
    expect(n).toBeGreaterThan(0);
    const withStatus = await agree('leads', { condition: JSON.stringify(cond), status: 'won' });
    expect(withStatus).toBe(
      await one(sql`select count(*) as n from leads where workspace_id = ${ws()} and deleted_at is null
        and source in ('referral', 'website') and status = 'won'`),
    );
    // Related records: contacts of a lead's contact, activity counts.
    await agree('leads', {
      condition: JSON.stringify({ field: 'activities.call.count', op: 'gte', value: 2 }),
      sort: 'lastName',
    });
    const contactCond = JSON.stringify({ field: 'status', op: 'in', value: ['active', 'lead'] });
    expect(await agree('contacts', { condition: contactCond })).toBe(
      await one(sql`select count(*) as n from contacts where workspace_id = ${ws()} and deleted_at is null
        and status in ('active', 'lead')`),
    );
    await agree('deals', {
      condition: JSON.stringify({ field: 'amount', op: 'gte', value: 10000 }),
      forecastCategory: 'closed',
    });
    await agree('accounts', { condition: JSON.stringify({ field: 'name', op: 'contains', value: 'a' }) });
    // Activities and tasks, reaching their lead's fields.
    const calls = {
      all: [
        { field: 'type', op: 'in', value: ['call', 'meeting'] },
        { field: 'lead.source', op: 'eq', value: 'referral' },
      ],
    };
    const nCalls = await agree('activities', { condition: JSON.stringify(calls) });
    expect(nCalls).toBe(
      await one(sql`select count(*) as n from activities a join leads l on l.workspace_id = a.workspace_id
        and l.id = a.lead_id where a.workspace_id = ${ws()} and a.deleted_at is null
        and a.type in ('call', 'meeting') and l.source = 'referral'`),
    );
    expect(nCalls).toBeGreaterThan(0);
    expect(
      await agree('activities', {
        condition: JSON.stringify(calls),
        occurredAtFrom: '2026-01-01',
        type: 'call',
      }),
    ).toBe(
      await one(sql`select count(*) as n from activities a join leads l on l.workspace_id = a.workspace_id
        and l.id = a.lead_id where a.workspace_id = ${ws()} and a.deleted_at is null and a.type = 'call'
        and a.occurred_at >= '2026-01-01' and l.source = 'referral'`),
    );
    const open = { field: 'status', op: 'in', value: ['pending', 'in_progress'] };
    const nOpen = await agree('tasks', { condition: JSON.stringify(open), priority: 'high,urgent' });
    expect(nOpen).toBe(
      await one(sql`select count(*) as n from tasks where workspace_id = ${ws()} and deleted_at is null
        and status in ('pending', 'in_progress') and priority in ('high', 'urgent')`),
    );
    expect(nOpen).toBeGreaterThan(0);
  });

  it('refuses a bad condition with a problem naming the parameter and the part', async () => {
    const bad = (entity: string, cond: string) => c.get(`/api/v1/${entity}/count?${qs({ condition: cond })}`);
    expectProblem(await bad('leads', '{"all": ['), 400, [['condition', /JSON/]]);
    expectProblem(await c.get(`/api/v1/leads?${qs({ condition: 'source=referral' })}`), 400, ['condition']);
    expectProblem(
      await bad('leads', JSON.stringify({ all: [{ field: 'source', op: 'in', value: 'referral' }] })),
      422,
      ['condition.all.0.value'],
    );
    expectProblem(await bad('contacts', JSON.stringify({ field: 'nope', op: 'eq', value: 1 })), 422, [
      'condition.field',
    ]);
    expectProblem(
      await bad('deals', JSON.stringify({ any: [{ field: 'amount', op: 'changed_to', value: 5 }] })),
      422,
      ['condition.any.0.op'],
    );
    expectProblem(
      await c.get(`/api/v1/accounts?${qs({ condition: JSON.stringify({ field: 'name', op: 'gt' }) })}`),
      422,
      ['condition.value'],
    );
    expectProblem(
      await bad('activities', JSON.stringify({ all: [{ field: 'type', op: 'eq', value: 'fax' }] })),
      422,
      ['condition.all.0.value'],
    );
    expectProblem(await bad('tasks', '[1,'), 400, ['condition']);
  });

  it('counts contacts, deals and accounts as their lists page them', async () => {
    const [p] = await q<{ id: string }>(
      sql`select pipeline_id as id from deals where workspace_id = ${ws()} limit 1`,
    );
    for (const combo of [{}, { status: 'active' }, { q: 'e' }, { createdAtFrom: '2026-01-01' }] as Record<
      string,
      string
    >[])
      await agree('contacts', combo);
    for (const combo of [
      {},
      { pipelineId: p!.id },
      { forecastCategory: 'closed', closeDateFrom: '2025-09-01', closeDateTo: '2026-03-01' },
      { ownerId: 'none' },
      { createdAtFrom: '2026-01-01T00:00:00Z', sort: 'amount' },
    ] as Record<string, string>[])
      await agree('deals', combo);
    for (const combo of [{}, { accountType: 'customer' }, { q: 'in' }] as Record<string, string>[])
      await agree('accounts', combo);
  });

  it('filters activities by type, user, outcome, date and record, and counts them', async () => {
    const [a] = await q<{ user_id: string; lead_id: string; contact_id: string; outcome: string }>(
      sql`select user_id, lead_id, contact_id, outcome from activities where workspace_id = ${ws()}
        and user_id is not null and lead_id is not null and outcome is not null and type = 'call' limit 1`,
    );
    const combos: Record<string, string>[] = [
      {},
      { type: 'call,email' },
      { userId: a!.user_id, occurredAtFrom: '2026-01-01', occurredAtTo: '2026-03-01' },
      { userId: 'none' },
      { type: 'call', outcome: a!.outcome },
      { leadId: a!.lead_id },
      { contactId: a!.contact_id, sort: 'createdAt' },
    ];
    for (const combo of combos) await agree('activities', combo);
    const n = await agree('activities', { type: 'call', userId: a!.user_id, outcome: a!.outcome });
    expect(n).toBe(
      await one(sql`select count(*) as n from activities where workspace_id = ${ws()} and deleted_at is null
        and type = 'call' and user_id = ${a!.user_id} and outcome = ${a!.outcome}`),
    );
  });

  it('filters tasks by assignee, status, type, priority and dates, and counts them', async () => {
    const [a] = await q<{ assignee_id: string }>(
      sql`select assignee_id from tasks where workspace_id = ${ws()} and assignee_id is not null limit 1`,
    );
    const unassigned = await c.post('/api/v1/tasks', { title: 'Call back', assigneeId: null, type: 'call' });
    expect(unassigned.status, JSON.stringify(unassigned.body)).toBe(201);
    const combos: Record<string, string>[] = [
      {},
      { assigneeId: a!.assignee_id, status: 'pending,in_progress' },
      { assigneeId: `${a!.assignee_id},none` },
      { assigneeId: 'none' },
      { type: 'call,follow_up', priority: 'high,urgent' },
      { dueAtFrom: '2026-03-01', dueAtTo: '2026-04-01' },
      { createdAtFrom: '2026-02-01T00:00:00Z' },
      { view: 'overdue' },
    ];
    for (const combo of combos) await agree('tasks', combo);
    expect(await agree('tasks', { assigneeId: 'none' })).toBe(1);
    expect(await agree('tasks', { assigneeId: `${a!.assignee_id},none` })).toBe(
      1 +
        (await one(
          sql`select count(*) as n from tasks where workspace_id = ${ws()} and deleted_at is null and assignee_id = ${a!.assignee_id}`,
        )),
    );
    const done = await agree('tasks', {
      status: 'completed',
      completedAtFrom: '2026-01-01',
      completedAtTo: '2026-03-15',
    });
    expect(done).toBe(
      await one(sql`select count(*) as n from tasks where workspace_id = ${ws()} and deleted_at is null
        and status = 'completed' and completed_at >= '2026-01-01' and completed_at < '2026-03-15'`),
    );
    expect(done).toBeGreaterThan(0);
  });

  it('counts with custom field filters, search and deleted records as the list does', async () => {
    const def = await c.post('/api/v1/custom-fields', {
      entity: 'lead',
      key: 'budget',
      label: 'Budget',
      type: 'number',
    });
    expect(def.status, JSON.stringify(def.body)).toBe(201);
    const page = await c.get('/api/v1/leads?limit=12&sort=createdAt');
    for (const [i, lead] of (page.body.data as { id: string }[]).entries()) {
      const r = await c.patch(`/api/v1/leads/${lead.id}`, { customFields: { budget: 1000 * i } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const big = await agree('leads', { 'custom.budget[gte]': '5000' });
    expect(big).toBe(7);
    expect(
      await agree('leads', {
        'custom.budget[gte]': '5000',
        condition: JSON.stringify({ field: 'custom.budget', op: 'lt', value: 9000 }),
      }),
    ).toBe(4);
    const gone = page.body.data[11].id as string;
    expect((await c.del(`/api/v1/leads/${gone}`)).status).toBe(200);
    expect(await agree('leads', { 'custom.budget[gte]': '5000' })).toBe(6);
    expect(await agree('leads', { 'custom.budget[gte]': '5000', deleted: 'only' })).toBe(1);
  });

  it('shows another workspace none of these records', async () => {
    const other = await t.signup('Other');
    const oc = client(t, other);
    const [stage] = await q<{ id: string }>(sql`select id from stages where workspace_id = ${ws()} limit 1`);
    for (const [entity, query] of [
      ['leads', {}],
      ['leads', { reachedStageId: stage!.id }],
      ['leads', { condition: JSON.stringify({ field: 'source', op: 'is_not_empty' }) }],
      ['contacts', {}],
      ['deals', {}],
      ['accounts', {}],
      ['activities', { type: 'call' }],
      ['tasks', {}],
    ] as const) {
      const r = await oc.get(`/api/v1/${entity}/count?${qs(query)}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toEqual({ count: 0 });
      expect((await oc.get(`/api/v1/${entity}?${qs(query)}`)).body.data).toEqual([]);
    }
  });
});
