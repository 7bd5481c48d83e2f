import { and, eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, testDatabase } from '../../../test/db.js';
import type { DatabaseHandle } from '../db/client.js';
import { activities, deals, tasks } from '../db/schema/index.js';
import { systemCtx } from '../shared/context.js';
import { isAppError } from '../shared/errors.js';
import { compileCondition } from './compile-sql.js';
import { CUSTOM_DEFS, datasetArb, type Inserted, insertDataset, NOW } from './condition-dataset.js';
import { type ConditionRecord, conditionFields } from './condition-fields.js';
import { loadConditionRecord } from './condition-record.service.js';
import { conditionArb, type InsertedWork, insertWork, leafArb, workArb } from './condition-work-dataset.js';
import { evaluateCondition } from './evaluate.js';
import { bindCondition } from './validate.js';

/**
 * Activities and tasks in the condition language: for random activities and tasks (hanging off random
 * leads, contacts, accounts and deals) and random well-typed conditions over their own columns and
 * their `lead.*`, `contact.*` and `account.*` fields, the ids the compiled SQL selects are exactly the
 * ids the in-memory evaluator accepts — on the records as generated and as `loadConditionRecord` reads
 * them. Deals' `lead.*` (their origin lead) likewise.
 */

const SEED = Number(process.env.CONDITIONS_SEED ?? Date.now() % 2_147_483_647);
const FACTOR = Number(process.env.CONDITIONS_RUNS_FACTOR ?? 1);

const CASES = {
  activity: { runs: 200 * FACTOR, table: activities, only: (_: string) => true },
  task: { runs: 200 * FACTOR, table: tasks, only: (_: string) => true },
  // Deals' own fields are covered by conditions.property.test.ts; here their origin lead's.
  deal: { runs: 80 * FACTOR, table: deals, only: (n: string) => n.startsWith('lead.') },
} as const;
type Case = keyof typeof CASES;

describe.each(DB_KINDS)('activity and task conditions: SQL and in-memory agree on %s', (kind) => {
  let h: DatabaseHandle;
  let data: Inserted;
  let work: InsertedWork;
  const loaded: Record<Case, Map<string, ConditionRecord>> = {
    activity: new Map(),
    task: new Map(),
    deal: new Map(),
  };
  const expectedOf = (c: Case) => (c === 'deal' ? data.records.deal : work[c]);

  beforeAll(async () => {
    h = await testDatabase(kind);
    const [dataset] = fc.sample(datasetArb, { numRuns: 1, seed: SEED });
    const [w] = fc.sample(workArb, { numRuns: 1, seed: SEED + 1 });
    data = await insertDataset(h.db, dataset!);
    work = await insertWork(h.db, data, w!);
    const ctx = systemCtx(data.workspaceId);
    for (const c of ['activity', 'task', 'deal'] as const)
      for (const id of expectedOf(c).keys())
        loaded[c].set(id, await loadConditionRecord(h.db, ctx, c, id, { withDeleted: true }));
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(['activity', 'task', 'deal'] as const)(`%s conditions (seed ${SEED})`, async (entity) => {
    const { runs, table, only } = CASES[entity];
    const fields = conditionFields(entity, CUSTOM_DEFS);
    const expected = expectedOf(entity);
    const ids = [...expected.keys()];
    const arb = conditionArb(leafArb(fields, [...expected.values()], data.ownerIds, only));
    const tally = { none: 0, some: 0, all: 0 };
    await fc.assert(
      fc.asyncProperty(arb, async (cond) => {
        const bound = bindCondition(fields, cond);
        const where = compileCondition(bound, { now: NOW });
        const rows = await h.db
          .select({ id: table.id })
          .from(table)
          // The dataset's own activities (condition-dataset.ts) are left out: only ours have expected records.
          .where(and(eq(table.workspaceId, data.workspaceId), inArray(table.id, ids), where));
        const bySql = rows.map((r) => r.id).sort();
        const inMemory = ids.filter((id) => evaluateCondition(bound, expected.get(id)!, { now: NOW })).sort();
        const fromLoaded = ids
          .filter((id) => evaluateCondition(bound, loaded[entity].get(id)!, { now: NOW }))
          .sort();
        expect(bySql, JSON.stringify(cond)).toEqual(inMemory);
        expect(fromLoaded, JSON.stringify(cond)).toEqual(inMemory);
        tally[inMemory.length === 0 ? 'none' : inMemory.length === ids.length ? 'all' : 'some']++;
      }),
      { numRuns: runs, seed: SEED },
    );
    expect(tally.some, JSON.stringify(tally)).toBeGreaterThan(runs * 0.25);
    console.log(`${kind} ${entity}: ${runs} conditions over ${ids.length} records`, tally);
  });

  it('reaches the lead, contact and account of activities and tasks, and their custom fields', () => {
    const names = (e: 'activity' | 'task') => [...conditionFields(e, CUSTOM_DEFS).fields.keys()];
    for (const e of ['activity', 'task'] as const)
      expect(names(e)).toEqual(
        expect.arrayContaining([
          'leadId',
          'contactId',
          'lead.source',
          'lead.status',
          'lead.custom.budget',
          'lead.custom.tier',
          'contact.country',
          'contact.email',
          'contact.custom.industry',
          'account.name',
          'account.custom.segment',
        ]),
      );
    expect(names('activity')).toEqual(
      expect.arrayContaining(['type', 'outcome', 'durationMinutes', 'occurredAt', 'userId', 'accountId']),
    );
    expect(names('task')).toEqual(
      expect.arrayContaining(['title', 'status', 'priority', 'type', 'dueAt', 'completedAt', 'assigneeId']),
    );
  });

  it('refuses what activities and tasks do not have, naming the leaf', () => {
    const errorsOf = (e: 'activity' | 'task', cond: unknown) => {
      try {
        bindCondition(conditionFields(e, CUSTOM_DEFS), cond);
      } catch (err) {
        if (isAppError(err)) return err.errors;
        throw err;
      }
      return [];
    };
    expect(
      errorsOf('activity', {
        all: [
          { field: 'activities.any.count', op: 'gte', value: 1 },
          { field: 'custom.budget', op: 'eq', value: 1 },
          { field: 'lead.custom.nope', op: 'eq', value: 'x' },
          { field: 'type', op: 'eq', value: 'fax' },
          { field: 'ownerId', op: 'is_empty' },
        ],
      }),
    ).toEqual([
      {
        field: 'condition.all.0.field',
        reason:
          'activities.any.count is not a field: activity counts are for leads, contacts, accounts and deals, not activities',
      },
      {
        field: 'condition.all.1.field',
        reason: 'custom.budget is not a field: activities have no custom fields',
      },
      { field: 'condition.all.2.field', reason: 'lead.custom.nope is not a custom field of leads' },
      { field: 'condition.all.3.value', reason: expect.stringMatching(/^must be one of call, email/) },
      { field: 'condition.all.4.field', reason: 'ownerId is not a known activity field' },
    ]);
    expect(errorsOf('task', { field: 'status', op: 'contains', value: 'pend' })).toEqual([
      { field: 'condition.op', reason: expect.stringMatching(/^contains does not apply to status/) },
    ]);
  });
});
