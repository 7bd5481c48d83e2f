import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, expectProblem, query, walk } from '../../../test/helpers.js';
import { newId } from '../shared/ids.js';

const PASSWORD = 'correct horse battery';
const inDays = (d: number, hour = 14) => {
  const t = new Date(Date.now() + d * 86_400_000);
  t.setUTCHours(hour, 0, 0, 0);
  return t.toISOString();
};

describe.each(DB_KINDS)('appointments API on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  let leadId: string;
  let contactId: string;
  const members: Record<string, { id: string; c: Client }> = {};

  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Olga');
    c = client(t, s);
    const lead = await c.post('/api/v1/leads', {
      firstName: 'Maya',
      lastName: 'Patel',
      email: `maya.${newId()}@example.com`,
      title: 'Kitchen remodel',
    });
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    leadId = lead.body.id;
    contactId = lead.body.contactId;
    for (const role of ['rep', 'viewer']) {
      const email = `${role}.${newId()}@example.com`;
      const m = await c.post('/api/v1/members', { email, name: `${role} person`, role, password: PASSWORD });
      expect(m.status, JSON.stringify(m.body)).toBe(201);
      const login = await t.call({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: PASSWORD },
      });
      const raw = login.headers['set-cookie'];
      const cookie = (Array.isArray(raw) ? raw : [String(raw)]).find((x: string) =>
        x.startsWith('lb_session='),
      )!;
      members[role] = { id: m.body.id, c: client(t, { auth: { cookie: cookie.split(';')[0]! } }) };
    }
    const def = await c.post('/api/v1/custom-fields', {
      entity: 'appointment',
      key: 'roof_type',
      label: 'Roof type',
      type: 'select',
      options: [
        { value: 'tile', label: 'Tile' },
        { value: 'metal', label: 'Metal' },
      ],
    });
    expect(def.status, JSON.stringify(def.body)).toBe(201);
    const sqft = await c.post('/api/v1/custom-fields', {
      entity: 'appointment',
      key: 'sqft',
      label: 'Square feet',
      type: 'number',
    });
    expect(sqft.status).toBe(201);
  });
  afterAll(() => t.close());

  const timeline = async (id = leadId) =>
    (await c.get(`/api/v1/leads/${id}/timeline?limit=50`)).body.data as any[];

  it('schedules an appointment on a lead: contact from the lead, assignee the caller, timeline and audit', async () => {
    const at = inDays(2);
    const r = await c.post(
      '/api/v1/appointments',
      {
        leadId,
        scheduledAt: at,
        durationMinutes: 90,
        location: '12 Elm St',
        title: 'Site visit',
        customFields: { roof_type: 'tile' },
      },
      { 'idempotency-key': `appt-${leadId}` },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.headers.etag).toBe('"1"');
    expect(r.body).toMatchObject({
      leadId,
      contactId,
      title: 'Site visit',
      scheduledAt: at,
      durationMinutes: 90,
      endsAt: new Date(Date.parse(at) + 90 * 60_000).toISOString(),
      location: '12 Elm St',
      assigneeId: s.userId,
      status: 'scheduled',
      result: null,
      rescheduleCount: 0,
      customFields: { roof_type: 'tile' },
    });
    // The same Idempotency-Key and body replays; no second appointment.
    const again = await c.post(
      '/api/v1/appointments',
      {
        leadId,
        scheduledAt: at,
        durationMinutes: 90,
        location: '12 Elm St',
        title: 'Site visit',
        customFields: { roof_type: 'tile' },
      },
      { 'idempotency-key': `appt-${leadId}` },
    );
    expect(again.body.id).toBe(r.body.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const entry = (await timeline()).find((a) => a.metadata.appointmentId === r.body.id);
    expect(entry).toMatchObject({
      type: 'system',
      leadId,
      contactId,
      subject: expect.stringMatching(/^Appointment scheduled: Site visit for .* 14:00 UTC$/),
      body: 'Location: 12 Elm St',
      metadata: { appointmentId: r.body.id, event: 'scheduled' },
    });
    // The contact's timeline shows it too.
    const ct = await c.get(`/api/v1/contacts/${contactId}/timeline`);
    expect(ct.body.data.some((a: any) => a.id === entry.id)).toBe(true);
    const audit = await c.get(`/api/v1/audit?entity=appointment&id=${r.body.id}`);
    expect(audit.body.data.map((e: any) => e.action)).toEqual(['create']);
    expect(audit.body.data[0].after).toMatchObject({ title: 'Site visit' });
  });

  it("defaults the assignee to the lead's owner and refuses a non-member", async () => {
    const owned = await c.post('/api/v1/leads', { lastName: 'Owned', ownerId: members.rep!.id });
    const r = await c.post('/api/v1/appointments', { leadId: owned.body.id, scheduledAt: inDays(3) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.assigneeId).toBe(members.rep!.id);
    expect(r.body.durationMinutes).toBe(60);
    expectProblem(
      await c.post('/api/v1/appointments', { leadId, scheduledAt: inDays(3), assigneeId: newId() }),
      422,
      [['assigneeId', 'is not a member of this workspace']],
    );
    expectProblem(await c.post('/api/v1/appointments', { leadId: newId(), scheduledAt: inDays(3) }), 404, [
      'leadId',
    ]);
    expectProblem(await c.post('/api/v1/appointments', { leadId, scheduledAt: 'tomorrow' }), 422, [
      'scheduledAt',
    ]);
    expectProblem(
      await c.post('/api/v1/appointments', { leadId, scheduledAt: inDays(1), durationMinutes: 0 }),
      422,
      [['durationMinutes', 'must be at least 5 minutes']],
    );
  });

  it('validates appointment custom fields by type: 422 customFields.<key>', async () => {
    const bad = await c.post('/api/v1/appointments', {
      leadId,
      scheduledAt: inDays(4),
      customFields: { roof_type: 'straw', sqft: 'big', nope: 1 },
    });
    expectProblem(bad, 422, ['customFields.roof_type', 'customFields.sqft', 'customFields.nope']);
    const [n] = await query<{ n: number }>(
      t,
      `select count(*)::int as n from appointments where lead_id = '${leadId}' and scheduled_at = '${inDays(4)}'`,
    );
    expect(Number(n!.n)).toBe(0);
  });

  it('reschedules (count, from → to on the timeline, If-Match) and records a held outcome with a quote', async () => {
    const first = inDays(5, 9);
    const a = await c.post('/api/v1/appointments', { leadId, scheduledAt: first, title: 'Estimate' });
    const id = a.body.id;
    const to = inDays(6, 10);
    expectProblem(
      await c.post(`/api/v1/appointments/${id}/reschedule`, { scheduledAt: to }, { 'if-match': '"7"' }),
      412,
    );
    const moved = await c.post(
      `/api/v1/appointments/${id}/reschedule`,
      { scheduledAt: to, reason: 'Customer travelling' },
      { 'if-match': '"1"' },
    );
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({
      scheduledAt: to,
      rescheduleCount: 1,
      status: 'scheduled',
      version: 2,
    });
    expect(moved.headers.etag).toBe('"2"');
    const entry = (await timeline()).find(
      (x) => x.metadata.appointmentId === id && x.metadata.event === 'rescheduled',
    );
    expect(entry).toMatchObject({
      type: 'system',
      body: 'Customer travelling',
      metadata: { from: first, to, reason: 'Customer travelling', rescheduleCount: 1 },
    });
    expect(entry.subject).toMatch(/09:00 UTC → .* 10:00 UTC$/);

    // Outcome checks: result for a held meeting, a future next contact for a follow-up, quote ≥ 0.
    expectProblem(await c.post(`/api/v1/appointments/${id}/outcome`, { status: 'completed' }), 422, [
      'result',
    ]);
    expectProblem(
      await c.post(`/api/v1/appointments/${id}/outcome`, { status: 'completed', result: 'follow_up' }),
      422,
      [['nextContactAt', 'is required for a follow-up']],
    );
    expectProblem(
      await c.post(`/api/v1/appointments/${id}/outcome`, {
        status: 'completed',
        result: 'follow_up',
        nextContactAt: inDays(-1),
      }),
      422,
      [['nextContactAt', 'must be in the future']],
    );
    expectProblem(
      await c.post(`/api/v1/appointments/${id}/outcome`, {
        status: 'completed',
        result: 'quoted',
        quoteValue: -5,
      }),
      422,
      ['quoteValue'],
    );
    expectProblem(
      await c.post(`/api/v1/appointments/${id}/outcome`, {
        status: 'completed',
        result: 'quoted',
        customFields: { sqft: 'lots' },
      }),
      422,
      ['customFields.sqft'],
    );
    const next = inDays(9);
    const done = await c.post(`/api/v1/appointments/${id}/outcome`, {
      status: 'completed',
      result: 'quoted',
      outcomeNotes: 'Walked the roof; wants tile',
      objections: 'Price vs. metal',
      quoteValue: '18250.50',
      nextContactAt: next,
      customFields: { sqft: 2400 },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({
      status: 'completed',
      result: 'quoted',
      quoteValue: '18250.50',
      nextContactAt: next,
      outcomeNotes: 'Walked the roof; wants tile',
      objections: 'Price vs. metal',
      customFields: { sqft: 2400 },
    });
    const meeting = (await timeline()).find((x) => x.metadata.appointmentId === id && x.type === 'meeting');
    expect(meeting).toMatchObject({
      subject: 'Appointment held: Estimate (quoted)',
      outcome: 'quoted',
      durationMinutes: 60,
      contactId,
      metadata: { event: 'completed', quoteValue: '18250.50', result: 'quoted' },
    });
    expect(meeting.body).toContain('Walked the roof; wants tile');
    expect(meeting.body).toContain('Objections: Price vs. metal');
    expect(meeting.body).toContain('Quote: $18,250.50');
    // The next contact date is a follow-up task for the assignee, due then, on the lead.
    const tasks = await c.get(`/api/v1/tasks?leadId=${leadId}`);
    const task = tasks.body.data.find((x: any) => x.id === meeting.metadata.followUpTaskId);
    expect(task).toMatchObject({
      title: 'Follow up: Estimate (quoted)',
      type: 'follow_up',
      status: 'pending',
      dueAt: next,
      remindAt: next,
      assigneeId: s.userId,
      leadId,
      contactId,
    });
    expect(task.description).toContain('Objections: Price vs. metal');
    // A held appointment is not moved and its outcome is recorded once.
    expectProblem(await c.post(`/api/v1/appointments/${id}/reschedule`, { scheduledAt: inDays(12) }), 409, [
      'status',
    ]);
    expectProblem(await c.post(`/api/v1/appointments/${id}/outcome`, { status: 'cancelled' }), 409, [
      'status',
    ]);
    // Notes can still be corrected.
    const fixed = await c.patch(`/api/v1/appointments/${id}`, { quoteValue: 18000 }, { 'if-match': '"3"' });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect(fixed.body.quoteValue).toBe('18000.00');
    const audit = await c.get(`/api/v1/audit?entity=appointment&id=${id}`);
    expect(audit.body.data.map((e: any) => e.action)).toEqual(['update', 'update', 'update', 'create']);
  });

  it('rebooks a no-show and refuses moving a cancelled appointment', async () => {
    const a = await c.post('/api/v1/appointments', { leadId, scheduledAt: inDays(1, 8) });
    const miss = await c.post(`/api/v1/appointments/${a.body.id}/outcome`, { status: 'no_show' });
    expect(miss.body.status).toBe('no_show');
    const e = (await timeline()).find(
      (x) => x.metadata.appointmentId === a.body.id && x.metadata.event === 'no_show',
    );
    expect(e).toMatchObject({ type: 'system', subject: 'Appointment missed (no-show)' });
    const again = await c.post(`/api/v1/appointments/${a.body.id}/reschedule`, { scheduledAt: inDays(2, 8) });
    expect(again.body).toMatchObject({ status: 'scheduled', rescheduleCount: 1 });
    const b = await c.post('/api/v1/appointments', { leadId, scheduledAt: inDays(1, 11) });
    await c.post(`/api/v1/appointments/${b.body.id}/outcome`, {
      status: 'cancelled',
      outcomeNotes: 'Went elsewhere',
    });
    expectProblem(
      await c.post(`/api/v1/appointments/${b.body.id}/reschedule`, { scheduledAt: inDays(3) }),
      409,
      [['status', 'is cancelled']],
    );
  });

  it('lists with filters: lead, assignee (me, none), status, time range, custom fields and sorts; paging', async () => {
    const other = await c.post('/api/v1/leads', { lastName: 'Filter' });
    const L = other.body.id;
    const mk = async (body: Record<string, unknown>) => {
      const r = await c.post('/api/v1/appointments', { leadId: L, ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    const a1 = await mk({ scheduledAt: inDays(1), customFields: { sqft: 900, roof_type: 'metal' } });
    const a2 = await mk({
      scheduledAt: inDays(2),
      assigneeId: members.rep!.id,
      customFields: { sqft: 3000 },
    });
    const a3 = await mk({ scheduledAt: inDays(3), assigneeId: null, customFields: { roof_type: 'tile' } });
    await c.post(`/api/v1/appointments/${a3}/outcome`, { status: 'cancelled' });
    const ids = async (qs: string, who: Client = c) => {
      const r = await who.get(`/api/v1/appointments?leadId=${L}&${qs}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.data.map((x: any) => x.id);
    };
    expect(await ids('')).toEqual([a1, a2, a3]);
    expect(await ids('sort=-scheduledAt')).toEqual([a3, a2, a1]);
    expect(await ids('assigneeId=me')).toEqual([a1]);
    expect(await ids('assigneeId=me', members.rep!.c)).toEqual([a2]);
    expect(await ids('assigneeId=none')).toEqual([a3]);
    expect(await ids(`assigneeId=${members.rep!.id},none`)).toEqual([a2, a3]);
    expect(await ids('status=scheduled')).toEqual([a1, a2]);
    expect(await ids(`scheduledAtFrom=${encodeURIComponent(inDays(2, 0))}`)).toEqual([a2, a3]);
    expect(await ids(`scheduledAtTo=${encodeURIComponent(inDays(2, 0))}`)).toEqual([a1]);
    expect(await ids('custom.sqft[gte]=1000')).toEqual([a2]);
    expect(await ids('custom.roof_type=tile')).toEqual([a3]);
    expect(await ids('sort=-custom.sqft')).toEqual([a2, a1, a3]);
    expect(await ids(`contactId=${other.body.contactId}`)).toEqual([a1, a2, a3]);
    expectProblem(await c.get('/api/v1/appointments?assigneeId=bob'), 422, ['assigneeId']);
    expectProblem(await c.get('/api/v1/appointments?custom.nope=1'), 422, ['custom.nope']);
    expectProblem(await c.get('/api/v1/appointments?status=late'), 400, ['status[0]']);
    const all = await walk(c, `/api/v1/appointments?leadId=${L}&sort=-custom.sqft`, 1);
    expect(all.map((x) => x.id)).toEqual([a2, a1, a3]);
  });

  it('creates in a batch (atomic: all or nothing, errors per record)', async () => {
    const bad = await c.post('/api/v1/appointments/batch', {
      records: [
        { leadId, scheduledAt: inDays(20) },
        { leadId, scheduledAt: inDays(21), customFields: { sqft: 'wide' } },
      ],
    });
    expectProblem(bad, 422, ['records[1].customFields.sqft']);
    const ok = await c.post('/api/v1/appointments/batch', {
      records: [
        { leadId, scheduledAt: inDays(20), title: 'B1' },
        { leadId, scheduledAt: inDays(21), title: 'B2' },
      ],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.created).toBe(2);
    const listed = await c.get(`/api/v1/appointments?leadId=${leadId}&q=B`);
    expect(listed.body.data.map((a: any) => a.title).filter((x: string) => /^B\d$/.test(x))).toEqual([
      'B1',
      'B2',
    ]);
    // No outcome with a next contact date: no follow-up task.
    const before = (await c.get(`/api/v1/tasks?leadId=${leadId}&limit=200`)).body.data.length;
    await c.post(`/api/v1/appointments/${ok.body.results[0].data.id}/outcome`, {
      status: 'completed',
      result: 'not_interested',
    });
    expect((await c.get(`/api/v1/tasks?leadId=${leadId}&limit=200`)).body.data.length).toBe(before);
  });

  it('soft deletes and restores; custom field archive and option removal see appointments', async () => {
    const a = await c.post('/api/v1/appointments', {
      leadId,
      scheduledAt: inDays(7),
      customFields: { roof_type: 'metal' },
    });
    const del = await c.del(`/api/v1/appointments/${a.body.id}`);
    expect(del.body.deletedAt).not.toBeNull();
    expect(
      (await c.get(`/api/v1/appointments?leadId=${leadId}`)).body.data.some((x: any) => x.id === a.body.id),
    ).toBe(false);
    expect((await c.get(`/api/v1/appointments?deleted=only`)).body.data.map((x: any) => x.id)).toEqual([
      a.body.id,
    ]);
    expect((await c.post(`/api/v1/appointments/${a.body.id}/restore`)).body.deletedAt).toBeNull();
    // The 'metal' option is still used by appointments: removing it is refused.
    const defs = (await c.get('/api/v1/custom-fields?entity=appointment')).body.data;
    const roof = defs.find((d: any) => d.key === 'roof_type');
    expectProblem(
      await c.patch(`/api/v1/custom-fields/${roof.id}`, { options: [{ value: 'tile', label: 'Tile' }] }),
      409,
      [['options', /"metal" is used by \d+ appointment/]],
    );
    // A built-in appointment field name is not a custom key.
    expectProblem(
      await c.post('/api/v1/custom-fields', {
        entity: 'appointment',
        key: 'quote_value',
        label: 'Q',
        type: 'money',
      }),
      422,
      ['key'],
    );
    // An archived field is refused on writes.
    const sqft = defs.find((d: any) => d.key === 'sqft');
    await c.del(`/api/v1/custom-fields/${sqft.id}`);
    expectProblem(await c.patch(`/api/v1/appointments/${a.body.id}`, { customFields: { sqft: 5 } }), 422, [
      ['customFields.sqft', 'is archived; restore the field to set it'],
    ]);
    await c.post(`/api/v1/custom-fields/${sqft.id}/restore`);
  });

  it("answers 404 for another workspace's appointment and lead", async () => {
    const a = await c.post('/api/v1/appointments', { leadId, scheduledAt: inDays(8) });
    const other = client(t, await t.signup('Zed'));
    expectProblem(await other.get(`/api/v1/appointments/${a.body.id}`), 404);
    expectProblem(await other.patch(`/api/v1/appointments/${a.body.id}`, { title: 'x' }), 404);
    expectProblem(
      await other.post(`/api/v1/appointments/${a.body.id}/reschedule`, { scheduledAt: inDays(9) }),
      404,
    );
    expectProblem(await other.post(`/api/v1/appointments/${a.body.id}/outcome`, { status: 'no_show' }), 404);
    expectProblem(await other.del(`/api/v1/appointments/${a.body.id}`), 404);
    expectProblem(await other.post('/api/v1/appointments', { leadId, scheduledAt: inDays(8) }), 404, [
      'leadId',
    ]);
    expect((await other.get('/api/v1/appointments')).body.data).toEqual([]);
  });

  it('lets a rep schedule and record outcomes and a viewer only read', async () => {
    const rep = members.rep!.c;
    const viewer = members.viewer!.c;
    const r = await rep.post('/api/v1/appointments', { leadId, scheduledAt: inDays(10) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.createdBy).toBe(members.rep!.id);
    expect(
      (await rep.post(`/api/v1/appointments/${r.body.id}/reschedule`, { scheduledAt: inDays(11) })).status,
    ).toBe(200);
    expect((await viewer.get(`/api/v1/appointments/${r.body.id}`)).status).toBe(200);
    expect((await viewer.get(`/api/v1/appointments?leadId=${leadId}`)).status).toBe(200);
    expectProblem(await viewer.post('/api/v1/appointments', { leadId, scheduledAt: inDays(10) }), 403);
    expectProblem(await viewer.patch(`/api/v1/appointments/${r.body.id}`, { title: 'x' }), 403);
    expectProblem(
      await viewer.post(`/api/v1/appointments/${r.body.id}/reschedule`, { scheduledAt: inDays(12) }),
      403,
    );
    expectProblem(await viewer.post(`/api/v1/appointments/${r.body.id}/outcome`, { status: 'no_show' }), 403);
    expectProblem(await viewer.del(`/api/v1/appointments/${r.body.id}`), 403);
    const held = await rep.post(`/api/v1/appointments/${r.body.id}/outcome`, {
      status: 'completed',
      result: 'sold',
      quoteValue: 9000,
    });
    expect(held.body).toMatchObject({ status: 'completed', result: 'sold', quoteValue: '9000.00' });
  });

  it('moves appointments with their lead and contact on a merge', async () => {
    const email = `dup.${newId()}@example.com`;
    const a = await c.post('/api/v1/leads', { lastName: 'Dup', email });
    const b = await c.post('/api/v1/leads', { lastName: 'Dup', phone: '+14155550199' });
    const ap = await c.post('/api/v1/appointments', { leadId: b.body.id, scheduledAt: inDays(4) });
    const m = await c.post('/api/v1/leads/merge', { survivorId: a.body.id, mergedIds: [b.body.id] });
    expect(m.status, JSON.stringify(m.body)).toBe(201);
    expect(m.body.moves.appointments).toBe(1);
    const moved = await c.get(`/api/v1/appointments/${ap.body.id}`);
    expect(moved.body.leadId).toBe(a.body.id);
  });
});
