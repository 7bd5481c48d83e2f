import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStep } from './legacy-steps.js';
import { parseMapping } from './mapping-file.js';
import { openSource, SOURCE_BATCH } from './sources.js';

const MYSQL = process.env.LEGACY_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const PG = process.env.LEGACY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const up = async (f: () => Promise<unknown>, what: string) =>
  f().then(
    () => true,
    () => {
      console.warn(`legacy sources tests: ${what} is unreachable; skipped`);
      return false;
    },
  );
const mysqlUp = await up(
  async () => (await mysql.createConnection({ uri: `${MYSQL}/`, connectTimeout: 3000 })).end(),
  MYSQL,
);
const pgUp = await up(async () => {
  const c = new pg.Client({ connectionString: `${PG}/postgres`, connectionTimeoutMillis: 3000 });
  await c.connect();
  await c.end();
}, PG);

async function readAll(t: Awaited<ReturnType<typeof openSource>>) {
  const rows: (string | null)[][] = [];
  const sizes: number[] = [];
  for await (const b of t.batches) {
    sizes.push(b.length);
    rows.push(...b);
  }
  return { rows, sizes };
}

const name = `legacy_src_t${randomBytes(4).toString('hex')}`;

describe.skipIf(!pgUp)('PostgreSQL source', () => {
  const url = `${PG}/${name}`;
  beforeAll(async () => {
    const a = new pg.Client({ connectionString: `${PG}/postgres` });
    await a.connect();
    await a.query(`create database ${name}`);
    await a.end();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`create table t (id int primary key, name text, amount numeric(10,2), ok boolean,
      at timestamp, at_tz timestamptz, born date, tags text[])`);
    await c.query(`insert into t select g, 'Zoë ' || g, g * 1.5, g % 2 = 0, timestamp '2021-03-04 05:06:07' + g * interval '1 day',
      timestamptz '2021-03-04 05:06:07+00', date '1980-01-31', array['a','b'] from generate_series(1, ${SOURCE_BATCH * 2 + 5}) g`);
    await c.query(`insert into t (id) values (0)`);
    await c.end();
  });
  afterAll(async () => {
    const a = new pg.Client({ connectionString: `${PG}/postgres` });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`);
    await a.end();
  });

  it('streams a query through a cursor in batches, every value as PostgreSQL prints it', async () => {
    const t = await openSource({ type: 'postgres', url }, 'select * from t order by id;');
    expect(t.columns).toEqual(['id', 'name', 'amount', 'ok', 'at', 'at_tz', 'born', 'tags']);
    const { rows, sizes } = await readAll(t);
    expect(sizes).toEqual([SOURCE_BATCH, SOURCE_BATCH, 6]);
    expect(rows[0]).toEqual(['0', null, null, null, null, null, null, null]);
    expect(rows[1]).toEqual([
      '1',
      'Zoë 1',
      '1.50',
      'f',
      '2021-03-05 05:06:07',
      '2021-03-04 05:06:07+00',
      '1980-01-31',
      '{a,b}',
    ]);
    expect(rows.length).toBe(SOURCE_BATCH * 2 + 6);
  });

  it('stops early and releases the connection; a bad query names the source', async () => {
    const t = await openSource({ type: 'postgres', url }, 'select id from t order by id');
    expect((await t.batches.next()).value).toHaveLength(SOURCE_BATCH);
    await t.close();
    await expect(openSource({ type: 'postgres', url }, 'select nope from t')).rejects.toThrow(
      /PostgreSQL source: column "nope" does not exist/,
    );
  });
});

describe.skipIf(!mysqlUp)('MySQL / MariaDB source', () => {
  const url = `${MYSQL}/${name}`;
  beforeAll(async () => {
    const c = await mysql.createConnection({ uri: `${MYSQL}/`, charset: 'utf8mb4' });
    await c.query(`create database ${name} character set latin1`);
    await c.query(`use ${name}`);
    await c.query(`create table t (id int primary key, name varchar(50), at datetime, amount decimal(8,2), n int)
      default charset=latin1`);
    await c.query('insert into t values ?', [
      [
        [1, 'Jürgen Größe', '2021-03-04 05:06:07', '12.50', 7],
        [2, null, null, null, null],
      ],
    ]);
    await c.end();
  });
  afterAll(async () => {
    const c = await mysql.createConnection({ uri: `${MYSQL}/` });
    await c.query(`drop database if exists ${name}`);
    await c.end();
  });

  it('streams rows as text: Latin-1 decoded, dates as written, NULL as null', async () => {
    const t = await openSource({ type: 'mysql', url }, 'select * from t order by id');
    expect(t.columns).toEqual(['id', 'name', 'at', 'amount', 'n']);
    const { rows } = await readAll(t);
    expect(rows).toEqual([
      ['1', 'Jürgen Größe', '2021-03-04 05:06:07', '12.50', '7'],
      ['2', null, null, null, null],
    ]);
    await expect(openSource({ type: 'mysql', url }, 'select * from missing')).rejects.toThrow(
      /MySQL source: .*missing/,
    );
  });
});

describe('file sources and step columns', () => {
  it('reads a CSV through the import reader (delimiter, BOM, Latin-1) and maps a step, naming a missing column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'legacy-src-'));
    const file = join(dir, 'people.csv');
    await writeFile(
      file,
      Buffer.from('Full Name;E-mail;Phone\nZoë Müller;ZOE@Example.com;(415) 555-2671\n', 'latin1'),
    );
    const m = parseMapping(
      `name: csv
source: {type: csv, path: ${JSON.stringify(file)}}
steps:
  - entity: contacts
    columns:
      firstName: {from: Full Name, transform: {split_full_name: first}}
      lastName: {from: Full Name, transform: {split_full_name: last}}
      email: {from: E-mail, transform: lowercase}
      phone: {from: Phone, transform: {normalize_phone: US}}
`,
      {},
    );
    const t = await openStep(m, 0);
    expect(t.sourceColumns).toEqual(['Full Name', 'E-mail', 'Phone']);
    expect(t.headers).toEqual(['firstName', 'lastName', 'email', 'phone']);
    const rows = [];
    for await (const b of t.batches) rows.push(...b);
    expect(rows).toEqual([['Zoë', 'Müller', 'zoe@example.com', '+14155552671']]);
    expect(t.stats).toMatchObject({ rows: 1, problems: 0 });

    const bad = parseMapping(
      `name: csv\nsource: {type: csv, path: ${JSON.stringify(file)}}\nsteps:\n  - {entity: contacts, columns: {email: e-mail}}\n`,
      {},
    );
    await expect(openStep(bad, 0)).rejects.toMatchObject({
      errors: [
        {
          field: 'steps[0].columns',
          reason: expect.stringMatching(/"e-mail" is not a column .*did you mean "E-mail"/),
        },
      ],
    });
  });
});
