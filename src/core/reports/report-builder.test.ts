import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type DemoResult, generateDemo } from '../demo/demo.service.js';
import { systemCtx } from '../shared/context.js';
import { isAppError } from '../shared/errors.js';
import type { BuilderBody, BuilderInput } from './report-builder.schemas.js';
import { runBuilderReport } from './report-builder.service.js';

/**
 * The report builder on a demo workspace (plus custom field values of every kind, a second workspace):
 * every figure equals the same figure computed here with plain SQL, for several definitions, conditions
 * and filters; every row's drill lists exactly the row's records; bad definitions are refused by name.
 */

const PASSWORD = 'demo password 123';
const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
type Json = any;
type Drill = { entity: string; query: Record<string, string> };

describe.each(DB_KINDS)('report builder on %s', (kind) => {
  let t: TestApp;
  let demo: DemoResult;
  let ws: string;
  let cookie: string;
  let other: Session;
  const q = async <T>(query: SQL) => rowsOf<T>(await t.handle.db.execute(query));
  const run = async (body: BuilderBody | Record<string, unknown>, query = '') =>
    t.call({
      method: 'POST',
      url: `/api/v1/reports/run${query}`,
      headers: { cookie },
      payload: body as object,
    });
  const ok = async (body: BuilderBody) => {
    const r = await run(body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as Json;
  };
  /** How many records a drill's list shows: /count, checked against paging through the list. */
  const drillCount = async (d: Drill, page = false): Promise<number> => {
    const c = await t.call({
      method: 'GET',
      url: `/api/v1/${d.entity}/count?${new URLSearchParams(d.query)}`,
      headers: { cookie },
    });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    if (page) {
      let n = 0;
      let cursor: string | undefined;
      do {
        const p = new URLSearchParams({ ...d.query, limit: '200', ...(cursor ? { cursor } : {}) });
        const r = await t.call({ method: 'GET', url: `/api/v1/${d.entity}?${p}`, headers: { cookie } });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        n += r.body.data.length;
        cursor = r.body.nextCursor ?? undefined;
      } while (cursor);
      expect(c.body.count).toBe(n);
    }
    return c.body.count;
  };
  /** Rows as `key|key → values`, for comparing with plain SQL regardless of order. */
  const byKeys = (rows: { keys: unknown[]; values: unknown[] }[]) =>
    Object.fromEntries(rows.map((r) => [r.keys.map(String).join('|'), r.values]));

  beforeAll(async () => {
    t = await testApp(kind);
    demo = await generateDemo(t.handle.db, { leads: 300, seed: 5, password: PASSWORD, batchSize: 150 });
    ws = demo.workspaceId;
    const login = await t.call({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: demo.owner.email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    cookie = String(login.headers['set-cookie']).split(';')[0]!;
    for (const f of [
      {
        entity: 'lead',
        key: 'tier',
        label: 'Tier',
        type: 'select',
        options: [
          { value: 'gold', label: 'Gold' },
          { value: 'silver', label: 'Silver' },
          { value: 'bronze', label: 'Bronze' },
        ],
      },
      { entity: 'lead', key: 'budget', label: 'Budget', type: 'money' },
      { entity: 'lead', key: 'renewal', label: 'Renewal', type: 'date' },
    ]) {
      const r = await t.call({
        method: 'POST',
        url: '/api/v1/custom-fields',
        headers: { cookie },
        payload: f,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    // Values of every sort: options, empty text, JSON null, wrong JSON types (which count as missing),
    // money as numbers and as decimal strings, dates and a date that is not a calendar date.
    await t.handle.db.execute(sql`update leads set custom = custom || jsonb_build_object(
        'tier', (array['gold', 'silver', 'bronze', ''])[1 + abs(hashtext(id::text)) % 6],
        'budget', case abs(hashtext(id::text || 'b')) % 8
          when 0 then null when 1 then to_jsonb('abc'::text)
          when 2 then to_jsonb(((abs(hashtext(id::text)) % 100000) / 100.0)::text)
          else to_jsonb((abs(hashtext(id::text || 'c')) % 1000000) / 100.0) end,
        'renewal', case abs(hashtext(id::text || 'r')) % 9
          when 0 then to_jsonb('2025-02-30'::text) when 1 then null
          else to_jsonb(to_char(date '2024-11-20' + abs(hashtext(id::text || 'd')) % 400, 'YYYY-MM-DD')) end)
      where workspace_id = ${ws}`);
    // The other workspace has a lead of the same source: never counted.
    other = await t.signup('Other');
    await t.call({
      method: 'POST',
      url: '/api/v1/leads',
      headers: other.auth,
      payload: { firstName: 'Else', source: 'website', dealValue: '10.00' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leads by source and created month: count and sum of deal value, with and without filters', async () => {
    const [range] = await q<{ from: string; to: string }>(sql`select
        to_char(min(created_at) at time zone 'UTC' + interval '60 days', 'YYYY-MM-DD') as from,
        to_char(max(created_at) at time zone 'UTC' - interval '45 days', 'YYYY-MM-DD') as to
      from leads where workspace_id = ${ws}`);
    const owners = demo.members.filter((m) => m.role === 'rep').map((m) => m.userId);
    const cases: { filters?: Record<string, unknown>; where: SQL }[] = [
      { where: sql`true` },
      {
        filters: { from: range!.from, to: range!.to },
        where: sql`created_at >= ${`${range!.from}T00:00:00Z`}::timestamptz and created_at < (${range!.to}::date + 1)::timestamptz`,
      },
      {
        filters: { ownerId: [owners[0], 'none'], source: 'website,referral' },
        where: sql`(owner_id = ${owners[0]} or owner_id is null) and source in ('website', 'referral')`,
      },
    ];
    for (const c of cases) {
      const r = await ok({
        entity: 'leads',
        groupBy: ['source', 'createdAt:month'],
        measures: ['count', 'sum:dealValue'],
        filters: c.filters as BuilderBody['filters'],
        limit: 1000,
      });
      const expected = await q<{ s: string | null; m: string; n: number; total: string | null }>(sql`
        select nullif(source, '') as s, to_char(date_trunc('month', created_at at time zone 'UTC'), 'YYYY-MM-DD') as m,
          count(*)::int as n, sum(deal_value)::text as total
        from leads where workspace_id = ${ws} and deleted_at is null and ${c.where} group by 1, 2`);
      expect(expected.length).toBeGreaterThan(3);
      expect(byKeys(r.rows)).toEqual(
        Object.fromEntries(expected.map((e) => [`${e.s}|${e.m}`, [e.n, e.total]])),
      );
      const [tot] = await q<{
        n: number;
        total: string | null;
      }>(sql`select count(*)::int as n, sum(deal_value)::text as total
        from leads where workspace_id = ${ws} and deleted_at is null and ${c.where}`);
      expect(r.totals.values).toEqual([tot!.n, tot!.total]);
      expect(r.truncated).toBe(false);
      expect(r.columns.map((x: Json) => [x.key, x.label, x.kind, x.type])).toEqual([
        ['source', 'Source', 'group', 'text'],
        ['createdAt:month', 'Created at (month)', 'group', 'date'],
        ['count', 'Count', 'measure', 'integer'],
        ['sum:dealValue', 'Sum of deal value', 'measure', 'decimal'],
      ]);
      // Default order: the first dimension is not a bucket, so by count, largest first.
      const counts = r.rows.map((x: Json) => x.values[0]);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
    }
  });

  const drillsMatch = async (reports: BuilderBody[]) => {
    for (const [i, body] of reports.entries()) {
      const r = await ok({ ...body, limit: 1000 });
      expect(r.rows.length, JSON.stringify(body)).toBeGreaterThan(1);
      for (const row of r.rows.slice(0, 12)) {
        const n = await drillCount(row.drill, i === 0 && row === r.rows[0]);
        expect(n, `${JSON.stringify(body)} ${JSON.stringify(row)}`).toBe(row.values[0]);
      }
      expect(await drillCount(r.totals.drill)).toBe(r.totals.values[0]);
    }
  };

  it('drills list exactly the records of each row: leads, contacts, deals', async () => {
    const owners = demo.members.filter((m) => m.role === 'rep').map((m) => m.userId);
    await drillsMatch([
      {
        entity: 'leads',
        groupBy: ['source', 'createdAt:quarter'],
        filters: { ownerId: [owners[0]!, 'none'] },
      },
      { entity: 'leads', groupBy: ['custom.tier', { field: 'custom.budget', width: 2500 }] },
      {
        entity: 'leads',
        groupBy: ['custom.renewal:month', 'isDuplicate'],
        conditions: { field: 'status', op: 'neq', value: 'lost' },
      },
      {
        entity: 'deals',
        groupBy: ['lead.source', 'closeDate:quarter'],
        filters: { source: 'website,referral,partner,event' },
      },
      { entity: 'contacts', groupBy: ['country', 'status'], filters: { from: '2000-01-01' } },
    ]);
  });

  it('drills list exactly the records of each row: activities and tasks', async () => {
    const reps = demo.members.filter((m) => m.role === 'rep').map((m) => m.userId);
    await drillsMatch([
      { entity: 'activities', groupBy: ['type', 'userId'], filters: { source: ['website', 'referral'] } },
      { entity: 'activities', groupBy: ['occurredAt:month'], filters: { ownerId: 'none' } },
      {
        entity: 'tasks',
        groupBy: ['status', 'lead.status'],
        filters: { ownerId: [...reps.slice(0, 2), 'none'] },
      },
      {
        entity: 'tasks',
        groupBy: ['priority', 'dueAt:month'],
        filters: { ownerId: reps[0]!, from: '2000-01-01' },
      },
    ]);
  });

  it('leads by a custom select field: option labels, (none), average and median of a custom money field', async () => {
    const r = await ok({
      entity: 'leads',
      groupBy: [{ field: 'custom.tier' }],
      measures: ['count', { op: 'avg', field: 'custom.budget' }, 'median:custom.budget', 'max:custom.budget'],
      sort: 'keys',
    });
    const expected = await q<{
      tier: string | null;
      n: number;
      avg: number | null;
      med: number | null;
      max: string | null;
    }>(sql`
      with l as (
        select case when jsonb_typeof(custom -> 'tier') = 'string' then nullif(custom ->> 'tier', '') end as tier,
          case jsonb_typeof(custom -> 'budget') when 'number' then (custom ->> 'budget')::numeric
            when 'string' then case when custom ->> 'budget' ~ '^-?[0-9]+([.][0-9]+)?$' then (custom ->> 'budget')::numeric end end as budget
        from leads where workspace_id = ${ws} and deleted_at is null)
      select tier, count(*)::int as n, avg(budget)::float8 as avg,
        percentile_cont(0.5) within group (order by budget::float8) as med, max(budget)::text as max
      from l group by tier order by tier collate "C" nulls last`);
    expect(r.rows.map((x: Json) => x.keys[0])).toEqual(expected.map((e) => e.tier));
    expect(r.rows.map((x: Json) => x.labels[0])).toEqual(
      expected.map((e) => (e.tier === null ? '(none)' : e.tier[0]!.toUpperCase() + e.tier.slice(1))),
    );
    for (const [i, e] of expected.entries()) {
      const [n, avg, med, max] = r.rows[i].values;
      expect(n).toBe(e.n);
      expect(avg).toBeCloseTo(Number(e.avg), 6);
      expect(med).toBeCloseTo(Number(e.med), 6);
      expect(max).toBe(e.max);
    }
    expect(r.columns.map((c: Json) => c.label)).toEqual([
      'Tier',
      'Count',
      'Average of Budget',
      'Median of Budget',
      'Maximum of Budget',
    ]);
  });

  it('activities by type and user, with a date range and a condition; user names as labels', async () => {
    const [range] = await q<{ from: string; to: string }>(sql`select
        to_char(now() at time zone 'UTC' - interval '120 days', 'YYYY-MM-DD') as from,
        to_char(now() at time zone 'UTC' - interval '10 days', 'YYYY-MM-DD') as to`);
    const r = await ok({
      entity: 'activities',
      groupBy: ['type', 'userId'],
      measures: ['count', 'sum:durationMinutes', 'avg:durationMinutes'],
      filters: { from: range!.from, to: range!.to },
      conditions: {
        any: [
          { field: 'lead.status', op: 'in', value: ['contacted', 'qualified'] },
          { field: 'outcome', op: 'is_not_empty' },
        ],
      },
      limit: 1000,
    });
    const expected = await q<{
      type: string;
      u: string | null;
      n: number;
      mins: number | null;
      avg: number | null;
      name: string | null;
    }>(sql`
      select a.type, a.user_id::text as u, count(*)::int as n, sum(a.duration_minutes)::int as mins,
        avg(a.duration_minutes)::float8 as avg, min(us.name) as name
      from activities a left join leads l on l.workspace_id = a.workspace_id and l.id = a.lead_id
        left join users us on us.id = a.user_id
      where a.workspace_id = ${ws} and a.deleted_at is null
        and a.occurred_at >= ${`${range!.from}T00:00:00Z`}::timestamptz and a.occurred_at < (${range!.to}::date + 1)::timestamptz
        and (l.status in ('contacted', 'qualified') or (a.outcome is not null and a.outcome <> ''))
      group by 1, 2`);
    expect(expected.length).toBeGreaterThan(3);
    const got = Object.fromEntries(r.rows.map((x: Json) => [`${x.keys[0]}|${x.keys[1]}`, x]));
    expect(Object.keys(got).sort()).toEqual(expected.map((e) => `${e.type}|${e.u}`).sort());
    for (const e of expected) {
      const row = got[`${e.type}|${e.u}`];
      expect(row.values[0]).toBe(e.n);
      expect(row.values[1]).toBe(e.mins);
      if (e.avg === null) expect(row.values[2]).toBeNull();
      else expect(row.values[2]).toBeCloseTo(e.avg, 9);
      expect(row.labels).toEqual([
        e.type.charAt(0).toUpperCase() + e.type.slice(1).replace(/_/g, ' '),
        e.name ?? '(none)',
      ]);
    }
    expect(r.columns[1].label).toBe('User');
    // Totals over every group: the count and sum add up; the average is over the records, not the groups.
    const n = expected.reduce((a, e) => a + e.n, 0);
    const mins = expected.reduce((a, e) => a + (e.mins ?? 0), 0);
    const withMinutes = await q<{ avg: number | null }>(sql`select avg(duration_minutes)::float8 as avg
      from activities a left join leads l on l.workspace_id = a.workspace_id and l.id = a.lead_id
      where a.workspace_id = ${ws} and a.deleted_at is null
        and a.occurred_at >= ${`${range!.from}T00:00:00Z`}::timestamptz and a.occurred_at < (${range!.to}::date + 1)::timestamptz
        and (l.status in ('contacted', 'qualified') or (a.outcome is not null and a.outcome <> ''))`);
    expect(r.totals.values[0]).toBe(n);
    expect(r.totals.values[1]).toBe(mins);
    if (withMinutes[0]!.avg === null) expect(r.totals.values[2]).toBeNull();
    else expect(r.totals.values[2]).toBeCloseTo(withMinutes[0]!.avg, 9);
  });

  it('tasks by status through the lead’s pipeline and source; deals by stage with the median amount', async () => {
    const [p] = await q<{ id: string }>(
      sql`select id from pipelines where workspace_id = ${ws} and is_default`,
    );
    const tasks = await ok({
      entity: 'tasks',
      groupBy: ['status'],
      filters: { pipelineId: p!.id, source: ['website', 'referral', 'partner'] },
    });
    const te = await q<{ status: string; n: number }>(sql`select t.status, count(*)::int as n
      from tasks t join leads l on l.workspace_id = t.workspace_id and l.id = t.lead_id
      where t.workspace_id = ${ws} and t.deleted_at is null and l.pipeline_id = ${p!.id}
        and l.source in ('website', 'referral', 'partner') group by 1`);
    expect(te.length).toBeGreaterThan(1);
    expect(byKeys(tasks.rows)).toEqual(Object.fromEntries(te.map((e) => [e.status, [e.n]])));

    const deals = await ok({
      entity: 'deals',
      groupBy: ['stageId'],
      measures: ['count', 'median:amount', 'sum:amount'],
    });
    const de = await q<{
      stage: string;
      name: string;
      n: number;
      med: number | null;
      total: string | null;
    }>(sql`
      select d.stage_id::text as stage, min(s.name) as name, count(*)::int as n,
        percentile_cont(0.5) within group (order by d.amount::float8) as med, sum(d.amount)::text as total
      from deals d join stages s on s.workspace_id = d.workspace_id and s.id = d.stage_id
      where d.workspace_id = ${ws} and d.deleted_at is null group by 1`);
    expect(de.length).toBeGreaterThan(0);
    const got = Object.fromEntries(deals.rows.map((x: Json) => [x.keys[0], x]));
    expect(Object.keys(got).sort()).toEqual(de.map((e) => e.stage).sort());
    for (const e of de) {
      expect(got[e.stage].values[0]).toBe(e.n);
      expect(got[e.stage].values[1]).toBeCloseTo(Number(e.med), 6);
      expect(got[e.stage].values[2]).toBe(e.total);
      expect(got[e.stage].labels[0]).toMatch(new RegExp(`^${e.name}`));
    }
  });

  it('leads with a condition by owner, no dimension, and a custom date by quarter', async () => {
    const cond = {
      all: [
        { field: 'status', op: 'in', value: ['qualified', 'proposal', 'contacted'] },
        { field: 'custom.budget', op: 'gte', value: 2000 },
      ],
    };
    const r = await ok({
      entity: 'leads',
      groupBy: ['ownerId'],
      conditions: cond,
      measures: ['count', 'min:custom.budget'],
    });
    const budget = sql`case jsonb_typeof(custom -> 'budget') when 'number' then (custom ->> 'budget')::numeric
      when 'string' then case when custom ->> 'budget' ~ '^-?[0-9]+([.][0-9]+)?$' then (custom ->> 'budget')::numeric end end`;
    const e = await q<{
      o: string | null;
      n: number;
      min: string;
    }>(sql`select owner_id::text as o, count(*)::int as n, min(${budget})::text as min
      from leads where workspace_id = ${ws} and deleted_at is null and status in ('qualified', 'proposal', 'contacted')
        and ${budget} >= 2000 group by 1`);
    expect(byKeys(r.rows)).toEqual(Object.fromEntries(e.map((x) => [String(x.o), [x.n, x.min]])));
    const [lowest] = await q<{ min: string }>(sql`select min(${budget})::text as min from leads
      where workspace_id = ${ws} and deleted_at is null and status in ('qualified', 'proposal', 'contacted') and ${budget} >= 2000`);
    expect(r.totals.values).toEqual([e.reduce((s, x) => s + x.n, 0), lowest!.min]);

    const flat = await ok({ entity: 'leads', conditions: cond });
    expect(flat.rows).toEqual([
      { keys: [], labels: [], values: [flat.totals.values[0]], drill: flat.totals.drill },
    ]);
    expect(flat.totals.values[0]).toBe(e.reduce((s, x) => s + x.n, 0));

    const byQuarter = await ok({ entity: 'leads', groupBy: ['custom.renewal:quarter'], limit: 1000 });
    const qe = await q<{
      k: string | null;
      n: number;
    }>(sql`with l as (select custom ->> 'renewal' as d from leads
        where workspace_id = ${ws} and deleted_at is null)
      select case when d ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' and d <> '2025-02-30'
        then to_char(date_trunc('quarter', d::date), 'YYYY-MM-DD') end as k, count(*)::int as n from l group by 1`);
    expect(byKeys(byQuarter.rows)).toEqual(Object.fromEntries(qe.map((x) => [String(x.k), [x.n]])));
    expect(byQuarter.rows[0].labels[0]).toMatch(/^Q[1-4] 20[0-9]{2}$/);
  });

  it('limit and truncation, sort by a measure, and the totals over every group', async () => {
    const all = await ok({ entity: 'leads', groupBy: ['createdAt:week'], limit: 1000 });
    const some = await ok({ entity: 'leads', groupBy: ['createdAt:week'], limit: 5, sort: '-keys' });
    expect(all.truncated).toBe(false);
    expect(some.truncated).toBe(true);
    expect(some.rows).toEqual(all.rows.slice(-5).reverse());
    expect(some.totals).toEqual(all.totals);
    expect(some.rows[0].labels[0]).toMatch(/^Week of /);
    const asc = await ok({ entity: 'leads', groupBy: ['source'], sort: 'values.0' });
    const counts = asc.rows.map((x: Json) => x.values[0]);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it('refuses bad definitions with 422 naming each part, another workspace’s pipeline with 404', async () => {
    const r = await run({
      entity: 'leads',
      groupBy: ['nope', { field: 'source', bucket: 'month' }],
      measures: ['count', 'sum:source', 'avg', { op: 'mode', field: 'score' }],
      conditions: { all: [{ field: 'score', op: 'gte', value: 'high' }] },
      sort: 'values.4',
    });
    expect(r.status).toBe(422);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body.errors).toEqual([
      { field: 'conditions.all.0.value', reason: expect.stringMatching(/must be a number/) },
      { field: 'groupBy.0.field', reason: 'nope is not a known lead field' },
      { field: 'groupBy.1.bucket', reason: expect.stringMatching(/only dates and timestamps take a bucket/) },
      {
        field: 'measures.1.field',
        reason: expect.stringMatching(/sum needs a number field; source is not one/),
      },
      { field: 'measures.2.field', reason: expect.stringMatching(/is required/) },
      { field: 'measures.3.op', reason: expect.stringMatching(/must be one of count, sum/) },
      { field: 'sort', reason: expect.stringMatching(/values.0 to values.3/) },
    ]);
    const widths = await run({ entity: 'leads', groupBy: ['score:0', { field: 'source', width: 5 }] });
    expect(widths.status).toBe(422);
    expect(widths.body.errors.map((e: Json) => e.field)).toEqual(['groupBy.0.width', 'groupBy.1.width']);
    const contacts = await run({ entity: 'contacts', filters: { pipelineId: demo.workspaceId } });
    expect(contacts.status).toBe(404); // an unknown pipeline is 404 before anything else
    const [p] = await q<{ id: string }>(
      sql`select id from pipelines where workspace_id = ${ws} and is_default`,
    );
    const noPipeline = await run({ entity: 'contacts', filters: { pipelineId: p!.id } });
    expect(noPipeline.status).toBe(422);
    expect(noPipeline.body.errors).toEqual([
      { field: 'filters.pipelineId', reason: expect.stringMatching(/contacts have no pipeline/) },
    ]);
    const range = await run({ entity: 'leads', filters: { from: '2025-02-01', to: '2025-01-01' } });
    expect(range.status).toBe(422);
    expect(range.body.errors[0].field).toBe('filters.to');
    const [otherPipeline] = await q<{ id: string }>(
      sql`select id from pipelines where workspace_id = ${other.workspaceId}`,
    );
    expect((await run({ entity: 'leads', filters: { pipelineId: otherPipeline!.id } })).status).toBe(404);
    expect((await run({ entity: 'leads', groupBy: ['source', 'status', 'ownerId'] })).status).toBe(422);
    expect((await run({ entity: 'leads', measures: [] })).status).toBe(422);
    expect((await run({ entity: 'leads', limit: 1001 })).status).toBe(422);
    expect((await run({ entity: 'accounts' })).status).toBe(422);
    const changed = await run({
      entity: 'leads',
      conditions: { field: 'status', op: 'changed_to', value: 'won' },
    });
    expect(changed.status).toBe(422);
    expect(changed.body.errors[0].field).toBe('conditions.op');
  });

  it('never counts another workspace, and a viewer may run reports', async () => {
    const mine = await ok({
      entity: 'leads',
      groupBy: ['source'],
      conditions: { field: 'firstName', op: 'eq', value: 'Else' },
    });
    expect(mine.totals.values).toEqual([0]);
    expect(mine.rows).toEqual([]);
    const theirs = await t.call({
      method: 'POST',
      url: '/api/v1/reports/run',
      headers: other.auth,
      payload: { entity: 'leads', groupBy: ['source'], measures: ['count', 'sum:dealValue'] },
    });
    expect(theirs.status).toBe(200);
    expect(theirs.body.rows.map((x: Json) => [x.keys, x.values])).toEqual([[['website'], [1, '10.00']]]);
  });

  it('exports the table as CSV and Excel', async () => {
    const csv = await run(
      { entity: 'leads', groupBy: ['status'], measures: ['count', 'sum:dealValue'] },
      '?format=csv',
    );
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = String(csv.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Status,Count,Sum of deal value');
    const json = await ok({ entity: 'leads', groupBy: ['status'], measures: ['count', 'sum:dealValue'] });
    expect(lines.slice(1, -1)).toEqual(
      json.rows.map((x: Json) => [x.labels[0], ...x.values.map((v: unknown) => v ?? '')].join(',')),
    );
    expect(lines.at(-1)).toBe(['Total', ...json.totals.values].join(','));
    const xlsx = await run({ entity: 'leads', groupBy: ['status'] }, '?format=xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/);
  });

  it.runIf(kind === 'postgres')('stops a statement that runs too long with a 422', async () => {
    const body = {
      entity: 'leads' as const,
      groupBy: ['contact.country', 'account.industry'],
      measures: ['count', 'avg:activities.any.count', 'median:activities.email.last_90d'],
      limit: 100,
    };
    let error: unknown;
    try {
      await runBuilderReport(t.handle.db, systemCtx(ws), body as BuilderInput, { statementTimeoutMs: 1 });
    } catch (e) {
      error = e;
    }
    expect(isAppError(error) && error.code === 'validation_failed', String(error)).toBe(true);
    expect((error as { errors: { reason: string }[] }).errors[0]!.reason).toMatch(/ran longer than 0.001 s/);
  });
});
