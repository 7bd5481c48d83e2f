import { and, eq } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, testDatabase } from '../../../test/db.js';
import type { DatabaseHandle } from '../db/client.js';
import { accounts, contacts, deals, leads } from '../db/schema/index.js';
import { systemCtx } from '../shared/context.js';
import { compileCondition } from './compile-sql.js';
import {
  CUSTOM_DEFS,
  datasetArb,
  type Inserted,
  insertDataset,
  instant,
  NOW,
  NOW_US,
  TRICKY_TEXTS,
} from './condition-dataset.js';
import {
  activityField,
  type ConditionEntity,
  type ConditionFields,
  type ConditionRecord,
  conditionFields,
  type FieldDef,
} from './condition-fields.js';
import { loadConditionRecord } from './condition-record.service.js';
import { addDays, isStorableText, microsToDate, microsToIso } from './condition-values.js';
import type { Condition, ConditionLeaf, ConditionScalar } from './conditions.schemas.js';
import { evaluateCondition, normalizeValue } from './evaluate.js';
import { bindCondition, OPS_BY_TYPE } from './validate.js';

/**
 * The two evaluators agree: for random records written to a real database and random well-typed
 * conditions, the ids the compiled SQL selects are exactly the ids the in-memory evaluator accepts —
 * on the records as generated and on the records `loadConditionRecord` reads back.
 */

const SEED = Number(process.env.CONDITIONS_SEED ?? Date.now() % 2_147_483_647);
const FACTOR = Number(process.env.CONDITIONS_RUNS_FACTOR ?? 1);
const RUNS: Record<ConditionEntity, number> = {
  lead: 260 * FACTOR,
  contact: 120 * FACTOR,
  account: 80 * FACTOR,
  deal: 80 * FACTOR,
};
const TABLES: Record<
  ConditionEntity,
  PgTable & { id: typeof leads.id; workspaceId: typeof leads.workspaceId }
> = {
  lead: leads,
  contact: contacts as never,
  account: accounts as never,
  deal: deals as never,
};
const ACTIVITY_FIELDS = [
  'activities.any.count',
  'activities.any.last_30d',
  'activities.email.last_7d',
  'activities.email_opened.last_7d',
  'activities.email_opened.count',
  'activities.call.count',
  'activities.meeting.last_14d',
  'activities.any_no_answer.last_60d',
  'activities.stage_change.count',
];
const env = { nowMicros: NOW_US };

/** Constants for a field: its values in the records (so conditions match), edges and type-typical extras. */
function valueArb(
  f: FieldDef,
  recs: ConditionRecord[],
  ownerIds: string[],
  op: string,
): fc.Arbitrary<ConditionScalar> {
  const pool: ConditionScalar[] = [];
  for (const r of recs) {
    const v = normalizeValue(f.type, f.get(r, env));
    if (v === null) continue;
    if (typeof v === 'bigint') pool.push(microsToIso(v), microsToIso(v + 1n), microsToIso(v - 1n));
    else if (Array.isArray(v)) pool.push(...v.filter((e): e is string => typeof e === 'string'));
    else pool.push(v);
    if (f.type === 'number' && typeof v === 'string' && Number.isSafeInteger(Number(v))) pool.push(Number(v));
  }
  const extras: fc.Arbitrary<ConditionScalar> = (() => {
    switch (f.type) {
      case 'text': {
        const texts = pool.filter((p): p is string => typeof p === 'string');
        const slices =
          texts.length === 0
            ? fc.constantFrom(...TRICKY_TEXTS)
            : fc
                .tuple(fc.constantFrom(...texts), fc.nat(), fc.nat(), fc.boolean())
                .map(([s, i, j, upper]) => {
                  const a = i % (s.length + 1);
                  const b = j % (s.length + 1);
                  const part = s.slice(Math.min(a, b), Math.max(a, b));
                  return upper ? part.toUpperCase() : part;
                })
                .filter(isStorableText);
        return fc.oneof(fc.constantFrom(...TRICKY_TEXTS), slices);
      }
      case 'enum':
      case 'array':
        return fc.constantFrom(...(f.options ?? ['x']));
      case 'uuid':
        return fc.oneof(fc.constantFrom(...ownerIds), fc.uuid({ version: 7 }));
      case 'number':
        return fc.oneof(
          fc.integer({ min: -5, max: 110 }),
          fc.constantFrom('0.5', '-0.5', '1234.5', '99999999999999.99', '0.30000000000000004', 1e21, 1e-7),
        );
      case 'date':
        return fc.oneof(
          fc.integer({ min: -400, max: 400 }).map((d) => microsToDate(addDays(NOW_US, d))),
          fc.integer({ min: -400, max: 400 }).map((days) => ({ days })),
        );
      case 'timestamp':
        return fc.oneof(
          instant,
          fc.integer({ min: -60, max: 10 }).map((days) => ({ days })),
        );
      case 'boolean':
        return fc.boolean();
    }
  })();
  if (op === 'contains' || op === 'starts_with') return extras;
  // Constants of a choice field must be among its options (stored values may be stale).
  if (f.options) pool.splice(0, pool.length, ...pool.filter((p) => f.options!.includes(p as string)));
  return pool.length === 0 ? extras : fc.oneof(fc.constantFrom(...pool), extras);
}

function leafArb(
  fields: ConditionFields,
  recs: ConditionRecord[],
  ownerIds: string[],
): fc.Arbitrary<ConditionLeaf> {
  const all: FieldDef[] = [...fields.fields.values()];
  for (const name of ACTIVITY_FIELDS) all.push(activityField(fields.entity, name) as FieldDef);
  // Fields whose value varies across the records (a field that is null everywhere decides nothing).
  const defs = all.filter(
    (f) => new Set(recs.map((r) => String(normalizeValue(f.type, f.get(r, env))))).size > 1,
  );
  return fc.constantFrom(...defs).chain((f) =>
    fc
      .constantFrom(...OPS_BY_TYPE[f.type].filter((o) => o !== 'changed_to'))
      .chain((op): fc.Arbitrary<ConditionLeaf> => {
        const one = valueArb(f, recs, ownerIds, op);
        if (op === 'is_empty' || op === 'is_not_empty') return fc.constant({ field: f.name, op });
        if (op === 'in' || op === 'nin')
          return fc.array(one, { minLength: 1, maxLength: 4 }).map((value) => ({ field: f.name, op, value }));
        if (op === 'between') return fc.tuple(one, one).map((value) => ({ field: f.name, op, value }));
        return one.map((value) => ({ field: f.name, op, value }));
      }),
  );
}

function conditionArb(leaf: fc.Arbitrary<ConditionLeaf>): fc.Arbitrary<Condition> {
  const { node } = fc.letrec<{ node: Condition }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
      { weight: 4, arbitrary: leaf },
      { weight: 2, arbitrary: fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }) },
      { weight: 2, arbitrary: fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ not: tie('node') }) },
    ),
  }));
  return node;
}

describe.each(DB_KINDS)('condition SQL and in-memory evaluation agree on %s', (kind) => {
  let h: DatabaseHandle;
  let data: Inserted;
  const loaded: Record<ConditionEntity, Map<string, ConditionRecord>> = {
    lead: new Map(),
    contact: new Map(),
    account: new Map(),
    deal: new Map(),
  };

  beforeAll(async () => {
    h = await testDatabase(kind);
    const [dataset] = fc.sample(datasetArb, { numRuns: 1, seed: SEED });
    data = await insertDataset(h.db, dataset!);
    const ctx = systemCtx(data.workspaceId);
    for (const entity of ['lead', 'contact', 'account', 'deal'] as const)
      for (const id of data.ids[entity])
        loaded[entity].set(id, await loadConditionRecord(h.db, ctx, entity, id, { withDeleted: true }));
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(['lead', 'contact', 'account', 'deal'] as const)(`%s conditions (seed ${SEED})`, async (entity) => {
    const fields = conditionFields(entity, CUSTOM_DEFS);
    const expected = data.records[entity];
    const ids = data.ids[entity];
    const table = TABLES[entity];
    const arb = conditionArb(leafArb(fields, [...expected.values()], data.ownerIds));
    const tally = { none: 0, some: 0, all: 0 };
    await fc.assert(
      fc.asyncProperty(arb, async (cond) => {
        const bound = bindCondition(fields, cond);
        const where = compileCondition(bound, { now: NOW });
        const rows = await h.db
          .select({ id: table.id })
          .from(table)
          .where(and(eq(table.workspaceId, data.workspaceId), where));
        const bySql = rows.map((r) => r.id).sort();
        const inMemory = ids.filter((id) => evaluateCondition(bound, expected.get(id)!, { now: NOW })).sort();
        const fromLoaded = ids
          .filter((id) => evaluateCondition(bound, loaded[entity].get(id)!, { now: NOW }))
          .sort();
        expect(bySql, JSON.stringify(cond)).toEqual(inMemory);
        expect(fromLoaded, JSON.stringify(cond)).toEqual(inMemory);
        tally[inMemory.length === 0 ? 'none' : inMemory.length === ids.length ? 'all' : 'some']++;
      }),
      { numRuns: RUNS[entity], seed: SEED },
    );
    // The conditions must discriminate: many select some records but not all (typically 40–65%).
    expect(tally.some, JSON.stringify(tally)).toBeGreaterThan(RUNS[entity] * 0.25);
    console.log(`${kind} ${entity}: ${RUNS[entity]} conditions over ${ids.length} records`, tally);
  });
});
