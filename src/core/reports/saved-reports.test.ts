import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { newId } from '../shared/ids.js';

/**
 * Saved reports and dashboards over the API: who sees and changes what (owner, shared, manager, rep,
 * viewer, another workspace), parameters checked per kind, ETags, audit entries, and each user's
 * dashboard (order, widths, visibility, deleted reports dropping off).
 */

const PASSWORD = 'correct horse battery';
type Json = any;
type Caller = {
  id: string;
  send(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Json; headers: Json }>;
};

describe.each(DB_KINDS)('saved reports and dashboards on %s', (kind) => {
  let t: TestApp;
  let owner: Session;
  let outsider: Session;
  const as: Record<'owner' | 'manager' | 'rep' | 'rep2' | 'viewer' | 'outsider', Caller> = {} as never;
  let pipelineId: string;

  const caller = (id: string, headers: Record<string, string>): Caller => ({
    id,
    send: (method, url, body, extra = {}) =>
      t.call({
        method,
        url,
        headers: { ...headers, ...extra },
        ...(body === undefined ? {} : { payload: body as object }),
      }),
  });
  const builder = {
    entity: 'leads',
    groupBy: ['source', 'createdAt:month'],
    measures: ['count', 'sum:dealValue'],
  };
  const save = async (who: Caller, body: Record<string, unknown>) => {
    const r = await who.send('POST', '/api/v1/reports/saved', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as Json;
  };

  beforeAll(async () => {
    t = await testApp(kind);
    owner = await t.signup('Olga');
    as.owner = caller(owner.userId, owner.auth);
    for (const role of ['manager', 'rep', 'rep2', 'viewer'] as const) {
      const email = `${role}.${newId()}@example.com`;
      const m = await as.owner.send('POST', '/api/v1/members', {
        email,
        name: `${role} person`,
        role: role === 'rep2' ? 'rep' : role,
        password: PASSWORD,
      });
      expect(m.status, JSON.stringify(m.body)).toBe(201);
      const login = await t.call({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: PASSWORD },
      });
      expect(login.status).toBe(200);
      const raw = login.headers['set-cookie'];
      const cookie = (Array.isArray(raw) ? raw : [String(raw)]).find((x: string) =>
        x.startsWith('lb_session='),
      )!;
      as[role] = caller(m.body.id, { cookie: cookie.split(';')[0]! });
    }
    outsider = await t.signup('Xena');
    as.outsider = caller(outsider.userId, outsider.auth);
    const p = await as.owner.send('GET', '/api/v1/pipelines');
    pipelineId = p.body.data[0].id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates, reads, renames and deletes a saved report with ETags and audit entries', async () => {
    const r = await as.rep.send('POST', '/api/v1/reports/saved', {
      name: 'Sources by month',
      kind: 'builder',
      params: builder,
      chart: 'line',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.headers.location).toBe(`/api/v1/reports/saved/${r.body.id}`);
    expect(r.headers.etag).toBe('"1"');
    expect(r.body).toMatchObject({
      name: 'Sources by month',
      kind: 'builder',
      params: builder,
      chart: 'line',
      shared: false,
      ownerId: as.rep.id,
      ownerName: 'rep person',
      canEdit: true,
      version: 1,
    });
    const id = r.body.id as string;
    expect((await as.rep.send('GET', `/api/v1/reports/saved/${id}`)).body).toEqual(r.body);
    const stale = await as.rep.send(
      'PATCH',
      `/api/v1/reports/saved/${id}`,
      { name: 'x' },
      { 'if-match': '"7"' },
    );
    expect(stale.status).toBe(412);
    const renamed = await as.rep.send(
      'PATCH',
      `/api/v1/reports/saved/${id}`,
      { name: 'Monthly sources', chart: 'area' },
      { 'if-match': r.headers.etag },
    );
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.headers.etag).toBe('"2"');
    expect(renamed.body).toMatchObject({ name: 'Monthly sources', chart: 'area', version: 2 });
    const del = await as.rep.send('DELETE', `/api/v1/reports/saved/${id}`, undefined, { 'if-match': '"2"' });
    expect(del.status).toBe(200);
    expect(del.body.deletedAt).not.toBeNull();
    expect((await as.rep.send('GET', `/api/v1/reports/saved/${id}`)).status).toBe(404);
    const audit = await as.owner.send('GET', `/api/v1/audit?entity=saved_report&id=${id}`);
    expect(audit.body.data.map((a: Json) => [a.action, a.actorUserId])).toEqual([
      ['delete', as.rep.id],
      ['update', as.rep.id],
      ['create', as.rep.id],
    ]);
    expect(audit.body.data[1].before.name).toBe('Sources by month');
    expect(audit.body.data[1].after.name).toBe('Monthly sources');
  });

  it('shows your own and shared reports; others’ private ones are 404, other workspaces’ too', async () => {
    const mine = await save(as.rep, { name: 'Rep private', kind: 'funnel', params: { pipelineId } });
    const shared = await save(as.rep, {
      name: 'Rep shared',
      kind: 'team',
      params: { from: '2025-01-01' },
      shared: true,
    });
    const names = async (who: Caller) =>
      ((await who.send('GET', '/api/v1/reports/saved')).body.data as Json[]).map((x) => x.name);
    expect(await names(as.rep)).toEqual(expect.arrayContaining(['Rep private', 'Rep shared']));
    for (const who of [as.rep2, as.viewer, as.manager, as.owner]) {
      expect(await names(who)).toContain('Rep shared');
      expect(await names(who)).not.toContain('Rep private');
      expect((await who.send('GET', `/api/v1/reports/saved/${mine.id}`)).status).toBe(404);
      expect((await who.send('PATCH', `/api/v1/reports/saved/${mine.id}`, { name: 'x' })).status).toBe(404);
      expect((await who.send('DELETE', `/api/v1/reports/saved/${mine.id}`)).status).toBe(404);
      expect((await who.send('GET', `/api/v1/reports/saved/${shared.id}`)).status).toBe(200);
    }
    expect(await names(as.outsider)).toEqual([]);
    for (const id of [mine.id, shared.id]) {
      expect((await as.outsider.send('GET', `/api/v1/reports/saved/${id}`)).status).toBe(404);
      expect((await as.outsider.send('PATCH', `/api/v1/reports/saved/${id}`, { name: 'x' })).status).toBe(
        404,
      );
      expect((await as.outsider.send('DELETE', `/api/v1/reports/saved/${id}`)).status).toBe(404);
    }
    const kinds = await as.rep.send('GET', '/api/v1/reports/saved?kind=team&limit=200');
    expect(kinds.body.data.map((x: Json) => x.name)).toEqual(['Rep shared']);
  });

  it('only the owner or a manager and above changes or deletes a shared report', async () => {
    const shared = await save(as.rep, { name: 'Team view', kind: 'team', params: {}, shared: true });
    for (const who of [as.rep2, as.viewer]) {
      const got = await who.send('GET', `/api/v1/reports/saved/${shared.id}`);
      expect(got.body.canEdit).toBe(false);
      expect(
        (await who.send('PATCH', `/api/v1/reports/saved/${shared.id}`, { name: 'Mine now' })).status,
      ).toBe(403);
      expect((await who.send('DELETE', `/api/v1/reports/saved/${shared.id}`)).status).toBe(403);
    }
    const byManager = await as.manager.send('PATCH', `/api/v1/reports/saved/${shared.id}`, {
      name: 'Team view (Q3)',
    });
    expect(byManager.status, JSON.stringify(byManager.body)).toBe(200);
    expect(byManager.body).toMatchObject({ name: 'Team view (Q3)', ownerId: as.rep.id, canEdit: true });
    // Unshared by its owner, it is private again: the manager no longer sees it.
    const unshare = await as.rep.send('PATCH', `/api/v1/reports/saved/${shared.id}`, { shared: false });
    expect(unshare.status).toBe(200);
    expect((await as.manager.send('GET', `/api/v1/reports/saved/${shared.id}`)).status).toBe(404);
    await as.rep.send('PATCH', `/api/v1/reports/saved/${shared.id}`, { shared: true });
    expect((await as.owner.send('DELETE', `/api/v1/reports/saved/${shared.id}`)).status).toBe(200);
    expect((await as.rep.send('GET', `/api/v1/reports/saved/${shared.id}`)).status).toBe(404);
  });

  it('checks parameters per kind, naming each bad one', async () => {
    const bad = async (body: Record<string, unknown>) => {
      const r = await as.rep.send('POST', '/api/v1/reports/saved', { name: 'Bad', ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      return r.body.errors as { field: string; reason: string }[];
    };
    expect(
      await bad({
        kind: 'builder',
        params: { ...builder, groupBy: ['nope', 'source:month'], measures: ['sum:source'] },
      }),
    ).toEqual([
      { field: 'params.groupBy.0.field', reason: 'nope is not a known lead field' },
      { field: 'params.groupBy.1.bucket', reason: expect.stringMatching(/only dates and timestamps/) },
      { field: 'params.measures.0.field', reason: expect.stringMatching(/sum needs a number field/) },
    ]);
    expect(await bad({ kind: 'builder', params: { groupBy: ['source'] } })).toEqual([
      { field: 'params.entity', reason: expect.any(String) },
    ]);
    expect(
      await bad({
        kind: 'builder',
        params: { entity: 'leads', conditions: { field: 'score', op: 'gte', value: 'x' } },
      }),
    ).toEqual([{ field: 'params.conditions.value', reason: expect.stringMatching(/must be a number/) }]);
    expect(await bad({ kind: 'funnel', params: { from: 'yesterday', color: 'red' } })).toEqual(
      expect.arrayContaining([
        { field: 'params.from', reason: 'must be a date (YYYY-MM-DD)' },
        { field: 'params.color', reason: 'is not a parameter of the funnel report' },
      ]),
    );
    expect(await bad({ kind: 'activity', params: { interval: 'hour', types: 'call,fax' } })).toEqual(
      expect.arrayContaining([
        { field: 'params.interval', reason: expect.any(String) },
        { field: 'params.types.1', reason: expect.stringMatching(/must be one of call/) },
      ]),
    );
    const [otherPipeline] = (await as.outsider.send('GET', '/api/v1/pipelines')).body.data;
    expect(
      await bad({
        kind: 'health',
        params: { pipelineId: otherPipeline.id, from: '2025-02-01', to: '2025-01-01' },
      }),
    ).toEqual([
      { field: 'params.pipelineId', reason: expect.stringMatching(/was not found in this workspace/) },
      { field: 'params.to', reason: expect.stringMatching(/is before from/) },
    ]);
    // A preset range is kept as the preset (it means its days on the day the report is opened).
    expect(await bad({ kind: 'sources', params: { range: 'last45' } })).toEqual([
      { field: 'params.range', reason: expect.stringMatching(/must be one of last7, last30/) },
    ]);
    const preset = await save(as.rep, {
      name: 'Recent sources',
      kind: 'sources',
      params: { range: 'last30' },
    });
    expect(preset.params).toEqual({ range: 'last30' });
    const r = await as.rep.send('POST', '/api/v1/reports/saved', { name: '', kind: 'sales', chart: 'radar' });
    expect(r.status).toBe(422);
    const ok = await save(as.rep, {
      name: 'Activity',
      kind: 'activity',
      params: { interval: 'week', types: 'call,email' },
    });
    const changeKind = await as.rep.send('PATCH', `/api/v1/reports/saved/${ok.id}`, { kind: 'funnel' });
    expect(changeKind.status).toBe(422);
    expect(changeKind.body.errors.map((e: Json) => e.field).sort()).toEqual([
      'params.interval',
      'params.types',
    ]);
  });

  it('keeps a dashboard per user: order and widths round trip; only visible reports; deleted ones drop off', async () => {
    const a = await save(as.rep, { name: 'A', kind: 'sources', params: {} });
    const b = await save(as.rep, { name: 'B', kind: 'builder', params: builder, shared: true });
    const c = await save(as.manager, { name: 'C', kind: 'forecast', params: {}, shared: true });
    const hidden = await save(as.manager, { name: 'Hidden', kind: 'forecast', params: {} });
    expect((await as.rep.send('GET', '/api/v1/reports/dashboard')).body).toEqual({ items: [] });
    const put = await as.rep.send('PUT', '/api/v1/reports/dashboard', {
      items: [{ savedReportId: c.id, width: 12 }, { savedReportId: a.id, width: 4 }, { savedReportId: b.id }],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const got = await as.rep.send('GET', '/api/v1/reports/dashboard');
    expect(got.body).toEqual(put.body);
    expect(got.body.items.map((i: Json) => [i.savedReportId, i.position, i.width, i.report.name])).toEqual([
      [c.id, 0, 12, 'C'],
      [a.id, 1, 4, 'A'],
      [b.id, 2, 6, 'B'],
    ]);
    // Reordered and shrunk: replaced, not merged.
    const again = await as.rep.send('PUT', '/api/v1/reports/dashboard', {
      items: [
        { savedReportId: b.id, width: 3 },
        { savedReportId: c.id, width: 6 },
      ],
    });
    expect(again.body.items.map((i: Json) => [i.report.name, i.position, i.width])).toEqual([
      ['B', 0, 3],
      ['C', 1, 6],
    ]);
    // Each user has their own.
    expect((await as.rep2.send('GET', '/api/v1/reports/dashboard')).body).toEqual({ items: [] });
    const refused = await as.rep2.send('PUT', '/api/v1/reports/dashboard', {
      items: [
        { savedReportId: b.id, width: 6 },
        { savedReportId: a.id, width: 6 },
        { savedReportId: hidden.id, width: 6 },
        { savedReportId: b.id, width: 6 },
        { savedReportId: newId(), width: 6 },
      ],
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { field: 'items.1.savedReportId', reason: 'is not a saved report you can see' },
      { field: 'items.2.savedReportId', reason: 'is not a saved report you can see' },
      { field: 'items.3.savedReportId', reason: 'is listed twice' },
      { field: 'items.4.savedReportId', reason: 'is not a saved report you can see' },
    ]);
    const width = await as.rep2.send('PUT', '/api/v1/reports/dashboard', {
      items: [{ savedReportId: b.id, width: 2 }],
    });
    expect(width.status).toBe(422);
    expect(
      (await as.outsider.send('PUT', '/api/v1/reports/dashboard', { items: [{ savedReportId: b.id }] }))
        .status,
    ).toBe(422);
    await as.rep2.send('PUT', '/api/v1/reports/dashboard', { items: [{ savedReportId: c.id, width: 6 }] });
    // A deleted report leaves every dashboard; an unshared one leaves the others'.
    expect((await as.manager.send('DELETE', `/api/v1/reports/saved/${c.id}`)).status).toBe(200);
    expect(
      (await as.rep.send('GET', '/api/v1/reports/dashboard')).body.items.map((i: Json) => [
        i.report.name,
        i.position,
      ]),
    ).toEqual([['B', 0]]);
    expect((await as.rep2.send('GET', '/api/v1/reports/dashboard')).body).toEqual({ items: [] });
    await as.rep2.send('PUT', '/api/v1/reports/dashboard', { items: [{ savedReportId: b.id, width: 6 }] });
    await as.rep.send('PATCH', `/api/v1/reports/saved/${b.id}`, { shared: false });
    expect((await as.rep2.send('GET', '/api/v1/reports/dashboard')).body).toEqual({ items: [] });
    expect((await as.rep.send('GET', '/api/v1/reports/dashboard')).body.items).toHaveLength(1);
  });
});
