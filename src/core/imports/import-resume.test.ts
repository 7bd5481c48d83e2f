import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, testDatabase } from '../../../test/db.js';
import { signup } from '../auth/auth.service.js';
import { type DatabaseHandle, openDatabase } from '../db/client.js';
import { type Ctx, systemCtx } from '../shared/context.js';
import { readTable } from './file-reader.js';
import { resumeInterruptedImports, runImport, STALE_MS } from './import-run.js';
import { stageImport } from './import-stage.js';
import { createImport } from './imports.service.js';

/** Above the preview's hash-join threshold (5,000 rows), so that path runs here. */
const ROWS = 8_000;
const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;

/** 8,000 lead rows: a quarter are people of the first 500 rows again (a second interest, or a repeat). */
function csv(): string {
  const lines = ['First Name,Last Name,Email,Phone,Lead Source,Product Interest,Deal Value'];
  const products = ['Solar', 'Roof', 'Kitchen'];
  for (let i = 1; i <= ROWS; i++) {
    const n = i % 4 === 0 ? (i % 500) + 1 : i;
    lines.push(
      `Pat,Person ${n},p${n}@example.com,+1 650 555 ${String(n % 10000).padStart(4, '0')},web,${products[i % 3]},${i * 10}`,
    );
  }
  lines.push('Bad,Row,not-an-email,,web,Solar,1');
  return `${lines.join('\n')}\n`;
}

/** What a user would compare: every lead with its contact's fields, and the contact count. */
async function snapshot(h: DatabaseHandle, ws: string) {
  const leads = rowsOf<Record<string, unknown>>(
    await h.db.execute(sql`select c.first_name, c.last_name, c.emails->0->>'normalized' as email,
        c.phones->0->>'e164' as phone, l.source, l.product_interest, l.deal_value, l.status, l.is_duplicate
      from leads l join contacts c on c.workspace_id = l.workspace_id and c.id = l.contact_id
      where l.workspace_id = ${ws} order by 3, 6, 7`),
  );
  const contacts = rowsOf<{ n: number }>(
    await h.db.execute(sql`select count(*)::int as n from contacts where workspace_id = ${ws}`),
  )[0]!.n;
  const history = rowsOf<{ n: number }>(
    await h.db.execute(sql`select count(*)::int as n from lead_stage_history where workspace_id = ${ws}`),
  )[0]!.n;
  return { leads, contacts, history };
}

async function importFile(h: DatabaseHandle, ctx: Ctx, file: string) {
  const t = await readTable(createReadStream(file), { fileName: 'resume.csv' });
  return createImport(h.db, ctx, {
    entity: 'leads',
    fileName: 'resume.csv',
    headers: t.headers,
    batches: t.batches,
  });
}

async function twoWorkspaces(h: DatabaseHandle) {
  const a = await signup(h.db, {
    email: `a${randomBytes(4).toString('hex')}@x.io`,
    password: 'long enough pw',
    name: 'A',
    workspaceName: 'A',
  });
  const b = await signup(h.db, {
    email: `b${randomBytes(4).toString('hex')}@x.io`,
    password: 'long enough pw',
    name: 'B',
    workspaceName: 'B',
  });
  return { a: systemCtx(a.workspaceId, a.userId), b: systemCtx(b.workspaceId, b.userId) };
}

describe('an interrupted import, resumed, equals an uninterrupted one', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'leadbase-resume-'));
    file = join(dir, 'resume.csv');
    writeFileSync(file, csv());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('on PGlite: a run that dies inside a chunk resumes from the last committed chunk', async () => {
    const h = await testDatabase('pglite');
    try {
      const { a, b } = await twoWorkspaces(h);
      const imp = await importFile(h, a, file);
      // Dies inside the second chunk (its transaction rolls back: chunk 1 stays, chunk 2 is undone)…
      let chunks = 0;
      await expect(
        runImport(h.db, a, imp.id, {
          chunkRows: 2000,
          onProgress: () => {
            chunks += 1;
            if (chunks === 2) throw new Error('killed');
          },
        }),
      ).rejects.toThrow('killed');
      const mid = rowsOf<{ progress: number }>(
        await h.db.execute(sql`select progress from imports where id = ${imp.id}`),
      )[0]!.progress;
      expect(mid).toBe(2000);
      // …then the resumed run finishes from row 2001.
      const done = await runImport(h.db, a, imp.id, { chunkRows: 2000 });
      expect(done.status).toBe('completed');
      const whole = await importFile(h, b, file);
      const other = await runImport(h.db, b, whole.id, { chunkRows: 2000 });
      expect(done.result).toEqual(other.result);
      expect(await snapshot(h, a.workspaceId)).toEqual(await snapshot(h, b.workspaceId));
    } finally {
      await h.close();
    }
  }, 240_000);

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'on PostgreSQL: the CLI killed with SIGKILL mid-import, then `leadbase import --resume`',
    async () => {
      const base = process.env.TEST_DATABASE_URL!;
      const name = `lb_resume_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`create database "${name}" template "${process.env.LEADBASE_PG_TEMPLATE}"`);
      const u = new URL(base);
      u.pathname = `/${name}`;
      const url = u.toString();
      const h = await openDatabase({ url, poolSize: 4 });
      const cli = (args: string[]): ChildProcess =>
        spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
          env: { ...process.env, DATABASE_URL: url, LEADBASE_IMPORT_CHUNK_ROWS: '1000' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      const exit = (p: ChildProcess) => new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
      try {
        const { a, b } = await twoWorkspaces(h);
        const p = cli(['import', file, '--workspace-id', a.workspaceId, '--entity', 'leads']);
        // Wait until a few chunks are in, then kill it without warning.
        let id: string | undefined;
        for (let i = 0; i < 600; i++) {
          await new Promise((r) => setTimeout(r, 100));
          const r = rowsOf<{ id: string; progress: number }>(
            await h.db.execute(sql`select id, progress from imports where workspace_id = ${a.workspaceId}`),
          )[0];
          if (r && r.progress >= 3000) {
            id = r.id;
            break;
          }
        }
        expect(id, 'the import did not get going').toBeDefined();
        p.kill('SIGKILL');
        await exit(p);
        const mid = rowsOf<{ progress: number; status: string }>(
          await h.db.execute(sql`select progress, status from imports where id = ${id}`),
        )[0]!;
        expect(mid.status).toBe('running');
        expect(mid.progress).toBeLessThan(ROWS + 1);
        const resumed = cli(['import', '--workspace-id', a.workspaceId, '--resume', id!]);
        let out = '';
        resumed.stdout!.on('data', (d) => {
          out += d;
        });
        expect(await exit(resumed), out).toBe(0);
        expect(out).toMatch(/completed/);
        const whole = await importFile(h, b, file);
        const other = await runImport(h.db, b, whole.id);
        const done = rowsOf<{ result: unknown }>(
          await h.db.execute(sql`select result from imports where id = ${id}`),
        )[0]!;
        expect(done.result).toEqual(other.result);
        expect(await snapshot(h, a.workspaceId)).toEqual(await snapshot(h, b.workspaceId));
      } finally {
        await h.close();
        await admin.query(`drop database if exists "${name}" with (force)`);
        await admin.end();
      }
    },
    240_000,
  );
});

describe.each(DB_KINDS)('an upload cut off while it was read (%s)', (kind) => {
  it('is marked failed once its heartbeat is stale; one still being read is left alone', async () => {
    const h = await testDatabase(kind);
    try {
      const { a } = await twoWorkspaces(h);
      async function* rows() {
        yield [['Pat', 'p1@example.com']];
      }
      const stage = (name: string) =>
        stageImport(h.db, a, {
          entity: 'leads',
          fileName: name,
          headers: ['Name', 'Email'],
          batches: rows(),
        });
      const cut = await stage('cut.csv');
      const reading = await stage('reading.csv');
      // Neither was previewed: `cut` went silent 11 minutes ago, `reading` beat just now.
      await h.db.execute(sql`update imports set heartbeat_at = now() - interval '11 minutes',
        updated_at = now() - interval '11 minutes' where id = ${cut.id}`);
      await resumeInterruptedImports(h.db, STALE_MS);
      const status = async (id: string) =>
        rowsOf<{ status: string; error: string | null }>(
          await h.db.execute(sql`select status, error from imports where id = ${id}`),
        )[0]!;
      expect(await status(cut.id)).toEqual({
        status: 'failed',
        error: 'the upload was cut off before every row was read; upload the file again',
      });
      expect((await status(reading.id)).status).toBe('staged');
      await expect(runImport(h.db, a, cut.id)).rejects.toThrow(/never fully read/);
    } finally {
      await h.close();
    }
  });
});
