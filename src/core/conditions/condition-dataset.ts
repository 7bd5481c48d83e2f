/**
 * Test support for the condition language (used by the *.test.ts files beside it, never by the app):
 * random workspaces of accounts, contacts, leads, deals and activities as fast-check arbitraries,
 * written with plain inserts, and the in-memory records the evaluator should see for them — built
 * here from the generated values, independently of the database and of `loadConditionRecord`.
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { Db } from '../db/client.js';
import {
  accounts,
  activities,
  contacts,
  customFieldDefinitions,
  deals,
  LEAD_STATUSES,
  leads,
  memberships,
  stages,
  users,
  workspaces,
} from '../db/schema/index.js';
import { createDefaultPipeline } from '../pipelines/pipelines.service.js';
import { newId } from '../shared/ids.js';
import type { ConditionEntity, ConditionRecord, CustomFieldDef } from './condition-fields.js';
import { addDays, isStorableText, microsToDate, microsToIso, toMicros } from './condition-values.js';

export const NOW = '2025-06-15T12:34:56.789123Z';
export const NOW_US = toMicros(NOW)!;
const DAY = 86_400_000_000n;

/** Text that trips up comparisons: case, accents, LIKE metacharacters, astral and private-use characters. */
export const TRICKY_TEXTS = [
  '',
  'a',
  'A',
  'abc',
  'ABC',
  'Abc',
  'abd',
  'b',
  'Z',
  'z',
  'ä',
  'Ä',
  'ÄRGER',
  'Éclair',
  'ΣΊΣΥΦΟΣ',
  'straße',
  'STRASSE',
  'x%y',
  'x_y',
  'x\\y',
  '100%',
  '%',
  '_',
  '😀',
  '\uE000',
  '\uFFFD',
  'İstanbul',
  'istanbul',
  ' a',
  'a ',
  'referral',
  'Referral',
  'partner',
  'ñandú',
  'ﬁle',
  '日本',
  "O'Brien",
];

const text = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TRICKY_TEXTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 5 }).filter(isStorableText) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...TRICKY_TEXTS), fc.constantFrom(...TRICKY_TEXTS))
      .map(([a, b]) => a + b),
  },
);
const maybe = <T>(a: fc.Arbitrary<T>, pNull = 0.25) =>
  fc.oneof({ weight: Math.round(pNull * 100), arbitrary: fc.constant(null) }, { weight: 100, arbitrary: a });

/** Decimal strings with at most 2 decimals and 14 integer digits (numeric(16,2)). */
const money = fc.oneof(
  fc.constantFrom(
    '0',
    '0.5',
    '-0.5',
    '1234.50',
    '1234.5',
    '99999999999999.99',
    '-99999999999999.99',
    '10',
    '10.01',
  ),
  fc
    .tuple(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 99 }))
    .map(([i, c]) => `${i}.${String(c).padStart(2, '0')}`),
);

/** Instants around NOW with microseconds, plus the exact edges of the 7- and 30-day windows. */
export const instant = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.bigInt({ min: -60n * DAY, max: 10n * DAY }).map((d) => microsToIso(NOW_US + d)),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      microsToIso(NOW_US),
      microsToIso(NOW_US + 1n),
      microsToIso(addDays(NOW_US, -7)),
      microsToIso(addDays(NOW_US, -7) - 1n),
      microsToIso(addDays(NOW_US, -30)),
      '2000-01-01T00:00:00.000000Z',
    ),
  },
);
const date = fc.oneof(
  fc.integer({ min: -400, max: 400 }).map((d) => microsToDate(addDays(NOW_US, d))),
  fc.constantFrom('0001-01-01', '9999-12-31', '2024-02-29', microsToDate(NOW_US)),
);

export const CUSTOM_DEFS: CustomFieldDef[] = [
  { entity: 'lead', key: 'budget', type: 'number', options: null },
  { entity: 'lead', key: 'price', type: 'money', options: null },
  { entity: 'lead', key: 'note', type: 'text', options: null },
  { entity: 'lead', key: 'due', type: 'date', options: null },
  { entity: 'lead', key: 'vip', type: 'boolean', options: null },
  {
    entity: 'lead',
    key: 'tier',
    type: 'select',
    options: ['gold', 'silver', 'Gold'].map((v) => ({ value: v, label: v })),
  },
  {
    entity: 'lead',
    key: 'tags',
    type: 'multiselect',
    options: ['a', 'b', 'c', 'ä', 'x%y'].map((v) => ({ value: v, label: v })),
  },
  { entity: 'contact', key: 'industry', type: 'text', options: null },
  { entity: 'contact', key: 'size', type: 'number', options: null },
  {
    entity: 'contact',
    key: 'langs',
    type: 'multiselect',
    options: ['en', 'de'].map((v) => ({ value: v, label: v })),
  },
  {
    entity: 'account',
    key: 'segment',
    type: 'select',
    options: ['smb', 'ent'].map((v) => ({ value: v, label: v })),
  },
  { entity: 'account', key: 'rating', type: 'number', options: null },
  { entity: 'deal', key: 'region', type: 'text', options: null },
  { entity: 'deal', key: 'closed_on', type: 'date', options: null },
];

/** A value for a custom field: mostly of its type, sometimes of another JSON type (must count as missing). */
function customValue(def: CustomFieldDef): fc.Arbitrary<unknown> {
  const opts = def.options?.map((o) => o.value) ?? [];
  const wrong = fc.constantFrom<unknown>(5, true, 'abc', ['a'], { a: 1 }, '2024-1-1', '12.5', 0);
  const right: fc.Arbitrary<unknown> = (() => {
    switch (def.type) {
      case 'number':
        return fc.oneof(
          fc.integer({ min: -1000, max: 1000 }),
          fc.constantFrom(0.1, -2.5, 1e21, 1e-7, 12345.678, 0.30000000000000004, -0),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          money,
        );
      case 'money':
        return fc.oneof(money, fc.integer({ min: -1000, max: 1000 }));
      case 'date':
        return date;
      case 'boolean':
        return fc.boolean();
      case 'select':
        return fc.constantFrom(...opts, 'platinum');
      case 'multiselect':
        return fc.oneof(fc.subarray([...opts]), fc.constant([]), fc.constant(['a', 1]));
      default:
        return text;
    }
  })();
  return fc.oneof(
    { weight: 6, arbitrary: right },
    { weight: 1, arbitrary: wrong },
    { weight: 1, arbitrary: fc.constant(null) },
  );
}

function customObject(entity: ConditionEntity): fc.Arbitrary<Record<string, unknown>> {
  const defs = CUSTOM_DEFS.filter((d) => d.entity === entity);
  return fc.record(Object.fromEntries(defs.map((d) => [d.key, customValue(d)])), { requiredKeys: [] });
}

const address = fc.record({
  type: fc.constantFrom('personal', 'business', 'mailing'),
  street1: maybe(text),
  city: maybe(fc.constantFrom('Berlin', 'berlin', 'München', 'Pune', '')),
  state: maybe(text),
  postcode: maybe(fc.constantFrom('10115', '411001', '94107')),
  country: maybe(fc.constantFrom('IN', 'in', 'DE', 'US', 'United States')),
});

const emailLocal = fc.constantFrom('maya', 'MAYA', 'o.brien', 'x_y', 'ä');
const emailHost = fc.constantFrom('example.com', 'Gmail.com', 'acme.io');

/** A random workspace's records; relations are indexes (resolved to ids on insert). */
export const datasetArb = fc.record({
  accounts: fc.array(
    fc.record({
      name: fc.oneof(
        fc.constantFrom('Acme', 'acme', 'Globex', 'Initech GmbH', 'Ä Corp'),
        text.filter((t) => t !== ''),
      ),
      domain: maybe(fc.constantFrom('acme.com', 'globex.io')),
      accountType: maybe(fc.constantFrom('customer', 'prospect', 'partner')),
      health: maybe(fc.constantFrom('green', 'red')),
      annualRevenue: maybe(money),
      address: maybe(
        fc.record({
          city: maybe(fc.constantFrom('Berlin', 'Pune')),
          country: maybe(fc.constantFrom('DE', 'IN')),
        }),
      ),
      createdAt: instant,
      custom: customObject('account'),
    }),
    { minLength: 6, maxLength: 10 },
  ),
  contacts: fc.array(
    fc.record({
      firstName: maybe(text),
      lastName: maybe(text),
      emails: fc.array(fc.tuple(emailLocal, emailHost), { maxLength: 2 }),
      phones: fc.array(fc.constantFrom('+14155550100', '+919876543210'), { maxLength: 1 }),
      addresses: fc.array(address, { maxLength: 2 }),
      companyName: maybe(text),
      jobTitle: maybe(text),
      status: fc.constantFrom('lead', 'prospect', 'active', 'inactive'),
      source: maybe(fc.constantFrom('website', 'referral', 'Referral', 'partner')),
      gdprConsent: fc.boolean(),
      optInAt: maybe(instant),
      account: maybe(fc.nat(), 0.4),
      owner: maybe(fc.nat(), 0.3),
      createdAt: instant,
      custom: customObject('contact'),
    }),
    { minLength: 16, maxLength: 24 },
  ),
  leads: fc.array(
    fc.record({
      contact: fc.nat(),
      title: maybe(text),
      source: maybe(fc.oneof(fc.constantFrom('website', 'referral', 'Referral', 'partner', 'ads'), text)),
      campaign: maybe(text),
      stage: fc.nat(),
      status: fc.constantFrom(...LEAD_STATUSES),
      priority: fc.constantFrom('low', 'medium', 'high', 'urgent'),
      temperature: maybe(fc.constantFrom('cold', 'warm', 'hot')),
      owner: maybe(fc.nat(), 0.3),
      score: fc.integer({ min: 0, max: 100 }),
      spamScore: maybe(fc.integer({ min: 0, max: 100 })),
      predictedProbability: maybe(fc.integer({ min: 0, max: 10000 }).map((n) => (n / 10000).toFixed(4))),
      dealValue: maybe(money),
      expectedCloseDate: maybe(date),
      isDuplicate: fc.boolean(),
      convertedAt: maybe(instant, 0.7),
      convertedAccount: maybe(fc.nat(), 0.75),
      createdAt: instant,
      deleted: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
      custom: customObject('lead'),
    }),
    { minLength: 32, maxLength: 40 },
  ),
  deals: fc.array(
    fc.record({
      name: text.filter((t) => t !== ''),
      account: maybe(fc.nat()),
      contact: maybe(fc.nat()),
      amount: maybe(money),
      forecastCategory: maybe(fc.constantFrom('pipeline', 'commit')),
      closeDate: maybe(date),
      stage: fc.nat(),
      createdAt: instant,
      custom: customObject('deal'),
    }),
    { minLength: 8, maxLength: 12 },
  ),
  activities: fc.array(
    fc.record({
      type: fc.constantFrom('email', 'call', 'meeting', 'note', 'stage_change'),
      outcome: maybe(
        fc.constantFrom('opened', 'Opened', 'OPENED', 'clicked', 'no_answer', 'öpened', 'opened '),
      ),
      occurredAt: instant,
      lead: maybe(fc.nat(), 0.2),
      contact: maybe(fc.nat(), 0.5),
      deal: maybe(fc.nat(), 0.8),
      account: maybe(fc.nat(), 0.8),
      deleted: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    }),
    { minLength: 80, maxLength: 120 },
  ),
});
export type Dataset = typeof datasetArb extends fc.Arbitrary<infer T> ? T : never;

export type Inserted = {
  workspaceId: string;
  ownerIds: string[];
  /** Expected in-memory records by entity, keyed by id (built from the generated values). */
  records: Record<ConditionEntity, Map<string, ConditionRecord>>;
  /** Ids per entity, in insertion order. */
  ids: Record<ConditionEntity, string[]>;
};

const ts = (iso: string | null | undefined) => (iso ? sql`${iso}::timestamptz` : null);
const at = <T>(list: T[], i: number | null | undefined): T | null =>
  i === null || i === undefined ? null : list[i % list.length]!;

/** Inserts a dataset into a fresh workspace and returns the records the evaluator should see. */
export async function insertDataset(db: Db, generated: Dataset): Promise<Inserted> {
  // Plain JSON objects (fast-check builds some without a prototype, which Drizzle cannot inspect).
  const d = JSON.parse(JSON.stringify(generated)) as Dataset;
  const workspaceId = newId();
  await db.insert(workspaces).values({ id: workspaceId, name: 'conditions' });
  const ownerIds = [newId(), newId(), newId()];
  for (const [i, id] of ownerIds.entries()) {
    await db
      .insert(users)
      .values({ id, email: `owner${i}-${id}@example.com`, name: `Owner ${i}`, passwordHash: 'x' });
    await db.insert(memberships).values({ workspaceId, userId: id, role: 'rep' });
  }
  const pipelineId = await createDefaultPipeline(db, workspaceId);
  const stageRows = await db
    .select({ id: stages.id })
    .from(stages)
    .where(sql`${stages.workspaceId} = ${workspaceId}`);
  const stageIds = stageRows.map((s) => s.id);
  await db.insert(customFieldDefinitions).values(
    CUSTOM_DEFS.map((c, i) => ({
      workspaceId,
      id: newId(),
      entity: c.entity,
      key: c.key,
      label: c.key,
      type: c.type,
      options: c.options,
      position: i,
    })),
  );

  const records: Inserted['records'] = {
    lead: new Map(),
    contact: new Map(),
    account: new Map(),
    deal: new Map(),
  };
  const acts: Record<string, unknown>[] = [];

  const accountIds = d.accounts.map(() => newId());
  const accountRecs: ConditionRecord[] = [];
  for (const [i, a] of d.accounts.entries()) {
    const rec = {
      id: accountIds[i],
      ...a,
      updatedAt: a.createdAt,
      ownerId: null,
      externalId: null,
      phone: null,
    };
    accountRecs.push(rec);
    records.account.set(accountIds[i]!, rec);
    await db.insert(accounts).values({
      workspaceId,
      id: accountIds[i]!,
      name: a.name,
      domain: a.domain,
      accountType: a.accountType as 'customer',
      health: a.health as 'green',
      annualRevenue: a.annualRevenue,
      address: a.address,
      custom: a.custom,
      createdAt: ts(a.createdAt) as unknown as Date,
      updatedAt: ts(a.createdAt) as unknown as Date,
    });
  }

  const contactIds = d.contacts.map(() => newId());
  const contactRecs: ConditionRecord[] = [];
  for (const [i, c] of d.contacts.entries()) {
    const accountId = at(accountIds, c.account as number | null);
    const emails = (c.emails as [string, string][]).map(([l, h], k) => {
      const email = `${l}${k}@${h}`;
      return { email, normalized: email.trim().toLowerCase(), label: null, primary: k === 0 };
    });
    const phones = (c.phones as string[]).map((p, k) => ({
      phone: p,
      e164: p,
      label: null,
      primary: k === 0,
    }));
    const addresses = (c.addresses as Record<string, unknown>[]).map((a) => ({ street2: null, ...a }));
    const ownerId = at(ownerIds, c.owner as number | null);
    const values = {
      firstName: c.firstName as string | null,
      lastName: c.lastName as string | null,
      companyName: c.companyName as string | null,
      jobTitle: c.jobTitle as string | null,
      status: c.status as 'lead',
      source: c.source as string | null,
      gdprConsent: c.gdprConsent as boolean,
      custom: c.custom as Record<string, unknown>,
    };
    const rec: ConditionRecord = {
      id: contactIds[i],
      ...values,
      emails,
      phones,
      addresses,
      accountId,
      ownerId,
      optInAt: c.optInAt,
      createdAt: c.createdAt,
      updatedAt: c.createdAt,
      externalId: null,
      department: null,
      role: null,
      preferredChannel: null,
      influence: null,
      isPrimaryContact: false,
      doNotContact: false,
      isConvertedFromLead: false,
      conversionDate: null,
      account: accountId ? records.account.get(accountId)! : null,
    };
    contactRecs.push(rec);
    records.contact.set(contactIds[i]!, rec);
    await db.insert(contacts).values({
      workspaceId,
      id: contactIds[i]!,
      ...values,
      emails,
      phones,
      addresses: addresses as never,
      accountId,
      ownerId,
      optInAt: ts(c.optInAt as string | null) as unknown as Date,
      createdAt: ts(c.createdAt as string) as unknown as Date,
      updatedAt: ts(c.createdAt as string) as unknown as Date,
    });
  }

  const leadIds = d.leads.map(() => newId());
  for (const [i, l] of d.leads.entries()) {
    const contactId = at(contactIds, l.contact as number)!;
    const convertedAccountId = at(accountIds, l.convertedAccount as number | null);
    const values = {
      contactId,
      title: l.title as string | null,
      source: l.source as string | null,
      campaign: l.campaign as string | null,
      pipelineId,
      stageId: at(stageIds, l.stage as number)!,
      status: l.status as 'new',
      priority: l.priority as 'low',
      temperature: l.temperature as 'hot' | null,
      ownerId: at(ownerIds, l.owner as number | null),
      score: l.score as number,
      spamScore: l.spamScore as number | null,
      predictedProbability: l.predictedProbability as string | null,
      dealValue: l.dealValue as string | null,
      expectedCloseDate: l.expectedCloseDate as string | null,
      isDuplicate: l.isDuplicate as boolean,
      convertedAccountId,
      custom: l.custom as Record<string, unknown>,
    };
    const contact = records.contact.get(contactId)!;
    const accountId = convertedAccountId ?? (contact.accountId as string | null);
    records.lead.set(leadIds[i]!, {
      id: leadIds[i],
      ...values,
      convertedAt: l.convertedAt,
      createdAt: l.createdAt,
      updatedAt: l.createdAt,
      stageEnteredAt: l.createdAt,
      externalId: null,
      autoCreatedFromContact: false,
      convertedDealId: null,
      marketingStage: null,
      validationStatus: null,
      contact,
      account: accountId ? records.account.get(accountId)! : null,
    });
    await db.insert(leads).values({
      workspaceId,
      id: leadIds[i]!,
      ...values,
      convertedAt: ts(l.convertedAt as string | null) as unknown as Date,
      createdAt: ts(l.createdAt as string) as unknown as Date,
      updatedAt: ts(l.createdAt as string) as unknown as Date,
      stageEnteredAt: ts(l.createdAt as string) as unknown as Date,
      deletedAt: l.deleted ? (ts(l.createdAt as string) as unknown as Date) : null,
    });
  }

  const dealIds = d.deals.map(() => newId());
  for (const [i, x] of d.deals.entries()) {
    const accountId = at(accountIds, x.account as number | null);
    const primaryContactId = at(contactIds, x.contact as number | null);
    const values = {
      name: x.name as string,
      accountId,
      primaryContactId,
      amount: x.amount as string | null,
      forecastCategory: x.forecastCategory as 'commit' | null,
      closeDate: x.closeDate as string | null,
      pipelineId,
      stageId: at(stageIds, x.stage as number)!,
      custom: x.custom as Record<string, unknown>,
    };
    records.deal.set(dealIds[i]!, {
      id: dealIds[i],
      ...values,
      currency: 'USD',
      createdAt: x.createdAt,
      updatedAt: x.createdAt,
      externalId: null,
      originLeadId: null,
      ownerId: null,
      description: null,
      contact: primaryContactId ? records.contact.get(primaryContactId)! : null,
      account: accountId ? records.account.get(accountId)! : null,
    });
    await db.insert(deals).values({
      workspaceId,
      id: dealIds[i]!,
      ...values,
      createdAt: ts(x.createdAt as string) as unknown as Date,
      updatedAt: ts(x.createdAt as string) as unknown as Date,
    });
  }

  for (const a of d.activities) {
    const row = {
      type: a.type as 'email',
      outcome: a.outcome as string | null,
      occurredAt: a.occurredAt as string,
      leadId: at(leadIds, a.lead as number | null),
      contactId: at(contactIds, a.contact as number | null),
      dealId: at(dealIds, a.deal as number | null),
      accountId: at(accountIds, a.account as number | null),
      deletedAt: a.deleted ? (a.occurredAt as string) : null,
    };
    acts.push(row);
    await db.insert(activities).values({
      workspaceId,
      id: newId(),
      ...row,
      occurredAt: ts(row.occurredAt) as unknown as Date,
      deletedAt: ts(row.deletedAt) as unknown as Date,
    });
  }
  const fk: Record<ConditionEntity, string> = {
    lead: 'leadId',
    contact: 'contactId',
    account: 'accountId',
    deal: 'dealId',
  };
  for (const entity of ['lead', 'contact', 'account', 'deal'] as const)
    for (const [id, rec] of records[entity]) rec.activities = acts.filter((a) => a[fk[entity]] === id);

  return {
    workspaceId,
    ownerIds,
    records,
    ids: { lead: leadIds, contact: contactIds, account: accountIds, deal: dealIds },
  };
}
