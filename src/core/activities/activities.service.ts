import { and, eq, type SQL, sql } from 'drizzle-orm';
import { assertAccount } from '../accounts/accounts.service.js';
import { writeAudit } from '../audit/audit.service.js';
import { loadContactRow } from '../contacts/contacts.service.js';
import type { Db } from '../db/client.js';
import { ACTIVITY_TYPES, activities } from '../db/schema/index.js';
import { rescoreLeadsOf } from '../scoring/score-lead.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { containsPattern } from '../shared/like.js';
import { listConditionWhere } from '../shared/list-condition.js';
import {
  cursorCondition,
  deletedCondition,
  filterConditions,
  type ListQuery,
  type ListSpec,
  listOrderBy,
  sortKeySelect,
  toPage,
} from '../shared/list-query.js';
import { assertLiveDeal, liveLeadContact } from '../shared/record-links.js';
import { checkVersion, iso } from '../shared/records.js';
import type { ActivityCreate, ActivityOut, ActivityUpdate } from './activities.schemas.js';
import { leadTimelinePage } from './timeline.service.js';

type Row = typeof activities.$inferSelect;

export const toActivity = (r: Row): ActivityOut => ({
  id: r.id,
  type: r.type,
  leadId: r.leadId,
  contactId: r.contactId,
  dealId: r.dealId,
  accountId: r.accountId,
  userId: r.userId,
  subject: r.subject,
  body: r.body,
  outcome: r.outcome,
  durationMinutes: r.durationMinutes,
  occurredAt: r.occurredAt.toISOString(),
  metadata: r.metadata,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  deletedAt: iso(r.deletedAt),
  version: r.version,
});

export const activityListSpec: ListSpec = {
  idExpr: activities.id,
  defaultSort: '-occurredAt',
  sorts: {
    occurredAt: { expr: sql`${activities.occurredAt}`, type: 'date' },
    createdAt: { expr: sql`${activities.createdAt}`, type: 'date' },
  },
  filters: {
    type: { kind: 'enum', expr: activities.type, values: ACTIVITY_TYPES, description: 'Type' },
    leadId: { kind: 'uuid', expr: activities.leadId, description: 'Lead' },
    contactId: { kind: 'uuid', expr: activities.contactId, description: 'Contact' },
    dealId: { kind: 'uuid', expr: activities.dealId, description: 'Deal' },
    accountId: { kind: 'uuid', expr: activities.accountId, description: 'Account' },
    userId: { kind: 'uuid', expr: activities.userId, description: 'Logged by' },
    outcome: { kind: 'text', expr: activities.outcome, description: 'Outcome' },
    occurredAt: { kind: 'date', expr: activities.occurredAt, description: 'Occurred' },
  },
  search: (q) => {
    const like = containsPattern(q);
    return sql`(${activities.subject} ilike ${like} or ${activities.body} ilike ${like})`;
  },
  condition: 'activity',
};

/**
 * Which activities the list pages through (within `scope`, e.g. a contact's timeline), as WHERE
 * conditions over `activities`: shared by the list and its count, so they agree.
 */
export async function activityListWhere(
  db: Db,
  ctx: Ctx,
  query: ListQuery,
  scope?: SQL,
): Promise<{ spec: ListSpec; where: SQL[] }> {
  const deleted = deletedCondition(activities.deletedAt, query.deleted);
  return {
    spec: activityListSpec,
    where: [
      eq(activities.workspaceId, ctx.workspaceId),
      ...(deleted ? [deleted] : []),
      ...(scope ? [scope] : []),
      ...filterConditions(activityListSpec, query),
      ...(await listConditionWhere(db, ctx, activityListSpec, query)),
    ],
  };
}

/** How many activities the list with these filters pages through (`limit`, `cursor` and `sort` ignored). */
export async function countActivities(db: Db, ctx: Ctx, query: ListQuery): Promise<number> {
  const { where } = await activityListWhere(db, ctx, query);
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(activities)
    .where(and(...where));
  return r?.n ?? 0;
}

export async function listActivities(db: Db, ctx: Ctx, query: ListQuery, scope?: SQL) {
  const { spec, where } = await activityListWhere(db, ctx, query, scope);
  const rows = await db
    .select({ row: activities, _sort: sortKeySelect(spec, query.sort) })
    .from(activities)
    .where(and(...where, cursorCondition(spec, query)))
    .orderBy(listOrderBy(spec, query.sort))
    .limit(query.limit + 1);
  return toPage(
    rows.map((r) => ({ ...toActivity(r.row), _sort: r._sort })),
    query,
  );
}

/**
 * A lead's timeline: its own activities and those of its contact that belong to no other lead
 * (activities logged on a lead carry the lead's contact too, so the contact's timeline shows them).
 * See timeline.service.ts for how it stays fast; items from the contact are marked `via: "contact"`.
 */
export async function leadTimeline(db: Db, ctx: Ctx, leadId: string, query: ListQuery) {
  return leadTimelinePage(db, ctx, leadId, {
    limit: query.limit,
    cursor: query.cursor,
    type: query.type as string[] | undefined,
    deleted: query.deleted,
    q: query.q,
    sort: query.sort,
  });
}

export async function contactTimeline(db: Db, ctx: Ctx, contactId: string, query: ListQuery) {
  await loadContactRow(db, ctx, contactId, { withDeleted: true });
  return listActivities(db, ctx, query, eq(activities.contactId, contactId));
}

async function loadRow(db: Db, ctx: Ctx, id: string, opts: { lock?: boolean; withDeleted?: boolean } = {}) {
  const q = db
    .select()
    .from(activities)
    .where(
      and(
        eq(activities.workspaceId, ctx.workspaceId),
        eq(activities.id, id),
        opts.withDeleted ? undefined : sql`${activities.deletedAt} is null`,
      ),
    );
  const [row] = opts.lock ? await q.for('update') : await q;
  if (!row) throw AppError.notFound('Activity', id);
  return row;
}

export async function getActivity(db: Db, ctx: Ctx, id: string): Promise<ActivityOut> {
  return toActivity(await loadRow(db, ctx, id, { withDeleted: true }));
}

/** Logs an activity. On a lead, the lead's contact is filled in so the contact's timeline shows it. */
export async function insertActivity(tx: Db, ctx: Ctx, input: ActivityCreate): Promise<ActivityOut> {
  let contactId = input.contactId ?? null;
  if (input.leadId) {
    const leadContact = await liveLeadContact(tx, ctx, input.leadId);
    contactId ??= leadContact;
  }
  if (input.contactId) await loadContactRow(tx, ctx, input.contactId, { field: 'contactId' });
  if (input.accountId) await assertAccount(tx, ctx, input.accountId);
  if (input.dealId) await assertLiveDeal(tx, ctx, input.dealId);
  const [row] = await tx
    .insert(activities)
    .values({
      ...input,
      contactId,
      occurredAt: input.occurredAt ? new Date(input.occurredAt) : undefined,
      metadata: input.metadata ?? {},
      workspaceId: ctx.workspaceId,
      id: newId(),
      userId: ctx.userId,
    })
    .returning();
  const out = toActivity(row!);
  await writeAudit(tx, ctx, { action: 'create', entity: 'activity', entityId: out.id, after: out });
  // Scores counting activities (activities.<type>.last_Nd) move with them, in this transaction.
  await rescoreLeadsOf(tx, ctx, { leadId: row!.leadId, contactId: row!.contactId });
  return out;
}

export async function createActivity(db: Db, ctx: Ctx, input: ActivityCreate): Promise<ActivityOut> {
  return db.transaction((tx) => insertActivity(tx, ctx, input));
}

const assertLoggable = (r: Row) => {
  if (!(['call', 'email', 'meeting', 'note', 'sms'] as string[]).includes(r.type))
    throw new AppError('conflict', `A ${r.type} activity is written by Leadbase and cannot be changed`);
};

export async function updateActivity(
  db: Db,
  ctx: Ctx,
  id: string,
  input: ActivityUpdate,
  ifMatch?: string,
): Promise<ActivityOut> {
  return db.transaction(async (tx) => {
    const before = await loadRow(tx, ctx, id, { lock: true });
    assertLoggable(before);
    checkVersion('activity', String(before.version), ifMatch);
    const [row] = await tx
      .update(activities)
      .set({
        ...input,
        occurredAt: input.occurredAt ? new Date(input.occurredAt) : undefined,
        updatedAt: sql`now()`,
        version: sql`${activities.version} + 1`,
      })
      .where(and(eq(activities.workspaceId, ctx.workspaceId), eq(activities.id, id)))
      .returning();
    const after = toActivity(row!);
    await writeAudit(tx, ctx, {
      action: 'update',
      entity: 'activity',
      entityId: id,
      before: toActivity(before),
      after,
    });
    await rescoreLeadsOf(tx, ctx, { leadId: row!.leadId, contactId: row!.contactId });
    return after;
  });
}

export async function setActivityDeleted(
  db: Db,
  ctx: Ctx,
  id: string,
  deleted: boolean,
): Promise<ActivityOut> {
  return db.transaction(async (tx) => {
    const before = await loadRow(tx, ctx, id, { lock: true, withDeleted: true });
    assertLoggable(before);
    if (deleted === (before.deletedAt !== null)) return toActivity(before);
    const [row] = await tx
      .update(activities)
      .set({
        deletedAt: deleted ? sql`now()` : null,
        updatedAt: sql`now()`,
        version: sql`${activities.version} + 1`,
      })
      .where(and(eq(activities.workspaceId, ctx.workspaceId), eq(activities.id, id)))
      .returning();
    const after = toActivity(row!);
    await writeAudit(tx, ctx, {
      action: deleted ? 'delete' : 'restore',
      entity: 'activity',
      entityId: id,
      before: toActivity(before),
      after,
    });
    await rescoreLeadsOf(tx, ctx, { leadId: row!.leadId, contactId: row!.contactId });
    return after;
  });
}
