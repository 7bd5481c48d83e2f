import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { loadMapping, parseMapping } from './mapping-file.js';

const errorsOf = (text: string, env: NodeJS.ProcessEnv = {}) => {
  try {
    parseMapping(text, env);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).errors;
  }
  throw new Error('expected the mapping to be refused');
};

const GOOD = `
name: php-leads
source:
  type: mysql
  url: \${LEGACY_URL:-mysql://root@127.0.0.1:3306/legacy_php}
  query: select * from leads order by id
steps:
  - entity: leads
    columns:
      externalId: id
      firstName: { from: first_name, transform: trim }
      phone: { from: cell_phone, transform: { normalize_phone: US } }
      status: { from: stage, transform: { map_values: { Sold: won } } }
      title: { from: [service, form_city], transform: { join: ' - ' } }
`;

describe('legacy mapping files', () => {
  it('reads a mapping: short forms expanded, defaults filled, $VAR (with a default) from the environment', () => {
    const m = parseMapping(GOOD, {});
    expect(m.source).toEqual({
      type: 'mysql',
      url: 'mysql://root@127.0.0.1:3306/legacy_php',
      query: 'select * from leads order by id',
    });
    const s = m.steps[0]!;
    expect(s).toMatchObject({
      entity: 'leads',
      mode: 'upsert',
      matchOn: 'externalId',
      duplicatePolicy: 'skip',
    });
    expect(s.columns.externalId).toEqual({ from: 'id', transform: [] });
    expect(s.columns.phone!.transform).toEqual([{ name: 'normalize_phone', country: 'US', invalid: 'keep' }]);
    expect(s.columns.status!.transform).toEqual([
      { name: 'map_values', map: { Sold: 'won' }, ignoreCase: true },
    ]);
    expect(s.columns.title).toEqual({
      from: ['service', 'form_city'],
      transform: [{ name: 'join', separator: ' - ' }],
    });
    expect(m.customFields).toEqual([]);
    expect(parseMapping(GOOD, { LEGACY_URL: 'mysql://u:p@db:3306/old' }).source).toMatchObject({
      url: 'mysql://u:p@db:3306/old',
    });
  });

  it('names the line and field of each problem', () => {
    const text = `name: Bad Name
source:
  type: postgres
  url: \${PG_URL}
steps:
  - entity: deals
    columns:
      email: { from: email, transform: { shout: true } }
`;
    expect(errorsOf(text)).toEqual([
      { field: 'source.url', reason: 'line 4: environment variable PG_URL is not set' },
    ]);
    const errors = errorsOf(text, { PG_URL: 'postgres://x@h/db' });
    const by = Object.fromEntries(errors.map((e) => [e.field, e.reason]));
    expect(by.name).toMatch(/^line 1: must be lower case/);
    expect(by['steps[0].entity']).toMatch(/^line 6: /);
    expect(by['steps[0].columns.email.transform[0].name']).toMatch(/^line 8: /);
  });

  it('refuses a SQL source without a query, a query on a file source, a column without from, bad YAML', () => {
    const noQuery = `name: x\nsource: {type: postgres, url: 'postgres://h/db'}\nsteps:\n  - entity: contacts\n    columns: {email: email}\n`;
    expect(errorsOf(noQuery)).toEqual([
      { field: 'steps[0].query', reason: 'line 4: is required: the source has no query' },
    ]);
    const fileQuery = `name: x\nsource: {type: csv, path: a.csv}\nsteps:\n  - entity: contacts\n    query: select 1\n    columns: {email: {transform: trim}}\n`;
    const e = errorsOf(fileQuery).map((x) => x.field);
    expect(e).toEqual(expect.arrayContaining(['steps[0].query', 'steps[0].columns.email.from']));
    expect(errorsOf('name: [unclosed\n')[0]!.reason).toMatch(/^line 2: Flow sequence/);
    expect(errorsOf(`name: x\nsource: {type: csv, path: a.csv}\nsteps: []\n`)).toEqual([
      { field: 'steps', reason: 'line 3: needs at least one step' },
    ]);
  });

  it('resolves file sources relative to the mapping file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'legacy-'));
    await writeFile(
      join(dir, 'm.yaml'),
      'name: files\nsource: {type: csv, path: data/leads.csv}\nsteps:\n  - {entity: leads, columns: {email: Email}}\n',
    );
    const m = await loadMapping(join(dir, 'm.yaml'), {});
    expect(m.source).toEqual({ type: 'csv', path: join(dir, 'data/leads.csv') });
    await expect(loadMapping(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read/);
  });
});
