import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, expectProblem, query } from '../../../test/helpers.js';
import { multipart } from '../../../test/multipart.js';
import { NO_ROLLUP_DRIFT, reportRollupDrift } from '../reports/report-rollups.js';
import { settleImports } from './import-run.js';

/** Row checksums of a workspace's leads and contacts: every column, as stored. */

async function checksums(t: TestApp, ws: string) {
  const out: Record<string, string> = {};
  for (const table of ['leads', 'contacts', 'lead_stage_history'])
    out[table] = String(
      (
        await query<{ h: string }>(
          t,
          `select md5(coalesce(string_agg(md5(x::text), ',' order by x.id), '')) as h from ${table} x where x.workspace_id = '${ws}'`,
        )
      )[0]!.h,
    );
  return out;
}

const CSV = [
  'First Name,Last Name,Email,Phone,Company,Lead Source,Product Interest,Deal Value',
  'Asha,Rao,asha@example.com,+1 415 555 0101,Rao Builders,website,Solar,12000',
  'Ben,Okafor,ben@example,+1 415 555 0102,,referral,Solar,',
  'Chen,Li,CHEN@example.com,,Li & Co,ads,Kitchen,"8,500.50"',
  'Dana,Wolfe,dana@example.com,,,website,Roof,',
  'Asha,Rao,asha@example.com,,,website,Windows,3000',
].join('\r\n');

describe.each(DB_KINDS)('imports on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Importer');
    c = client(t, s);
  });
  afterAll(async () => {
    await settleImports();
    await t?.close();
  });

  const upload = async (fields: Record<string, string>, name: string, content: string | Buffer) => {
    const m = multipart(fields, { name, content });
    return t.call({
      method: 'POST',
      url: '/api/v1/imports',
      payload: m.payload,
      headers: { ...s.auth, ...m.headers },
    });
  };
  const runToEnd = async (id: string) => {
    const r = await c.post(`/api/v1/imports/${id}/run`);
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    await settleImports();
    const done = await c.get(`/api/v1/imports/${id}`);
    expect(done.body.status, JSON.stringify(done.body)).toBe('completed');
    return done.body;
  };

  it('maps the headers, previews every row, runs, writes the error file and rolls back exactly', async () => {
    // An existing person with an open Roof lead: Dana's row is a duplicate of it.
    const dana = await c.post('/api/v1/leads', {
      firstName: 'Dana',
      lastName: 'Wolfe',
      email: 'dana@example.com',
      productInterest: 'Roof',
    });
    expect(dana.status).toBe(201);
    const before = await checksums(t, s.workspaceId);

    const r = await upload({ entity: 'leads' }, 'leads.csv', CSV);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const imp = r.body;
    expect(imp.status).toBe('previewed');
    expect(imp.mapping).toMatchObject({
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Email: 'email',
      Phone: 'phone',
      Company: 'company',
      'Lead Source': 'source',
      'Product Interest': 'productInterest',
      'Deal Value': 'dealValue',
    });
    expect(imp.preview.counts).toEqual({ create: 3, update: 0, skip: 0, duplicate: 1, error: 1 });
    const rows = (await c.get(`/api/v1/imports/${imp.id}/rows?limit=10`)).body.data;
    expect(rows.map((x: { decision: string }) => x.decision)).toEqual([
      'create',
      'error',
      'create',
      'duplicate',
      'create',
    ]);
    expect(rows[1].errors).toEqual([{ field: 'Email', reason: 'must be an email address' }]);
    expect(rows[3].matchId).toBe(dana.body.id);
    expect(rows[4].reason).toBe('new lead for the contact of row 1');
    // Nothing written yet.
    expect(await checksums(t, s.workspaceId)).toEqual(before);
    // The reports' kept figures follow the rollback (ADR 015).
    expect(await reportRollupDrift(t.handle.db, s.workspaceId)).toEqual(NO_ROLLUP_DRIFT);

    const done = await runToEnd(imp.id);
    expect(done.result).toMatchObject({ created: 3, updated: 0, skipped: 1, failed: 1, contactsCreated: 2 });
    expect(done.progress).toEqual({ done: 5, total: 5, percent: 100 });
    const leads = (await c.get('/api/v1/leads?limit=50')).body.data;
    const asha = leads.filter((l: { email: string }) => l.email === 'asha@example.com');
    expect(asha.map((l: { productInterest: string }) => l.productInterest).sort()).toEqual([
      'Solar',
      'Windows',
    ]);
    expect(new Set(asha.map((l: { contactId: string }) => l.contactId)).size).toBe(1);
    const chen = leads.find((l: { email: string }) => l.email === 'CHEN@example.com');
    expect(chen).toMatchObject({ dealValue: '8500.50', company: 'Li & Co', source: 'ads', status: 'new' });
    const timeline = (await c.get(`/api/v1/leads/${chen.id}/timeline`)).body.data;
    expect(
      timeline.some((e: { subject: string }) => e.subject === 'Lead created by import (leads.csv)'),
    ).toBe(true);
    const contact = (await c.get(`/api/v1/contacts/${chen.contactId}`)).body;
    expect(contact.status).toBe('lead');

    const errors = await c.get(`/api/v1/imports/${imp.id}/errors`);
    expect(errors.status).toBe(200);
    expect(String(errors.headers['content-type'])).toMatch(/text\/csv/);
    const lines = String(errors.body)
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines).toEqual([
      'First Name,Last Name,Email,Phone,Company,Lead Source,Product Interest,Deal Value,Import error,Row',
      'Ben,Okafor,ben@example,+1 415 555 0102,,referral,Solar,,Email: must be an email address,2',
    ]);

    // The import's set-based writes kept the reports' figures (reached stages, totals).
    expect(await reportRollupDrift(t.handle.db, s.workspaceId)).toEqual(NO_ROLLUP_DRIFT);
    const rb = await c.post(`/api/v1/imports/${imp.id}/rollback`, {});
    expect(rb.status, JSON.stringify(rb.body)).toBe(200);
    expect(rb.body.status).toBe('rolled_back');
    expect(rb.body.result.rolledBack).toEqual({ deleted: 5, restored: 0, conflicts: 0, forced: false });
    expect(await checksums(t, s.workspaceId)).toEqual(before);
    // The reports' kept figures follow the rollback (ADR 015).
    expect(await reportRollupDrift(t.handle.db, s.workspaceId)).toEqual(NO_ROLLUP_DRIFT);
  });

  it('create-or-update: updates matches with before-images; rollback restores them exactly; changed-since rows are conflicts', async () => {
    const a = await c.post('/api/v1/leads', {
      firstName: 'Eve',
      lastName: 'Stone',
      email: 'eve@example.com',
      externalId: 'L-1',
      title: 'Pool',
    });
    const b = await c.post('/api/v1/leads', {
      firstName: 'Finn',
      lastName: 'Hart',
      email: 'finn@example.com',
      externalId: 'L-2',
      title: 'Deck',
    });
    const before = await checksums(t, s.workspaceId);
    const csv =
      'External ID,Lead title,Priority,Stage,Job title\r\nL-1,Pool heating,High,Qualified,CTO\r\nL-2,,urgent,,\r\nL-3,Fence,low,,\r\n';
    const r = await upload({ entity: 'leads', mode: 'upsert', matchOn: 'externalId' }, 'up.csv', csv);
    expect(r.body.preview.counts, JSON.stringify(r.body)).toEqual({
      create: 0,
      update: 2,
      skip: 0,
      duplicate: 0,
      error: 1,
    });
    const third = (await c.get(`/api/v1/imports/${r.body.id}/rows?decision=error`)).body.data[0];
    expect(third.reason).toMatch(/a lead needs a contact/);
    await runToEnd(r.body.id);
    const eve = (await c.get(`/api/v1/leads/${a.body.id}`)).body;
    expect(eve).toMatchObject({
      title: 'Pool heating',
      priority: 'high',
      status: 'qualified',
      jobTitle: 'CTO',
    });
    const finn = (await c.get(`/api/v1/leads/${b.body.id}`)).body;
    expect(finn).toMatchObject({ title: 'Deck', priority: 'urgent', status: 'new' });
    // Someone edits Finn's lead after the import: a conflict the rollback leaves alone.
    await c.patch(`/api/v1/leads/${b.body.id}`, { title: 'Deck and stairs' });
    const rb = (await c.post(`/api/v1/imports/${r.body.id}/rollback`, {})).body;
    expect(rb.result.rolledBack).toMatchObject({ restored: 2, conflicts: 1, forced: false });
    expect((await c.get(`/api/v1/leads/${a.body.id}`)).body).toMatchObject({
      title: 'Pool',
      priority: 'medium',
      status: 'new',
      jobTitle: null,
    });
    expect((await c.get(`/api/v1/leads/${b.body.id}`)).body).toMatchObject({
      title: 'Deck and stairs',
      priority: 'urgent',
    });
    const forced = (await c.post(`/api/v1/imports/${r.body.id}/rollback`, { force: true })).body;
    expect(forced.result.rolledBack).toMatchObject({ restored: 1, conflicts: 0, forced: true });
    expect((await c.get(`/api/v1/leads/${b.body.id}`)).body).toMatchObject({
      title: 'Deck',
      priority: 'medium',
    });
    void before;
  });

  it('flags a duplicate under the flag policy: a new contact, paired with the match in the duplicates view', async () => {
    const old = await c.post('/api/v1/contacts', {
      firstName: 'Gus',
      lastName: 'Grant',
      email: 'gus@example.com',
    });
    const r = await upload(
      { entity: 'contacts', duplicatePolicy: 'flag' },
      'gus.csv',
      'First name,Last name,Email\r\nGus,Grant,gus@example.com\r\n',
    );
    expect(r.body.preview.counts).toMatchObject({ duplicate: 1 });
    const row = (await c.get(`/api/v1/imports/${r.body.id}/rows`)).body.data[0];
    expect(row.matchId).toBe(old.body.id);
    expect(row.targetId).not.toBe(old.body.id);
    const done = await runToEnd(r.body.id);
    expect(done.result).toMatchObject({ created: 1, skipped: 0 });
    expect((await c.get(`/api/v1/contacts/${row.targetId}`)).body).toMatchObject({
      email: 'gus@example.com',
    });
    const pairs = await query<{ n: number }>(
      t,
      `select count(*)::int as n from duplicate_candidates where workspace_id = '${s.workspaceId}' and '${old.body.id}' in (record_a::text, record_b::text) and '${row.targetId}' in (record_a::text, record_b::text)`,
    );
    expect(pairs[0]!.n).toBe(1);
  });

  it('refuses malformed uploads with the field and the reason, writing nothing', async () => {
    const n0 = (await query<{ n: number }>(t, 'select count(*)::int as n from imports'))[0]!.n;
    expectProblem(await upload({ entity: 'leads' }, 'empty.csv', ''), 422, ['file']);
    expectProblem(await upload({ entity: 'leads' }, 'h.csv', 'Email,Name\r\n'), 422, [
      ['file', /no data rows/],
    ]);
    expectProblem(await upload({ entity: 'leads' }, 'd.csv', 'Email,email\r\na@b.co,x\r\n'), 422, ['file']);
    expectProblem(await upload({ entity: 'nope' }, 'x.csv', 'Email\r\na@b.co\r\n'), 422, ['entity']);
    expectProblem(
      await upload({ entity: 'leads', mapping: '{"Email":"shoeSize"}' }, 'x.csv', 'Email\r\na@b.co\r\n'),
      422,
      [['mapping.Email', /not a field/]],
    );
    expectProblem(await upload({ entity: 'leads', mapping: 'nope' }, 'x.csv', 'Email\r\na@b.co\r\n'), 422, [
      'mapping',
    ]);
    expectProblem(
      await upload({ entity: 'leads' }, 'junk.csv', Buffer.from([0, 1, 2, 3, 0, 0, 255, 254, 0, 7])),
      422,
      ['file'],
    );
    const n1 = (await query<{ n: number }>(t, 'select count(*)::int as n from imports'))[0]!.n;
    expect(n1).toBe(n0);
    expect(
      (
        await query<{ n: number }>(
          t,
          'select count(*)::int as n from import_rows where import_id not in (select id from imports)',
        )
      )[0]!.n,
    ).toBe(0);
  });

  it("answers another workspace's import with 404", async () => {
    const r = await upload({ entity: 'contacts' }, 'c.csv', 'Email,First name\r\nzed@example.com,Zed\r\n');
    expect(r.status).toBe(201);
    const other = client(t, await t.signup('Other'));
    for (const [m, u] of [
      ['get', `/api/v1/imports/${r.body.id}`],
      ['get', `/api/v1/imports/${r.body.id}/rows`],
      ['get', `/api/v1/imports/${r.body.id}/errors`],
      ['post', `/api/v1/imports/${r.body.id}/run`],
      ['post', `/api/v1/imports/${r.body.id}/rollback`],
    ] as const) {
      const x = await other[m](u);
      expect(x.status, `${u} ${JSON.stringify(x.body)}`).toBe(404);
    }
    expect((await other.get('/api/v1/imports')).body.data).toEqual([]);
  });
});
