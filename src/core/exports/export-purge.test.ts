import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { purgeExportFiles } from './export-jobs.service.js';

describe('export job files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadbase-exports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are deleted after the retention; a left-over .part after a day; recent ones stay', async () => {
    const ws = join(dir, '01a2037c-0000-7000-8000-000000000001');
    mkdirSync(ws);
    const day = 24 * 3600_000;
    const now = Date.now();
    const file = (name: string, ageMs: number) => {
      const p = join(ws, name);
      writeFileSync(p, 'Name\r\nAnn\r\n');
      const t = new Date(now - ageMs);
      utimesSync(p, t, t);
      return p;
    };
    const old = file('old.csv', 8 * day);
    const recent = file('recent.xlsx', 2 * day);
    const part = file('crashed.csv.part', 2 * day);
    const writing = file('writing.csv.part', 60_000);
    const removed = await purgeExportFiles({ now, retentionMs: 7 * day, dir });
    expect(removed.sort()).toEqual([part, old].sort());
    expect((await purgeExportFiles({ now, retentionMs: 7 * day, dir })).length).toBe(0);
    expect([recent, writing].every((p) => !removed.includes(p))).toBe(true);
  });

  it('a missing exports directory is nothing to purge', async () => {
    expect(await purgeExportFiles({ dir: join(dir, 'none') })).toEqual([]);
  });
});
