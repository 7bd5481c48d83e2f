import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, expectProblem, query } from '../../../test/helpers.js';
import { settleJobs } from '../jobs/jobs.service.js';
import { newId } from '../shared/ids.js';

describe.each(DB_KINDS)('duplicates on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Dupe');
    c = client(t, s);
  });
  afterAll(async () => {
    await settleJobs();
    await t?.close();
  });
  const contactCount = async (ws: string) =>
    Number(
      (await query<{ n: number }>(t, `select count(*)::int n from contacts where workspace_id = '${ws}'`))[0]!
        .n,
    );

  it('links a contact create with the same email (other case) to the existing contact, adding what it lacked', async () => {
    const email = `Maya.${newId()}@Example.com`;
    const a = await c.post('/api/v1/contacts', { firstName: 'Maya', email });
    expect(a.status).toBe(201);
    const before = await contactCount(s.workspaceId);
    const b = await c.post('/api/v1/contacts', {
      lastName: 'Patel',
      email: `  ${email.toUpperCase()} `,
      phone: '+1 415 555 0199',
    });
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    expect(b.headers['leadbase-duplicate']).toBe('linked');
    expect(b.body.id).toBe(a.body.id);
    expect(b.body.firstName).toBe('Maya');
    expect(b.body.lastName).toBe('Patel');
    expect(b.body.phone).toBe('+14155550199');
    expect(await contactCount(s.workspaceId)).toBe(before);
  });

  it('treats +1 (415) 555-0100 and 4155550100 (workspace country US) as one contact', async () => {
    const a = await c.post('/api/v1/contacts', {
      firstName: 'Phone',
      lastName: 'One',
      phone: '+1 (415) 555-0100',
    });
    expect(a.status).toBe(201);
    const b = await c.post('/api/v1/contacts', { firstName: 'Phone', phone: '4155550100' });
    expect(b.status).toBe(200);
    expect(b.body.id).toBe(a.body.id);
    // A lead with that phone attaches to the same contact.
    const l = await c.post('/api/v1/leads', { firstName: 'Phone', phone: '415.555.0100', title: 'Solar' });
    expect(l.status).toBe(201);
    expect(l.body.contactId).toBe(a.body.id);
    expect(l.body.isDuplicate).toBe(false);
  });

  it('flags a similar person (nickname, same address) and lists the pair with reasons', async () => {
    const addr = { street1: '12 Tullaroop Street', city: 'St James', postcode: '4011', state: 'WA' };
    const a = await c.post('/api/v1/contacts', {
      firstName: 'Robert',
      lastName: 'Waller',
      addresses: [{ type: 'personal', ...addr }],
    });
    const b = await c.post('/api/v1/contacts', {
      firstName: 'Bob',
      lastName: 'Waller',
      addresses: [{ type: 'personal', ...addr, street1: '12 Tullaroop St' }],
    });
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    const r = await c.get(`/api/v1/duplicates?entity=contact&recordId=${b.body.id}`);
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(1);
    const pair = r.body.data[0];
    expect(pair.recordIds.slice().sort()).toEqual([a.body.id, b.body.id].sort());
    expect(pair.score).toBeGreaterThanOrEqual(0.9);
    expect(pair.status).toBe('open');
    expect(pair.reasons).toContainEqual(
      expect.objectContaining({ field: 'firstName', method: 'nickname', similarity: 1 }),
    );
    expect(pair.records.map((x: { name: string }) => x.name).sort()).toEqual(['Bob Waller', 'Robert Waller']);
    // A lead for the same person with only a nickname is flagged as a duplicate.
    const l = await c.post('/api/v1/leads', {
      firstName: 'Rob',
      lastName: 'Waller',
      address: addr,
      title: 'Kitchen',
    });
    expect(l.status).toBe(201);
    expect(l.body.isDuplicate).toBe(true);
  });

  it('blocks with 409 listing the candidates when a block rule fires; rule CRUD is audited', async () => {
    const rule = await c.post('/api/v1/duplicate-rules', {
      entity: 'contact',
      name: 'Same last name and company',
      fields: [
        { field: 'lastName', match: 'exact' },
        { field: 'company', match: 'fuzzy' },
      ],
      threshold: 0.9,
      action: 'block',
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const a = await c.post('/api/v1/contacts', { lastName: 'Okafor', companyName: 'Acme Widgets, Inc.' });
    expect(a.status).toBe(201);
    const b = await c.post('/api/v1/contacts', { lastName: 'okafor', companyName: 'ACME Widgets LLC' });
    expectProblem(b, 409);
    expect(b.body.candidates[0]).toMatchObject({ id: a.body.id, ruleId: rule.body.id });
    expect(b.body.candidates[0].reasons.map((x: { field: string }) => x.field)).toContain('company');
    // A bad rule field is named.
    expectProblem(
      await c.post('/api/v1/duplicate-rules', {
        entity: 'account',
        name: 'x',
        fields: [{ field: 'email', match: 'exact' }],
        threshold: 1,
      }),
      422,
      ['fields[0].field'],
    );
    const audit = await c.get(`/api/v1/audit?entity=duplicate_rule&id=${rule.body.id}`);
    expect(audit.body.data[0].action).toBe('create');
    expect((await c.del(`/api/v1/duplicate-rules/${rule.body.id}`)).status).toBe(200);
    // With the rule deleted the built-in rules apply again: no block.
    expect(
      (await c.post('/api/v1/contacts', { lastName: 'okafor', companyName: 'ACME Widgets LLC' })).status,
    ).toBe(201);
  });

  it('links an account with the same domain and flags a similar company name', async () => {
    const a = await c.post('/api/v1/accounts', {
      name: 'Northwind Traders Ltd',
      domain: 'WWW.Northwind.example',
    });
    expect(a.status).toBe(201);
    const same = await c.post('/api/v1/accounts', { name: 'NW', domain: 'northwind.example' });
    expect(same.status).toBe(200);
    expect(same.body.id).toBe(a.body.id);
    const similar = await c.post('/api/v1/accounts', { name: 'Northwind Traders, Inc.' });
    expect(similar.status).toBe(201);
    const r = await c.get(`/api/v1/duplicates?entity=account&recordId=${similar.body.id}`);
    expect(r.body.data).toHaveLength(1);
    expect(r.body.data[0].reasons[0]).toMatchObject({ field: 'name', method: 'exact' });
  });

  it('scans in the background with progress, lists pairs best first with a cursor, and dismissal sticks', async () => {
    const w = await t.signup('Scan');
    const cw = client(t, w);
    const people = [
      ['Jonathan', 'Smyth', '4 Elm Road', '3000'],
      ['Jon', 'Smith', '4 Elm Rd', '3000'],
      ['Katherine', 'Lee', '88 Oak Avenue', '2000'],
      ['Kate', 'Lee', '88 Oak Ave', '2000'],
      ['Lee', 'Katherine', '88 Oak Avenue', '2000'],
      ['Maria', 'Gomez', '5 Pine Lane', '9000'],
    ];
    for (const [f, l, street, pc] of people) {
      // Written with flagging off (a block-free, flag-free rule set) so the scan is what finds them.
      const r = await cw.post('/api/v1/contacts', {
        firstName: f,
        lastName: l,
        addresses: [{ type: 'personal', street1: street, postcode: pc, city: 'Springfield' }],
      });
      expect(r.status).toBe(201);
    }
    await query(t, `delete from duplicate_candidates where workspace_id = '${w.workspaceId}'`);
    const scan = await cw.post('/api/v1/duplicates/scan', { entity: 'contact' });
    expect(scan.status).toBe(202);
    await settleJobs();
    const job = await cw.get(`/api/v1/jobs/${scan.body.jobId}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({
      status: 'succeeded',
      type: 'duplicates.scan',
      input: { entity: 'contact' },
    });
    expect(job.body.result.records).toBe(6);
    const all: any[] = [];
    let cursor: string | null = null;
    do {
      const page = await cw.get(
        `/api/v1/duplicates?entity=contact&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      all.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    const names = all.map((p) =>
      p.records
        .map((r: { name: string }) => r.name)
        .sort()
        .join(' + '),
    );
    expect(names).toContain('Jon Smith + Jonathan Smyth');
    expect(names).toContain('Kate Lee + Katherine Lee');
    expect(names).toContain('Katherine Lee + Lee Katherine');
    expect(names.some((n) => n.includes('Maria'))).toBe(false);
    const scores = all.map((p) => p.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    // Dismiss one; a new scan leaves it dismissed.
    const first = all[0];
    const d = await cw.post('/api/v1/duplicates/dismiss', {
      entity: 'contact',
      recordIds: first.recordIds.slice().reverse(),
    });
    expect(d.status).toBe(200);
    expect(d.body.status).toBe('dismissed');
    const again = await cw.post('/api/v1/duplicates/scan', { entity: 'contact' });
    await settleJobs();
    expect((await cw.get(`/api/v1/jobs/${again.body.jobId}`)).body.status).toBe('succeeded');
    const open = await cw.get('/api/v1/duplicates?entity=contact&limit=200');
    expect(open.body.data.map((p: any) => p.recordIds.join())).not.toContain(first.recordIds.join());
    expect(open.body.data).toHaveLength(all.length - 1);
    // Another workspace sees none of it.
    expect((await c.get(`/api/v1/jobs/${scan.body.jobId}`)).status).toBe(404);
    expectProblem(
      await c.post('/api/v1/duplicates/dismiss', { entity: 'contact', recordIds: first.recordIds }),
      404,
    );
    expectProblem(await cw.get('/api/v1/duplicates?entity=contact&cursor=nope'), 400, ['cursor']);
  });

  it.runIf(kind === 'postgres')(
    'gives one contact for concurrent creates with the same email or phone',
    async () => {
      const w = await t.signup('Race');
      const cw = client(t, w);
      const email = `race.${newId()}@example.com`;
      const rs = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          cw.post('/api/v1/contacts', { firstName: `R${i}`, email: i % 2 ? email.toUpperCase() : email }),
        ),
      );
      expect(rs.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(rs.map((r) => r.body.id)).size).toBe(1);
      const phones = await Promise.all(
        ['+1 (415) 555-0100', '4155550100', '(415) 555 0100', '+14155550100'].map((phone) =>
          cw.post('/api/v1/leads', { lastName: 'Racer', phone, title: 'Race' }),
        ),
      );
      expect(phones.every((r) => r.status === 201)).toBe(true);
      expect(new Set(phones.map((r) => r.body.contactId)).size).toBe(1);
      expect(await contactCount(w.workspaceId)).toBe(2);
    },
  );
});
