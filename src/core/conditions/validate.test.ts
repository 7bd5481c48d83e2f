import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, testDatabase } from '../../../test/db.js';
import type { DatabaseHandle } from '../db/client.js';
import { customFieldDefinitions, workspaces } from '../db/schema/index.js';
import { systemCtx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { CUSTOM_DEFS } from './condition-dataset.js';
import { conditionFields } from './condition-fields.js';
import { CONDITION_LIMITS, conditionSchema, parseCondition } from './conditions.schemas.js';
import { bindCondition, validateCondition } from './validate.js';

const lead = conditionFields('lead', CUSTOM_DEFS);

/** The field errors bindCondition throws for this input (fails when it accepts it). */
function errorsOf(input: unknown, opts = {}): { field: string; reason: string }[] {
  try {
    bindCondition(lead, input, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('validation_failed');
    expect((e as AppError).status).toBe(422);
    return (e as AppError).errors;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('condition shape', () => {
  it('accepts the SPEC example and keeps it as given', () => {
    const example = {
      all: [
        { field: 'source', op: 'in', value: ['referral', 'partner'] },
        { field: 'custom.budget', op: 'gte', value: 10000 },
        {
          any: [
            { field: 'contact.country', op: 'eq', value: 'IN' },
            { field: 'activities.email_opened.last_7d', op: 'gte', value: 1 },
          ],
        },
      ],
    };
    const bound = bindCondition(lead, example);
    expect(bound.condition).toEqual(example);
    expect(bound.usesChangedTo).toBe(false);
    expect(conditionSchema.parse(example)).toEqual(example);
  });

  it('names each malformed part with a reason', () => {
    expect(errorsOf('status = new')).toEqual([
      { field: 'condition', reason: expect.stringMatching(/must be an object/) },
    ]);
    expect(errorsOf({ all: {} })).toEqual([
      { field: 'condition.all', reason: 'must be a list of conditions' },
    ]);
    expect(errorsOf({ all: [], any: [] })).toEqual([
      { field: 'condition', reason: 'a {all} group must have no other keys' },
    ]);
    expect(errorsOf({ field: 'source', op: 'like', value: 'x' })).toEqual([
      { field: 'condition.op', reason: expect.stringMatching(/^must be one of eq, neq, in/) },
    ]);
    expect(errorsOf({ field: 'source', op: 'eq', value: 'x', extra: 1 })).toEqual([
      { field: 'condition.extra', reason: expect.stringMatching(/is not a known key/) },
    ]);
    expect(errorsOf({ field: 'drop table', op: 'eq', value: 'x' })).toEqual([
      { field: 'condition.field', reason: expect.stringMatching(/must be a field name/) },
    ]);
    expect(errorsOf({ any: [{ field: 'source', op: 'in', value: 'x' }] })).toEqual([
      { field: 'condition.any.0.value', reason: 'in needs a list of values' },
    ]);
    expect(errorsOf({ field: 'score', op: 'between', value: [1, 2, 3] })).toEqual([
      { field: 'condition.value', reason: 'between needs exactly two values: [low, high]' },
    ]);
    expect(errorsOf({ field: 'source', op: 'is_empty', value: '' })).toEqual([
      { field: 'condition.value', reason: 'is_empty takes no value' },
    ]);
    expect(errorsOf({ field: 'source', op: 'eq' })).toEqual([
      { field: 'condition.value', reason: 'eq needs a value' },
    ]);
    expect(errorsOf({ field: 'source', op: 'eq', value: ['a'] })).toEqual([
      { field: 'condition.value', reason: 'eq takes one value, not a list' },
    ]);
    expect(errorsOf({ field: 'source', op: 'in', value: [] })).toEqual([
      { field: 'condition.value', reason: `in needs 1 to ${CONDITION_LIMITS.maxListValues} values` },
    ]);
    expect(errorsOf({ field: 'createdAt', op: 'gt', value: { days: 1.5 } })).toEqual([
      { field: 'condition.value', reason: expect.stringMatching(/days must be an integer/) },
    ]);
    expect(errorsOf({ field: 'source', op: 'eq', value: 'a\u0000b' })).toEqual([
      { field: 'condition.value', reason: expect.stringMatching(/no NUL characters/) },
    ]);
    expect(errorsOf({ field: 'source', op: 'eq', value: 'a\uD800' })).toEqual([
      { field: 'condition.value', reason: expect.stringMatching(/unpaired surrogates/) },
    ]);
    expect(errorsOf({ field: 'source', op: 'eq', value: 'x'.repeat(1001) })).toEqual([
      { field: 'condition.value', reason: 'must be at most 1000 characters' },
    ]);
  });

  it('refuses hostile depth and size without overflowing the stack', () => {
    let deep: unknown = { field: 'score', op: 'gt', value: 1 };
    for (let i = 0; i < 200_000; i++) deep = { not: deep };
    expect(errorsOf(deep)).toEqual([
      {
        field: expect.stringMatching(/^condition(\.not){12}$/),
        reason: `nests deeper than ${CONDITION_LIMITS.maxDepth} levels`,
      },
    ]);
    expect(() => parseCondition(deep)).toThrow(/nests deeper than 12 levels/);
    const parsed = conditionSchema.safeParse(deep);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('nests deeper than 12 levels');

    const wide = { all: Array.from({ length: 100_000 }, () => ({ field: 'score', op: 'gt', value: 1 })) };
    expect(errorsOf(wide)).toEqual([{ field: 'condition.all', reason: 'must have at most 500 conditions' }]);
    const bushy = {
      any: Array.from({ length: 300 }, () => ({ all: [{ field: 'score', op: 'gt', value: 1 }] })),
    };
    expect(errorsOf(bushy)[0]?.reason).toBe('the condition has more than 500 parts');
  });

  it('zod schema reports paths relative to where it is used', () => {
    const r = conditionSchema.safeParse({ all: [{ field: 'source', op: 'in', value: 'x' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['all.0.value', 'in needs a list of values'],
    ]);
  });
});

describe('condition fields and types', () => {
  it('refuses unknown fields, ops that do not fit the type, and values that do not fit either', () => {
    expect(
      errorsOf({
        all: [
          { field: 'nope', op: 'eq', value: 1 },
          { field: 'custom.nope', op: 'eq', value: 1 },
          { field: 'contact.custom.nope', op: 'eq', value: 1 },
          { field: 'score', op: 'contains', value: '1' },
          { field: 'score', op: 'eq', value: 'high' },
          { field: 'status', op: 'eq', value: 'open' },
          { field: 'ownerId', op: 'eq', value: 'me' },
          { field: 'isDuplicate', op: 'gt', value: true },
          { field: 'isDuplicate', op: 'eq', value: 'yes' },
          { field: 'custom.tags', op: 'eq', value: 'a' },
          { field: 'custom.tags', op: 'contains', value: 'zz' },
          { field: 'custom.tier', op: 'in', value: ['gold', 'bronze'] },
          { field: 'expectedCloseDate', op: 'gt', value: '2025-02-30' },
          { field: 'createdAt', op: 'gt', value: '2025-06-01 10:00' },
          { field: 'createdAt', op: 'gt', value: '2025-06-01T10:00:00.1234567Z' },
          { field: 'source', op: 'eq', value: { days: 1 } },
          { field: 'activities.email.last_0d', op: 'gt', value: 1 },
          { field: 'activities.fax.count', op: 'gt', value: 1 },
          { field: 'activities.email.sum', op: 'gt', value: 1 },
          { field: 'source', op: 'eq', value: 5 },
        ],
      }),
    ).toEqual([
      { field: 'condition.all.0.field', reason: 'nope is not a known lead field' },
      { field: 'condition.all.1.field', reason: 'custom.nope is not a custom field of leads' },
      { field: 'condition.all.2.field', reason: 'contact.custom.nope is not a custom field of contacts' },
      {
        field: 'condition.all.3.op',
        reason: expect.stringMatching(/^contains does not apply to score \(a number field\)/),
      },
      { field: 'condition.all.4.value', reason: expect.stringMatching(/^must be a number/) },
      {
        field: 'condition.all.5.value',
        reason: 'must be one of new, contacted, qualified, proposal, won, lost',
      },
      { field: 'condition.all.6.value', reason: 'must be a UUID' },
      { field: 'condition.all.7.op', reason: expect.stringMatching(/^gt does not apply to isDuplicate/) },
      { field: 'condition.all.8.value', reason: 'must be true or false' },
      {
        field: 'condition.all.9.op',
        reason: expect.stringMatching(/^eq does not apply to custom.tags \(a multi-choice/),
      },
      { field: 'condition.all.10.value', reason: 'must be one of a, b, c, ä, x%y' },
      { field: 'condition.all.11.value.1', reason: 'must be one of gold, silver, Gold' },
      { field: 'condition.all.12.value', reason: 'must be a date (YYYY-MM-DD) or {"days": n}' },
      {
        field: 'condition.all.13.value',
        reason: expect.stringMatching(/^must be an ISO timestamp with an offset/),
      },
      {
        field: 'condition.all.14.value',
        reason: expect.stringMatching(/^must be an ISO timestamp with an offset/),
      },
      {
        field: 'condition.all.15.value',
        reason: expect.stringMatching(/only fits date and timestamp fields/),
      },
      { field: 'condition.all.16.field', reason: expect.stringMatching(/window must be 1 to 3650 days/) },
      {
        field: 'condition.all.17.field',
        reason: expect.stringMatching(/activity type must be any or one of call/),
      },
      { field: 'condition.all.18.field', reason: expect.stringMatching(/must be activities.<type>.count/) },
      { field: 'condition.all.19.value', reason: 'must be text' },
    ]);
  });

  it('normalizes constants: UUIDs lower-cased, emails as stored, decimals canonical', () => {
    const id = '01A201AB-5A1A-7963-9453-5726B95C55B1';
    const b = bindCondition(lead, {
      all: [
        { field: 'ownerId', op: 'eq', value: id },
        { field: 'contact.email', op: 'eq', value: ' Maya@Example.COM ' },
        { field: 'dealValue', op: 'in', value: ['0010.50', 1e21, -0] },
      ],
    });
    const leaves = (b.root as { items: { operands: unknown[] }[] }).items.map((l) => l.operands);
    expect(leaves).toEqual([
      [{ kind: 'const', value: id.toLowerCase() }],
      [{ kind: 'const', value: 'maya@example.com' }],
      [
        { kind: 'const', value: '10.5' },
        { kind: 'const', value: '1000000000000000000000' },
        { kind: 'const', value: '0' },
      ],
    ]);
  });

  it('changed_to is for event rules: refused up front when the condition must compile to SQL', () => {
    const cond = { field: 'status', op: 'changed_to', value: 'won' };
    expect(bindCondition(lead, cond).usesChangedTo).toBe(true);
    expect(errorsOf(cond, { allowChangedTo: false, path: 'conditions' })).toEqual([
      { field: 'conditions.op', reason: expect.stringMatching(/changed_to only works in event rules/) },
    ]);
    expect(errorsOf({ field: 'custom.tags', op: 'changed_to', value: 'a' })[0]?.field).toBe('condition.op');
  });

  it('each entity has its own fields and relations', () => {
    const contact = conditionFields('contact', CUSTOM_DEFS);
    const deal = conditionFields('deal', CUSTOM_DEFS);
    const account = conditionFields('account', CUSTOM_DEFS);
    expect(() =>
      bindCondition(contact, { field: 'account.custom.segment', op: 'eq', value: 'smb' }),
    ).not.toThrow();
    expect(() => bindCondition(deal, { field: 'contact.email', op: 'contains', value: '@' })).not.toThrow();
    expect(() =>
      bindCondition(account, { field: 'activities.any.last_30d', op: 'gt', value: 0 }),
    ).not.toThrow();
    expect(() => bindCondition(contact, { field: 'contact.firstName', op: 'eq', value: 'x' })).toThrow(
      /contact.firstName is not a known contact field/,
    );
    expect(() => bindCondition(account, { field: 'custom.budget', op: 'eq', value: 1 })).toThrow(
      /custom.budget is not a custom field of accounts/,
    );
  });
});

describe.each(DB_KINDS)('validateCondition against a workspace on %s', (kind) => {
  let h: DatabaseHandle;
  const a = newId();
  const b = newId();
  beforeAll(async () => {
    h = await testDatabase(kind);
    await h.db.insert(workspaces).values([
      { id: a, name: 'A' },
      { id: b, name: 'B' },
    ]);
    await h.db.insert(customFieldDefinitions).values([
      { workspaceId: a, id: newId(), entity: 'lead', key: 'budget', label: 'Budget', type: 'money' },
      { workspaceId: b, id: newId(), entity: 'lead', key: 'secret', label: 'Secret', type: 'text' },
    ]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("uses the workspace's custom fields and never another workspace's", async () => {
    const ok = await validateCondition(h.db, systemCtx(a), 'lead', {
      field: 'custom.budget',
      op: 'gte',
      value: '1000.50',
    });
    expect(ok.entity).toBe('lead');
    await expect(
      validateCondition(h.db, systemCtx(a), 'lead', { field: 'custom.secret', op: 'eq', value: 'x' }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'condition.field', reason: 'custom.secret is not a custom field of leads' }],
    });
    await expect(
      validateCondition(h.db, systemCtx(b), 'lead', { field: 'custom.secret', op: 'contains', value: 'x' }),
    ).resolves.toMatchObject({ entity: 'lead' });
  });
});
