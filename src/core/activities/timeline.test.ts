import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, expectProblem, query, walk } from '../../../test/helpers.js';

type Item = {
  id: string;
  type: string;
  subject: string | null;
  occurredAt: string;
  via?: string;
  leadId: string | null;
};

describe.each(DB_KINDS)('lead timeline on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  let leadId: string;
  let otherLeadId: string;
  let contactId: string;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Timeline');
    c = client(t, s);
    const lead = await c.post('/api/v1/leads', {
      firstName: 'Tim',
      lastName: 'Line',
      email: 'tim@line.example',
      title: 'Solar',
    });
    leadId = lead.body.id;
    contactId = lead.body.contactId;
    const other = await c.post('/api/v1/leads', { contactId, productInterest: 'Battery' });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    otherLeadId = other.body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("merges the lead's own items, its contact's (marked), system events and completed tasks, newest first, each once across pages", async () => {
    const base = Date.parse('2026-01-01T12:00:00Z');
    const at = (i: number) => new Date(base + i * 60_000).toISOString();
    const expected = new Set<string>();
    const excluded = new Set<string>();
    for (let i = 0; i < 24; i++) {
      // Several items at the same instant: the cursor breaks ties by id.
      const when = at(Math.floor(i / 3));
      const own = await c.post('/api/v1/activities', {
        type: 'note',
        leadId,
        body: `own ${i}`,
        occurredAt: when,
      });
      expected.add(own.body.id);
      if (i % 2 === 0) {
        const viaContact = await c.post('/api/v1/activities', {
          type: 'call',
          contactId,
          subject: `contact call ${i}`,
          outcome: 'connected',
          durationMinutes: 5,
          occurredAt: when,
        });
        expected.add(viaContact.body.id);
      }
      if (i % 4 === 0) {
        const onOther = await c.post('/api/v1/activities', {
          type: 'note',
          leadId: otherLeadId,
          body: `other ${i}`,
          occurredAt: when,
        });
        excluded.add(onOther.body.id);
      }
    }
    // A stage change (system event) and a completed task.
    const pipelines = await c.get('/api/v1/pipelines');
    const stage = pipelines.body.data[0].stages.find((x: { name: string }) => x.name === 'Contacted');
    expect((await c.patch(`/api/v1/leads/${leadId}`, { stageId: stage.id })).status).toBe(200);
    const task = await c.post('/api/v1/tasks', { title: 'Book the survey', leadId });
    await c.post(`/api/v1/tasks/${task.body.id}/complete`);

    const all = (await walk(c, `/api/v1/leads/${leadId}/timeline`, 7)) as Item[];
    const ids = all.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of expected) expect(ids).toContain(id);
    for (const id of excluded) expect(ids).not.toContain(id);
    // Exactly what the database holds for the lead and for its contact on no lead.
    const rows = await query<{ id: string }>(
      t,
      `select id from activities where workspace_id = '${s.workspaceId}' and deleted_at is null
         and (lead_id = '${leadId}' or (contact_id = '${contactId}' and lead_id is null))
       order by occurred_at desc, id desc`,
    );
    expect(ids).toEqual(rows.map((r) => r.id));
    // Newest first: the stage change and the completed task (now) lead the 2026-01 history.
    const subjects = all.slice(0, 6).map((a) => a.subject ?? '');
    expect(subjects).toContain('Completed: Book the survey');
    expect(all.some((a) => a.type === 'stage_change')).toBe(true);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.occurredAt >= all[i]!.occurredAt).toBe(true);
    // Items from the contact are marked; the lead's own are not.
    const viaContact = all.filter((a) => a.via === 'contact');
    expect(viaContact).toHaveLength(12);
    expect(viaContact.every((a) => a.leadId === null)).toBe(true);
    expect(all.filter((a) => a.via === 'lead').length).toBe(all.length - 12);
    // type filter and cursor pages with it.
    const calls = (await walk(c, `/api/v1/leads/${leadId}/timeline?type=call`, 5)) as Item[];
    expect(calls).toHaveLength(12);
    expect(calls.every((a) => a.type === 'call')).toBe(true);
    // The contact's timeline still shows everything of the contact, both leads included.
    const contactAll = await walk(c, `/api/v1/contacts/${contactId}/timeline`, 50);
    const contactIds = contactAll.map((a: { id: string }) => a.id);
    for (const id of [...expected, ...excluded]) expect(contactIds).toContain(id);
  });

  it('refuses a foreign cursor and answers 404 for another workspace’s lead', async () => {
    expectProblem(await c.get(`/api/v1/leads/${leadId}/timeline?cursor=bm9wZQ`), 400, ['cursor']);
    const other = client(t, await t.signup('Stranger'));
    expectProblem(await other.get(`/api/v1/leads/${leadId}/timeline`), 404);
  });
});
