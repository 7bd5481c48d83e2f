import { and, asc, eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, testDatabase } from '../../../test/db.js';
import { compileCondition } from '../conditions/compile-sql.js';
import {
  CUSTOM_DEFS,
  datasetArb,
  type Inserted,
  insertDataset,
  NOW,
  NOW_US,
  TRICKY_TEXTS,
} from '../conditions/condition-dataset.js';
import {
  activityField,
  type ConditionRecord,
  conditionFields,
  type FieldDef,
} from '../conditions/condition-fields.js';
import { loadConditionRecord } from '../conditions/condition-record.service.js';
import { microsToIso } from '../conditions/condition-values.js';
import type { Condition, ConditionLeaf, ConditionScalar } from '../conditions/conditions.schemas.js';
import { normalizeValue } from '../conditions/evaluate.js';
import { bindCondition, OPS_BY_TYPE } from '../conditions/validate.js';
import type { DatabaseHandle } from '../db/client.js';
import { assignmentRules, leads } from '../db/schema/index.js';
import { systemCtx } from '../shared/context.js';
import { newId } from '../shared/ids.js';
import { matchingRules } from './assign-new-lead.js';
import { assignmentSetup, invalidateAssignment } from './assignment-cache.js';

/**
 * The rule the engine picks for a new lead (the first active rule, by priority then id, whose
 * conditions hold in memory on the record `loadConditionRecord` reads) is the rule whose compiled SQL
 * selects the lead first in the same order — for random rule sets over a random workspace.
 */

const SEED = Number(process.env.CONDITIONS_SEED ?? Date.now() % 2_147_483_647);
const RUNS = 150 * Number(process.env.CONDITIONS_RUNS_FACTOR ?? 1);
const env = { nowMicros: NOW_US };
const ACTIVITY_FIELDS = ['activities.any.count', 'activities.email.last_7d', 'activities.call.count'];

function leafArb(recs: ConditionRecord[], ownerIds: string[]): fc.Arbitrary<ConditionLeaf> {
  const fields = conditionFields('lead', CUSTOM_DEFS);
  const all: FieldDef[] = [...fields.fields.values()];
  for (const name of ACTIVITY_FIELDS) all.push(activityField('lead', name) as FieldDef);
  const defs = all.filter(
    (f) => new Set(recs.map((r) => String(normalizeValue(f.type, f.get(r, env))))).size > 1,
  );
  const valueArb = (f: FieldDef, op: string): fc.Arbitrary<ConditionScalar> => {
    const pool: ConditionScalar[] = [];
    for (const r of recs) {
      const v = normalizeValue(f.type, f.get(r, env));
      if (v === null) continue;
      if (typeof v === 'bigint') pool.push(microsToIso(v));
      else if (Array.isArray(v)) pool.push(...v.filter((e): e is string => typeof e === 'string'));
      else pool.push(v);
    }
    const extras: fc.Arbitrary<ConditionScalar> =
      f.type === 'text'
        ? fc.constantFrom(...TRICKY_TEXTS)
        : f.type === 'enum' || f.type === 'array'
          ? fc.constantFrom(...(f.options ?? ['x']))
          : f.type === 'uuid'
            ? fc.constantFrom(...ownerIds)
            : f.type === 'number'
              ? fc.integer({ min: -5, max: 110 })
              : f.type === 'boolean'
                ? fc.boolean()
                : fc.integer({ min: -60, max: 10 }).map((days) => ({ days }));
    if (op === 'contains' || op === 'starts_with') return extras;
    const usable = f.options ? pool.filter((p) => f.options!.includes(p as string)) : pool;
    return usable.length === 0 ? extras : fc.oneof(fc.constantFrom(...usable), extras);
  };
  return fc.constantFrom(...defs).chain((f) =>
    fc
      .constantFrom(...OPS_BY_TYPE[f.type].filter((o) => o !== 'changed_to'))
      .chain((op): fc.Arbitrary<ConditionLeaf> => {
        const one = valueArb(f, op);
        if (op === 'is_empty' || op === 'is_not_empty') return fc.constant({ field: f.name, op });
        if (op === 'in' || op === 'nin')
          return fc.array(one, { minLength: 1, maxLength: 3 }).map((value) => ({ field: f.name, op, value }));
        if (op === 'between') return fc.tuple(one, one).map((value) => ({ field: f.name, op, value }));
        return one.map((value) => ({ field: f.name, op, value }));
      }),
  );
}

function conditionArb(leaf: fc.Arbitrary<ConditionLeaf>): fc.Arbitrary<Condition> {
  const { node } = fc.letrec<{ node: Condition }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth: 2 },
      { weight: 4, arbitrary: leaf },
      { weight: 1, arbitrary: fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ not: tie('node') }) },
    ),
  }));
  return node;
}

describe.each(DB_KINDS)('assignment rules pick the same lead in memory and in SQL on %s', (kind) => {
  let h: DatabaseHandle;
  let data: Inserted;
  const loaded = new Map<string, ConditionRecord>();

  beforeAll(async () => {
    h = await testDatabase(kind);
    const [dataset] = fc.sample(datasetArb, { numRuns: 1, seed: SEED });
    data = await insertDataset(h.db, dataset!);
    const ctx = systemCtx(data.workspaceId);
    for (const id of data.ids.lead)
      loaded.set(id, await loadConditionRecord(h.db, ctx, 'lead', id, { withDeleted: true }));
  });
  afterAll(async () => {
    await h?.close();
  });

  it(`random rule sets (seed ${SEED})`, async () => {
    const ctx = systemCtx(data.workspaceId);
    const fields = conditionFields('lead', CUSTOM_DEFS);
    const ruleArb = fc.record({
      conditions: fc.option(conditionArb(leafArb([...data.records.lead.values()], data.ownerIds)), {
        freq: 6,
      }),
      priority: fc.integer({ min: 0, max: 5 }),
      active: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
    });
    const tally = { unmatched: 0, firstRule: 0, laterRule: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(ruleArb, { minLength: 1, maxLength: 4 }), async (generated) => {
        // Plain JSON (fast-check builds some objects without a prototype, which Drizzle cannot inspect).
        const rules = JSON.parse(JSON.stringify(generated)) as typeof generated;
        await h.db.delete(assignmentRules).where(eq(assignmentRules.workspaceId, data.workspaceId));
        await h.db.insert(assignmentRules).values(
          rules.map((r, i) => ({
            workspaceId: data.workspaceId,
            id: newId(),
            name: `rule ${i}`,
            type: 'round_robin' as const,
            userIds: data.ownerIds,
            conditions: r.conditions as Record<string, unknown> | null,
            priority: r.priority,
            active: r.active,
          })),
        );
        invalidateAssignment(data.workspaceId);
        // The engine's side: rules as the engine loads them (its cache), evaluated on the loaded records.
        const setup = await assignmentSetup(h.db, ctx);
        const byMemory = new Map<string, string | null>();
        for (const id of data.ids.lead) {
          const first = matchingRules(setup.rules, loaded.get(id)!, NOW)[0];
          byMemory.set(id, first?.id ?? null);
          // The generated records (independent of the loader) agree as well.
          expect(matchingRules(setup.rules, data.records.lead.get(id)!, NOW)[0]?.id ?? null).toBe(
            first?.id ?? null,
          );
        }
        // The SQL side: stored rules in priority order, each condition compiled to a WHERE.
        const stored = await h.db
          .select()
          .from(assignmentRules)
          .where(and(eq(assignmentRules.workspaceId, data.workspaceId), eq(assignmentRules.active, true)))
          .orderBy(asc(assignmentRules.priority), asc(assignmentRules.id));
        const bySql = new Map<string, string | null>(data.ids.lead.map((id) => [id, null]));
        for (const r of stored) {
          const where = r.conditions
            ? compileCondition(bindCondition(fields, r.conditions, { allowChangedTo: false }), { now: NOW })
            : sql`true`;
          const rows = await h.db
            .select({ id: leads.id })
            .from(leads)
            .where(and(eq(leads.workspaceId, data.workspaceId), where));
          for (const { id } of rows) if (bySql.get(id) === null) bySql.set(id, r.id);
        }
        expect(Object.fromEntries(bySql), JSON.stringify(rules)).toEqual(Object.fromEntries(byMemory));
        for (const v of byMemory.values())
          if (v === null) tally.unmatched++;
          else if (v === stored[0]?.id) tally.firstRule++;
          else tally.laterRule++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The rule sets must discriminate: leads go to later rules and to none, not only to the first.
    expect(tally.laterRule, JSON.stringify(tally)).toBeGreaterThan(0);
    expect(tally.unmatched, JSON.stringify(tally)).toBeGreaterThan(0);
    console.log(`${kind}: ${RUNS} rule sets over ${data.ids.lead.length} leads`, tally);
  });
});
