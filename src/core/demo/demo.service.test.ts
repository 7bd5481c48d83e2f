import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, testDatabase } from '../../../test/db.js';
import { buildApp } from '../../server/app.js';
import { createApiKey } from '../auth/api-keys.service.js';
import type { DatabaseHandle } from '../db/client.js';
import { scanDuplicates } from '../duplicates/scan.service.js';
import { NO_ROLLUP_DRIFT, reportRollupDrift } from '../reports/report-rollups.js';
import { systemCtx } from '../shared/context.js';
import { newId } from '../shared/ids.js';
import { normalizeEmail, normalizePhone } from '../shared/normalize.js';
import { type DemoResult, generateDemo, verifyForeignKeys } from './demo.service.js';

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;

describe.each(DB_KINDS)('demo data on %s', (kind) => {
  let h: DatabaseHandle;
  let demo: DemoResult;
  let app: FastifyInstance;
  const q = async <T>(text: ReturnType<typeof sql>) => rowsOf<T>(await h.db.execute(text));

  beforeAll(async () => {
    h = await testDatabase(kind);
    // Small batches so every phase runs several of them.
    demo = await generateDemo(h.db, { leads: 200, seed: 7, password: 'demo password 123', batchSize: 100 });
    app = await buildApp({ db: h.db });
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it('creates the requested numbers of rows, a team and one audit entry', async () => {
    const ws = demo.workspaceId;
    const [c] = await q<Record<string, number>>(sql`select
      (select count(*)::int from leads where workspace_id = ${ws}) as leads,
      (select count(*)::int from contacts where workspace_id = ${ws}) as contacts,
      (select count(*)::int from accounts where workspace_id = ${ws}) as accounts,
      (select count(*)::int from deals where workspace_id = ${ws}) as deals,
      (select count(*)::int from activities where workspace_id = ${ws}) as activities,
      (select count(*)::int from memberships where workspace_id = ${ws}) as members`);
    expect(c).toEqual(demo.counts);
    // A few of the contacts are duplicates planted for the review (in place of contacts without leads).
    expect(demo.counts).toMatchObject({ leads: 200, contacts: 133, accounts: 20, members: 6 });
    expect(demo.duplicates.contacts).toBeGreaterThan(0);
    expect(demo.duplicates.contacts).toBeLessThanOrEqual(133 * 0.05);
    expect(demo.counts.activities).toBeGreaterThan(200);
    const roles = await q<{ role: string }>(
      sql`select role from memberships where workspace_id = ${ws} order by role`,
    );
    expect(roles.map((r) => r.role).sort()).toEqual(['manager', 'owner', 'rep', 'rep', 'rep', 'viewer']);
    const audit = await q<{ action: string; after: { counts: unknown } }>(
      sql`select action, after from audit_entries where workspace_id = ${ws} and action = 'demo.load'`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after.counts).toEqual(demo.counts);
    expect(Object.values(demo.leadsByStatus).reduce((a, b) => a + b, 0)).toBe(200);
    // Some contacts have a second lead (another product interest).
    const [shared] = await q<{ n: number }>(
      sql`select count(*)::int as n from (select contact_id from leads where workspace_id = ${ws} group by 1 having count(*) > 1) x`,
    );
    expect(shared!.n).toBeGreaterThan(0);
  });

  it('gives every lead a whole stage journey: stays in pipeline order, one move each, ending in its stage', async () => {
    const ws = demo.workspaceId;
    // Each stay starts where the previous one ended, in a later open stage (or the won/lost one last),
    // the last stay is open and in the lead's current stage, and each move has its stage_change activity.
    const [bad] = await q<{ gaps: number; order: number; last: number; moves: number }>(sql`
      with h as (
        select h.lead_id, h.stage_id, h.entered_at, h.left_at, s.position, s.type,
          lag(h.left_at) over w as prev_left, lag(s.position) over w as prev_pos,
          row_number() over (partition by h.lead_id order by h.entered_at desc) as from_end
        from lead_stage_history h join stages s on s.workspace_id = h.workspace_id and s.id = h.stage_id
        where h.workspace_id = ${ws} window w as (partition by h.lead_id order by h.entered_at))
      select
        count(*) filter (where prev_left is not null and prev_left <> entered_at)::int as gaps,
        count(*) filter (where prev_pos is not null and prev_pos >= position)::int as "order",
        (select count(*)::int from leads l left join h on h.lead_id = l.id and h.from_end = 1
          where l.workspace_id = ${ws} and (h.stage_id is distinct from l.stage_id or h.left_at is not null
            or h.entered_at <> l.stage_entered_at)) as last,
        (select abs((select count(*) from h) - (select count(*) from leads where workspace_id = ${ws})
          - (select count(*) from activities where workspace_id = ${ws} and type = 'stage_change'))::int) as moves
      from h`);
    expect(bad).toEqual({ gaps: 0, order: 0, last: 0, moves: 0 });
    // The figures the reports read (reached stages, first response, activity day totals) agree with the rows.
    expect(await reportRollupDrift(h.db, ws)).toEqual(NO_ROLLUP_DRIFT);
    // Leads past Contacted went through it: median days in stage has data beyond New.
    const [through] = await q<{ n: number }>(sql`select count(distinct h.lead_id)::int as n
      from lead_stage_history h join stages s on s.workspace_id = h.workspace_id and s.id = h.stage_id
      where h.workspace_id = ${ws} and s.lead_status = 'contacted' and h.left_at is not null`);
    expect(through!.n).toBeGreaterThan(demo.leadsByStatus.qualified! + demo.leadsByStatus.proposal!);
  });

  it("keeps every lead's status equal to its stage's, and its dates in order", async () => {
    const ws = demo.workspaceId;
    const [bad] = await q<{ status: number; dates: number; sources: number }>(sql`select
      count(*) filter (where l.status <> s.lead_status)::int as status,
      count(*) filter (where l.stage_entered_at < l.created_at or l.created_at > now() or l.created_at < now() - interval '19 months')::int as dates,
      count(*) filter (where l.source not in ('website','referral','partner','google_ads','linkedin','trade_show','cold_call','webinar'))::int as sources
      from leads l join stages s on s.workspace_id = l.workspace_id and s.id = l.stage_id where l.workspace_id = ${ws}`);
    expect(bad).toEqual({ status: 0, dates: 0, sources: 0 });
    const [lost] = await q<{ n: number; reasons: number }>(
      sql`select count(*)::int as n, count(lost_reason)::int as reasons from leads where workspace_id = ${ws} and status = 'lost'`,
    );
    expect(lost!.n).toBeGreaterThan(0);
    expect(lost!.reasons).toBe(lost!.n);
    const [created] = await q<{ n: number }>(
      sql`select count(distinct lead_id)::int as n from activities where workspace_id = ${ws} and type = 'system' and subject like 'Lead created%'`,
    );
    expect(created!.n).toBe(200);
  });

  it('stores emails and phones normalized exactly like the contact services', async () => {
    const contacts = await q<{
      emails: { email: string; normalized: string; primary: boolean }[];
      phones: { phone: string; e164: string; primary: boolean }[];
      primary_email: string | null;
      status: string;
      open_leads: number;
    }>(sql`select c.emails, c.phones, c.primary_email, c.status,
      (select count(*)::int from leads l where l.workspace_id = c.workspace_id and l.contact_id = c.id and l.status not in ('won','lost')) as open_leads
      from contacts c where c.workspace_id = ${demo.workspaceId}`);
    expect(contacts.length).toBe(133);
    for (const c of contacts) {
      expect(c.emails.length).toBeGreaterThan(0);
      expect(c.emails[0]!.primary).toBe(true);
      expect(c.emails.filter((e) => e.primary)).toHaveLength(1);
      for (const e of c.emails) expect(e.normalized).toBe(normalizeEmail(e.email));
      expect(c.primary_email).toBe(c.emails[0]!.normalized);
      if (c.phones.length) expect(c.phones[0]!.primary).toBe(true);
      for (const p of c.phones) expect(p.e164).toBe(normalizePhone(p.phone, 'US'));
      // Status lead means the contact has an open lead.
      if (c.status === 'lead') expect(c.open_leads).toBeGreaterThan(0);
    }
    // Unique, except the duplicates that repeat their original's email in other capitals.
    const emails = contacts.flatMap((c) => c.emails.map((e) => e.normalized));
    expect(new Set(emails).size).toBe(emails.length - demo.duplicates.byKind.email);
  });

  it('plants realistic duplicate contacts that a scan of the workspace finds, with few false pairs', async () => {
    const d = await generateDemo(h.db, {
      leads: 1500,
      seed: 11,
      email: 'dupes@example.com',
      password: 'demo password 123',
    });
    expect(d.counts.contacts).toBe(1000);
    expect(d.duplicates.contacts).toBeGreaterThanOrEqual(10);
    expect(d.duplicates.contacts).toBeLessThanOrEqual(30);
    const kinds = d.duplicates.byKind;
    expect(kinds.nickname + kinds.typo + kinds.email + kinds.phone).toBe(d.duplicates.contacts);
    // A duplicate is a later, lead-less, non-primary copy of its original.
    const twins = d.duplicates.pairs.map(([, b]) => b);
    const [bad] = await q<{ n: number }>(sql`select count(*)::int n from contacts c
      where c.workspace_id = ${d.workspaceId} and c.id = any(${`{${twins.join(',')}}`}::uuid[])
        and (c.is_primary_contact or c.status <> 'prospect'
          or exists (select 1 from leads l where l.workspace_id = c.workspace_id and l.contact_id = c.id))`);
    expect(bad!.n).toBe(0);
    const result = await scanDuplicates(h.db, systemCtx(d.workspaceId, d.owner.userId), 'contact', null);
    const found = await q<{ a: string; b: string }>(
      sql`select record_a::text a, record_b::text b from duplicate_candidates where workspace_id = ${d.workspaceId} and entity = 'contact'`,
    );
    const key = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
    const truth = new Set(d.duplicates.pairs.map(([a, b]) => key(a, b)));
    const correct = found.filter((f) => truth.has(key(f.a, f.b))).length;
    expect(result.pairs).toBe(found.length);
    expect(correct / truth.size).toBeGreaterThanOrEqual(0.9);
    expect(correct / found.length).toBeGreaterThanOrEqual(0.9);
  });

  it('links deals to won leads, their account and contact, both ways', async () => {
    const rows = await q<{ ok: boolean }>(sql`select (l.status = 'won' and l.converted_deal_id = d.id
        and l.converted_account_id = d.account_id and l.contact_id = d.primary_contact_id and l.converted_at is not null) as ok
      from deals d join leads l on l.workspace_id = d.workspace_id and l.id = d.origin_lead_id
      where d.workspace_id = ${demo.workspaceId}`);
    expect(rows.length).toBe(demo.counts.deals);
    expect(rows.every((r) => r.ok)).toBe(true);
  });

  it('serves the leads through the API with their contact fields', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: demo.owner.email, password: 'demo password 123' },
    });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const list = await app.inject({
      method: 'GET',
      url: '/api/v1/leads?limit=50&status=new&sort=-createdAt',
      headers: { cookie },
    });
    expect(list.statusCode).toBe(200);
    const page = list.json() as { data: Record<string, unknown>[] };
    expect(page.data.length).toBeGreaterThan(0);
    for (const l of page.data) {
      expect(l.status).toBe('new');
      expect(l.stageName).toBe('New');
      expect(typeof l.email).toBe('string');
      expect(l.firstName).toBeTruthy();
    }
    const key = await createApiKey(h.db, systemCtx(demo.workspaceId, demo.owner.userId), {
      name: 'test',
      role: 'viewer',
    });
    const one = page.data[0]!;
    const got = await app.inject({
      method: 'GET',
      url: `/api/v1/leads/${one.id}`,
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(got.statusCode).toBe(200);
    const [contact] = await q<{ primary_email: string; first_name: string }>(
      sql`select primary_email, first_name from contacts where workspace_id = ${demo.workspaceId} and id = ${one.contactId as string}`,
    );
    expect(got.json()).toMatchObject({ id: one.id, firstName: contact!.first_name });
    expect(normalizeEmail(got.json().email)).toBe(contact!.primary_email);
    const timeline = await app.inject({
      method: 'GET',
      url: `/api/v1/leads/${one.id}/timeline`,
      headers: { cookie },
    });
    expect(timeline.statusCode).toBe(200);
    expect(timeline.json().data.some((a: { subject: string }) => a.subject.startsWith('Lead created'))).toBe(
      true,
    );
  });

  it('adds another workspace for an existing owner, with row-by-row foreign key checks too', async () => {
    const again = await generateDemo(h.db, { leads: 30, seed: 8, setBasedForeignKeyChecks: false });
    expect(again.owner.userId).toBe(demo.owner.userId);
    expect(again.password).toBeNull();
    expect(again.workspaceId).not.toBe(demo.workspaceId);
    expect(again.counts.leads).toBe(30);
    // With triggers on, they keep the reports' figures as the rows are written.
    expect(await reportRollupDrift(h.db, again.workspaceId)).toEqual(NO_ROLLUP_DRIFT);
    expect(again.members.every((m) => !m.created)).toBe(true);
  });

  it('finds rows that break a foreign key when checking set-based', async () => {
    const ws = demo.workspaceId;
    await expect(
      h.db.transaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        await tx.execute(
          sql`insert into activities (workspace_id, id, type, lead_id, subject) values (${ws}, ${newId()}, 'note', ${newId()}, 'orphan')`,
        );
        await tx.execute(sql`set local session_replication_role = origin`);
        await verifyForeignKeys(tx, ws);
      }),
    ).rejects.toThrow(/activities_lead_fk/);
    expect(await verifyForeignKeys(h.db, ws)).toBeGreaterThan(10);
  });
});
