/**
 * Creates the legacy contact-centric CRM in PostgreSQL: `contacts` (the person and, in lead_status and
 * lead_source, their one sales interest), `custom_field_definitions` and `contact_custom_fields`
 * (entity-attribute-value), filled with realistic, messy rows.
 *
 *   npx tsx examples/legacy/contact-centric/create-db.ts [--url postgres://postgres@127.0.0.1:5432/legacy_contacts] [--rows 3000]
 */
import pg from 'pg';
import { messyEmail, messyPhone, person, rng, stamp } from '../fake-people.js';

export const CONTACT_CENTRIC_DDL = `
create table custom_field_definitions (
  id serial primary key,
  name text not null unique,
  field_type text not null,           -- text, number, date, yes_no, dropdown
  options text                        -- dropdown choices, '|' separated
);
create table contacts (
  id uuid primary key,
  firstname text,
  lastname text,
  email text,
  phone_number text,
  st_address text,
  city text,
  state text,
  zip text,
  lead_status text,                   -- null: not a lead
  lead_source text,
  created_at timestamp not null,
  updated_at timestamp not null
);
create table contact_custom_fields (
  contact_id uuid not null references contacts(id),
  field_id int not null references custom_field_definitions(id),
  value text,
  created_at timestamp not null default now(),
  primary key (contact_id, field_id)
);`;

export const LEGACY_FIELDS = [
  [1, 'Preferred Contact Time', 'dropdown', 'Morning|Afternoon|Evening'],
  [2, 'Home Owner', 'yes_no', null],
  [3, 'Roof Age (years)', 'number', null],
  [4, 'Birthday', 'date', null],
  [5, 'Referral Code', 'text', null],
  [6, 'Interested In', 'text', null],
] as const;

const STATUSES = ['New', 'new ', 'Contacted', 'Appointment Set', 'Quoted', 'Sold', 'Dead', 'Not Interested', 'NEW'];
const SOURCES = ['Web Form', 'web', 'Phone In', 'Referral', 'Trade Show', 'Google', 'Mailer', null];
const YES_NO = ['Yes', 'No', 'Y', 'N', 'yes', 'no', '1', '0'];
const TIMES = ['Morning', 'Afternoon', 'Evening', 'morning', 'EVENING'];
const INTERESTS = ['Solar Panels', 'Roofing', 'HVAC', 'Windows', 'Battery Storage'];

/** A v4-shaped UUID from the random stream (deterministic). */
const uuid = (r: ReturnType<typeof rng>): string => {
  const h = Array.from({ length: 32 }, () => r.int(0, 15).toString(16));
  h[12] = '4';
  h[16] = '89ab'[r.int(0, 3)]!;
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
};

export function contactCentricRows(count: number, seed = 7) {
  const r = rng(seed);
  const contacts: (string | null)[][] = [];
  const values: (string | number | null)[][] = [];
  const from = Date.UTC(2015, 0, 1);
  const to = Date.UTC(2024, 11, 31);
  for (let n = 1; n <= count; n++) {
    // Offset: these people never share an email or phone with the PHP example's (both can go in one workspace).
    const p = person(r, n + 4500);
    const id = uuid(r);
    const created = stamp(r, from, to);
    const updated = r.chance(0.5) ? created : stamp(r, Date.parse(`${created.replace(' ', 'T')}Z`), to);
    const isLead = r.chance(0.65);
    contacts.push([
      id,
      r.chance(0.03) ? ` ${p.first}` : p.first,
      r.chance(0.02) ? null : p.last,
      p.email ? messyEmail(r, p.email) : null,
      p.phone ? messyPhone(r, p.phone) : null,
      p.street2 ? `${p.street1}, ${p.street2}` : p.street1,
      p.city,
      p.state,
      p.postcode,
      isLead ? r.pick(STATUSES) : null,
      isLead || r.chance(0.3) ? r.pick(SOURCES) : null,
      created,
      updated,
    ]);
    if (r.chance(0.7)) values.push([id, 1, r.pick(TIMES)]);
    if (r.chance(0.8)) values.push([id, 2, r.pick(YES_NO)]);
    if (r.chance(0.5)) values.push([id, 3, String(r.int(0, 40))]);
    if (r.chance(0.4)) {
      const d = new Date(Date.UTC(r.int(1940, 2002), r.int(0, 11), r.int(1, 28)));
      values.push([id, 4, `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`]);
    }
    if (r.chance(0.2)) values.push([id, 5, `REF-${r.int(1000, 9999)}`]);
    if (isLead && r.chance(0.9)) values.push([id, 6, r.pick(INTERESTS)]);
    else if (r.chance(0.05)) values.push([id, 6, '']);
  }
  return { contacts, values };
}

const insertMany = async (c: pg.Client, table: string, cols: string[], rows: unknown[][]) => {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(', ')})`);
    await c.query(`insert into ${table} (${cols.join(', ')}) values ${tuples.join(', ')}`, params);
  }
};

/** (Re)creates the database named in `url` with the three tables and `rows` contacts. */
export async function createContactCentricDatabase(url: string, rows = 3000, seed = 7): Promise<number> {
  const u = new URL(url);
  const dbName = u.pathname.replace(/^\//, '');
  if (!/^[a-z0-9_]+$/i.test(dbName)) throw new Error(`bad database name in ${url}`);
  await dropContactCentricDatabase(url);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    await admin.query(`create database "${dbName}"`);
  } finally {
    await admin.end();
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(CONTACT_CENTRIC_DDL);
    await insertMany(c, 'custom_field_definitions', ['id', 'name', 'field_type', 'options'], LEGACY_FIELDS.map((f) => [...f]));
    const data = contactCentricRows(rows, seed);
    await insertMany(
      c,
      'contacts',
      ['id', 'firstname', 'lastname', 'email', 'phone_number', 'st_address', 'city', 'state', 'zip', 'lead_status', 'lead_source', 'created_at', 'updated_at'],
      data.contacts,
    );
    await insertMany(c, 'contact_custom_fields', ['contact_id', 'field_id', 'value'], data.values);
    return data.contacts.length;
  } finally {
    await c.end();
  }
}

export async function dropContactCentricDatabase(url: string): Promise<void> {
  const dbName = new URL(url).pathname.replace(/^\//, '');
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${dbName}" with (force)`);
  } finally {
    await admin.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const url = arg('--url') ?? process.env.LEGACY_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/legacy_contacts';
  const n = await createContactCentricDatabase(url, Number(arg('--rows') ?? 3000));
  console.log(`Created ${url.replace(/\/\/[^@]*@/, '//…@')} with ${n} contacts`);
}
