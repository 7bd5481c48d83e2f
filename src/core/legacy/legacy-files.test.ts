import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, testDatabase } from '../../../test/db.js';
import { signup, workspaceSettings } from '../auth/auth.service.js';
import type { DatabaseHandle } from '../db/client.js';
import { type Ctx, systemCtx } from '../shared/context.js';
import { checkMigration, rollbackMigration, runMigration } from './legacy.service.js';
import { validateMigration } from './legacy-validate.js';
import { loadMapping } from './mapping-file.js';

/** An old system exported to files: accounts in an Excel workbook, contacts (with their company) in a CSV. */
async function exportFiles(dir: string) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Companies');
  ws.addRow(['Company ID', 'Company', 'Web', 'Industry', 'Since', 'City']);
  ws.addRow([
    101,
    'Acme Roofing',
    'https://www.acme-roofing.com/',
    'Construction',
    new Date(Date.UTC(2019, 2, 4)),
    'Austin',
  ]);
  ws.addRow([102, 'Harbor Café', 'harborcafe.com', 'Food', new Date(Date.UTC(2020, 10, 30)), 'Seattle']);
  ws.addRow([103, 'Summit Law Group', null, 'legal', null, '']);
  await wb.xlsx.writeFile(join(dir, 'companies.xlsx'));
  await writeFile(
    join(dir, 'people.csv'),
    Buffer.from(
      [
        'ID;Name;EMAIL;Tel;Employer;Joined',
        'p1;Zoë Müller;ZOE.MULLER@Example.com;(512) 555-0101;Acme Roofing;04/03/2021',
        'p2;"Smith, John";john.smith@example.com;206.555.0102;Harbor Café;31/12/2020',
        'p3;Renée Dubois;;;;',
      ].join('\r\n'),
      'latin1',
    ),
  );
  await writeFile(
    join(dir, 'mapping.yaml'),
    `name: files
source: {type: csv, path: people.csv}
defaultCountry: US
steps:
  - name: companies
    entity: accounts
    source: {type: xlsx, path: companies.xlsx}
    columns:
      externalId: Company ID
      name: Company
      website: Web
      industry: {from: Industry, transform: {map_values: {legal: Legal}}}
      createdAt: {from: Since, transform: {parse_date: iso}}
      address.city: City
  - name: people
    entity: contacts
    columns:
      externalId: ID
      firstName: {from: Name, transform: {split_full_name: first}}
      lastName: {from: Name, transform: {split_full_name: last}}
      email: {from: EMAIL, transform: [trim, lowercase]}
      phone: {from: Tel, transform: {normalize_phone: US}}
      company: Employer
      createdAt: {from: Joined, transform: {parse_date: DD/MM/YYYY}}
`,
  );
}

describe.each(DB_KINDS)('legacy migration from files into %s', (kind) => {
  let h: DatabaseHandle;
  let ctx: Ctx;
  let dir: string;
  beforeAll(async () => {
    h = await testDatabase(kind);
    const s = await signup(h.db, {
      email: 'files@example.com',
      password: 'correct horse battery',
      name: 'Fay',
      workspaceName: 'Files',
    });
    ctx = {
      ...systemCtx(s.workspaceId, s.userId),
      defaultCountry: (await workspaceSettings(h.db, s.workspaceId)).defaultCountry,
    };
    dir = await mkdtemp(join(tmpdir(), 'legacy-files-'));
    await exportFiles(dir);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('migrates accounts from Excel and contacts from a Latin-1 CSV, validates every field, rolls back', async () => {
    const m = await loadMapping(join(dir, 'mapping.yaml'), {});
    const c = await checkMigration(h.db, ctx, m);
    expect(c.steps.map((s) => [s.name, s.rows, s.counts?.create, s.counts?.error])).toEqual([
      ['companies', 3, 3, 0],
      ['people', 3, 3, 0],
    ]);
    const r = await runMigration(h.db, ctx, m);
    expect(r.steps.map((s) => s.result?.created)).toEqual([3, 3]);
    const [acme] = (
      (await h.db.execute(
        sql`select name, domain, industry, address, created_at from accounts where workspace_id = ${ctx.workspaceId} and external_id = '101'`,
      )) as unknown as { rows: Record<string, unknown>[] }
    ).rows;
    expect(acme).toMatchObject({
      name: 'Acme Roofing',
      industry: 'Construction',
      address: { city: 'Austin' },
    });
    const [zoe] = (
      (await h.db.execute(
        sql`select first_name, last_name, primary_email, company_name from contacts where workspace_id = ${ctx.workspaceId} and external_id = 'p1'`,
      )) as unknown as { rows: Record<string, unknown>[] }
    ).rows;
    expect(zoe).toEqual({
      first_name: 'Zoë',
      last_name: 'Müller',
      primary_email: 'zoe.muller@example.com',
      company_name: 'Acme Roofing',
    });

    const v = await validateMigration(h.db, ctx, m);
    expect(v.differences).toEqual([]);
    expect(v.entities).toEqual({ accounts: { written: 3, found: 3 }, contacts: { written: 3, found: 3 } });
    expect(v.steps.map((s) => s.values)).toEqual([15, 17]);

    const rb = await rollbackMigration(h.db, ctx, m);
    expect(rb.steps.map((s) => [s.name, s.deleted, s.conflicts])).toEqual([
      ['people', 3, 0],
      ['companies', 3, 0],
    ]);
    const left = (
      (await h.db.execute(
        sql`select (select count(*)::int from accounts where workspace_id = ${ctx.workspaceId}) as a,
          (select count(*)::int from contacts where workspace_id = ${ctx.workspaceId}) as c`,
      )) as unknown as { rows: { a: number; c: number }[] }
    ).rows[0];
    expect(left).toEqual({ a: 0, c: 0 });
  });
});
