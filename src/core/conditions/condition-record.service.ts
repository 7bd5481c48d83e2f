import { type AnyColumn, and, eq, getTableColumns, isNull, type SQL, sql, type Table } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import { accounts, activities, contacts, deals, leads, tasks } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import type { ConditionActivity, ConditionRecord, ConditionTarget } from './condition-fields.js';

/**
 * Every column of a table, with timestamps as ISO strings with microseconds (a Date keeps only
 * milliseconds, and the SQL side compares microseconds).
 */
function rowColumns(table: Table): Record<string, PgColumn | SQL> {
  const out: Record<string, PgColumn | SQL> = {};
  for (const [key, col] of Object.entries(getTableColumns(table) as Record<string, PgColumn>))
    out[key] =
      col.columnType === 'PgTimestamp'
        ? sql<string | null>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
        : col;
  return out;
}

type Keyed = Table & { workspaceId: AnyColumn; id: AnyColumn; deletedAt: AnyColumn };

async function row(db: Db, ctx: Ctx, table: Keyed, id: string | null | undefined, withDeleted = true) {
  if (!id) return null;
  const [r] = await db
    .select(rowColumns(table))
    .from(table)
    .where(
      and(
        eq(table.workspaceId, ctx.workspaceId),
        eq(table.id, id),
        withDeleted ? undefined : isNull(table.deletedAt),
      ),
    );
  return (r as ConditionRecord | undefined) ?? null;
}

async function activitiesOf(db: Db, ctx: Ctx, fk: AnyColumn, id: string): Promise<ConditionActivity[]> {
  return db
    .select({
      type: activities.type,
      outcome: activities.outcome,
      occurredAt: sql<string>`to_char(${activities.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(activities)
    .where(and(eq(activities.workspaceId, ctx.workspaceId), eq(fk, id), isNull(activities.deletedAt)));
}

const TABLES: Record<ConditionTarget, Keyed> = {
  lead: leads as unknown as Keyed,
  contact: contacts as unknown as Keyed,
  account: accounts as unknown as Keyed,
  deal: deals as unknown as Keyed,
  activity: activities as unknown as Keyed,
  task: tasks as unknown as Keyed,
};
const NAMES: Record<ConditionTarget, string> = {
  lead: 'Lead',
  contact: 'Contact',
  account: 'Account',
  deal: 'Deal',
  activity: 'Activity',
  task: 'Task',
};

/**
 * Builds the record `evaluateCondition` reads (see `ConditionRecord`) from the database: the entity's
 * row, its related lead, contact and account rows (soft-deleted ones too: the link still holds) and,
 * for leads, contacts, accounts and deals, its activities that are not deleted. A deleted record itself
 * is 404 unless `withDeleted`.
 */
export async function loadConditionRecord(
  db: Db,
  ctx: Ctx,
  entity: ConditionTarget,
  id: string,
  opts: { withDeleted?: boolean } = {},
): Promise<ConditionRecord> {
  const rec = await row(db, ctx, TABLES[entity], id, opts.withDeleted ?? false);
  if (!rec) throw AppError.notFound(NAMES[entity], id);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  switch (entity) {
    case 'lead': {
      const contact = await row(db, ctx, TABLES.contact, str(rec.contactId));
      const accountId = str(rec.convertedAccountId) ?? str(contact?.accountId);
      return {
        ...rec,
        contact,
        account: await row(db, ctx, TABLES.account, accountId),
        activities: await activitiesOf(db, ctx, activities.leadId, id),
      };
    }
    case 'contact':
      return {
        ...rec,
        account: await row(db, ctx, TABLES.account, str(rec.accountId)),
        activities: await activitiesOf(db, ctx, activities.contactId, id),
      };
    case 'account':
      return { ...rec, activities: await activitiesOf(db, ctx, activities.accountId, id) };
    case 'deal':
      return {
        ...rec,
        contact: await row(db, ctx, TABLES.contact, str(rec.primaryContactId)),
        account: await row(db, ctx, TABLES.account, str(rec.accountId)),
        lead: await row(db, ctx, TABLES.lead, str(rec.originLeadId)),
        activities: await activitiesOf(db, ctx, activities.dealId, id),
      };
    case 'activity':
    case 'task': {
      const contact = await row(db, ctx, TABLES.contact, str(rec.contactId));
      // An activity's account is its own, else its contact's; a task's is its contact's.
      const accountId = (entity === 'activity' ? str(rec.accountId) : null) ?? str(contact?.accountId);
      return {
        ...rec,
        lead: await row(db, ctx, TABLES.lead, str(rec.leadId)),
        contact,
        account: await row(db, ctx, TABLES.account, accountId),
      };
    }
  }
}
