/**
 * Test support for the condition language on activities and tasks (used by
 * conditions.work.property.test.ts, never by the app): random activities and tasks hanging off a
 * dataset from condition-dataset.ts (its leads, contacts, accounts and deals), origin leads for its
 * deals, and the in-memory records the evaluator should see — built from the generated values,
 * independently of the database and of `loadConditionRecord`. The condition generators mirror those of
 * conditions.property.test.ts.
 */
import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { Db } from '../db/client.js';
import {
  ACTIVITY_TYPES,
  activities,
  deals,
  TASK_PRIORITIES,
  TASK_STATUSES,
  TASK_TYPES,
  tasks,
} from '../db/schema/index.js';
import { newId } from '../shared/ids.js';
import { type Inserted, instant, NOW_US, TRICKY_TEXTS } from './condition-dataset.js';
import type { ConditionFields, ConditionRecord, FieldDef } from './condition-fields.js';
import { addDays, isStorableText, microsToDate, microsToIso } from './condition-values.js';
import type { Condition, ConditionLeaf, ConditionScalar } from './conditions.schemas.js';
import { normalizeValue } from './evaluate.js';
import { OPS_BY_TYPE } from './validate.js';

const text = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TRICKY_TEXTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 5 }).filter(isStorableText) },
);
const maybe = <T>(a: fc.Arbitrary<T>, pNull = 0.25) =>
  fc.oneof({ weight: Math.round(pNull * 100), arbitrary: fc.constant(null) }, { weight: 100, arbitrary: a });

export const workArb = fc.record({
  activities: fc.array(
    fc.record({
      type: fc.constantFrom(...ACTIVITY_TYPES),
      subject: maybe(text),
      body: maybe(text, 0.5),
      outcome: maybe(fc.constantFrom('opened', 'Opened', 'no_answer', 'connected', '', 'x%y')),
      durationMinutes: maybe(fc.integer({ min: 0, max: 600 })),
      occurredAt: instant,
      createdAt: instant,
      user: maybe(fc.nat(), 0.3),
      lead: maybe(fc.nat(), 0.3),
      contact: maybe(fc.nat(), 0.3),
      deal: maybe(fc.nat(), 0.7),
      account: maybe(fc.nat(), 0.7),
      deleted: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    }),
    { minLength: 30, maxLength: 40 },
  ),
  tasks: fc.array(
    fc.record({
      title: text,
      description: maybe(text, 0.5),
      type: fc.constantFrom(...TASK_TYPES),
      priority: fc.constantFrom(...TASK_PRIORITIES),
      status: fc.constantFrom(...TASK_STATUSES),
      dueAt: maybe(instant),
      remindAt: maybe(instant, 0.6),
      completedAt: maybe(instant, 0.6),
      createdAt: instant,
      assignee: maybe(fc.nat(), 0.3),
      completedBy: maybe(fc.nat(), 0.6),
      createdBy: maybe(fc.nat(), 0.3),
      lead: maybe(fc.nat(), 0.3),
      contact: maybe(fc.nat(), 0.3),
      deal: maybe(fc.nat(), 0.7),
      deleted: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    }),
    { minLength: 30, maxLength: 40 },
  ),
  /** Origin lead of each deal (index into the leads), or none. */
  dealLeads: fc.array(maybe(fc.nat(), 0.4), { minLength: 12, maxLength: 12 }),
});
export type WorkDataset = typeof workArb extends fc.Arbitrary<infer T> ? T : never;

export type InsertedWork = {
  activity: Map<string, ConditionRecord>;
  task: Map<string, ConditionRecord>;
};

const at = <T>(list: T[], i: number | null | undefined): T | null =>
  i === null || i === undefined || list.length === 0 ? null : list[i % list.length]!;
const ts = (iso: string | null | undefined) => (iso ? (sql`${iso}::timestamptz` as unknown as Date) : null);

/**
 * Inserts activities and tasks into the dataset's workspace and gives some of its deals an origin lead;
 * updates the dataset's expected deal records to match and returns the expected activity and task records.
 */
export async function insertWork(db: Db, base: Inserted, generated: WorkDataset): Promise<InsertedWork> {
  const w = JSON.parse(JSON.stringify(generated)) as WorkDataset;
  const { workspaceId, ownerIds, records, ids } = base;
  const leadRec = (id: string | null) => (id ? records.lead.get(id)! : null);
  const contactRec = (id: string | null) => (id ? records.contact.get(id)! : null);
  const accountRec = (id: string | null) => (id ? records.account.get(id)! : null);

  for (const [i, dealId] of ids.deal.entries()) {
    const originLeadId = at(ids.lead, w.dealLeads[i % w.dealLeads.length]);
    await db
      .update(deals)
      .set({ originLeadId })
      .where(sql`${deals.workspaceId} = ${workspaceId} and ${eq(deals.id, dealId)}`);
    const rec = records.deal.get(dealId)!;
    rec.originLeadId = originLeadId;
    rec.lead = leadRec(originLeadId);
  }

  const out: InsertedWork = { activity: new Map(), task: new Map() };
  for (const a of w.activities) {
    const id = newId();
    const row = {
      type: a.type,
      subject: a.subject,
      body: a.body,
      outcome: a.outcome,
      durationMinutes: a.durationMinutes,
      userId: at(ownerIds, a.user),
      leadId: at(ids.lead, a.lead),
      contactId: at(ids.contact, a.contact),
      dealId: at(ids.deal, a.deal),
      accountId: at(ids.account, a.account),
    };
    await db.insert(activities).values({
      workspaceId,
      id,
      ...row,
      occurredAt: ts(a.occurredAt)!,
      createdAt: ts(a.createdAt)!,
      updatedAt: ts(a.createdAt)!,
      deletedAt: a.deleted ? ts(a.createdAt) : null,
    });
    const contact = contactRec(row.contactId);
    out.activity.set(id, {
      id,
      ...row,
      occurredAt: a.occurredAt,
      createdAt: a.createdAt,
      updatedAt: a.createdAt,
      lead: leadRec(row.leadId),
      contact,
      account: accountRec(row.accountId ?? (contact?.accountId as string | null) ?? null),
    });
  }
  for (const t of w.tasks) {
    const id = newId();
    const row = {
      title: t.title,
      description: t.description,
      type: t.type,
      priority: t.priority,
      status: t.status,
      assigneeId: at(ownerIds, t.assignee),
      completedBy: at(ownerIds, t.completedBy),
      createdBy: at(ownerIds, t.createdBy),
      leadId: at(ids.lead, t.lead),
      contactId: at(ids.contact, t.contact),
      dealId: at(ids.deal, t.deal),
    };
    await db.insert(tasks).values({
      workspaceId,
      id,
      ...row,
      dueAt: ts(t.dueAt),
      remindAt: ts(t.remindAt),
      completedAt: ts(t.completedAt),
      createdAt: ts(t.createdAt)!,
      updatedAt: ts(t.createdAt)!,
      deletedAt: t.deleted ? ts(t.createdAt) : null,
    });
    const contact = contactRec(row.contactId);
    out.task.set(id, {
      id,
      ...row,
      dueAt: t.dueAt,
      remindAt: t.remindAt,
      completedAt: t.completedAt,
      createdAt: t.createdAt,
      updatedAt: t.createdAt,
      lead: leadRec(row.leadId),
      contact,
      account: accountRec((contact?.accountId as string | null) ?? null),
    });
  }
  return out;
}

// ---- random conditions over a registry (as in conditions.property.test.ts) ----

const env = { nowMicros: NOW_US };

function valueArb(f: FieldDef, recs: ConditionRecord[], ownerIds: string[], op: string) {
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
        return fc.oneof(fc.integer({ min: -5, max: 610 }), fc.constantFrom('0.5', '-0.5', '1234.5', 1e21));
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
  if (f.options) pool.splice(0, pool.length, ...pool.filter((p) => f.options!.includes(p as string)));
  return pool.length === 0 ? extras : fc.oneof(fc.constantFrom(...pool), extras);
}

/** Leaves over the fields whose values vary across the records (optionally only names passing `only`). */
export function leafArb(
  fields: ConditionFields,
  recs: ConditionRecord[],
  ownerIds: string[],
  only: (name: string) => boolean = () => true,
): fc.Arbitrary<ConditionLeaf> {
  const defs = [...fields.fields.values()].filter(
    (f) => only(f.name) && new Set(recs.map((r) => String(normalizeValue(f.type, f.get(r, env))))).size > 1,
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

export function conditionArb(leaf: fc.Arbitrary<ConditionLeaf>): fc.Arbitrary<Condition> {
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
