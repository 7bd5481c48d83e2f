import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, expectProblem, query } from '../../../test/helpers.js';
import { multipart } from '../../../test/multipart.js';
import { NO_ROLLUP_DRIFT, reportRollupDrift } from '../reports/report-rollups.js';
import { systemCtx } from '../shared/context.js';
import { runImport, settleImports } from './import-run.js';

const TABLES = ['accounts', 'deals', 'activities', 'contacts', 'leads', 'tasks'];

/** Row checksums of a workspace's tables: every column, as stored. */

async function checksums(t: TestApp, ws: string) {
  const out: Record<string, string> = {};
  for (const table of TABLES)
    out[table] = String(
      (
        await query<{ h: string }>(
          t,
          `select count(*) || ':' || md5(coalesce(string_agg(md5(x::text), ',' order by x.id), '')) as h from ${table} x where x.workspace_id = '${ws}'`,
        )
      )[0]!.h,
    );
  return out;
}

const csv = (lines: string[]) => lines.join('\r\n');
const errorLines = (body: unknown) =>
  String(body)
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n');

describe.each(DB_KINDS)('imports of accounts, deals and activities on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  let me: { email: string; id: string };
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Importer');
    c = client(t, s);
    const members = (await c.get('/api/v1/members')).body.data;
    me = { email: members[0].email, id: members[0].userId ?? members[0].id };
  });
  afterAll(async () => {
    await settleImports();
    await t?.close();
  });

  const upload = async (fields: Record<string, string>, name: string, content: string) => {
    const m = multipart(fields, { name, content });
    return t.call({
      method: 'POST',
      url: '/api/v1/imports',
      payload: m.payload,
      headers: { ...s.auth, ...m.headers },
    });
  };
  const decisions = async (id: string) =>
    (await c.get(`/api/v1/imports/${id}/rows?limit=50`)).body.data as {
      rowNo: number;
      decision: string;
      reason: string;
      errors: { field: string; reason: string }[];
      targetId: string | null;
    }[];
  const runToEnd = async (id: string) => {
    const r = await c.post(`/api/v1/imports/${id}/run`);
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    await settleImports();
    const done = await c.get(`/api/v1/imports/${id}`);
    expect(done.body.status, JSON.stringify(done.body)).toBe('completed');
    return done.body;
  };
  const rollback = async (id: string, force = false) => {
    const rb = await c.post(`/api/v1/imports/${id}/rollback`, { force });
    expect(rb.status, JSON.stringify(rb.body)).toBe(200);
    expect(rb.body.status).toBe('rolled_back');
    return rb.body.result.rolledBack;
  };

  it('accounts: create or update by external id, then domain and name; error file; exact rollback', async () => {
    const acme = await c.post('/api/v1/accounts', {
      name: 'Acme',
      domain: 'acme.com',
      externalId: 'A-1',
      industry: 'Tools',
      address: { street1: '1 Main St', city: 'Springfield' },
    });
    expect(acme.status, JSON.stringify(acme.body)).toBe(201);
    const globex = await c.post('/api/v1/accounts', { name: 'Globex', domain: 'globex.com' });
    const before = await checksums(t, s.workspaceId);

    const file = csv([
      'External ID,Account name,Domain,Industry,City,Annual revenue,Owner',
      `A-1,Acme Corp,,Hardware,Berlin,"1,200,000",${me.email}`,
      ',globex,https://www.globex.com/,Energy,,,',
      'A-3,Initech,initech.com,Software,Austin,500000,',
      'A-4,,nameless.com,,,,',
      'A-5,Umbrella,umbrella,,,,',
      'A-3,Initech Again,initech.com,,,,',
    ]);
    const r = await upload({ entity: 'accounts', mode: 'upsert' }, 'accounts.csv', file);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.matchOn).toBe('externalId');
    expect(r.body.mapping).toMatchObject({
      'External ID': 'externalId',
      'Account name': 'name',
      Domain: 'domain',
      City: 'address.city',
      Owner: 'owner',
    });
    expect(r.body.preview.counts).toEqual({ create: 1, update: 2, skip: 0, duplicate: 1, error: 2 });
    const rows = await decisions(r.body.id);
    expect(rows.map((x) => x.decision)).toEqual([
      'update',
      'update',
      'create',
      'error',
      'error',
      'duplicate',
    ]);
    expect(rows[0]!.targetId).toBe(acme.body.id);
    expect(rows[0]!.reason).toBe('updates the existing account (externalId)');
    expect(rows[1]!.targetId).toBe(globex.body.id);
    expect(rows[1]!.reason).toBe('updates the existing account (domain)');
    expect(rows[3]!.errors).toEqual([{ field: 'Account name', reason: 'is required for a new account' }]);
    expect(rows[4]!.errors).toEqual([{ field: 'Domain', reason: 'must be a domain such as example.com' }]);
    expect(rows[5]!.reason).toBe('repeats row 3 (same account)');
    expect(await checksums(t, s.workspaceId)).toEqual(before);
    // The reports' kept figures follow the rollback (ADR 015).
    expect(await reportRollupDrift(t.handle.db, s.workspaceId)).toEqual(NO_ROLLUP_DRIFT);

    const done = await runToEnd(r.body.id);
    expect(done.result).toMatchObject({ created: 1, updated: 2, skipped: 1, failed: 2 });
    const a1 = (await c.get(`/api/v1/accounts/${acme.body.id}`)).body;
    expect(a1).toMatchObject({
      name: 'Acme Corp',
      domain: 'acme.com',
      industry: 'Hardware',
      annualRevenue: '1200000.00',
      ownerId: me.id,
      address: { street1: '1 Main St', city: 'Berlin' },
      version: 2,
    });
    expect((await c.get(`/api/v1/accounts/${globex.body.id}`)).body).toMatchObject({
      name: 'globex',
      domain: 'globex.com',
      industry: 'Energy',
    });
    const initech = (await c.get('/api/v1/accounts?externalId=A-3')).body.data;
    expect(initech).toHaveLength(1);
    expect(initech[0]).toMatchObject({
      name: 'Initech',
      domain: 'initech.com',
      address: { city: 'Austin' },
      annualRevenue: '500000.00',
    });
    const audit = await query<{ action: string; n: number }>(
      t,
      `select action, count(*)::int as n from audit_entries where workspace_id = '${s.workspaceId}'
        and entity = 'account' and after->>'importId' = '${r.body.id}' group by action order by action`,
    );
    expect(audit).toEqual([
      { action: 'create', n: 1 },
      { action: 'update', n: 2 },
    ]);

    const errors = await c.get(`/api/v1/imports/${r.body.id}/errors`);
    expect(errors.status).toBe(200);
    expect(errorLines(errors.body)).toEqual([
      'External ID,Account name,Domain,Industry,City,Annual revenue,Owner,Import error,Row',
      'A-4,,nameless.com,,,,,Account name: is required for a new account,4',
      'A-5,Umbrella,umbrella,,,,,Domain: must be a domain such as example.com,5',
    ]);

    expect(await rollback(r.body.id)).toEqual({ deleted: 1, restored: 2, conflicts: 0, forced: false });
    expect(await checksums(t, s.workspaceId)).toEqual(before);
    // The reports' kept figures follow the rollback (ADR 015).
    expect(await reportRollupDrift(t.handle.db, s.workspaceId)).toEqual(NO_ROLLUP_DRIFT);
  });

  it('accounts and deals are not matched on email or phone (422, nothing kept)', async () => {
    const n0 = (await query<{ n: number }>(t, 'select count(*)::int as n from imports'))[0]!.n;
    expectProblem(
      await upload({ entity: 'accounts', matchOn: 'email' }, 'a.csv', 'Account name\r\nX\r\n'),
      422,
      [['matchOn', /id, externalId or custom/]],
    );
    expectProblem(await upload({ entity: 'deals', matchOn: 'phone' }, 'd.csv', 'Deal name\r\nX\r\n'), 422, [
      'matchOn',
    ]);
    expect((await query<{ n: number }>(t, 'select count(*)::int as n from imports'))[0]!.n).toBe(n0);
  });

  it('deals: account by name or domain, contact by email, stage by name, currency default; rollback', async () => {
    const hooli = (await c.post('/api/v1/accounts', { name: 'Hooli', domain: 'hooli.com' })).body;
    const pat = (await c.post('/api/v1/contacts', { firstName: 'Pat', email: 'Pat@Acme.example' })).body;
    const renewal = await c.post('/api/v1/deals', { name: 'Renewal', externalId: 'D-1', amount: '1000' });
    expect(renewal.status, JSON.stringify(renewal.body)).toBe(201);
    const pipeline = (await c.get('/api/v1/pipelines')).body.data.find(
      (p: { isDefault: boolean }) => p.isDefault,
    );
    const stages = pipeline.stages as { id: string; name: string; type: string }[];
    const firstOpen = stages.find((x) => x.type === 'open')!;
    const later = stages.filter((x) => x.type === 'open')[2]!;
    expect(renewal.body.stageId).toBe(firstOpen.id);
    const before = await checksums(t, s.workspaceId);

    const file = csv([
      'External ID,Deal name,Account,Contact email,Amount,Currency,Stage,Close date',
      `D-1,Renewal 2026,hooli.com,pat@acme.example,"2,500.00",,${later.name.toUpperCase()},2026-03-31`,
      'D-2,New build,Hooli,,12000,eur,,',
      'D-3,Ghost deal,Nowhere Inc,,,,,',
      "D-4,Pat's deal,,nobody@example.com,,,,",
      'D-5,Bad amount,,,12.345,,,',
      'D-6,Odd stage,,,,,Nowhere,',
    ]);
    const mapping = JSON.stringify({
      'External ID': 'externalId',
      'Deal name': 'name',
      Account: 'account',
      'Contact email': 'contactEmail',
      Amount: 'amount',
      Currency: 'currency',
      Stage: 'stage',
      'Close date': 'closeDate',
    });
    const r = await upload({ entity: 'deals', mode: 'upsert', mapping }, 'deals.csv', file);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.preview.counts).toEqual({ create: 1, update: 1, skip: 0, duplicate: 0, error: 4 });
    const rows = await decisions(r.body.id);
    expect(rows.map((x) => x.decision)).toEqual(['update', 'create', 'error', 'error', 'error', 'error']);
    expect(rows[2]!.errors).toEqual([
      { field: 'Account', reason: 'no account is called or has the domain "Nowhere Inc"' },
    ]);
    expect(rows[3]!.errors).toEqual([
      { field: 'Contact email', reason: 'no contact has the email nobody@example.com' },
    ]);
    expect(rows[4]!.errors[0]!.field).toBe('Amount');
    expect(rows[5]!.errors).toEqual([
      { field: 'Stage', reason: `no stage "Nowhere" in pipeline ${pipeline.name}` },
    ]);
    expect(await checksums(t, s.workspaceId)).toEqual(before);
    // The reports' kept figures follow the rollback (ADR 015).
    expect(await reportRollupDrift(t.handle.db, s.workspaceId)).toEqual(NO_ROLLUP_DRIFT);

    const done = await runToEnd(r.body.id);
    expect(done.result).toMatchObject({ created: 1, updated: 1, skipped: 0, failed: 4 });
    const d1 = (await c.get(`/api/v1/deals/${renewal.body.id}`)).body;
    expect(d1).toMatchObject({
      name: 'Renewal 2026',
      accountId: hooli.id,
      primaryContactId: pat.id,
      amount: '2500.00',
      currency: 'USD',
      stageId: later.id,
      stageName: later.name,
      closeDate: '2026-03-31',
      version: 2,
    });
    const d2 = (await c.get('/api/v1/deals?externalId=D-2')).body.data[0];
    expect(d2).toMatchObject({
      name: 'New build',
      accountId: hooli.id,
      amount: '12000.00',
      currency: 'EUR',
      stageId: firstOpen.id,
    });
    const moved = (await c.get(`/api/v1/activities?dealId=${renewal.body.id}&type=stage_change`)).body.data;
    expect(moved.map((x: { subject: string }) => x.subject)).toEqual([
      `Stage: ${firstOpen.name} → ${later.name}`,
    ]);
    const made = (await c.get(`/api/v1/activities?dealId=${d2.id}`)).body.data;
    expect(made.map((x: { subject: string }) => x.subject)).toEqual(['Deal created: New build']);

    const errors = errorLines((await c.get(`/api/v1/imports/${r.body.id}/errors`)).body);
    expect(errors).toHaveLength(5);
    expect(errors[1]).toBe(
      'D-3,Ghost deal,Nowhere Inc,,,,,,"Account: no account is called or has the domain ""Nowhere Inc""",3',
    );

    expect(await rollback(r.body.id)).toEqual({ deleted: 1, restored: 1, conflicts: 0, forced: false });
    expect(await checksums(t, s.workspaceId)).toEqual(before);
    // The reports' kept figures follow the rollback (ADR 015).
    expect(await reportRollupDrift(t.handle.db, s.workspaceId)).toEqual(NO_ROLLUP_DRIFT);
  });

  it('deals: a deal changed since the import is a conflict; force restores it', async () => {
    const d = (await c.post('/api/v1/deals', { name: 'Fence', externalId: 'D-9' })).body;
    const r = await upload(
      { entity: 'deals', mode: 'update' },
      'd.csv',
      'External ID,Deal name,Amount\r\nD-9,Fence and gate,700\r\nD-10,Nothing,1\r\n',
    );
    expect(r.body.preview.counts).toMatchObject({ update: 1, skip: 1 });
    await runToEnd(r.body.id);
    await c.patch(`/api/v1/deals/${d.id}`, { description: 'measured' });
    expect(await rollback(r.body.id)).toEqual({ deleted: 0, restored: 0, conflicts: 1, forced: false });
    expect((await c.get(`/api/v1/deals/${d.id}`)).body).toMatchObject({
      name: 'Fence and gate',
      amount: '700.00',
    });
    expect(await rollback(r.body.id, true)).toEqual({ deleted: 0, restored: 1, conflicts: 0, forced: true });
    expect((await c.get(`/api/v1/deals/${d.id}`)).body).toMatchObject({
      name: 'Fence',
      amount: null,
      description: null,
      version: 1,
    });
  });

  it('activities: created on the lead and contact timelines; update mode is an error per row; rollback', async () => {
    const lead = (
      await c.post('/api/v1/leads', { firstName: 'Rita', email: 'rita@example.com', externalId: 'L-9' })
    ).body;
    const sam = (await c.post('/api/v1/contacts', { firstName: 'Sam', email: 'sam@example.com' })).body;
    const before = await checksums(t, s.workspaceId);
    const file = csv([
      'Type,Lead,Contact email,Subject,Notes,Outcome,Duration,Date,User',
      `call,L-9,,Intro call,Talked about solar,connected,15,2025-05-02 14:30,${me.email}`,
      'Email,,SAM@example.com,Quote sent,,,,,',
      'meeting,L-404,,Site visit,,,,,',
      'note,,sam@example.com,,,,,,',
      'chat,L-9,,Hello,,,,,',
      `sms,${lead.id},,Reminder,,,,,nobody`,
      'call,,,Lost call,,,,,',
    ]);
    const mapping = JSON.stringify({
      Type: 'type',
      Lead: 'lead',
      'Contact email': 'contactEmail',
      Subject: 'subject',
      Notes: 'body',
      Outcome: 'outcome',
      Duration: 'durationMinutes',
      Date: 'occurredAt',
      User: 'user',
    });
    // Activities are only created: an upsert import marks every row an error until its mode is create.
    const r = await upload({ entity: 'activities', mode: 'upsert', mapping }, 'activities.csv', file);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.preview.counts).toEqual({ create: 0, update: 0, skip: 0, duplicate: 0, error: 7 });
    expect((await decisions(r.body.id))[0]!.errors).toEqual([
      { field: 'mode', reason: 'activities can only be created: import them with mode create' },
    ]);
    const p = await c.patch(`/api/v1/imports/${r.body.id}`, { mode: 'create' });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body.preview.counts).toEqual({ create: 2, update: 0, skip: 0, duplicate: 0, error: 5 });
    const rows = await decisions(r.body.id);
    expect(rows.map((x) => x.decision)).toEqual([
      'create',
      'create',
      'error',
      'error',
      'error',
      'error',
      'error',
    ]);
    expect(rows[2]!.errors).toEqual([{ field: 'Lead', reason: 'no lead has the external id or id "L-404"' }]);
    expect(rows[3]!.errors).toEqual([{ field: 'Notes', reason: 'a note needs a body' }]);
    expect(rows[4]!.errors[0]!.field).toBe('Type');
    expect(rows[5]!.errors[0]!.field).toBe('User');
    expect(rows[6]!.errors[0]!.field).toBe('Lead');
    expect(await checksums(t, s.workspaceId)).toEqual(before);
    // The reports' kept figures follow the rollback (ADR 015).
    expect(await reportRollupDrift(t.handle.db, s.workspaceId)).toEqual(NO_ROLLUP_DRIFT);

    const done = await runToEnd(r.body.id);
    expect(done.result).toMatchObject({ created: 2, updated: 0, skipped: 0, failed: 5 });
    const onLead = (await c.get(`/api/v1/leads/${lead.id}/timeline`)).body.data;
    const call = onLead.find((x: { subject: string }) => x.subject === 'Intro call');
    expect(call).toMatchObject({
      type: 'call',
      leadId: lead.id,
      contactId: lead.contactId,
      body: 'Talked about solar',
      outcome: 'connected',
      durationMinutes: 15,
      occurredAt: '2025-05-02T14:30:00.000Z',
      userId: me.id,
      metadata: { importId: r.body.id, rowNo: 1 },
    });
    const onRita = (await c.get(`/api/v1/contacts/${lead.contactId}/timeline`)).body.data;
    expect(onRita.some((x: { id: string }) => x.id === call.id)).toBe(true);
    const onSam = (await c.get(`/api/v1/contacts/${sam.id}/timeline`)).body.data;
    expect(onSam.map((x: { subject: string; type: string }) => [x.type, x.subject])).toEqual([
      ['email', 'Quote sent'],
    ]);

    const errors = errorLines((await c.get(`/api/v1/imports/${r.body.id}/errors`)).body);
    expect(errors).toHaveLength(6);
    expect(errors[1]).toBe(
      'meeting,L-404,,Site visit,,,,,,"Lead: no lead has the external id or id ""L-404""",3',
    );

    expect(await rollback(r.body.id)).toEqual({ deleted: 2, restored: 0, conflicts: 0, forced: false });
    expect(await checksums(t, s.workspaceId)).toEqual(before);
    // The reports' kept figures follow the rollback (ADR 015).
    expect(await reportRollupDrift(t.handle.db, s.workspaceId)).toEqual(NO_ROLLUP_DRIFT);
  });
  it('accounts: custom.<key> match, flagged duplicates, an account in use stays even forced', async () => {
    const f = await c.post('/api/v1/custom-fields', {
      entity: 'account',
      key: 'erp_no',
      label: 'ERP number',
      type: 'text',
    });
    expect(f.status, JSON.stringify(f.body)).toBe(201);
    const wayne = (await c.post('/api/v1/accounts', { name: 'Wayne', customFields: { erp_no: 'E-1' } })).body;
    const file =
      'ERP number,Account name,Industry\r\nE-1,Wayne Enterprises,Defense\r\nE-2,Stark,Energy\r\nE-2,Stark Again,\r\n';
    const r = await upload(
      { entity: 'accounts', matchOn: 'custom.erp_no', duplicatePolicy: 'flag' },
      'erp.csv',
      file,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.mapping['ERP number']).toBe('custom.erp_no');
    expect(r.body.preview.counts).toEqual({ create: 1, update: 0, skip: 0, duplicate: 2, error: 0 });
    const rows = await decisions(r.body.id);
    expect(rows[0]!.reason).toBe('matches an existing account (custom.erp_no)');
    expect(rows[2]!.reason).toBe('repeats row 2 (same account)');
    const done = await runToEnd(r.body.id);
    // The flagged duplicate is created beside its match and paired with it; the in-file repeat is skipped.
    expect(done.result).toMatchObject({ created: 2, updated: 0, skipped: 1, failed: 0 });
    const flagged = (await c.get(`/api/v1/accounts/${rows[0]!.targetId}`)).body;
    expect(flagged).toMatchObject({
      name: 'Wayne Enterprises',
      industry: 'Defense',
      customFields: { erp_no: 'E-1' },
    });
    expect(flagged.id).not.toBe(wayne.id);
    const pair = await query<{ n: number }>(
      t,
      `select count(*)::int as n from duplicate_candidates where workspace_id = '${s.workspaceId}' and entity = 'account'
        and '${wayne.id}' in (record_a, record_b) and '${flagged.id}' in (record_a, record_b)`,
    );
    expect(pair[0]!.n).toBe(1);
    // Someone files a contact under the new Stark account: rolling back keeps Stark, even forced.
    const stark = rows[1]!.targetId!;
    expect((await c.post('/api/v1/contacts', { firstName: 'Tony', accountId: stark })).status).toBe(201);
    expect(await rollback(r.body.id, true)).toEqual({ deleted: 1, restored: 0, conflicts: 1, forced: true });
    expect((await c.get(`/api/v1/accounts/${stark}`)).status).toBe(200);
    expect((await c.get(`/api/v1/accounts/${flagged.id}`)).status).toBe(404);
    expect(
      (
        await query<{ n: number }>(
          t,
          `select count(*)::int as n from duplicate_candidates where '${flagged.id}' in (record_a, record_b)`,
        )
      )[0]!.n,
    ).toBe(0);
  });

  it('an exported accounts and deals file re-imports to the same records (match on id)', async () => {
    const strip = (x: Record<string, unknown>) => {
      const { version: _v, updatedAt: _u, ...rest } = x;
      return rest;
    };
    const acct = (
      await c.post('/api/v1/accounts', {
        name: 'Round Trip Ltd',
        domain: 'roundtrip.example',
        website: 'https://roundtrip.example/',
        accountType: 'partner',
        annualRevenue: '-15.50',
        address: { city: 'Leeds', country: 'GB' },
        ownerId: s.userId,
        externalId: 'RT-1',
      })
    ).body;
    const contact = (await c.post('/api/v1/contacts', { firstName: 'Ro', email: 'ro@roundtrip.example' }))
      .body;
    const deal = (
      await c.post('/api/v1/deals', {
        name: '=Formula deal',
        accountId: acct.id,
        primaryContactId: contact.id,
        amount: '99.99',
        currency: 'GBP',
        closeDate: '2026-01-15',
        forecastCategory: 'commit',
        externalId: 'RTD-1',
      })
    ).body;
    for (const [resource, id, wanted] of [
      ['accounts', acct.id, acct],
      ['deals', deal.id, deal],
    ] as const) {
      const exp = await t.call({
        method: 'GET',
        url: `/api/v1/${resource}/export?format=csv&externalId=${wanted.externalId}`,
        headers: s.auth,
      });
      expect(exp.status).toBe(200);
      const r = await upload(
        { entity: resource, mode: 'upsert', matchOn: 'id' },
        `${resource}.csv`,
        String(exp.body),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.preview.counts, JSON.stringify((await decisions(r.body.id))[0])).toEqual({
        create: 0,
        update: 1,
        skip: 0,
        duplicate: 0,
        error: 0,
      });
      await runToEnd(r.body.id);
      const after = (await c.get(`/api/v1/${resource}/${id}`)).body;
      expect(strip(after)).toEqual(strip(wanted));
      expect(after.version).toBe(wanted.version + 1);
    }
  });
  it('a run interrupted mid-way resumes without losing or doubling a row; small chunks roll back exactly', async () => {
    const ctx = systemCtx(s.workspaceId, s.userId);
    const db = t.handle.db;
    const vega = (await c.post('/api/v1/accounts', { name: 'Vega', externalId: 'V-1', industry: 'Space' }))
      .body;
    const before = await checksums(t, s.workspaceId);
    // V-1 is updated in the first chunk and again in the third: its before-image is the first one's,
    // and the rollback still knows it is unchanged since.
    const file = csv([
      'External ID,Account name,Industry',
      'V-1,Vega One,Rockets',
      'V-2,Vega Two,',
      'V-3,Vega Three,',
      'V-4,Vega Four,',
      'V-1,,Satellites',
    ]);
    const r = await upload({ entity: 'accounts', mode: 'upsert' }, 'v.csv', file);
    expect(r.body.preview.counts).toEqual({ create: 3, update: 2, skip: 0, duplicate: 0, error: 0 });
    let calls = 0;
    await expect(
      runImport(db, ctx, r.body.id, {
        chunkRows: 2,
        onProgress: () => {
          calls += 1;
          if (calls === 2) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const half = (await c.get(`/api/v1/imports/${r.body.id}`)).body;
    expect(half).toMatchObject({ status: 'failed', progress: { done: 2, total: 5 } });
    expect((await c.get('/api/v1/accounts?externalId=V-3')).body.data).toEqual([]);
    const done = await runImport(db, ctx, r.body.id, { chunkRows: 2 });
    expect(done.status).toBe('completed');
    expect(done.result).toMatchObject({ created: 3, updated: 2, skipped: 0, failed: 0 });
    const names = (await c.get('/api/v1/accounts?q=vega&limit=50')).body.data.map(
      (a: { name: string }) => a.name,
    );
    expect(names.sort()).toEqual(['Vega Four', 'Vega One', 'Vega Three', 'Vega Two']);
    expect((await c.get(`/api/v1/accounts/${vega.id}`)).body).toMatchObject({
      name: 'Vega One',
      industry: 'Satellites',
      version: 3,
    });
    expect(await rollback(r.body.id)).toEqual({ deleted: 3, restored: 1, conflicts: 0, forced: false });
    expect(await checksums(t, s.workspaceId)).toEqual(before);
    // The reports' kept figures follow the rollback (ADR 015).
    expect(await reportRollupDrift(t.handle.db, s.workspaceId)).toEqual(NO_ROLLUP_DRIFT);
  });
  it('activities and deals people worked on since the import are conflicts; force undoes them', async () => {
    const lead = (
      await c.post('/api/v1/leads', { firstName: 'Kim', email: 'kim@example.com', externalId: 'L-77' })
    ).body;
    const acts = await upload(
      { entity: 'activities' },
      'a.csv',
      'Type,Lead,Subject\r\ncall,L-77,First call\r\nnote,L-77,Left a note\r\n',
    );
    expect(acts.body.preview.counts).toMatchObject({ create: 2, error: 0 });
    await runToEnd(acts.body.id);
    const [first, second] = (await decisions(acts.body.id)).map((x) => x.targetId!);
    expect((await c.patch(`/api/v1/activities/${first}`, { outcome: 'connected' })).status).toBe(200);
    expect(await rollback(acts.body.id)).toEqual({ deleted: 1, restored: 0, conflicts: 1, forced: false });
    expect((await c.get(`/api/v1/activities/${first}`)).body).toMatchObject({ outcome: 'connected' });
    expect((await c.get(`/api/v1/activities/${second}`)).status).toBe(404);
    expect(await rollback(acts.body.id, true)).toEqual({
      deleted: 1,
      restored: 0,
      conflicts: 0,
      forced: true,
    });
    expect((await c.get(`/api/v1/activities/${first}`)).status).toBe(404);

    const deals = await upload({ entity: 'deals' }, 'd.csv', 'Deal name,External ID\r\nKim kitchen,K-1\r\n');
    await runToEnd(deals.body.id);
    const dealId = (await decisions(deals.body.id))[0]!.targetId!;
    const call = await c.post('/api/v1/activities', {
      type: 'call',
      dealId,
      leadId: lead.id,
      subject: 'Price talk',
    });
    expect(call.status, JSON.stringify(call.body)).toBe(201);
    expect(await rollback(deals.body.id)).toEqual({ deleted: 0, restored: 0, conflicts: 1, forced: false });
    expect((await c.get(`/api/v1/deals/${dealId}`)).status).toBe(200);
    expect(await rollback(deals.body.id, true)).toEqual({
      deleted: 1,
      restored: 0,
      conflicts: 0,
      forced: true,
    });
    expect((await c.get(`/api/v1/deals/${dealId}`)).status).toBe(404);
    expect((await c.get(`/api/v1/activities/${call.body.id}`)).status).toBe(404);
  });
});
