import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { undoMerge } from '../src/core/merges/merge-undo.service.js';
import { mergeRecords } from '../src/core/merges/merges.service.js';
import { NO_ROLLUP_DRIFT, reportRollupDrift } from '../src/core/reports/report-rollups.js';
import type { Ctx } from '../src/core/shared/context.js';
import { newId } from '../src/core/shared/ids.js';
import { type Session, type TestApp, testApp } from './app.js';
import { DB_KINDS } from './db.js';
import { type Client, client, expectProblem, query } from './helpers.js';

/**
 * Merge and undo of contacts, leads and accounts: field picks, every link moved to the survivor,
 * duplicate pairs resolved, one audit entry, and an undo that leaves every table exactly as before
 * (row checksums), or names the later change that prevents it.
 */

/**
 * md5 of every row of every table (in a fixed order), except the append-only audit trail and merges.
 * `api_keys.last_used_at` is left out: authentication stamps it (every few seconds, in the background)
 * on the API calls the test itself makes; it is not data a merge touches. `stage_totals` is compared by
 * what it means (each stage's count and value): which of a stage's slots a change lands in is random.
 */
async function checksums(t: TestApp): Promise<Record<string, string>> {
  const tables = (
    await query<{ t: string }>(
      t,
      `select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'
       and table_name not in ('audit_entries', 'merges') order by 1`,
    )
  ).map((r) => r.t);
  const out: Record<string, string> = {};
  // Kept totals are compared by what they mean (their sums by key): which slot a change lands in varies.
  const grouped: Record<string, string> = {
    funnel_day_totals: `(select workspace_id, pipeline_id, day, reached, lost, sum(n) as n, sum(value) as v
       from funnel_day_totals group by 1, 2, 3, 4, 5 having sum(n) <> 0 or sum(value) <> 0)`,
    stay_duration_totals: `(select workspace_id, pipeline_id, day, stage_id, bucket, sum(n) as n
       from stay_duration_totals group by 1, 2, 3, 4, 5 having sum(n) <> 0)`,
    acquisition_day_totals: `(select workspace_id, pipeline_id, day, source, campaign, outcome, qualified, sum(n) as n,
       sum(value) as v from acquisition_day_totals group by 1, 2, 3, 4, 5, 6, 7 having sum(n) <> 0 or sum(value) <> 0)`,
    response_day_totals: `(select workspace_id, grain, day, pipeline_id, owner_id, open, bucket, sum(n) as n
       from response_day_totals group by 1, 2, 3, 4, 5, 6, 7 having sum(n) <> 0)`,
  };
  for (const table of tables) {
    const rows =
      grouped[table] ??
      (table === 'stage_totals'
        ? `(select workspace_id, stage_id, sum(lead_count) as n, sum(value_sum) as v from stage_totals
             group by 1, 2 having sum(lead_count) <> 0 or sum(value_sum) <> 0)`
        : table === 'stage_close_totals'
          ? `(select workspace_id, stage_id, close_day, owner_id, source, sum(n) as n, sum(value) as v
               from stage_close_totals group by 1, 2, 3, 4, 5 having sum(n) <> 0 or sum(value) <> 0)`
          : table === 'stage_day_totals'
            ? `(select workspace_id, stage_id, day, owner_id, source, sum(n) as n, sum(value) as v, sum(entered_sum) as e
               from stage_day_totals group by 1, 2, 3, 4, 5 having sum(n) <> 0 or sum(value) <> 0 or sum(entered_sum) <> 0)`
            : table === 'activity_day_totals'
              ? `(select workspace_id, day, user_id, type, outcome, sum(n) as n from activity_day_totals
               group by 1, 2, 3, 4, 5 having sum(n) <> 0)`
              : table);
    const [r] = await query<{ n: number; h: string }>(
      t,
      `select count(*)::int as n, md5(coalesce(string_agg(r::text, E'\\n' order by r::text), '')) as h
       from (select to_jsonb(x)${table === 'api_keys' ? " - 'last_used_at'" : ''} as r from ${rows} x) y`,
    );
    out[table] = `${r!.n}:${r!.h}`;
  }
  return out;
}

let phoneSeq = Math.floor(Math.random() * 5000);
/** A fresh US number each time (a repeated phone would link a new contact to an existing one). */
const phoneNo = () => {
  phoneSeq += 1;
  return `+1 415 ${300 + (phoneSeq % 600)} ${String(1000 + (phoneSeq % 9000)).padStart(4, '0')}`;
};
const e164 = (p: string) => p.replace(/[^+\d]/g, '');

const ctxOf = (s: Session): Ctx => ({
  workspaceId: s.workspaceId,
  userId: s.userId,
  apiKeyId: null,
  role: 'owner',
});

describe.each(DB_KINDS)('merge and undo on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Mia');
    c = client(t, s);
  });
  afterAll(() => t.close());

  const ok = (r: { status: number; body: any }, status?: number) => {
    if (status) expect(r.status, JSON.stringify(r.body)).toBe(status);
    else expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };
  const contact = async (body: Record<string, unknown>) => ok(await c.post('/api/v1/contacts', body));
  const pair = async (entity: string, a: string, b: string, score = 0.9) => {
    const [x, y] = a < b ? [a, b] : [b, a];
    await query(
      t,
      `insert into duplicate_candidates (workspace_id, entity, record_a, record_b, score, reasons)
       values ('${s.workspaceId}', '${entity}', '${x}', '${y}', ${score}, '[{"field":"email","method":"exact","similarity":1}]')
       on conflict (workspace_id, entity, record_a, record_b) do update set status = 'open', score = excluded.score`,
    );
  };
  const candidates = (entity: string) =>
    query<{ record_a: string; record_b: string; status: string }>(
      t,
      `select record_a, record_b, status from duplicate_candidates where workspace_id = '${s.workspaceId}' and entity = '${entity}' order by 1, 2`,
    );

  /** Two contacts of one person, each with leads, activities, a deal and links to leads. */
  async function people() {
    const acct = ok(await c.post('/api/v1/accounts', { name: `Doe Homes ${newId()}` }));
    const [janePhone, janiePhone] = [phoneNo(), phoneNo()];
    const jane = await contact({
      firstName: 'Jane',
      lastName: 'Doe',
      emails: [{ email: `jane.${newId()}@example.com` }, { email: `shared.${newId()}@example.com` }],
      phone: janePhone,
      jobTitle: null,
      status: 'prospect',
    });
    const sharedEmail = jane.emails[1].email.toUpperCase();
    const janie = await contact({
      firstName: 'Janie',
      lastName: 'Doe',
      email: `janie.${newId()}@example.com`,
      phones: [{ phone: janiePhone }],
      jobTitle: 'Architect',
      accountId: acct.id,
      addresses: [{ type: 'business', street1: '1 Main St', city: 'Springfield' }],
    });
    // The same address, differently cased, on both (set directly: duplicate rules on create would
    // otherwise link the second contact to the first).
    await query(
      t,
      `update contacts set emails = emails || '[{"email": "${sharedEmail}", "normalized": "${sharedEmail.toLowerCase()}", "label": null, "primary": false}]' where id = '${janie.id}'`,
    );
    const other = await contact({ firstName: 'Bob', lastName: 'Other', email: `bob.${newId()}@example.com` });
    await query(t, `update contacts set custom = '{"tier":"gold","since":2019}' where id = '${janie.id}'`);
    await query(t, `update contacts set custom = '{"tier":"silver"}' where id = '${jane.id}'`);
    const janieLead = ok(await c.post('/api/v1/leads', { contactId: janie.id, title: 'Kitchen remodel' }));
    const sharedLead = ok(await c.post('/api/v1/leads', { contactId: other.id, title: 'Solar' }));
    // Both on Bob's lead: Jane as secondary, Janie as decision maker (a collision: one link stays).
    ok(await c.post(`/api/v1/leads/${sharedLead.id}/contacts`, { contactId: jane.id, role: 'secondary' }));
    ok(
      await c.post(`/api/v1/leads/${sharedLead.id}/contacts`, {
        contactId: janie.id,
        role: 'decision_maker',
      }),
    );
    const note = ok(
      await c.post('/api/v1/activities', { type: 'note', contactId: janie.id, body: 'Met at expo' }),
    );
    const deal = ok(
      await c.post('/api/v1/deals', {
        name: 'Doe kitchen',
        primaryContactId: janie.id,
        amount: '12345678901234.56',
      }),
    );
    await pair('contact', jane.id, janie.id);
    await pair('contact', janie.id, other.id, 0.6);
    return {
      acct,
      jane,
      janie,
      other,
      janieLead,
      sharedLead,
      note,
      deal,
      sharedEmail,
      janePhone,
      janiePhone,
    };
  }

  it('merges a contact: picked fields, unioned emails, every link moved, pairs resolved', async () => {
    const p = await people();
    const before = await checksums(t);
    const preview = ok(
      await c.post('/api/v1/contacts/merge', {
        survivorId: p.jane.id,
        mergedIds: [p.janie.id],
        fields: { jobTitle: p.janie.id, firstName: p.jane.id, 'custom.tier': p.janie.id },
        preview: true,
      }),
      200,
    );
    expect(preview).toMatchObject({ mergeId: null, preview: true });
    expect(preview.survivor.jobTitle).toBe('Architect');
    expect(preview.moves).toMatchObject({ leads: 1, activities: expect.any(Number), deals: 1 });
    expect(await checksums(t)).toEqual(before); // a preview changes nothing

    const r = ok(
      await c.post('/api/v1/contacts/merge', {
        survivorId: p.jane.id,
        mergedIds: [p.janie.id],
        fields: { jobTitle: p.janie.id, firstName: p.jane.id, 'custom.tier': p.janie.id },
      }),
      201,
    );
    expect(r.mergeId).toEqual(expect.any(String));
    const sv = r.survivor;
    expect(sv).toMatchObject({
      id: p.jane.id,
      firstName: 'Jane',
      jobTitle: 'Architect',
      accountId: p.acct.id,
    });
    // Emails: the survivor's primary first, the shared one once (matched trimmed and case-insensitively).
    expect(sv.emails.map((e: any) => e.normalized)).toEqual([
      p.jane.emails[0].normalized,
      p.jane.emails[1].normalized,
      p.janie.emails[0].normalized,
    ]);
    expect(sv.emails.map((e: any) => e.primary)).toEqual([true, false, false]);
    expect(sv.phones.map((x: any) => x.e164)).toEqual([e164(p.janePhone), e164(p.janiePhone)]);
    expect(sv.addresses).toHaveLength(1);
    const [custom] = await query<{ custom: any }>(t, `select custom from contacts where id = '${p.jane.id}'`);
    expect(custom!.custom).toEqual({ tier: 'gold', since: 2019 });
    // Duplicate blocking keys follow the merged values (Janie's email now finds Jane).
    const [mk] = await query<{ k: string[] }>(
      t,
      `select match_keys as k from contacts where id = '${p.jane.id}'`,
    );
    expect(mk!.k.some((k) => k.includes(p.janie.emails[0].normalized))).toBe(true);
    expect(r.picks).toMatchObject({ jobTitle: p.janie.id, 'custom.tier': p.janie.id, firstName: p.jane.id });
    // SPEC 2: Jane gained Janie's open lead, so she is a `lead` now.
    expect(sv.status).toBe('lead');
    expect(sv.version).toBe(p.jane.version + 1);

    // The merged contact is soft-deleted and tells where it went.
    const gone = ok(await c.get(`/api/v1/contacts/${p.janie.id}`));
    expect(gone.deletedAt).not.toBeNull();
    const where = ok(await c.get(`/api/v1/merges?recordId=${p.janie.id}`));
    expect(where.data).toHaveLength(1);
    expect(where.data[0]).toMatchObject({ id: r.mergeId, survivorId: p.jane.id, mergedIds: [p.janie.id] });
    expect(where.data[0].mergedNames).toEqual(['Janie Doe']);

    // Links: lead, activity, deal moved; Bob's lead keeps one link for Jane, the stronger role.
    expect(ok(await c.get(`/api/v1/leads/${p.janieLead.id}`)).contactId).toBe(p.jane.id);
    expect(ok(await c.get(`/api/v1/activities/${p.note.id}`)).contactId).toBe(p.jane.id);
    const deal = ok(await c.get(`/api/v1/deals/${p.deal.id}`));
    expect(deal).toMatchObject({ primaryContactId: p.jane.id, amount: '12345678901234.56' });
    const links = ok(await c.get(`/api/v1/leads/${p.sharedLead.id}/contacts`)).data;
    expect(links.map((l: any) => [l.contactId, l.role])).toEqual([
      [p.other.id, 'primary'],
      [p.jane.id, 'decision_maker'],
    ]);
    // Pairs: Jane–Janie merged; Janie–Bob re-pointed to Jane–Bob.
    const pairs = await candidates('contact');
    const key = (a: string, b: string) => (a < b ? [a, b] : [b, a]);
    expect(pairs).toEqual(
      expect.arrayContaining([
        {
          record_a: key(p.jane.id, p.janie.id)[0],
          record_b: key(p.jane.id, p.janie.id)[1],
          status: 'merged',
        },
        { record_a: key(p.jane.id, p.other.id)[0], record_b: key(p.jane.id, p.other.id)[1], status: 'open' },
      ]),
    );
    expect(pairs.some((x) => [x.record_a, x.record_b].includes(p.janie.id) && x.status === 'open')).toBe(
      false,
    );
    // Timeline and audit.
    const tl = ok(await c.get(`/api/v1/contacts/${p.jane.id}/timeline`)).data;
    expect(tl.map((a: any) => a.subject)).toContain('Merged Janie Doe into this contact');
    const audit = ok(await c.get(`/api/v1/audit?entity=contact&id=${p.jane.id}`)).data;
    const merges = audit.filter((a: any) => a.action === 'merge');
    expect(merges).toHaveLength(1);
    expect(merges[0].before.merged[0].id).toBe(p.janie.id);
    expect(merges[0].after.survivor.jobTitle).toBe('Architect');
    const m = ok(await c.get(`/api/v1/merges/${r.mergeId}`));
    expect(m).toMatchObject({ entity: 'contact', survivorName: 'Jane Doe', undoneAt: null });
    expect(m.moves).toMatchObject({ leads: 1, deals: 1 });

    // Undo: every table exactly as before the merge.
    const u = ok(await c.post(`/api/v1/merges/${r.mergeId}/undo`), 200);
    expect(u.undoneAt).not.toBeNull();
    expect(await checksums(t)).toEqual(before);
    const undoAudit = ok(await c.get(`/api/v1/audit?entity=contact&id=${p.jane.id}`)).data;
    expect(undoAudit.filter((a: any) => a.action === 'undo_merge')).toHaveLength(1);
    // Undoing twice is refused.
    expectProblem(await c.post(`/api/v1/merges/${r.mergeId}/undo`), 409, [['id', 'is already undone']]);
  });

  it('merge then undo leaves every table exactly as before (row checksums), for each entity', async () => {
    const p = await people();
    const ctx = ctxOf(s);
    const other = await people();
    // Leads: Janie's lead and Bob's lead, with activities, a deal from a lead and lead contacts.
    ok(await c.post('/api/v1/activities', { type: 'call', leadId: p.sharedLead.id, subject: 'Call' }));
    const fromLead = ok(await c.post('/api/v1/deals', { name: 'From lead', originLeadId: p.janieLead.id }));
    await pair('lead', p.janieLead.id, p.sharedLead.id);
    await query(t, `update accounts set external_id = 'ext-${newId()}' where id = '${other.acct.id}'`);
    await query(
      t,
      `update leads set converted_account_id = '${other.acct.id}' where id = '${other.janieLead.id}'`,
    );

    for (const [entity, input] of [
      [
        'contact',
        { survivorId: p.jane.id, mergedIds: [p.janie.id, p.other.id], fields: { lastName: p.other.id } },
      ],
      [
        'lead',
        { survivorId: p.sharedLead.id, mergedIds: [p.janieLead.id], fields: { contactId: p.janieLead.id } },
      ],
      [
        'account',
        { survivorId: p.acct.id, mergedIds: [other.acct.id], fields: { externalId: other.acct.id } },
      ],
    ] as const) {
      const before = await checksums(t);
      const r = await mergeRecords(t.handle.db, ctx, entity, input as never);
      const during = await checksums(t);
      expect(during, entity).not.toEqual(before);
      // The reports' kept figures (reached stages, first response, day totals) follow the moved rows.
      expect(await reportRollupDrift(t.handle.db, s.workspaceId), entity).toEqual(NO_ROLLUP_DRIFT);
      await undoMerge(t.handle.db, ctx, r.mergeId!);
      expect(await checksums(t), entity).toEqual(before);
      expect(await reportRollupDrift(t.handle.db, s.workspaceId), entity).toEqual(NO_ROLLUP_DRIFT);
    }
    expect(fromLead.id).toBeTruthy();
  });

  it('merges leads: activities, deals, links and duplicate pairs move; the contacts follow SPEC 2', async () => {
    const a = await contact({ firstName: 'Ann', lastName: 'Lee', email: `ann.${newId()}@example.com` });
    const b = await contact({ firstName: 'Bea', lastName: 'Lee', email: `bea.${newId()}@example.com` });
    const tech = await contact({ lastName: 'Tech' });
    const l1 = ok(await c.post('/api/v1/leads', { contactId: a.id, title: 'Solar', source: null }));
    const l2 = ok(
      await c.post('/api/v1/leads', { contactId: b.id, title: null, source: 'referral', dealValue: '5000' }),
    );
    await query(t, `update contacts set status = 'lead' where id in ('${a.id}', '${b.id}')`);
    ok(await c.post(`/api/v1/leads/${l2.id}/contacts`, { contactId: tech.id, role: 'technical' }));
    ok(await c.post(`/api/v1/leads/${l1.id}/contacts`, { contactId: tech.id, role: 'secondary' }));
    const act = ok(await c.post('/api/v1/activities', { type: 'call', leadId: l2.id, subject: 'Call' }));
    const deal = ok(await c.post('/api/v1/deals', { name: 'D', originLeadId: l2.id }));
    await pair('lead', l1.id, l2.id);
    const r = ok(await c.post('/api/v1/leads/merge', { survivorId: l1.id, mergedIds: [l2.id] }), 201);
    expect(r.survivor).toMatchObject({
      id: l1.id,
      title: 'Solar',
      source: 'referral',
      dealValue: '5000.00',
      contactId: a.id,
    });
    expect(ok(await c.get(`/api/v1/activities/${act.id}`)).leadId).toBe(l1.id);
    expect(ok(await c.get(`/api/v1/deals/${deal.id}`)).originLeadId).toBe(l1.id);
    const links = ok(await c.get(`/api/v1/leads/${l1.id}/contacts`)).data;
    expect(links.map((l: any) => [l.contactId, l.role])).toEqual([
      [a.id, 'primary'],
      [tech.id, 'technical'],
      [b.id, 'secondary'],
    ]);
    expect(ok(await c.get(`/api/v1/leads/${l2.id}`)).deletedAt).not.toBeNull();
    // Bea's only open lead was merged away: she is no longer a `lead`.
    expect(ok(await c.get(`/api/v1/contacts/${b.id}`)).status).toBe('prospect');
    expect(ok(await c.get(`/api/v1/contacts/${a.id}`)).status).toBe('lead');
    expect((await candidates('lead')).find((x) => [x.record_a, x.record_b].includes(l2.id))?.status).toBe(
      'merged',
    );
    const tl = ok(await c.get(`/api/v1/leads/${l1.id}/timeline`)).data;
    expect(tl.map((x: any) => x.subject)).toContain(
      'Merged Lead into this lead'.replace('Lead', `Lead ${l2.id.slice(-6)}`),
    );
  });

  it('merges accounts: contacts, deals, converted leads and activities move', async () => {
    const a1 = ok(await c.post('/api/v1/accounts', { name: 'Acme Corp', domain: 'acme.com' }));
    const a2 = ok(
      await c.post('/api/v1/accounts', {
        name: 'ACME Corporation',
        industry: 'construction',
        annualRevenue: '99999999999999.99',
        externalId: `crm-${newId()}`,
      }),
    );
    const person = await contact({ lastName: 'Worker', accountId: a2.id });
    const deal = ok(await c.post('/api/v1/deals', { name: 'Acme deal', accountId: a2.id }));
    const lead = ok(await c.post('/api/v1/leads', { lastName: 'Buyer', title: 'x' }));
    await query(t, `update leads set converted_account_id = '${a2.id}' where id = '${lead.id}'`);
    const act = ok(
      await c.post('/api/v1/activities', { type: 'note', accountId: a2.id, contactId: person.id, body: 'n' }),
    );
    const [acts] = await query<{ n: number }>(
      t,
      `select count(*)::int as n from activities where account_id = '${a2.id}'`,
    );
    const r = ok(
      await c.post('/api/v1/accounts/merge', {
        survivorId: a1.id,
        mergedIds: [a2.id],
        fields: { name: a2.id, externalId: a2.id },
      }),
      201,
    );
    expect(r.survivor).toMatchObject({
      name: 'ACME Corporation',
      domain: 'acme.com',
      industry: 'construction',
      annualRevenue: '99999999999999.99',
      externalId: a2.externalId,
    });
    expect(ok(await c.get(`/api/v1/contacts/${person.id}`)).accountId).toBe(a1.id);
    expect(ok(await c.get(`/api/v1/deals/${deal.id}`)).accountId).toBe(a1.id);
    expect(ok(await c.get(`/api/v1/leads/${lead.id}`)).convertedAccountId).toBe(a1.id);
    expect(ok(await c.get(`/api/v1/activities/${act.id}`)).accountId).toBe(a1.id);
    // (The two accounts may also form a duplicate pair, detected on create, which the merge resolves.)
    expect(r.moves).toMatchObject({ contacts: 1, deals: 1, leads: 1, activities: acts!.n });
    // Undo gives the external id back to the merged account.
    ok(await c.post(`/api/v1/merges/${r.mergeId}/undo`));
    expect(ok(await c.get(`/api/v1/accounts/${a2.id}`))).toMatchObject({
      externalId: a2.externalId,
      deletedAt: null,
    });
    expect(ok(await c.get(`/api/v1/accounts/${a1.id}`))).toMatchObject({
      externalId: null,
      name: 'Acme Corp',
    });
    expect(ok(await c.get(`/api/v1/contacts/${person.id}`)).accountId).toBe(a2.id);
  });

  it('refuses an undo when something it changed was changed since, naming who and what', async () => {
    const p = await people();
    const r = ok(
      await c.post('/api/v1/contacts/merge', { survivorId: p.jane.id, mergedIds: [p.janie.id] }),
      201,
    );
    const lead = ok(await c.get(`/api/v1/leads/${p.janieLead.id}`));
    ok(await c.patch(`/api/v1/leads/${lead.id}`, { title: 'Bathroom instead' }));
    const before = await checksums(t);
    const res = await c.post(`/api/v1/merges/${r.mergeId}/undo`);
    expectProblem(res, 409, [`lead/${lead.id}`]);
    expect(res.body.detail).toMatch(/was changed after the merge \(update by Mia <[^>]+>.* at .*: title/);
    expect(res.body.conflicts[0]).toMatchObject({
      entity: 'lead',
      id: lead.id,
      change: 'changed',
      action: 'update',
      fields: ['title'],
    });
    expect(await checksums(t)).toEqual(before); // nothing restored
    expect(ok(await c.get(`/api/v1/merges/${r.mergeId}`)).undoneAt).toBeNull();
  });

  it('refuses bad merges with problems naming the field', async () => {
    const p = await people();
    expectProblem(
      await c.post('/api/v1/contacts/merge', { survivorId: p.jane.id, mergedIds: [p.jane.id] }),
      422,
      [['mergedIds', 'must not contain the survivor']],
    );
    expectProblem(await c.post('/api/v1/contacts/merge', { survivorId: p.jane.id, mergedIds: [] }), 422, [
      'mergedIds',
    ]);
    expectProblem(
      await c.post('/api/v1/contacts/merge', { survivorId: p.jane.id, mergedIds: [p.janie.id, p.janie.id] }),
      422,
      [['mergedIds[1]', 'is listed twice']],
    );
    expectProblem(
      await c.post('/api/v1/contacts/merge', { survivorId: p.jane.id, mergedIds: [p.janieLead.id] }),
      422,
      [['mergedIds[0]', /is a lead, not a contact/]],
    );
    expectProblem(
      await c.post('/api/v1/contacts/merge', { survivorId: p.jane.id, mergedIds: [newId()] }),
      404,
      [['mergedIds[0]', 'no such contact']],
    );
    expectProblem(
      await c.post('/api/v1/contacts/merge', {
        survivorId: p.jane.id,
        mergedIds: [p.janie.id],
        fields: { shoeSize: p.janie.id, jobTitle: p.other.id },
      }),
      422,
      [
        ['fields.shoeSize', /is not a field of a contact/],
        ['fields.jobTitle', 'must be the survivor or one of mergedIds'],
      ],
    );
    // Another workspace's contact is not found.
    const s2 = await t.signup('Zed');
    const theirs = ok(await client(t, s2).post('/api/v1/contacts', { lastName: 'Theirs' }));
    expectProblem(
      await c.post('/api/v1/contacts/merge', { survivorId: theirs.id, mergedIds: [p.janie.id] }),
      404,
      ['survivorId'],
    );
    // A deleted record, and an already merged one.
    ok(await c.del(`/api/v1/contacts/${p.other.id}`));
    expectProblem(
      await c.post('/api/v1/contacts/merge', { survivorId: p.jane.id, mergedIds: [p.other.id] }),
      409,
      [['mergedIds[0]', 'is deleted']],
    );
    const m = ok(
      await c.post('/api/v1/contacts/merge', { survivorId: p.jane.id, mergedIds: [p.janie.id] }),
      201,
    );
    const again = await c.post('/api/v1/contacts/merge', { survivorId: p.jane.id, mergedIds: [p.janie.id] });
    expectProblem(again, 409, [
      ['mergedIds[0]', `was already merged into ${p.jane.id} (merge ${m.mergeId})`],
    ]);
    expect(again.body).toMatchObject({ mergedInto: p.jane.id, mergeId: m.mergeId });
    // A viewer may not merge.
    const viewer = ok(await c.post('/api/v1/api-keys', { name: 'ro', role: 'viewer' }));
    const cv = client(t, { auth: { authorization: `Bearer ${viewer.key}` } });
    expectProblem(
      await cv.post('/api/v1/contacts/merge', { survivorId: p.jane.id, mergedIds: [p.janie.id] }),
      403,
    );
    expectProblem(await cv.post(`/api/v1/merges/${m.mergeId}/undo`), 403);
  });

  it('serialises concurrent merges of one record: one wins, the other is told where it went', async () => {
    const p = await people();
    const [x, y] = await Promise.all([
      c.post('/api/v1/contacts/merge', { survivorId: p.jane.id, mergedIds: [p.janie.id] }),
      c.post('/api/v1/contacts/merge', { survivorId: p.other.id, mergedIds: [p.janie.id] }),
    ]);
    expect([x.status, y.status].sort()).toEqual([201, 409]);
    const won = x.status === 201 ? x : y;
    expect(ok(await c.get(`/api/v1/merges?recordId=${p.janie.id}`)).data.map((m: any) => m.id)).toEqual([
      won.body.mergeId,
    ]);
  });

  it('undoes merges in reverse order only: a later merge of the survivor blocks the earlier undo', async () => {
    const p = await people();
    const first = ok(
      await c.post('/api/v1/contacts/merge', { survivorId: p.jane.id, mergedIds: [p.janie.id] }),
      201,
    );
    const before = await checksums(t);
    const second = ok(
      await c.post('/api/v1/contacts/merge', { survivorId: p.other.id, mergedIds: [p.jane.id] }),
      201,
    );
    const res = await c.post(`/api/v1/merges/${first.mergeId}/undo`);
    expectProblem(res, 409);
    expect(res.body.detail).toMatch(new RegExp(`\\(merge ${second.mergeId} by Mia`));
    expect(res.body.conflicts.every((x: any) => x.mergeId === second.mergeId)).toBe(true);
    ok(await c.post(`/api/v1/merges/${second.mergeId}/undo`));
    expect(await checksums(t)).toEqual(before);
    ok(await c.post(`/api/v1/merges/${first.mergeId}/undo`));
    expect(ok(await c.get(`/api/v1/contacts/${p.janie.id}`)).deletedAt).toBeNull();
  });
});
