import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../cli/program.js';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../db/client.js';

/** `leadbase export` against a PGlite data directory, as a user runs it. */
describe('leadbase export (CLI)', () => {
  let dir: string;
  let workspaceId: string;
  const env = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-export-cli-'));
    process.env.DATA_DIR = join(dir, 'data');
    delete process.env.DATABASE_URL;
    const h = await openDatabase({ dataDir: process.env.DATA_DIR });
    await h.migrate();
    const app = await buildApp({ db: h.db });
    const signup = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: {
        email: 'cli@example.com',
        password: 'correct horse battery',
        name: 'Cli',
        workspaceName: 'Cli Co',
      },
    });
    expect(signup.statusCode, signup.body).toBe(201);
    workspaceId = signup.json().workspace.id;
    const cookie = String(signup.headers['set-cookie']).split(';')[0]!;
    for (const [i, source] of ['web', 'web', 'partner', 'web'].entries()) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: { cookie },
        payload: { firstName: i === 3 ? '=cmd|calc' : `Lead ${i}`, lastName: 'Cli', source },
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    await app.close();
    await h.close();
  }, 120_000);
  afterAll(() => {
    process.env.DATA_DIR = env.DATA_DIR;
    if (env.DATABASE_URL !== undefined) process.env.DATABASE_URL = env.DATABASE_URL;
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (...args: string[]) => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await buildProgram()
        .exitOverride()
        .parseAsync(['node', 'leadbase', 'export', ...args]);
      return log.mock.calls.map((c) => c.join(' ')).join('\n');
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  };

  it('writes the filtered list to a CSV file, formula cells neutralized', async () => {
    const out = join(dir, 'web.csv');
    const said = await run('leads', '--workspace-id', workspaceId, '--out', out, '--filter', 'source=web');
    expect(said).toMatch(/^3 leads written to .*web\.csv/);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [head, ...rows] = Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true }).data;
    expect(head![0]).toBe('Leadbase ID');
    expect(rows.length).toBe(3);
    expect(rows.map((r) => r[1]).sort()).toEqual(["'=cmd|calc", 'Lead 0', 'Lead 1']);
  }, 60_000);

  it('writes chosen columns to Excel (format from the file name) and refuses a bad filter by name', async () => {
    const out = join(dir, 'all.xlsx');
    await run('leads', '--workspace-id', workspaceId, '--out', out, '--columns', 'lastName,source');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const rows: unknown[][] = [];
    wb.worksheets[0]!.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(['Last name', 'Source']);
    expect(rows.length).toBe(5);
    await expect(run('leads', '--workspace-id', workspaceId, '--filter', 'colour=red')).rejects.toThrow(
      /filters\.colour/,
    );
    await expect(run('widgets', '--workspace-id', workspaceId)).rejects.toThrow(/must be one of leads/);
  }, 60_000);
});
