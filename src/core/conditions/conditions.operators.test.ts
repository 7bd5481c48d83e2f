import { and, eq, sql } from 'drizzle-orm';
import { alias, PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, testDatabase } from '../../../test/db.js';
import type { DatabaseHandle } from '../db/client.js';
import {
  accounts,
  activities,
  contacts,
  customFieldDefinitions,
  leads,
  stages,
  workspaces,
} from '../db/schema/index.js';
import { createDefaultPipeline } from '../pipelines/pipelines.service.js';
import { type Ctx, systemCtx } from '../shared/context.js';
import { isAppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { compileCondition } from './compile-sql.js';
import { loadConditionRecord } from './condition-record.service.js';
import type { Condition } from './conditions.schemas.js';
import { evaluateCondition } from './evaluate.js';
import { loadConditionFields, validateCondition } from './validate.js';

/**
 * Each operator's edge cases, on a small hand-built workspace: the expected leads are written out, and
 * both the compiled SQL and the in-memory evaluator (on records from `loadConditionRecord`) must give them.
 */

const NOW = '2025-06-15T12:00:00.000000Z';
const ago = (days: number) =>
  `${new Date(Date.parse(NOW) - days * 86_400_000).toISOString().slice(0, 19)}.000000Z`;

describe.each(DB_KINDS)('condition operators on %s', (kind) => {
  let h: DatabaseHandle;
  let ctx: Ctx;
  const L: Record<string, string> = {};
  const byId = new Map<string, string>();

  beforeAll(async () => {
    h = await testDatabase(kind);
    const db = h.db;
    const ws = newId();
    ctx = systemCtx(ws);
    await db.insert(workspaces).values({ id: ws, name: 'ops' });
    const pipelineId = await createDefaultPipeline(db, ws);
    const [stage] = await db
      .select({ id: stages.id })
      .from(stages)
      .where(eq(stages.workspaceId, ws))
      .limit(1);
    const defs: [string, string, string, string[]?][] = [
      ['lead', 'budget', 'number'],
      ['lead', 'price', 'money'],
      ['lead', 'note', 'text'],
      ['lead', 'due', 'date'],
      ['lead', 'vip', 'boolean'],
      ['lead', 'tier', 'select', ['gold', 'silver']],
      ['lead', 'tags', 'multiselect', ['a', 'b', 'c']],
      ['contact', 'industry', 'text'],
      ['account', 'segment', 'select', ['smb', 'ent']],
    ];
    await db.insert(customFieldDefinitions).values(
      defs.map(([entity, key, type, options]) => ({
        workspaceId: ws,
        id: newId(),
        entity: entity as 'lead',
        key,
        label: key,
        type: type as 'text',
        options: options?.map((v) => ({ value: v, label: v })) ?? null,
      })),
    );
    const acme = newId();
    const globex = newId();
    await db.insert(accounts).values([
      { workspaceId: ws, id: acme, name: 'Acme', custom: { segment: 'ent' } },
      { workspaceId: ws, id: globex, name: 'Globex', custom: { segment: 'smb' } },
    ]);
    const contact = async (v: Partial<typeof contacts.$inferInsert>) => {
      const id = newId();
      await db.insert(contacts).values({ workspaceId: ws, id, ...v });
      return id;
    };
    const maya = await contact({
      firstName: 'Maya',
      emails: [{ email: 'Maya@Example.com', normalized: 'maya@example.com', label: null, primary: true }],
      addresses: [
        {
          type: 'business',
          street1: null,
          street2: null,
          city: 'Pune',
          state: null,
          postcode: '411001',
          country: 'IN',
        },
      ],
      accountId: acme,
      custom: { industry: 'Solar' },
    });
    const bare = await contact({ lastName: 'Bare' });
    const umlaut = await contact({
      firstName: 'ä',
      addresses: [
        {
          type: 'personal',
          street1: null,
          street2: null,
          city: '',
          state: null,
          postcode: null,
          country: 'in',
        },
      ],
      accountId: acme,
    });
    const lead = async (name: string, v: Partial<typeof leads.$inferInsert>) => {
      const id = newId();
      L[name] = id;
      byId.set(id, name);
      await db.insert(leads).values({
        workspaceId: ws,
        id,
        pipelineId,
        stageId: stage!.id,
        status: 'new',
        contactId: bare,
        createdAt: sql`${ago(10)}::timestamptz` as never,
        ...v,
      });
    };
    await lead('L1', {
      contactId: maya,
      source: 'Referral',
      title: 'Kitchen 100%',
      dealValue: '1234.50',
      score: 10,
      expectedCloseDate: '2025-06-20',
      convertedAt: sql`'2025-06-10T10:00:00.000500Z'::timestamptz` as never,
      custom: {
        budget: 10000,
        price: '99.99',
        note: 'ABC',
        due: '2025-07-01',
        vip: true,
        tier: 'gold',
        tags: ['a', 'b'],
      },
    });
    await lead('L2', {
      source: 'referral',
      title: 'x_y',
      dealValue: '1234.5',
      score: 50,
      spamScore: 5,
      status: 'won',
      convertedAccountId: globex,
      custom: { budget: '10000.00', note: 5, tags: [], tier: 'silver' },
    });
    await lead('L3', { contactId: umlaut, source: null, title: '', score: 100, custom: {} });
    await lead('L4', {
      source: '',
      title: 'straße 😀',
      dealValue: '-0.01',
      custom: { budget: 9999.99, note: 'abc', tags: 'a', vip: 'true', due: 'soon' },
    });
    const act = (
      leadId: string,
      type: 'email' | 'call',
      outcome: string | null,
      at: string,
      deleted = false,
    ) =>
      db.insert(activities).values({
        workspaceId: ws,
        id: newId(),
        leadId,
        type,
        outcome,
        occurredAt: sql`${at}::timestamptz` as never,
        deletedAt: deleted ? (sql`${at}::timestamptz` as never) : null,
      });
    await act(L.L1!, 'email', 'opened', ago(2));
    await act(L.L1!, 'email', 'Opened', ago(8));
    await act(L.L1!, 'call', null, NOW);
    await act(L.L1!, 'email', 'opened', ago(1), true);
    await act(L.L2!, 'email', 'opened', ago(7)); // exactly on the window's lower edge: counts
    await act(L.L3!, 'email', 'opened', ago(7));
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Both evaluators give exactly the expected leads. */
  async function expectLeads(cond: Condition, names: string[]) {
    const bound = await validateCondition(h.db, ctx, 'lead', cond);
    const rows = await h.db
      .select({ id: leads.id })
      .from(leads)
      .where(and(eq(leads.workspaceId, ctx.workspaceId), compileCondition(bound, { now: NOW })));
    const bySql = rows.map((r) => byId.get(r.id)!).sort();
    const inMemory: string[] = [];
    for (const [name, id] of Object.entries(L))
      if (evaluateCondition(bound, await loadConditionRecord(h.db, ctx, 'lead', id), { now: NOW }))
        inMemory.push(name);
    expect(bySql, `SQL: ${JSON.stringify(cond)}`).toEqual([...names].sort());
    expect(inMemory.sort(), `memory: ${JSON.stringify(cond)}`).toEqual([...names].sort());
  }

  it('text: exact eq/in, missing values satisfy neq/nin/is_empty, contains/starts_with ignore ASCII case', async () => {
    await expectLeads({ field: 'source', op: 'eq', value: 'referral' }, ['L2']);
    await expectLeads({ field: 'source', op: 'neq', value: 'referral' }, ['L1', 'L3', 'L4']);
    await expectLeads({ field: 'source', op: 'in', value: ['Referral', 'ads'] }, ['L1']);
    await expectLeads({ field: 'source', op: 'nin', value: ['Referral'] }, ['L2', 'L3', 'L4']);
    await expectLeads({ field: 'source', op: 'is_empty' }, ['L3', 'L4']);
    await expectLeads({ field: 'source', op: 'is_not_empty' }, ['L1', 'L2']);
    await expectLeads({ field: 'source', op: 'contains', value: 'EFER' }, ['L1', 'L2']);
    await expectLeads({ field: 'source', op: 'starts_with', value: 'rEf' }, ['L1', 'L2']);
    await expectLeads({ field: 'source', op: 'starts_with', value: 'eferral' }, []);
  });

  it('text: LIKE metacharacters are literal; order is code-point order; only ASCII case folds', async () => {
    await expectLeads({ field: 'title', op: 'contains', value: '%' }, ['L1']);
    await expectLeads({ field: 'title', op: 'contains', value: '_' }, ['L2']);
    await expectLeads({ field: 'title', op: 'contains', value: '' }, ['L1', 'L2', 'L3', 'L4']);
    await expectLeads({ field: 'title', op: 'gt', value: 'straße' }, ['L2', 'L4']);
    await expectLeads({ field: 'title', op: 'between', value: ['K', 'x'] }, ['L1', 'L4']);
    // U+1F600 sorts after U+FFFD by code point (and in UTF-8), though its UTF-16 code units sort before.
    await expectLeads({ field: 'title', op: 'gt', value: 'straße \uFFFD' }, ['L2', 'L4']);
    await expectLeads({ field: 'title', op: 'contains', value: '😀' }, ['L4']);
    await expectLeads({ field: 'contact.firstName', op: 'contains', value: 'ä' }, ['L3']);
    await expectLeads({ field: 'contact.firstName', op: 'contains', value: 'Ä' }, []);
    await expectLeads({ field: 'firstName', op: 'eq', value: 'Maya' }, ['L1']);
  });

  it('numbers are exact decimals; integers; decimal strings; null handling', async () => {
    await expectLeads({ field: 'dealValue', op: 'eq', value: 1234.5 }, ['L1', 'L2']);
    await expectLeads({ field: 'dealValue', op: 'eq', value: '1234.500' }, ['L1', 'L2']);
    await expectLeads({ field: 'dealValue', op: 'gt', value: '1234.49' }, ['L1', 'L2']);
    await expectLeads({ field: 'dealValue', op: 'lt', value: 0 }, ['L4']);
    await expectLeads({ field: 'dealValue', op: 'between', value: [-1, 0] }, ['L4']);
    await expectLeads({ field: 'dealValue', op: 'is_empty' }, ['L3']);
    await expectLeads({ field: 'score', op: 'between', value: [10, 50] }, ['L1', 'L2']);
    await expectLeads({ field: 'score', op: 'in', value: [10, 100.0] }, ['L1', 'L3']);
    await expectLeads({ field: 'score', op: 'gt', value: 49.5 }, ['L2', 'L3']);
    await expectLeads({ field: 'spamScore', op: 'neq', value: 5 }, ['L1', 'L3', 'L4']);
  });

  it('custom fields: values of the wrong JSON type count as missing; multiselect is an array', async () => {
    await expectLeads({ field: 'custom.budget', op: 'gte', value: 10000 }, ['L1', 'L2']);
    await expectLeads({ field: 'custom.budget', op: 'lt', value: '10000' }, ['L4']);
    await expectLeads({ field: 'custom.price', op: 'eq', value: 99.99 }, ['L1']);
    await expectLeads({ field: 'custom.note', op: 'eq', value: 'abc' }, ['L4']);
    await expectLeads({ field: 'custom.note', op: 'is_empty' }, ['L2', 'L3']);
    await expectLeads({ field: 'custom.note', op: 'contains', value: 'b' }, ['L1', 'L4']);
    await expectLeads({ field: 'custom.tags', op: 'contains', value: 'a' }, ['L1']);
    await expectLeads({ field: 'custom.tags', op: 'in', value: ['b', 'c'] }, ['L1']);
    await expectLeads({ field: 'custom.tags', op: 'nin', value: ['b'] }, ['L2', 'L3', 'L4']);
    await expectLeads({ field: 'custom.tags', op: 'is_empty' }, ['L2', 'L3', 'L4']);
    await expectLeads({ field: 'custom.vip', op: 'eq', value: true }, ['L1']);
    await expectLeads({ field: 'custom.vip', op: 'neq', value: true }, ['L2', 'L3', 'L4']);
    await expectLeads({ field: 'custom.due', op: 'lt', value: '2025-08-01' }, ['L1']);
    await expectLeads({ field: 'custom.due', op: 'is_empty' }, ['L2', 'L3', 'L4']);
    await expectLeads({ field: 'custom.tier', op: 'in', value: ['gold'] }, ['L1']);
    await expectLeads({ field: 'contact.custom.industry', op: 'eq', value: 'Solar' }, ['L1']);
    await expectLeads({ field: 'account.custom.segment', op: 'eq', value: 'ent' }, ['L1', 'L3']);
  });

  it('dates, relative dates and timestamps with microseconds and offsets', async () => {
    await expectLeads({ field: 'expectedCloseDate', op: 'gte', value: { days: 0 } }, ['L1']);
    await expectLeads({ field: 'expectedCloseDate', op: 'lt', value: { days: 5 } }, []);
    await expectLeads({ field: 'expectedCloseDate', op: 'lte', value: { days: 5 } }, ['L1']);
    await expectLeads({ field: 'convertedAt', op: 'gt', value: '2025-06-10T10:00:00.000Z' }, ['L1']);
    await expectLeads({ field: 'convertedAt', op: 'eq', value: '2025-06-10T12:00:00.0005+02:00' }, ['L1']);
    await expectLeads({ field: 'convertedAt', op: 'lt', value: '2025-06-10T10:00:00.000501Z' }, ['L1']);
    await expectLeads({ field: 'convertedAt', op: 'is_empty' }, ['L2', 'L3', 'L4']);
    await expectLeads({ field: 'createdAt', op: 'between', value: [{ days: -11 }, { days: -9 }] }, [
      'L1',
      'L2',
      'L3',
      'L4',
    ]);
  });

  it('related records: the contact, and the account (converted account first, else the contact’s)', async () => {
    await expectLeads({ field: 'contact.email', op: 'eq', value: 'MAYA@example.com' }, ['L1']);
    await expectLeads({ field: 'email', op: 'contains', value: '@EXAMPLE' }, ['L1']);
    await expectLeads({ field: 'contact.city', op: 'eq', value: 'Pune' }, ['L1']);
    await expectLeads({ field: 'contact.country', op: 'eq', value: 'IN' }, ['L1']);
    await expectLeads({ field: 'contact.city', op: 'is_empty' }, ['L2', 'L3', 'L4']);
    await expectLeads({ field: 'account.name', op: 'eq', value: 'Acme' }, ['L1', 'L3']);
    await expectLeads({ field: 'account.name', op: 'eq', value: 'Globex' }, ['L2']);
    await expectLeads({ field: 'account.name', op: 'neq', value: 'Acme' }, ['L2', 'L4']);
    await expectLeads({ field: 'account.createdAt', op: 'is_empty' }, ['L4']);
  });

  it('activity counts: type, outcome (ASCII case-insensitive), windows inclusive of both ends, deleted ignored', async () => {
    await expectLeads({ field: 'activities.email_opened.last_7d', op: 'gte', value: 1 }, ['L1', 'L2', 'L3']);
    await expectLeads({ field: 'activities.email_opened.last_7d', op: 'eq', value: 1 }, ['L1', 'L2', 'L3']);
    await expectLeads({ field: 'activities.email_opened.count', op: 'eq', value: 2 }, ['L1']);
    await expectLeads({ field: 'activities.email.last_6d', op: 'eq', value: 1 }, ['L1']);
    await expectLeads({ field: 'activities.call.last_1d', op: 'gte', value: 1 }, ['L1']);
    await expectLeads({ field: 'activities.any.count', op: 'eq', value: 0 }, ['L4']);
    await expectLeads({ field: 'activities.any.count', op: 'is_empty' }, []);
  });

  it('groups: all, any, not and the empty groups', async () => {
    await expectLeads({ all: [] }, ['L1', 'L2', 'L3', 'L4']);
    await expectLeads({ any: [] }, []);
    await expectLeads({ not: { all: [] } }, []);
    await expectLeads(
      {
        all: [
          { field: 'source', op: 'in', value: ['Referral', 'referral'] },
          {
            any: [
              { field: 'custom.budget', op: 'gte', value: 10000 },
              { field: 'status', op: 'eq', value: 'won' },
            ],
          },
          { not: { field: 'contact.country', op: 'eq', value: 'IN' } },
        ],
      },
      ['L2'],
    );
    // NOT over a missing value: every leaf is two-valued, so not(eq) is exactly neq.
    await expectLeads({ not: { field: 'spamScore', op: 'eq', value: 5 } }, ['L1', 'L3', 'L4']);
    await expectLeads({ not: { field: 'account.name', op: 'contains', value: 'acme' } }, ['L2', 'L4']);
  });

  it('changed_to: evaluated against the previous record; refused by the SQL compiler naming the leaf', async () => {
    const bound = await validateCondition(h.db, ctx, 'lead', {
      all: [
        { field: 'score', op: 'gte', value: 0 },
        { field: 'status', op: 'changed_to', value: 'won' },
      ],
    });
    const now = await loadConditionRecord(h.db, ctx, 'lead', L.L2!);
    expect(evaluateCondition(bound, now, { now: NOW, previous: { ...now, status: 'new' } })).toBe(true);
    expect(evaluateCondition(bound, now, { now: NOW, previous: now })).toBe(false);
    // No previous record: the record is new, so its status changed to what it is.
    expect(evaluateCondition(bound, now, { now: NOW })).toBe(true);
    const l1 = await loadConditionRecord(h.db, ctx, 'lead', L.L1!);
    expect(evaluateCondition(bound, l1, { now: NOW, previous: { ...l1, status: 'won' } })).toBe(false);
    let error: unknown;
    try {
      compileCondition(bound);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error) && error.code).toBe('validation_failed');
    expect((error as { errors: unknown }).errors).toEqual([
      { field: 'condition.all.1.op', reason: expect.stringMatching(/changed_to only works in event rules/) },
    ]);
  });

  it('compiles simple leaves on indexed columns to plain, index-friendly predicates', async () => {
    const fields = await loadConditionFields(h.db, ctx, 'lead');
    const dialect = new PgDialect({ casing: 'snake_case' });
    const text = async (cond: Condition) =>
      dialect.sqlToQuery(compileCondition(await validateCondition(h.db, ctx, 'lead', cond), { now: NOW }))
        .sql;
    expect(fields.entity).toBe('lead');
    expect(await text({ field: 'status', op: 'eq', value: 'new' })).toBe('"leads"."status" = $1');
    expect(await text({ field: 'source', op: 'in', value: ['a', 'b'] })).toBe(
      '("leads"."source" in ($1, $2) and "leads"."source" is not null)',
    );
    expect(await text({ field: 'ownerId', op: 'eq', value: newId() })).toBe(
      '("leads"."owner_id" = $1::uuid and "leads"."owner_id" is not null)',
    );
    expect(await text({ field: 'custom.tier', op: 'eq', value: 'gold' })).toBe(
      '"leads"."custom" @> $1::jsonb',
    );
    // With realistic statistics the planner uses the indexes for these predicates: a second workspace of
    // 6,000 leads (statuses, 50 sources, few owners, 2% gold tier), analyzed.
    const big = newId();
    await h.db.insert(workspaces).values({ id: big, name: 'plans' });
    const pipelineId = await createDefaultPipeline(h.db, big);
    const [stage] = await h.db
      .select({ id: stages.id })
      .from(stages)
      .where(eq(stages.workspaceId, big))
      .limit(1);
    const contactId = newId();
    await h.db.insert(contacts).values({ workspaceId: big, id: contactId, lastName: 'Many' });
    await h.db.execute(sql`insert into leads (workspace_id, id, contact_id, pipeline_id, stage_id, status, source, custom)
      select ${big}, gen_random_uuid(), ${contactId}, ${pipelineId}, ${stage!.id},
        (array['new','contacted','qualified','proposal','won','lost'])[1 + i % 6], 's' || (i % 50),
        jsonb_build_object('tier', case when i % 50 = 0 then 'gold' else 'silver' end)
      from generate_series(1, 6000) i`);
    await h.db.execute(sql`analyze leads`);
    const plan = async (cond: Condition) => {
      const where = compileCondition(await validateCondition(h.db, ctx, 'lead', cond), { now: NOW });
      const r = (await h.db.execute(
        sql`explain select ${leads.id} from ${leads} where ${leads.workspaceId} = ${big} and ${where}`,
      )) as unknown as { rows: Record<string, string>[] };
      return r.rows.map((x) => Object.values(x)[0]).join('\n');
    };
    expect(await plan({ field: 'status', op: 'eq', value: 'won' })).toMatch(
      /leads_status_idx[\s\S]*Index Cond: .*status = /,
    );
    expect(await plan({ field: 'source', op: 'in', value: ['s1', 's2'] })).toMatch(
      /leads_source_idx[\s\S]*Index Cond: .*source = ANY/,
    );
    expect(await plan({ field: 'ownerId', op: 'eq', value: newId() })).toMatch(
      /leads_owner_idx[\s\S]*Index Cond: .*owner_id = /,
    );
    expect(await plan({ field: 'custom.tier', op: 'eq', value: 'gold' })).toMatch(/leads_custom_idx/);
  });

  it('composes with an aliased table and any surrounding query', async () => {
    const l = alias(leads, 'l');
    const bound = await validateCondition(h.db, ctx, 'lead', {
      all: [
        { field: 'account.name', op: 'eq', value: 'Acme' },
        { field: 'activities.any.count', op: 'gte', value: 1 },
      ],
    });
    const rows = await h.db
      .select({ id: l.id })
      .from(l)
      .where(
        and(eq(l.workspaceId, ctx.workspaceId), compileCondition(bound, { now: NOW, table: l as never })),
      );
    expect(rows.map((r) => byId.get(r.id)).sort()).toEqual(['L1', 'L3']);
  });
});
