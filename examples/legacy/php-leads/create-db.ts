/**
 * Creates the legacy PHP CRM's `leads` table in MariaDB/MySQL: contact fields embedded in each lead
 * (first_name, last_name, cell_phone, email, business_name, form_* address), lead_source, stage and
 * services_interested_in, in Latin-1, filled with realistic, messy rows.
 *
 *   npx tsx examples/legacy/php-leads/create-db.ts [--url mysql://root@127.0.0.1:3306/legacy_php] [--rows 3000]
 */
import mysql from 'mysql2/promise';
import { messyEmail, messyPhone, type Person, person, rng, stamp } from '../fake-people.js';

export const PHP_LEADS_DDL = `create table leads (
  id int unsigned not null auto_increment primary key,
  first_name varchar(100) null,
  last_name varchar(100) null,
  cell_phone varchar(40) null,
  email varchar(255) null,
  business_name varchar(255) null,
  form_street_1 varchar(255) null,
  form_street_2 varchar(255) null,
  form_city varchar(100) null,
  form_state varchar(50) null,
  form_postcode varchar(20) null,
  form_country varchar(100) null,
  lead_source varchar(100) null,
  stage varchar(50) null,
  services_interested_in varchar(255) null,
  created_at datetime not null,
  key leads_email (email),
  key leads_created (created_at)
) engine=InnoDB default charset=latin1`;

const SOURCES = ['Website', 'website', 'WEBSITE ', 'Google Ads', 'google', 'Facebook', 'fb', 'Referral', 'referral', 'Yelp', 'Door Hanger', 'Home Show', ''];
const STAGES = ['New', 'new', 'Contacted', 'Left Voicemail', 'Appointment Set', 'Quote Sent', 'Negotiating', 'Sold', 'Lost', 'Not Interested', 'Dead'];
const SERVICES = ['Solar Panels', 'Roofing', 'HVAC', 'Windows', 'Battery Storage', 'Gutters', 'Insulation'];
const COUNTRIES = ['US', 'USA', 'United States', 'us', ''];

export type PhpLeadRow = (string | null)[];

/** The rows, in id order (id = index + 1): about one person in six has a second lead for another service. */
export function phpLeadRows(count: number, seed = 42): PhpLeadRow[] {
  const r = rng(seed);
  const rows: PhpLeadRow[] = [];
  const people: Person[] = [];
  const interests = new Map<Person, string[]>();
  const countries = new Map<Person, string>();
  const from = Date.UTC(2016, 0, 1);
  const to = Date.UTC(2024, 11, 31);
  while (rows.length < count) {
    const repeat = people.length > 20 && r.chance(0.16);
    const p = repeat ? r.pick(people) : person(r, people.length + 1);
    if (!repeat) people.push(p);
    // Someone with neither email nor phone would be a new contact on each lead: give repeats one.
    if (repeat && !p.email && !p.phone) continue;
    // A repeated person asks about another service (the same one twice would be a duplicate lead).
    const had = interests.get(p) ?? [];
    if (had.length >= SERVICES.length) continue;
    const service = r.pick(SERVICES.filter((x) => !had.includes(x)));
    interests.set(p, [...had, service]);
    // The same person's country is written differently on each form, but blank stays blank.
    const first = countries.get(p);
    const country = first === undefined ? r.pick(COUNTRIES) : first === '' ? '' : r.pick(COUNTRIES.filter(Boolean));
    countries.set(p, country);
    rows.push([
      p.first,
      p.last,
      p.phone ? messyPhone(r, p.phone) : r.chance(0.3) ? '' : null,
      p.email ? messyEmail(r, p.email) : r.chance(0.3) ? '' : null,
      p.company ?? (r.chance(0.5) ? '' : null),
      p.street1,
      p.street2 ?? (r.chance(0.5) ? '' : null),
      p.city,
      p.state,
      p.postcode,
      country === '' ? null : country,
      r.pick(SOURCES),
      r.pick(STAGES),
      service,
      stamp(r, from, to),
    ]);
  }
  return rows;
}

const COLUMNS = [
  'first_name', 'last_name', 'cell_phone', 'email', 'business_name', 'form_street_1', 'form_street_2',
  'form_city', 'form_state', 'form_postcode', 'form_country', 'lead_source', 'stage', 'services_interested_in',
  'created_at',
];

/** (Re)creates the database named in `url` with the leads table and `rows` leads. */
export async function createPhpLeadsDatabase(url: string, rows = 3000, seed = 42): Promise<number> {
  const u = new URL(url);
  const dbName = u.pathname.replace(/^\//, '');
  if (!/^[a-z0-9_]+$/i.test(dbName)) throw new Error(`bad database name in ${url}`);
  u.pathname = '/';
  const admin = await mysql.createConnection({ uri: u.toString(), charset: 'utf8mb4' });
  try {
    await admin.query(`drop database if exists \`${dbName}\``);
    await admin.query(`create database \`${dbName}\` character set latin1 collate latin1_swedish_ci`);
    await admin.query(`use \`${dbName}\``);
    await admin.query(PHP_LEADS_DDL);
    const data = phpLeadRows(rows, seed);
    for (let i = 0; i < data.length; i += 500)
      await admin.query(`insert into leads (${COLUMNS.join(', ')}) values ?`, [data.slice(i, i + 500)]);
    return data.length;
  } finally {
    await admin.end();
  }
}

export async function dropPhpLeadsDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const dbName = u.pathname.replace(/^\//, '');
  u.pathname = '/';
  const admin = await mysql.createConnection({ uri: u.toString() });
  try {
    await admin.query(`drop database if exists \`${dbName}\``);
  } finally {
    await admin.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const url = arg('--url') ?? process.env.LEGACY_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/legacy_php';
  const n = await createPhpLeadsDatabase(url, Number(arg('--rows') ?? 3000));
  console.log(`Created ${url.replace(/\/\/[^@]*@/, '//…@')} with ${n} leads`);
}
