import { and, eq, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import { activities, leads } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { containsPattern } from '../shared/like.js';
import { encodeCursor } from '../shared/list-query.js';
import type { ActivityOut } from './activities.schemas.js';
import { toActivity } from './activities.service.js';

export type TimelineQuery = {
  limit: number;
  cursor?: string;
  /** Only these activity types. */
  type?: string[];
  deleted?: 'exclude' | 'only' | 'include';
  /** Search in subject and body. */
  q?: string;
  /** The cursor's sort tag (the list convention's `sort`); the timeline is always newest first. */
  sort?: string;
};

export type TimelineItem = ActivityOut & { via: 'lead' | 'contact' };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TS_RE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}(:?\d{2})?|Z)?$/;

const like = (q: string) => containsPattern(q);

function decode(cursor: string, sort: string): { v: string; id: string } {
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (p?.s !== sort || typeof p.id !== 'string' || !UUID_RE.test(p.id) || !TS_RE.test(p.v))
      throw new Error('not a cursor');
    return { v: p.v, id: p.id };
  } catch {
    const reason = 'is not a cursor of this timeline; start again without it';
    throw new AppError('bad_request', `cursor ${reason}`, [{ field: 'cursor', reason }]);
  }
}

/**
 * A lead's timeline, newest first: its own activities (calls, notes, stage and owner changes,
 * conversion, merge, completed tasks: all activity rows) and its contact's activities that belong to
 * no lead, marked `via: "contact"`. Keyset-paged on (occurred_at, id).
 *
 * One statement, two index-ordered LIMITed scans (activities_lead_idx and activities_contact_idx)
 * merged by UNION ALL and cut to the page: the cost is the page size, not the lead's history (an OR
 * over both columns would read and sort every matching row).
 */
export async function leadTimelinePage(
  db: Db,
  ctx: Ctx,
  leadId: string,
  q: TimelineQuery,
): Promise<{ data: TimelineItem[]; nextCursor: string | null }> {
  const sort = q.sort ?? '-occurredAt';
  const c = q.cursor ? decode(q.cursor, sort) : null;
  const common = (): (SQL | undefined)[] => [
    eq(activities.workspaceId, ctx.workspaceId),
    q.deleted === 'include'
      ? undefined
      : q.deleted === 'only'
        ? sql`${activities.deletedAt} is not null`
        : sql`${activities.deletedAt} is null`,
    q.type?.length ? inArray(activities.type, q.type as never[]) : undefined,
    q.q
      ? sql`(${activities.subject} ilike ${like(q.q)} or ${activities.body} ilike ${like(q.q)})`
      : undefined,
    c ? sql`(${activities.occurredAt}, ${activities.id}) < (${c.v}::timestamptz, ${c.id}::uuid)` : undefined,
  ];
  const cols = {
    ...getTableColumns(activities),
    _sort: sql<string>`${activities.occurredAt}::text`.as('_sort'),
  };
  const order = sql`${activities.occurredAt} desc, ${activities.id} desc`;
  const n = q.limit + 1;
  const own = db
    .select({ ...cols, via: sql<'lead' | 'contact'>`'lead'`.as('via') })
    .from(activities)
    .where(and(...common(), eq(activities.leadId, leadId)))
    .orderBy(order)
    .limit(n);
  const viaContact = db
    .select({ ...cols, via: sql<'lead' | 'contact'>`'contact'`.as('via') })
    .from(activities)
    .where(
      and(
        ...common(),
        // The lead's contact, read in the same statement (one round trip for a page).
        sql`${activities.contactId} = (select ${leads.contactId} from ${leads} where ${leads.workspaceId} = ${ctx.workspaceId} and ${leads.id} = ${leadId})`,
        sql`${activities.leadId} is null`,
      ),
    )
    .orderBy(order)
    .limit(n);
  const rows = await unionAll(own, viaContact).orderBy(sql`occurred_at desc`, sql`id desc`).limit(n);
  if (rows.length === 0) {
    // An empty page: is there such a lead at all?
    const [lead] = await db
      .select({ id: leads.id })
      .from(leads)
      .where(and(eq(leads.workspaceId, ctx.workspaceId), eq(leads.id, leadId)));
    if (!lead) throw AppError.notFound('Lead', leadId);
  }
  const more = rows.length > q.limit;
  const kept = more ? rows.slice(0, q.limit) : rows;
  const last = kept[kept.length - 1];
  return {
    data: kept.map(({ _sort, via, ...r }) => ({ ...toActivity(r as never), via })),
    nextCursor: more && last ? encodeCursor({ s: sort, v: last._sort, id: last.id }) : null,
  };
}
