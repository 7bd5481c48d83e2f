/**
 * Deterministic fake people for the example legacy databases: names with Latin-1 letters, emails in
 * mixed case, US phones in the formats people type, addresses. Same seed, same data.
 */
export type Rand = {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
};

export function rng(seed: number): Rand {
  let s = seed >>> 0 || 1;
  const next = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    chance: (p) => next() < p,
  };
}

export const FIRST = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Ashley',
  'José', 'María', 'Zoë', 'François', 'Søren', 'Björn', 'Chloé', 'Inés', 'Jürgen', 'Renée', 'Noël', 'Agnès',
  'André', 'Héctor', 'Raúl', 'Ångel', 'Íñigo', 'Lucía', 'Mónica', 'Ólafur', 'Siân', 'Dagný',
] as const;

export const LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Müller', 'Núñez', 'Çelik', 'Østergaard', 'Dubois', 'Lefèvre', 'Peña', 'Jiménez', 'Größe', "O'Brien",
  'Ibáñez', 'Strauß', 'Fernández', 'Ålund', 'Wójcik', 'Bäcker', 'Nørgaard', 'Gómez', 'Béranger', 'Doğan',
].filter((n) => !/[ćğ]/.test(n));

const ASCII: Record<string, string> = {
  á: 'a', à: 'a', â: 'a', ä: 'a', å: 'a', ã: 'a', æ: 'ae', ç: 'c', é: 'e', è: 'e', ê: 'e', ë: 'e', í: 'i',
  ì: 'i', î: 'i', ï: 'i', ñ: 'n', ó: 'o', ò: 'o', ô: 'o', ö: 'o', ø: 'o', õ: 'o', ß: 'ss', ú: 'u', ù: 'u',
  û: 'u', ü: 'u', ý: 'y', ÿ: 'y', ð: 'd', þ: 'th',
};
export const ascii = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^\x00-\x7f]/g, (c) => ASCII[c] ?? '')
    .replace(/[^a-z0-9]/g, '');

/** Area codes with their city and state (numbers in them are valid for libphonenumber). */
export const PLACES = [
  ['415', 'San Francisco', 'CA', '941'], ['212', 'New York', 'NY', '100'], ['512', 'Austin', 'TX', '787'],
  ['303', 'Denver', 'CO', '802'], ['206', 'Seattle', 'WA', '981'], ['305', 'Miami', 'FL', '331'],
  ['312', 'Chicago', 'IL', '606'], ['617', 'Boston', 'MA', '021'], ['602', 'Phoenix', 'AZ', '850'],
  ['503', 'Portland', 'OR', '972'], ['404', 'Atlanta', 'GA', '303'], ['615', 'Nashville', 'TN', '372'],
  ['702', 'Las Vegas', 'NV', '891'], ['801', 'Salt Lake City', 'UT', '841'], ['919', 'Raleigh', 'NC', '276'],
] as const;

const STREETS = ['Main St', 'Oak Ave', 'Maple Dr', 'Cedar Ln', 'Pine St', 'Elm St', 'Lakeview Rd', 'Sunset Blvd', 'Hillcrest Dr', 'Park Ave'];
const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'aol.com', 'comcast.net'];
const COMPANIES = ['Acme Roofing', 'Bright Homes LLC', 'Sunrise Realty', 'Blue Sky Builders', 'Green Valley Farms', 'Metro Dental', 'Pinecrest HOA', 'Harbor Café', 'Summit Law Group', 'Oakridge Apartments'];

export type Person = {
  first: string;
  last: string;
  email: string | null;
  /** Ten US digits */
  phone: string | null;
  street1: string;
  street2: string | null;
  city: string;
  state: string;
  postcode: string;
  company: string | null;
};

/** A person with a unique email and phone (`n` makes them unique). */
export function person(r: Rand, n: number): Person {
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  const place = r.pick(PLACES);
  const line = String(1000 + (n % 9000)).padStart(4, '0');
  const exchange = String(200 + Math.floor(n / 9000) + r.int(0, 40) * 10).slice(0, 3);
  return {
    first,
    last,
    email: r.chance(0.9)
      ? `${ascii(first)}${r.pick(['.', '_', ''])}${ascii(last)}${n}@${r.pick(DOMAINS)}`
      : null,
    phone: r.chance(0.88) ? `${place[0]}${exchange}${line}` : null,
    street1: `${r.int(1, 9999)} ${r.pick(STREETS)}`,
    street2: r.chance(0.15) ? `${r.pick(['Apt', 'Unit', 'Suite', '#'])} ${r.int(1, 400)}` : null,
    city: place[1],
    state: place[2],
    postcode: `${place[3]}${String(r.int(0, 99)).padStart(2, '0')}`,
    company: r.chance(0.25) ? r.pick(COMPANIES) : null,
  };
}

/** The same email as people type it: random capitals, sometimes surrounding spaces. */
export function messyEmail(r: Rand, email: string): string {
  const cased = r.chance(0.4)
    ? email.replace(/[a-z]/g, (c) => (r.chance(0.3) ? c.toUpperCase() : c))
    : r.chance(0.2)
      ? email.toUpperCase()
      : email;
  return r.chance(0.05) ? ` ${cased} ` : cased;
}

/** Ten digits in one of the formats found in old forms. */
export function messyPhone(r: Rand, d: string): string {
  const [a, b, c] = [d.slice(0, 3), d.slice(3, 6), d.slice(6)];
  return r.pick([
    `(${a}) ${b}-${c}`,
    `${a}-${b}-${c}`,
    `${a}.${b}.${c}`,
    `${a}${b}${c}`,
    `+1 ${a} ${b} ${c}`,
    `1-${a}-${b}-${c}`,
    `${a} ${b} ${c}`,
  ]);
}

/** A timestamp between two dates, as MySQL/PostgreSQL text `YYYY-MM-DD HH:mm:ss` (UTC). */
export function stamp(r: Rand, from: number, to: number): string {
  const ms = from + Math.floor(r.next() * (to - from));
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('T', ' ').slice(0, 19);
}
