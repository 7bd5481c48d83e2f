import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, expectProblem, query, walk } from '../../../test/helpers.js';
import { sweepReminders } from '../notifications/reminders.js';
import { newId } from '../shared/ids.js';

const H = 3600_000;
const PASSWORD = 'correct horse battery';

/** [start, end) of today in a fixed-offset zone (no DST): local midnight as a UTC instant. */
function dayOf(offsetHours: number, now = Date.now()) {
  const local = new Date(now + offsetHours * H);
  const start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - offsetHours * H;
  return { start, end: start + 24 * H };
}

describe.each(DB_KINDS)('tasks on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  let rep: Client;
  let repId: string;
  let leadId: string;
  let contactId: string;
  beforeAll(async () => {
    t = await testApp(kind);
    s = await t.signup('Tasker');
    c = client(t, s);
    const email = `rep.${newId()}@example.com`;
    const m = await c.post('/api/v1/members', { email, name: 'Rita Rep', role: 'rep', password: PASSWORD });
    repId = m.body.id;
    const login = await t.call({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: PASSWORD },
    });
    rep = client(t, { auth: { cookie: String(login.headers['set-cookie']).split(';')[0]! } });
    const lead = await c.post('/api/v1/leads', { firstName: 'Tess', lastName: 'Tasks', title: 'Roof' });
    leadId = lead.body.id;
    contactId = lead.body.contactId;
  });
  afterAll(async () => {
    await t?.close();
  });
  const ids = (r: { body: { data: { id: string }[] } }) => r.body.data.map((x) => x.id);

  it('creates a task on a lead: its contact filled in, the creator assigned, ETag, audit, idempotent', async () => {
    const body = { title: 'Call back about the roof', leadId, type: 'call', priority: 'high' };
    const r = await c.post('/api/v1/tasks', body, { 'idempotency-key': 'task-1' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      title: 'Call back about the roof',
      leadId,
      contactId,
      contactName: 'Tess Tasks',
      assigneeId: s.userId,
      status: 'pending',
      type: 'call',
      priority: 'high',
      overdue: false,
      completedAt: null,
    });
    expect(r.headers.etag).toBe('"1"');
    const again = await c.post('/api/v1/tasks', body, { 'idempotency-key': 'task-1' });
    expect(again.body.id).toBe(r.body.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const audit = await c.get(`/api/v1/audit?entity=task&id=${r.body.id}`);
    expect(audit.body.data.map((a: { action: string }) => a.action)).toEqual(['create']);
    // PATCH with a stale ETag is refused; with the current one it applies.
    const p = await c.patch(`/api/v1/tasks/${r.body.id}`, { priority: 'urgent' }, { 'if-match': '"1"' });
    expect(p.status).toBe(200);
    expect(p.body.priority).toBe('urgent');
    expectProblem(
      await c.patch(`/api/v1/tasks/${r.body.id}`, { priority: 'low' }, { 'if-match': '"1"' }),
      412,
    );
    // Soft delete and restore.
    expect((await c.del(`/api/v1/tasks/${r.body.id}`)).body.deletedAt).not.toBeNull();
    expect(ids(await c.get(`/api/v1/tasks?leadId=${leadId}`))).not.toContain(r.body.id);
    expect((await c.post(`/api/v1/tasks/${r.body.id}/restore`)).body.deletedAt).toBeNull();
    expect(ids(await c.get(`/api/v1/tasks?leadId=${leadId}`))).toContain(r.body.id);
  });

  it('names the fields of bad input', async () => {
    expectProblem(await c.post('/api/v1/tasks', { leadId }), 422, ['title']);
    expectProblem(await c.post('/api/v1/tasks', { title: 'x', priority: 'asap', type: 'lunch' }), 422, [
      'priority',
      'type',
    ]);
    expectProblem(await c.post('/api/v1/tasks', { title: 'x', dueAt: 'tomorrow' }), 422, ['dueAt']);
    expectProblem(await c.post('/api/v1/tasks', { title: 'x', assigneeId: newId() }), 422, ['assigneeId']);
    expectProblem(await c.post('/api/v1/tasks', { title: 'x', leadId: newId() }), 404, ['leadId']);
    expectProblem(await c.post('/api/v1/tasks', { title: 'x', completedAt: new Date().toISOString() }), 422, [
      'completedAt',
    ]);
    expectProblem(await c.get('/api/v1/tasks?view=soon'), 400, ['view[0]']);
    expectProblem(await c.get('/api/v1/tasks?view=today&tz=Mars/Olympus'), 400, ['tz']);
    expectProblem(await c.get('/api/v1/tasks?assigneeId=bob'), 400, ['assigneeId']);
  });

  it('lets a viewer read tasks but not change them', async () => {
    const email = `viewer.${newId()}@example.com`;
    await c.post('/api/v1/members', { email, name: 'Vic Viewer', role: 'viewer', password: PASSWORD });
    const login = await t.call({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: PASSWORD },
    });
    const viewer = client(t, { auth: { cookie: String(login.headers['set-cookie']).split(';')[0]! } });
    const task = await c.post('/api/v1/tasks', { title: 'Read only', leadId });
    expect((await viewer.get(`/api/v1/tasks/${task.body.id}`)).status).toBe(200);
    expectProblem(await viewer.post('/api/v1/tasks', { title: 'Nope' }), 403);
    expectProblem(await viewer.post(`/api/v1/tasks/${task.body.id}/complete`), 403);
    expect((await c.get(`/api/v1/tasks/${task.body.id}`)).body.status).toBe('pending');
  });

  it('answers 404 for another workspace’s task and lead', async () => {
    const other = client(t, await t.signup('Other'));
    const mine = await c.post('/api/v1/tasks', { title: 'Private', leadId });
    expectProblem(await other.get(`/api/v1/tasks/${mine.body.id}`), 404);
    expectProblem(await other.patch(`/api/v1/tasks/${mine.body.id}`, { title: 'x' }), 404);
    expectProblem(await other.post(`/api/v1/tasks/${mine.body.id}/complete`), 404);
    expectProblem(await other.post('/api/v1/tasks', { title: 'x', leadId }), 404, ['leadId']);
    expect(ids(await other.get('/api/v1/tasks'))).not.toContain(mine.body.id);
  });

  it('lists my / overdue / today (in a time zone) / upcoming', async () => {
    const now = Date.now();
    const kiri = dayOf(14, now); // Pacific/Kiritimati, UTC+14 all year
    const utc = dayOf(0, now);
    const mk = async (title: string, dueAt: number | null, extra: Record<string, unknown> = {}) =>
      (
        await c.post('/api/v1/tasks', {
          title,
          dueAt: dueAt === null ? null : new Date(dueAt).toISOString(),
          ...extra,
        })
      ).body.id as string;
    const overdue = await mk('Overdue', now - 50 * H);
    const kiriToday = await mk('Kiritimati today', kiri.start + 60_000);
    const kiriYesterday = await mk('Kiritimati yesterday', kiri.start - 60_000);
    const utcLater = await mk('UTC today, later', Math.min(now + 60_000, utc.end - 1));
    const nextWeek = await mk('Next week', now + 7 * 24 * H);
    const done = await mk('Done already', now - 50 * H, { status: 'completed' });
    const repTask = await mk('For the rep', now - 50 * H, { assigneeId: repId });

    const my = ids(await c.get('/api/v1/tasks?view=my&limit=200'));
    expect(my).toEqual(expect.arrayContaining([overdue, kiriToday, nextWeek]));
    expect(my).not.toContain(done);
    expect(my).not.toContain(repTask);
    expect(ids(await rep.get('/api/v1/tasks?view=my'))).toEqual([repTask]);
    expect(ids(await c.get('/api/v1/tasks?assigneeId=me&limit=200'))).toContain(done);

    const od = ids(await c.get('/api/v1/tasks?view=overdue&limit=200'));
    expect(od).toEqual(expect.arrayContaining([overdue, repTask]));
    expect(od).not.toContain(done);
    expect(od).not.toContain(nextWeek);
    expect((await c.get(`/api/v1/tasks/${overdue}`)).body.overdue).toBe(true);

    const today = ids(await c.get('/api/v1/tasks?view=today&tz=Pacific/Kiritimati&limit=200'));
    expect(today).toContain(kiriToday);
    expect(today).not.toContain(kiriYesterday);
    expect(today).not.toContain(nextWeek);
    const todayUtc = ids(await c.get('/api/v1/tasks?view=today&limit=200'));
    expect(todayUtc).toContain(utcLater);
    for (const [id, at] of [
      [kiriToday, kiri.start + 60_000],
      [kiriYesterday, kiri.start - 60_000],
    ] as const)
      expect(todayUtc.includes(id)).toBe(at >= utc.start && at < utc.end);

    const upcoming = ids(await c.get('/api/v1/tasks?view=upcoming&tz=Pacific/Kiritimati&limit=200'));
    expect(upcoming).toContain(nextWeek);
    expect(upcoming).not.toContain(overdue);
    expect(upcoming).not.toContain(kiriToday);

    // Soonest due first; filters combine.
    const dues = (await c.get('/api/v1/tasks?view=my&limit=200')).body.data.map(
      (x: { dueAt: string | null }) => x.dueAt ?? '9999',
    );
    expect(dues).toEqual([...dues].sort());
    // Cursor pages (undated tasks last) cover every task exactly once, in order.
    const full = ids(await c.get('/api/v1/tasks?limit=200'));
    expect((await walk(c, '/api/v1/tasks', 3)).map((x) => x.id)).toEqual(full);
    expect((await walk(c, '/api/v1/tasks?sort=-dueAt', 4)).map((x) => x.id)).toHaveLength(full.length);
    const counts = await c.get('/api/v1/tasks/counts?tz=Pacific/Kiritimati');
    expect(counts.status).toBe(200);
    expect(counts.body.total).toBeGreaterThanOrEqual(2);
  });

  it('complete writes "Completed: <title>" on the lead in the same transaction; reopen undoes it', async () => {
    const task = await c.post('/api/v1/tasks', { title: 'Send the quote', leadId, type: 'email' });
    const done = await c.post(`/api/v1/tasks/${task.body.id}/complete`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', completedBy: s.userId });
    expect(done.body.completedAt).not.toBeNull();
    const tl = await c.get(`/api/v1/leads/${leadId}/timeline?type=task`);
    expect(tl.body.data.map((a: { subject: string }) => a.subject)).toContain('Completed: Send the quote');
    const contactTl = await c.get(`/api/v1/contacts/${contactId}/timeline?type=task`);
    expect(contactTl.body.data.map((a: { subject: string }) => a.subject)).toContain(
      'Completed: Send the quote',
    );
    // Completing again changes nothing (no second entry).
    await c.post(`/api/v1/tasks/${task.body.id}/complete`);
    const [n] = await query<{ n: number }>(
      t,
      `select count(*)::int n from activities where metadata->>'taskId' = '${task.body.id}' and deleted_at is null`,
    );
    expect(Number(n!.n)).toBe(1);
    // Reopen: pending again, and the completion leaves the timeline.
    const re = await c.post(`/api/v1/tasks/${task.body.id}/reopen`);
    expect(re.body).toMatchObject({ status: 'pending', completedAt: null, completedBy: null });
    const tl2 = await c.get(`/api/v1/leads/${leadId}/timeline?type=task`);
    expect(tl2.body.data.map((a: { subject: string }) => a.subject)).not.toContain(
      'Completed: Send the quote',
    );
    const audit = await c.get(`/api/v1/audit?entity=task&id=${task.body.id}`);
    expect(audit.body.data.map((a: { action: string }) => a.action).sort()).toEqual([
      'complete',
      'create',
      'reopen',
    ]);

    // When writing the activity fails, the task is not completed either.
    await t.handle.exec(`
      create or replace function h4_refuse() returns trigger language plpgsql as $$
      begin if new.subject like 'Completed: boom%' then raise exception 'refused'; end if; return new; end $$;
      create trigger h4_refuse before insert on activities for each row execute function h4_refuse();`);
    try {
      const boom = await c.post('/api/v1/tasks', { title: 'boom', leadId });
      const r = await c.post(`/api/v1/tasks/${boom.body.id}/complete`);
      expect(r.status).toBe(500);
      expect((await c.get(`/api/v1/tasks/${boom.body.id}`)).body).toMatchObject({
        status: 'pending',
        completedAt: null,
      });
    } finally {
      await t.handle.exec('drop trigger h4_refuse on activities; drop function h4_refuse();');
    }
  });

  it('notifies an assignee of a task someone else gave them; reminders are sent exactly once', async () => {
    const given = await c.post('/api/v1/tasks', { title: 'Visit the site', assigneeId: repId, leadId });
    let inbox = await rep.get('/api/v1/notifications?unread=true');
    expect(inbox.status).toBe(200);
    expect(inbox.body.data).toContainEqual(
      expect.objectContaining({ type: 'task_assigned', entity: 'task', entityId: given.body.id }),
    );
    // Own tasks do not notify the creator.
    expect(
      (await c.get('/api/v1/notifications')).body.data.filter(
        (x: { type: string }) => x.type === 'task_assigned',
      ),
    ).toEqual([]);

    const past = new Date(Date.now() - 60_000).toISOString();
    const due = [];
    for (let i = 0; i < 6; i++)
      due.push(
        (
          await c.post('/api/v1/tasks', {
            title: `Remind ${i}`,
            remindAt: past,
            assigneeId: i % 2 ? repId : s.userId,
          })
        ).body.id,
      );
    const future = await c.post('/api/v1/tasks', {
      title: 'Later',
      remindAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const [a, b] = await Promise.all([sweepReminders(t.handle.db), sweepReminders(t.handle.db)]);
    expect(a + b).toBeGreaterThanOrEqual(6);
    expect(await sweepReminders(t.handle.db)).toBe(0);
    const rows = await query<{ entity_id: string; n: number }>(
      t,
      `select entity_id, count(*)::int n from notifications where type = 'task_reminder' group by entity_id`,
    );
    const byTask = new Map(rows.map((r) => [r.entity_id, Number(r.n)]));
    for (const id of due) expect(byTask.get(id)).toBe(1);
    expect(byTask.has(future.body.id)).toBe(false);
    inbox = await rep.get('/api/v1/notifications?unread=true');
    expect(inbox.body.data.filter((x: { type: string }) => x.type === 'task_reminder')).toHaveLength(3);
    // 3 reminders and 5 assignments (this test's 4, and one from the views test).
    expect(inbox.body.data.filter((x: { type: string }) => x.type === 'task_assigned')).toHaveLength(5);
    expect(inbox.body.unreadCount).toBe(8);
    // Moving the reminder re-arms it.
    await c.patch(`/api/v1/tasks/${due[0]}`, { remindAt: new Date(Date.now() - 1000).toISOString() });
    expect(await sweepReminders(t.handle.db)).toBe(1);

    // Read one, then all; someone else's notification is a 404.
    const first = inbox.body.data[0];
    expectProblem(await c.post(`/api/v1/notifications/${first.id}/read`), 404);
    const read = await rep.post(`/api/v1/notifications/${first.id}/read`);
    expect(read.body.readAt).not.toBeNull();
    expect((await rep.get('/api/v1/notifications/unread-count')).body.unreadCount).toBe(7);
    expect((await rep.post('/api/v1/notifications/read-all')).body.updated).toBe(7);
    expect((await rep.get('/api/v1/notifications?unread=true')).body.data).toEqual([]);
    const all = await rep.get('/api/v1/notifications?limit=5');
    expect(all.body.data).toHaveLength(5);
    const rest = await rep.get(`/api/v1/notifications?limit=5&cursor=${all.body.nextCursor}`);
    expect(rest.body.data).toHaveLength(3);
    expect(rest.body.nextCursor).toBeNull();
  });
});
