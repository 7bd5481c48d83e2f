import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { ContactAddress, ContactEmail, ContactPhone } from '../db/schema/index.js';
import { normalizeEmail, normalizePhone } from '../shared/normalize.js';
import * as D from './demo-data.js';
import type { Rand } from './random.js';

/**
 * Duplicate contacts for the demo workspace: about 1.5% of contacts get a second record of the same
 * person, entered again later (a trade-show list, a web form, a colleague who did not search first).
 * Each twin is damaged the way real re-entries are, one kind per twin:
 * - `nickname`: "Robert" again as "Bob", same address written out differently, a personal email;
 * - `typo`: one slip in the last name (swapped, dropped or doubled letter), same address, a personal
 *   email, sometimes the same phone;
 * - `email`: the same email typed with other capitals, from a new address (the person moved);
 * - `phone`: the same number in another format, a personal email, no address.
 * A twin never has leads of its own (it is the copy a user should merge away) and is never primary;
 * the generator puts twins in slots of contacts without leads, so the number of contacts is unchanged.
 */

export type TwinKind = 'nickname' | 'typo' | 'email' | 'phone';
export const TWIN_RATE = 0.016;

/** Common English short forms of the demo's first names (independent of the matcher's table). */
// biome-ignore format: a word list
const NICKNAMES: Record<string, string[]> = {
  James: ['Jim', 'Jimmy', 'Jamie'], Robert: ['Bob', 'Rob', 'Bobby'], John: ['Jack', 'Johnny'],
  Michael: ['Mike', 'Mikey'], William: ['Bill', 'Will', 'Billy'], David: ['Dave', 'Davey'],
  Richard: ['Rick', 'Dick', 'Rich'], Joseph: ['Joe', 'Joey'], Thomas: ['Tom', 'Tommy'],
  Charles: ['Charlie', 'Chuck'], Christopher: ['Chris', 'Topher'], Daniel: ['Dan', 'Danny'],
  Matthew: ['Matt'], Anthony: ['Tony'], Donald: ['Don', 'Donny'], Steven: ['Steve'],
  Andrew: ['Andy', 'Drew'], Joshua: ['Josh'], Kenneth: ['Ken', 'Kenny'],
  Edward: ['Ed', 'Eddie', 'Ted'],
  Ronald: ['Ron', 'Ronnie'], Timothy: ['Tim', 'Timmy'], Jason: ['Jay'], Jeffrey: ['Jeff'],
  Jacob: ['Jake'], Nicholas: ['Nick', 'Nicky'], Jonathan: ['Jon'],
  Stephen: ['Steve'], Scott: ['Scotty'], Benjamin: ['Ben', 'Benny'],
  Samuel: ['Sam', 'Sammy'], Gregory: ['Greg'], Alexander: ['Alex', 'Xander'], Patrick: ['Pat', 'Paddy'],
  Frank: ['Frankie'], Raymond: ['Ray'], Dennis: ['Denny'],
  Henry: ['Hank', 'Harry'], Peter: ['Pete'], Douglas: ['Doug'],
  Zachary: ['Zach', 'Zack'], Walter: ['Walt'], Nathan: ['Nate'], Harold: ['Harry', 'Hal'],
  Arthur: ['Art'],
  Mary: ['Molly', 'Mae'], Patricia: ['Pat', 'Patty', 'Trish'], Jennifer: ['Jen', 'Jenny'],
  Linda: ['Lindy'], Elizabeth: ['Liz', 'Beth', 'Betty', 'Lizzie'], Barbara: ['Barb', 'Barbie'],
  Susan: ['Sue', 'Susie'], Jessica: ['Jess', 'Jessie'], Sarah: ['Sally'], Karen: ['Kari'],
  Nancy: ['Nan'], Margaret: ['Maggie', 'Peggy', 'Meg'], Sandra: ['Sandy'], Ashley: ['Ash'],
  Kimberly: ['Kim'], Emily: ['Em', 'Emmy'], Michelle: ['Shelly'],
  Dorothy: ['Dot', 'Dottie'], Carol: ['Carrie'], Amanda: ['Mandy'], Melissa: ['Mel', 'Missy'],
  Deborah: ['Deb', 'Debbie'], Stephanie: ['Steph'], Rebecca: ['Becky', 'Becca'], Laura: ['Laurie'],
  Cynthia: ['Cindy'], Kathleen: ['Kathy', 'Kate'], Angela: ['Angie'],
  Anna: ['Annie'], Brenda: ['Bren'], Pamela: ['Pam'], Nicole: ['Nikki'],
  Samantha: ['Sam', 'Sammy'], Katherine: ['Kate', 'Kathy', 'Katie'], Christine: ['Chris', 'Chrissy'],
  Debra: ['Deb'], Rachel: ['Rach'], Catherine: ['Cathy', 'Cat'], Carolyn: ['Carrie'], Janet: ['Jan'],
  Virginia: ['Ginny'], Diane: ['Di'], Julie: ['Jules'],
  Victoria: ['Vicky', 'Tori'], Olivia: ['Liv'], Abigail: ['Abby'], Alexandra: ['Alex', 'Lexi'],
  Theodore: ['Ted', 'Theo'], Alfred: ['Alf', 'Fred'], Frederick: ['Fred', 'Freddie'],
};

/** Street types as written out (the demo stores the short forms). */
const LONG_STREET: Record<string, string> = {
  St: 'Street',
  Ave: 'Avenue',
  Rd: 'Road',
  Blvd: 'Boulevard',
  Ln: 'Lane',
  Dr: 'Drive',
  Way: 'Way',
};

/** One slip of the keyboard in a name: two letters swapped, one dropped, or one doubled. */
export function typo(rand: Rand, s: string): string {
  if (s.length < 4) return s;
  const i = rand.int(1, s.length - 2);
  switch (rand.int(0, 2)) {
    case 0:
      return s[i] === s[i + 1]
        ? s.slice(0, i) + s.slice(i + 1)
        : s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
    case 1:
      return s.slice(0, i) + s.slice(i + 1);
    default:
      return s.slice(0, i + 1) + s[i] + s.slice(i + 1);
  }
}

/** The same address as someone else types it: street type written out, postcode kept. */
const retyped = (a: ContactAddress): ContactAddress => ({
  ...a,
  street1: a.street1
    ? a.street1.replace(/ (St|Ave|Rd|Blvd|Ln|Dr|Way)$/, (_m, t: string) => ` ${LONG_STREET[t]}`)
    : null,
  street2: null,
});

/** Other capitals in an email: `ana.silva@acme.com` → `Ana.Silva@ACME.com` (normalizes the same). */
function recased(rand: Rand, email: string): string {
  const [local, domain] = email.split('@') as [string, string];
  const loc = local.replace(/(^|[._])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());
  const variant = loc === local || rand.chance(0.3) ? local.toUpperCase() : loc;
  return `${variant}@${rand.chance(0.5) ? domain.toUpperCase() : domain}`;
}

/** The same number in another format, as long as it still normalizes to the same E.164. */
function reformatted(rand: Rand, p: ContactPhone, workspaceCountry: string): string {
  const parsed = parsePhoneNumberFromString(p.e164);
  const candidates = [
    parsed && parsed.country === workspaceCountry ? parsed.formatNational() : null,
    parsed ? parsed.formatInternational() : null,
    p.e164,
    parsed ? parsed.formatInternational().replace(/ /g, '-') : null,
  ].filter((x): x is string => !!x && x !== p.phone && normalizePhone(x, workspaceCountry) === p.e164);
  return candidates.length ? rand.pick(candidates) : p.e164;
}

const ascii = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '');

export type TwinContext = {
  workspaceCountry: string;
  now: number;
  /** A fresh, unused email (the demo keeps emails unique apart from the `email` twins). */
  uniqueEmail: (local: string, domain: string) => string;
  /** A new address in the same country (the person moved). */
  newAddress: (country: string | null | undefined) => ContactAddress;
};

/**
 * The duplicate of one contact row (snake_case columns, as the demo inserts them), or null when the
 * row has nothing a re-entry could share (it then gets no twin). `match_keys` is left to the caller.
 */
export function twinOf(
  rand: Rand,
  row: Record<string, unknown>,
  ctx: TwinContext,
): { kind: TwinKind; originalId: string; row: Record<string, unknown> } | null {
  const first = row.first_name as string;
  const last = row.last_name as string;
  const emails = row.emails as ContactEmail[];
  const phones = row.phones as ContactPhone[];
  const addresses = row.addresses as ContactAddress[];
  const personalEmail = (f: string, l: string): ContactEmail => {
    const e = ctx.uniqueEmail(
      `${ascii(f)}.${ascii(l)}${rand.int(1, 99)}`.toLowerCase(),
      rand.pick(D.CONSUMER_EMAIL_DOMAINS),
    );
    return { email: e, normalized: normalizeEmail(e), label: 'personal', primary: true };
  };
  const possible: TwinKind[] = [];
  if (addresses.length && NICKNAMES[first]) possible.push('nickname');
  if (addresses.length && last.length >= 5) possible.push('typo');
  if (emails.length) possible.push('email');
  if (phones.length) possible.push('phone');
  if (!possible.length) return null;
  // The fuzzy kinds (what a review page is for) a little more often than the exact ones.
  const kind = possible[rand.weighted(possible.map((k) => (k === 'nickname' || k === 'typo' ? 3 : 2)))]!;
  const originalId = row.id as string;
  const createdAt = Math.min(
    ctx.now - 3_600_000,
    Date.parse(row.created_at as string) + rand.next() * 120 * 86_400_000,
  );
  const base: Record<string, unknown> = {
    ...row,
    status: 'prospect',
    is_primary_contact: false,
    is_converted_from_lead: false,
    conversion_date: null,
    created_by: null,
    created_at: new Date(createdAt).toISOString(),
    updated_at: new Date(createdAt).toISOString(),
    source: rand.chance(0.5) ? 'trade_show' : 'website',
  };
  switch (kind) {
    case 'nickname': {
      const nick = rand.pick(NICKNAMES[first]!);
      return {
        kind,
        originalId,
        row: {
          ...base,
          first_name: nick,
          emails: [personalEmail(nick, last)],
          phones: [],
          addresses: [retyped(addresses[0]!)],
        },
      };
    }
    case 'typo': {
      const wrong = typo(rand, last);
      return {
        kind,
        originalId,
        row: {
          ...base,
          last_name: wrong === last ? `${last}${last.at(-1)}` : wrong,
          emails: [personalEmail(first, wrong)],
          phones: rand.chance(0.5) ? phones.slice(0, 1).map((p) => ({ ...p, primary: true })) : [],
          addresses: [addresses[0]!],
        },
      };
    }
    case 'email': {
      const e = recased(rand, emails[0]!.email);
      return {
        kind,
        originalId,
        row: {
          ...base,
          emails: [{ email: e, normalized: normalizeEmail(e), label: emails[0]!.label, primary: true }],
          phones: [],
          addresses: [ctx.newAddress(addresses[0]?.country)],
        },
      };
    }
    case 'phone': {
      const p = phones[0]!;
      return {
        kind,
        originalId,
        row: {
          ...base,
          emails: [personalEmail(first, last)],
          phones: [{ ...p, phone: reformatted(rand, p, ctx.workspaceCountry), primary: true }],
          addresses: [],
        },
      };
    }
  }
}
