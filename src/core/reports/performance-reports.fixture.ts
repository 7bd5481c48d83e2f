import { type SQL, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import type { DbKind } from '../../../test/db.js';
import { type DemoResult, generateDemo } from '../demo/demo.service.js';

/**
 * The workspace the team, activity, health and forecast report tests read: a demo workspace (400 leads
 * over 18 months) plus hand-made edge cases — a removed member who owns leads, a second pipeline with a
 * won, a lost, an undated and a responded lead, an unowned overdue lead without activities, an activity
 * logged before its lead was created — and a second workspace. Tests compute their expectations from the
 * raw rows read here with plain SQL (no report code).
 */

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const PASSWORD = 'demo password 123';
const DAY = 86_400_000;

export type RawLead = {
  id: string;
  ownerId: string | null;
  pipelineId: string;
  stageId: string;
  status: string;
  source: string | null;
  createdAt: number;
  stageEnteredAt: number;
  dealValue: string | null;
  expectedCloseDate: string | null;
};
export type RawActivity = {
  id: string;
  type: string;
  leadId: string | null;
  userId: string | null;
  outcome: string | null;
  occurredAt: number;
};
export type RawStage = {
  id: string;
  pipelineId: string;
  name: string;
  type: string;
  probability: number;
  position: number;
  deleted: boolean;
};
export type Drill = { entity: string; query: Record<string, string> };
// biome-ignore lint/suspicious/noExplicitAny: report JSON as the tests read it (checked field by field)
type Json = any;

export type Fixture = {
  t: TestApp;
  ws: string;
  demo: DemoResult;
  cookie: string;
  other: Session;
  defaultPipelineId: string;
  partnerPipelineId: string;
  removedUserId: string;
  teams: { id: string; name: string; members: string[] }[];
  members: { userId: string; name: string; removed: boolean }[];
  /** GET as the demo owner; expects 200 and returns the JSON body. */
  get(url: string): Promise<Json>;
  call(url: string, headers?: Record<string, string>): Promise<{ status: number; body: Json; headers: Json }>;
  q<T>(query: SQL): Promise<T[]>;
  leads(): Promise<RawLead[]>;
  activities(): Promise<RawActivity[]>;
  stages(): Promise<RawStage[]>;
  /** How many records the drill's list shows, paging through it (and its /count when that exists). */
  drillCount(d: Drill): Promise<number>;
  close(): Promise<void>;
};

/** A query string of report filters (arrays joined with commas). */
export function qs(f: Record<string, string | string[] | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined) p.set(k, Array.isArray(v) ? v.join(',') : v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The calendar month `back` months before now: [first day, last day] (UTC). */
export function monthBefore(back: number, now = new Date()): { from: string; to: string } {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back + 1, 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

export async function reportFixture(kind: DbKind, seed = 23): Promise<Fixture> {
  const t = await testApp(kind);
  const db = t.handle.db;
  const demo = await generateDemo(db, {
    leads: 400,
    seed,
    password: PASSWORD,
    batchSize: 200,
    now: new Date(),
  });
  const ws = demo.workspaceId;
  const login = await t.call({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: demo.owner.email, password: PASSWORD },
  });
  expect(login.status).toBe(200);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const headers = { cookie };
  const send = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, h = {}) => {
    const r = await t.call({ method, url, headers: { ...headers, ...h }, payload: payload as object });
    expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    return r;
  };
  const q = async <T>(query: SQL) => rowsOf<T>(await db.execute(query));

  const [def] = await q<{ id: string }>(
    sql`select id from pipelines where workspace_id = ${ws} and is_default and deleted_at is null`,
  );
  const reps = demo.members.filter((m) => m.role === 'rep');
  // A rep who owns leads and logged activities leaves the workspace; their records stay.
  const [busiest] = await q<{ owner_id: string }>(sql`select owner_id from leads
    where workspace_id = ${ws} and owner_id in ${reps.map((r) => r.userId)}
    group by owner_id order by count(*) desc, owner_id limit 1`);
  const removedUserId = busiest!.owner_id;
  await send('DELETE', `/api/v1/members/${removedUserId}`);
  const active = reps.find((r) => r.userId !== removedUserId)!.userId;

  // A second pipeline with its own stages and a few leads in every state.
  const p = await send('POST', '/api/v1/pipelines', {
    name: 'Partners',
    rottenAfterDays: 5,
    stages: [
      { name: 'Intro', probability: 25 },
      { name: 'Negotiation', probability: 60, leadStatus: 'proposal' },
      { name: 'Signed', type: 'won', probability: 100 },
      { name: 'Dropped', type: 'lost', probability: 0 },
    ],
  });
  const partnerPipelineId = p.body.id as string;
  const st = Object.fromEntries((p.body.stages as { id: string; name: string }[]).map((s) => [s.name, s.id]));
  const today = new Date().toISOString().slice(0, 10);
  const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);
  const lead = async (body: Record<string, unknown>) =>
    (await send('POST', '/api/v1/leads', { source: 'partner', ...body })).body as {
      id: string;
      contactId: string;
    };
  const l1 = await lead({
    firstName: 'Pia',
    lastName: 'Partner',
    pipelineId: partnerPipelineId,
    stageId: st.Intro,
    ownerId: active,
    dealValue: '5000.00',
    expectedCloseDate: inDays(10),
  });
  await lead({
    firstName: 'Udo',
    lastName: 'Undated',
    pipelineId: partnerPipelineId,
    stageId: st.Negotiation,
    ownerId: active,
    dealValue: '12500.50',
  });
  const l3 = await lead({
    firstName: 'Wanda',
    lastName: 'Won',
    pipelineId: partnerPipelineId,
    ownerId: active,
    dealValue: '7300.25',
    expectedCloseDate: today,
  });
  const l4 = await lead({
    firstName: 'Lars',
    lastName: 'Lost',
    pipelineId: partnerPipelineId,
    ownerId: removedUserId === active ? null : active,
    dealValue: '999.99',
  });
  await send('POST', `/api/v1/leads/${l3.id}/move`, { stageId: st.Signed });
  await send('POST', `/api/v1/leads/${l4.id}/move`, { stageId: st.Dropped, lostReason: 'Price' });
  // Activities on the partner leads: one logged as happening two days before the lead existed.
  const activity = (body: Record<string, unknown>) => send('POST', '/api/v1/activities', body);
  await activity({
    type: 'call',
    leadId: l1.id,
    outcome: 'connected',
    occurredAt: new Date(Date.now() - 2 * DAY).toISOString(),
  });
  await activity({ type: 'email', leadId: l1.id, subject: 'Follow-up' });
  await activity({ type: 'meeting', leadId: l3.id, subject: 'Signing', outcome: 'signed, sealed' });
  // An unowned, overdue lead in the default pipeline that nobody has touched.
  const l5 = await lead({
    firstName: 'Olga',
    lastName: 'Overdue',
    dealValue: '321.10',
    expectedCloseDate: inDays(-3),
  });
  await send(
    'PATCH',
    `/api/v1/leads/${l5.id}`,
    { ownerId: null },
    { 'if-match': await etag(t, headers, l5.id) },
  );

  const other = await t.signup('Other');
  await t.call({
    method: 'POST',
    url: '/api/v1/leads',
    headers: other.auth,
    payload: { firstName: 'Else', source: 'partner', dealValue: '10.00' },
  });

  const teams = await q<{ id: string; name: string; members: string[] }>(sql`select t.id, t.name,
      coalesce(array_agg(tm.user_id::text order by tm.user_id) filter (where tm.user_id is not null), '{}') as members
    from teams t left join team_members tm on tm.workspace_id = t.workspace_id and tm.team_id = t.id
    where t.workspace_id = ${ws} and t.deleted_at is null group by t.id, t.name order by t.name`);
  const members = await q<{
    userId: string;
    name: string;
    removed: boolean;
  }>(sql`select m.user_id as "userId",
      u.name, m.removed_at is not null as removed
    from memberships m join users u on u.id = m.user_id where m.workspace_id = ${ws}`);

  const get = async (url: string) => {
    const r = await t.call({ method: 'GET', url, headers });
    expect(r.status, `${url}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body;
  };
  return {
    t,
    ws,
    demo,
    cookie,
    other,
    defaultPipelineId: def!.id,
    partnerPipelineId,
    removedUserId,
    teams,
    members,
    get,
    call: (url, h = headers) => t.call({ method: 'GET', url, headers: h }),
    q,
    leads: () =>
      q<RawLead>(sql`select id, owner_id as "ownerId", pipeline_id as "pipelineId", stage_id as "stageId", status,
          source, (extract(epoch from created_at) * 1000)::float8 as "createdAt",
          (extract(epoch from stage_entered_at) * 1000)::float8 as "stageEnteredAt",
          deal_value::text as "dealValue", expected_close_date::text as "expectedCloseDate"
        from leads where workspace_id = ${ws} and deleted_at is null`),
    activities: () =>
      q<RawActivity>(sql`select id, type, lead_id as "leadId", user_id as "userId", outcome,
          (extract(epoch from occurred_at) * 1000)::float8 as "occurredAt"
        from activities where workspace_id = ${ws} and deleted_at is null`),
    stages: () =>
      q<RawStage>(sql`select id, pipeline_id as "pipelineId", name, type, probability, position,
          deleted_at is not null as deleted from stages where workspace_id = ${ws} order by position, id`),
    drillCount: async (d) => {
      let n = 0;
      let cursor: string | undefined;
      do {
        const p = new URLSearchParams({ ...d.query, limit: '200', ...(cursor ? { cursor } : {}) });
        const page = await get(`/api/v1/${d.entity}?${p}`);
        n += page.data.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const c = await t.call({
        method: 'GET',
        url: `/api/v1/${d.entity}/count?${new URLSearchParams(d.query)}`,
        headers,
      });
      if (c.status === 200 && typeof c.body?.count === 'number') expect(c.body.count).toBe(n);
      return n;
    },
    close: () => t.close(),
  };
}

async function etag(t: TestApp, headers: Record<string, string>, leadId: string): Promise<string> {
  const r = await t.call({ method: 'GET', url: `/api/v1/leads/${leadId}`, headers });
  return String(r.headers.etag);
}

/** The median of numbers (the mean of the two middle ones for an even count), null for none. */
export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Exact sum of decimal strings with two decimals (as PostgreSQL gives numeric(16,2)). */
export function sumMoney(xs: (string | null)[]): string {
  let c = 0n;
  for (const x of xs) {
    if (x === null) continue;
    if (!/^-?\d+\.\d{2}$/.test(x)) throw new Error(`not a money string: ${x}`);
    c += BigInt(x.replace('.', ''));
  }
  const neg = c < 0n;
  const a = neg ? -c : c;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

/** [fromMs, toMs) of an inclusive day range, open ends as infinities. */
export function rangeMs(from?: string, to?: string): [number, number] {
  return [
    from ? Date.parse(`${from}T00:00:00Z`) : Number.NEGATIVE_INFINITY,
    to ? Date.parse(`${to}T00:00:00Z`) + DAY : Number.POSITIVE_INFINITY,
  ];
}
