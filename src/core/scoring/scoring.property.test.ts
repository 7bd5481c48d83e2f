import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, testDatabase } from '../../../test/db.js';
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
import { microsToIso } from '../conditions/condition-values.js';
import type { Condition, ConditionLeaf, ConditionScalar } from '../conditions/conditions.schemas.js';
import { normalizeValue } from '../conditions/evaluate.js';
import { bindCondition, OPS_BY_TYPE } from '../conditions/validate.js';
import type { DatabaseHandle } from '../db/client.js';
import { leads, SCORING_CATEGORIES, scoringRules } from '../db/schema/index.js';
import { systemCtx } from '../shared/context.js';
import { newId } from '../shared/ids.js';
import { recomputeWorkspace } from './recompute.service.js';
import { rescoreLead, scoreOf } from './score-lead.js';
import { loadRuleSet, scoringConditionErrors } from './scoring-rule-set.js';

/**
 * Every rule evaluates the same in memory and in SQL: for random rule sets over a random workspace
 * (the condition language's dataset: unicode text, decimals at their limits, custom values of wrong
 * types, µs timestamps on window edges, deleted activities and leads), the set-based recompute stores
 * exactly the score and reasons `rescoreLead` computes in memory, for every lead — and both equal the
 * score computed from the generated records themselves.
 */

const SEED = Number(process.env.SCORING_SEED ?? Date.now() % 2_147_483_647);
const RUNS = Number(process.env.SCORING_RUNS ?? 40);
const ACTIVITY_FIELDS = [
  'activities.call.count',
  'activities.email.last_7d',
  'activities.email_opened.last_7d',
  'activities.meeting.last_14d',
  'activities.note.last_30d',
  'activities.call_no_answer.last_60d',
];
const env = { nowMicros: NOW_US };

function valueArb(f: FieldDef, recs: ConditionRecord[]): fc.Arbitrary<ConditionScalar> {
  const pool: ConditionScalar[] = [];
  for (const r of recs) {
    const v = normalizeValue(f.type, f.get(r, env));
    if (v === null) continue;
    if (typeof v === 'bigint') pool.push(microsToIso(v), microsToIso(v + 1n), microsToIso(v - 1n));
    else if (Array.isArray(v)) pool.push(...v.filter((e): e is string => typeof e === 'string'));
    else pool.push(v);
  }
  const valid = f.options ? pool.filter((p) => f.options!.includes(p as string)) : pool;
  const extras: fc.Arbitrary<ConditionScalar> =
    f.type === 'number'
      ? fc.integer({ min: -5, max: 110 })
      : f.type === 'text'
        ? fc.constantFrom(...TRICKY_TEXTS)
        : f.type === 'boolean'
          ? fc.boolean()
          : f.type === 'date' || f.type === 'timestamp'
            ? fc.integer({ min: -60, max: 10 }).map((days) => ({ days }) as unknown as ConditionScalar)
            : fc.constantFrom(...(f.options?.length ? f.options : [newId()]));
  return valid.length ? fc.oneof(fc.constantFrom(...valid), extras) : extras;
}

function conditionArb(defs: FieldDef[], recs: ConditionRecord[]): fc.Arbitrary<Condition> {
  const leaf = fc.constantFrom(...defs).chain((f) =>
    fc
      .constantFrom(...OPS_BY_TYPE[f.type].filter((o) => o !== 'changed_to'))
      .chain((op): fc.Arbitrary<ConditionLeaf> => {
        const one = valueArb(f, recs);
        if (op === 'is_empty' || op === 'is_not_empty') return fc.constant({ field: f.name, op });
        if (op === 'in' || op === 'nin')
          return fc.array(one, { minLength: 1, maxLength: 3 }).map((value) => ({ field: f.name, op, value }));
        if (op === 'between') return fc.tuple(one, one).map((value) => ({ field: f.name, op, value }));
        return one.map((value) => ({ field: f.name, op, value }));
      }),
  );
  const { node } = fc.letrec<{ node: Condition }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth: 2, withCrossShrink: true },
      { weight: 4, arbitrary: leaf },
      { weight: 2, arbitrary: fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }) },
      { weight: 2, arbitrary: fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ not: tie('node') }) },
    ),
  }));
  return node;
}

describe.each(DB_KINDS)('scoring: SQL recompute and in-memory rescoreLead agree on %s', (kind) => {
  let h: DatabaseHandle;
  let data: Inserted;

  beforeAll(async () => {
    h = await testDatabase(kind);
    const [dataset] = fc.sample(datasetArb, { numRuns: 1, seed: SEED });
    data = await insertDataset(h.db, dataset!);
  });
  afterAll(async () => {
    await h?.close();
  });

  it(`random rule sets over every lead (seed ${SEED})`, async () => {
    const ctx = systemCtx(data.workspaceId);
    const db = h.db;
    const fields = conditionFields('lead', CUSTOM_DEFS);
    const recs = [...data.records.lead.values()];
    const defs = [
      ...[...fields.fields.values()].filter((f) => f.name !== 'score'),
      ...ACTIVITY_FIELDS.map((n) => activityField('lead', n) as FieldDef),
    ].filter((f) => new Set(recs.map((r) => String(normalizeValue(f.type, f.get(r, env))))).size > 1);
    const ruleArb = fc.record({
      // Few names and points: ties in the explanation order are common.
      name: fc.constantFrom('Fit', 'fit', 'Ä rule', 'Zeta', '😀'),
      category: fc.constantFrom(...SCORING_CATEGORIES),
      points: fc.oneof(fc.constantFrom(-30, 30, 50, 60), fc.integer({ min: -120, max: 120 })),
      active: fc.boolean(),
      conditions: conditionArb(defs, recs),
    });
    const ids = data.ids.lead;
    const sentinel = async () =>
      db
        .update(leads)
        .set({ score: -1, scoreReasons: [{ ruleId: 'x', name: 'stale', points: 0 }] })
        .where(eq(leads.workspaceId, ctx.workspaceId));
    const stored = async () => {
      const rows = await db
        .select({ id: leads.id, score: leads.score, reasons: leads.scoreReasons })
        .from(leads)
        .where(eq(leads.workspaceId, ctx.workspaceId));
      return new Map(rows.map((r) => [r.id, { score: r.score, reasons: r.reasons }]));
    };
    const tally = { scored: 0, clampedHigh: 0, clampedLow: 0, leads: 0 };

    await fc.assert(
      fc.asyncProperty(fc.array(ruleArb, { minLength: 1, maxLength: 6 }), async (generated) => {
        // Plain JSON objects (fast-check builds some without a prototype, which Drizzle cannot inspect).
        const rules = JSON.parse(JSON.stringify(generated)) as typeof generated;
        await db.execute(sql`delete from scoring_rules where workspace_id = ${ctx.workspaceId}`);
        for (const r of rules) {
          const bound = bindCondition(fields, r.conditions, { path: 'conditions', allowChangedTo: false });
          expect(scoringConditionErrors(bound)).toEqual([]);
          await db.insert(scoringRules).values({ workspaceId: ctx.workspaceId, id: newId(), ...r });
        }
        const set = await loadRuleSet(db, ctx);
        expect(set.rules.length).toBe(rules.filter((r) => r.active).length);

        // In memory: rescoreLead on each lead (as the writes call it).
        await sentinel();
        const inMemory = new Map<string, { score: number; reasons: unknown }>();
        for (const id of ids) {
          const [row] = await db.select().from(leads).where(eq(leads.id, id));
          const out = await rescoreLead(db, ctx, row!, { now: NOW, ruleSet: set });
          inMemory.set(id, { score: out.score, reasons: out.scoreReasons });
          // And from the generated record, independently of the database.
          const expected = scoreOf(set, data.records.lead.get(id)!, NOW);
          expect(out.score, JSON.stringify(rules)).toBe(expected.score);
          expect(out.scoreReasons, JSON.stringify(rules)).toEqual(expected.reasons);
        }
        expect(await stored()).toEqual(inMemory);

        // In SQL: the bulk recompute the rule-change job runs.
        await sentinel();
        const r = await recomputeWorkspace(db, ctx, { now: NOW });
        expect(r).toMatchObject({ leads: ids.length, changed: ids.length, superseded: false });
        const bySql = await stored();
        for (const id of ids)
          expect(bySql.get(id), `${id} ${JSON.stringify(rules)}`).toEqual(inMemory.get(id));

        for (const v of inMemory.values()) {
          tally.leads++;
          if (v.score > 0) tally.scored++;
          if (v.score === 100) tally.clampedHigh++;
        }
        const sums = ids.map((id) =>
          (inMemory.get(id)!.reasons as { points: number }[]).reduce((s, x) => s + x.points, 0),
        );
        tally.clampedLow += sums.filter((s) => s < 0).length;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The rule sets must discriminate: some leads scored, some clamped at each end.
    expect(tally.scored, JSON.stringify(tally)).toBeGreaterThan(tally.leads * 0.1);
    expect(tally.clampedHigh, JSON.stringify(tally)).toBeGreaterThan(0);
    expect(tally.clampedLow, JSON.stringify(tally)).toBeGreaterThan(0);
    console.log(`${kind}: ${RUNS} rule sets over ${ids.length} leads`, tally);
  }, 300_000);
});
