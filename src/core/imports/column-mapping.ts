import type { ImportEntity, TargetField } from './imports.schemas.js';

/**
 * Suggesting which field each column of a file goes to. A header matches a field by its key or label
 * (confidence 1), a synonym (0.9: common headers and the export headers of Salesforce, HubSpot,
 * Pipedrive, Zoho and the legacy lead table), the same behind an address or record prefix
 * ("Mailing City", "form_city", "Person - Email": 0.85-0.9), or loosely (spelling, extra words: < 0.8).
 * Each field is suggested once, best confidence first; sample values help (a column of emails is an
 * email). Comparison ignores case, accents, spaces and punctuation ("E-mail", "e_mail" and "EMail").
 */
export type Suggestion = { header: string; field: string | null; confidence: number; sample: string[] };

/** Field key → synonyms separated by |. COMMON applies where the entity has the field. */
const COMMON: Record<string, string> = {
  externalId: 'external id|id|record id|legacy id|source id|crm id|import id|external reference|reference',
  id: 'leadbase id|lb id',
  firstName: 'first name|first|given name|forename|fname|vorname|prenom|person - first name',
  lastName: 'last name|surname|family name|lname|last|nachname|person - last name',
  fullName:
    'name|full name|contact name|person name|lead name|customer name|client name|display name|person - name',
  email:
    'email|e-mail|email address|e-mail address|mail|email 1|primary email|work email|business email|person - email',
  email2:
    'other email|secondary email|email 2|alternate email|alternative email|alt email|personal email|additional email',
  phone:
    'phone|phone number|telephone|telephone number|tel|phone 1|work phone|business phone|office phone|primary phone|direct phone|contact number|person - phone',
  phone2:
    'other phone|phone 2|secondary phone|alternate phone|home phone|mobile|mobile phone|mobile number|mobile phone number|cell|cell phone|cellphone|cell number|handy',
  company:
    'company|company name|organization|organisation|organization name|organisation name|organization - name|business|business name|employer|firm',
  jobTitle: 'job title|title|position|job|designation|occupation|job position|person - job title',
  'address.street1':
    'street|street 1|street address|address|address 1|address line 1|street line 1|addr 1|address street|street and number',
  'address.street2': 'street 2|address 2|address line 2|street line 2|addr 2|suite|apartment|apt',
  'address.city': 'city|town|locality|suburb|ort',
  'address.state':
    'state|province|region|state province|state/province|county|state or province|state region',
  'address.postcode':
    'postcode|zip|zip code|postal code|post code|zipcode|postal|plz|zip/postal code|zip postal code',
  'address.country': 'country|country code|nation|country region|land',
  source:
    'source|lead source|original source|utm source|origin|lead origin|referral source|source of lead|how did you hear about us|lead - source|deal - source',
  campaign: 'campaign|utm campaign|campaign name|lead campaign',
  medium: 'medium|utm medium',
  term: 'term|utm term|keyword|keywords|search term',
  referrer: 'referrer|referer|referring url|referrer url|http referer|referring site',
  landingPage: 'landing page|landing page url|landing url|first page seen|entry page',
  formName: 'form name|form|form title|web form',
  productInterest:
    'product interest|services interested in|service interested in|interested in|interest|product|products|service|services|product of interest|service interest',
  pipeline: 'pipeline|pipeline name|sales pipeline|deal - pipeline',
  stage: 'stage|pipeline stage|deal stage|lead stage|sales stage|stage name|opportunity stage|deal - stage',
  priority: 'priority|lead priority',
  temperature: 'temperature|rating|lead rating|heat',
  owner:
    'owner|lead owner|contact owner|account owner|company owner|deal owner|opportunity owner|owner name|owner email|assigned to|assignee|sales rep|salesperson|sales person|rep|record owner|hubspot owner|deal - owner|person - owner|lead - owner|organization - owner',
  budgetRange: 'budget|budget range',
  authorityLevel: 'authority|authority level|decision maker',
  timeline: 'timeline|timeframe|time frame|purchase timeline|buying timeline',
  dealValue: 'deal value|value|lead value|estimated value|potential value|amount|deal - value|lead - value',
  expectedCloseDate: 'expected close date|close date|expected close|deal - expected close date',
  lostReason: 'lost reason|reason lost|loss reason|closed lost reason|lost - reason|deal - lost reason',
  spamScore: 'spam score|spam',
  validationStatus: 'validation status|email status|verification status|email verification',
  createdAt:
    'created at|create date|created date|created|date created|creation date|created time|created on|date added|added on|lead created|deal created|lead - lead created|deal - deal created|person - created',
  department: 'department|dept|division',
  role: 'role|buying role|contact role',
  preferredChannel: 'preferred channel|preferred contact method|contact method|channel',
  influence: 'influence|influence level',
  gdprConsent: 'gdpr consent|gdpr|consent|marketing consent',
  doNotContact:
    'do not contact|do not call|dnc|email opt out|do not email|opted out|unsubscribed|has opted out of email|opt out',
  optInAt: 'opted in at|opt in date|opt-in date|opted in|consent date|subscribed at|subscription date',
  domain: 'domain|company domain|company domain name|website domain|email domain',
  website:
    'website|website url|web site|url|homepage|home page|web|site|company website|organization - website',
  accountType: 'account type|type|company type|organization type|relationship',
  industry: 'industry|sector|vertical',
  companySize: 'company size|employees|number of employees|employee count|size|headcount|no of employees',
  annualRevenue: 'annual revenue|revenue|yearly revenue|turnover',
  taxId: 'tax id|vat|vat number|vat id|tax number|ein|gst|gstin',
  health: 'health|account health|health score',
  lifecycleStage: 'lifecycle stage|lifecycle',
  description: 'description|about|notes|note|comments|details|company description',
  currency: 'currency|currency code|deal - currency',
  forecastCategory: 'forecast category|forecast',
  closeDate: 'close date|expected close date|closing date|closed date|won date|deal - expected close date',
  amount: 'amount|value|deal value|deal amount|opportunity amount|price|total|deal - value',
  contactEmail: 'contact email|primary contact email|email|e-mail|person email|contact e-mail|person - email',
  subject: 'subject|title|topic|activity subject|activity - subject',
  body: 'body|notes|note|description|details|content|comments|text|message',
  outcome: 'outcome|result|call result|disposition|call outcome',
  durationMinutes: 'duration|duration minutes|minutes|call duration|length',
  occurredAt:
    'occurred at|date|date time|datetime|timestamp|activity date|time|when|done time|completed at|due date',
  user: 'user|owner|assigned to|rep|performed by|activity owner|done by|user email|created by',
  type: 'type|activity type|kind|activity',
  lead: 'lead|lead id|lead external id|related lead',
};

/** Synonyms that differ by entity ("Name" is a person on leads and contacts, the record elsewhere). */
const BY_ENTITY: Record<ImportEntity, Record<string, string>> = {
  leads: {
    externalId: 'lead id|lead record id',
    contactExternalId: 'contact external id|contact id|person id|contact record id',
    title: 'lead title|subject|topic|opportunity|lead - title|deal - title|deal title',
    jobTitle: 'role',
    company: 'account name|account',
    status: 'lead status|lead - status',
    marketingStage: 'lifecycle stage|lifecycle|funnel stage|marketing status',
  },
  contacts: {
    externalId: 'contact id|person id|contact record id',
    status: 'contact status|lifecycle stage|lifecycle',
    account: 'account name|organization - name|related account',
  },
  accounts: {
    externalId: 'account id|company id|organization id|organisation id',
    name: 'name|account name|company|company name|organization|organisation|organization name|organization - name|business name|business|account',
  },
  deals: {
    externalId: 'deal id|opportunity id|deal - id',
    name: 'name|deal name|deal title|title|opportunity name|opportunity|deal|deal - title|subject',
    account:
      'account name|company|company name|organization|organisation|organization name|deal - organization|organization - name',
  },
  activities: { externalId: 'activity id' },
};

/** Keys that do not match on their own: "ID" is rarely a Leadbase id, "Title" on a lead a job title. */
const NOT_BY_KEY: Record<ImportEntity, string[]> = {
  leads: ['id', 'title'],
  contacts: ['id'],
  accounts: ['id'],
  deals: ['id'],
  activities: ['id'],
};

/** Words before an address part ("Mailing City", "form_city"), and before a record's own field. */
const ADDRESS_PREFIX = new Set(
  'form|mailing|billing|shipping|home|work|business|office|primary|physical|main|postal|contact|person|company|organization|organisation|account|lead'.split(
    '|',
  ),
);
const RECORD_PREFIX: Record<ImportEntity, string[]> = {
  leads: ['lead', 'person', 'contact'],
  contacts: ['contact', 'person'],
  accounts: ['account', 'organization', 'organisation', 'company', 'org'],
  deals: ['deal', 'opportunity'],
  activities: ['activity'],
};
/** Words that may surround a field's name without changing it ("Your email", "Primary phone"). */
const NOISE = new Set(
  'your|the|primary|main|work|business|personal|contact|person|lead|customer|client|direct|office|address|number|no|nr|of|1'.split(
    '|',
  ),
);

export const normalizeHeader = (s: string): string =>
  s
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{L})(\d)/gu, '$1 $2')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
const compact = (s: string) => normalizeHeader(s).replace(/ /g, '');

function entityOf(fields: TargetField[]): ImportEntity {
  const keys = new Set(fields.map((f) => f.key));
  if (keys.has('durationMinutes') || keys.has('occurredAt')) return 'activities';
  if (keys.has('forecastCategory') || keys.has('amount')) return 'deals';
  if (keys.has('accountType') || keys.has('annualRevenue')) return 'accounts';
  if (keys.has('productInterest') || keys.has('contactExternalId')) return 'leads';
  return 'contacts';
}

type FieldForm = {
  field: TargetField;
  names: Map<string, number>;
  grams: [Set<string>, number, string][];
  tokens: string[][];
};
type HeaderForm = { norm: string; key: string; words: string[]; grams: Set<string> };

function fieldForms(fields: TargetField[], entity: ImportEntity): FieldForm[] {
  return fields.map((field) => {
    const names = new Map<string, number>();
    const add = (name: string, c: number) => {
      const k = compact(name);
      if (k && (names.get(k) ?? 0) < c) names.set(k, c);
    };
    const custom = field.group === 'custom' || field.group === 'contact_custom';
    if (custom) {
      const own = field.group === 'custom';
      const bare = field.key.replace(/^(contact\.)?custom\./, '');
      add(field.key, 1);
      add(field.label, 1);
      add(bare, own ? 1 : 0.95);
      add(field.label.replace(/^Contact:\s*/, ''), own ? 1 : 0.95);
      add(`contact ${bare}`, 1);
    } else {
      if (!NOT_BY_KEY[entity].includes(field.key)) add(field.key, 1);
      add(field.label, 1);
      for (const table of [COMMON, BY_ENTITY[entity]])
        for (const s of table[field.key]?.split('|') ?? []) add(s, 0.9);
    }
    const tokens = [field.label, ...(COMMON[field.key]?.split('|') ?? [])]
      .map((s) => normalizeHeader(s).split(' '))
      .filter((t) => t.length > 1 || (t[0]?.length ?? 0) >= 4);
    const grams = [...names]
      .filter(([name, c]) => name.length >= 4 && c >= 0.9)
      .map(([name, c]): [Set<string>, number, string] => [bigrams(name), c, name.replace(/\D/g, '')]);
    return { field, names, grams, tokens };
  });
}

const bigrams = (s: string) => {
  const out = new Set<string>();
  for (let i = 0; i < s.length - 1; i++) out.add(s.slice(i, i + 2));
  return out;
};
function dice(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return (2 * common) / (a.size + b.size);
}

/** How sure we are that the column with this header is the field (0: not at all). */
function score(h: HeaderForm, f: FieldForm, entity: ImportEntity): number {
  const { key, words } = h;
  if (!key) return 0;
  const direct = f.names.get(key);
  if (direct !== undefined) return direct;
  let best = 0;
  // "Mailing City", "form_street_1": an address part behind a prefix.
  if (f.field.group === 'address' && words.length > 1 && ADDRESS_PREFIX.has(words[0]!)) {
    const c = f.names.get(words.slice(1).join(''));
    if (c) best = Math.min(c, 0.9);
  }
  // "Person - Email", "Lead Owner": the record's own field behind its name.
  if (words.length > 1 && RECORD_PREFIX[entity].includes(words[0]!)) {
    const c = f.names.get(words.slice(1).join(''));
    if (c) best = Math.max(best, Math.min(c, 0.85));
  }
  if (best) return best;
  // Spelling: "E-mail Adress", "Postcod".
  if (key.length >= 4)
    for (const [grams, , digits] of f.grams) {
      if (digits !== key.replace(/\D/g, '')) continue; // "email" is not "email2"
      const d = dice(h.grams, grams);
      if (d >= 0.8) best = Math.max(best, Math.round(d * 75) / 100);
    }
  // Extra words: "Contact First Name" holds "first name"; "Your Email" is "email" and noise.
  const set = new Set(words);
  for (const t of f.tokens) {
    if (!t.every((w) => set.has(w))) continue;
    const extra = words.filter((w) => !t.includes(w));
    if (t.length > 1) best = Math.max(best, 0.65);
    else if (extra.every((w) => NOISE.has(w))) best = Math.max(best, 0.7);
  }
  return best;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const isPhone = (s: string) => {
  const digits = s.replace(/\D/g, '').length;
  return (
    /^\+?[\d\s().\-/]+$/.test(s) && digits >= 7 && digits <= 15 && (/[\s().\-+/]/.test(s) || digits >= 10)
  );
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const mostly = (values: string[], test: (s: string) => boolean) =>
  values.length > 0 && values.filter((v) => test(v.trim())).length >= values.length * 0.6;

export function suggestMapping(
  headers: string[],
  fields: TargetField[],
  sampleRows: (string | null)[][] = [],
): Suggestion[] {
  const entity = entityOf(fields);
  const forms = fieldForms(fields, entity);
  const samples = headers.map((_, i) => {
    const out: string[] = [];
    for (const row of sampleRows) {
      const v = row[i];
      if (v != null && v.trim() !== '') out.push(v);
    }
    return out;
  });
  const looks = samples.map((s) => ({ email: mostly(s, (v) => EMAIL.test(v)), phone: mostly(s, isPhone) }));
  const pairs: { h: number; f: number; c: number }[] = [];
  headers.forEach((header, h) => {
    const norm = normalizeHeader(header);
    const key = norm.replace(/ /g, '');
    const form: HeaderForm = { norm, key, words: norm.split(' '), grams: bigrams(key) };
    forms.forEach((field, f) => {
      let c = score(form, field, entity);
      const type = field.field.type;
      // A guess of an email (a loose one of a phone) field is dropped when the values say otherwise.
      if (c < 1 && samples[h]!.length && type === 'email' && !looks[h]!.email) c = 0;
      if (c < 0.8 && samples[h]!.length && type === 'phone' && !looks[h]!.phone) c = 0;
      if (field.field.key === 'id' && /^(id|uuid)$/.test(key) && mostly(samples[h]!, (v) => UUID.test(v)))
        c = 0.95;
      if (c >= 0.5) pairs.push({ h, f, c });
    });
  });
  pairs.sort((a, b) => b.c - a.c || a.h - b.h || a.f - b.f);
  const byHeader = new Map<number, { f: number; c: number }>();
  const used = new Set<number>();
  for (const p of pairs) {
    if (byHeader.has(p.h) || used.has(p.f)) continue;
    byHeader.set(p.h, p);
    used.add(p.f);
  }
  // Values: a column of emails (or phones) nobody claimed goes to the first free email (phone) field.
  headers.forEach((_, h) => {
    if (byHeader.has(h)) return;
    const kind = looks[h]!.email ? 'email' : looks[h]!.phone ? 'phone' : null;
    const f = kind ? forms.findIndex((x, i) => x.field.type === kind && !used.has(i)) : -1;
    if (f < 0) return;
    byHeader.set(h, { f, c: 0.7 });
    used.add(f);
  });
  // A lone "Mobile" or "Other email" is the phone (email) when the main one is not in the file.
  for (const [main, other] of [
    ['phone', 'phone2'],
    ['email', 'email2'],
  ] as const) {
    const mi = forms.findIndex((x) => x.field.key === main);
    const oi = forms.findIndex((x) => x.field.key === other);
    const holder = [...byHeader.values()].find((v) => v.f === oi);
    if (mi >= 0 && oi >= 0 && holder && !used.has(mi)) {
      holder.f = mi;
      used.delete(oi);
      used.add(mi);
    }
  }
  return headers.map((header, h) => {
    const m = byHeader.get(h);
    return {
      header,
      field: m ? forms[m.f]!.field.key : null,
      confidence: m ? m.c : 0,
      sample: samples[h]!.slice(0, 5),
    };
  });
}
