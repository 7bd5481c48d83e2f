import { type AnyColumn, and, eq, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import type { Ctx } from './context.js';
import { AppError } from './errors.js';
import {
  deletedCondition,
  type ListQuery,
  type ListSpec,
  listConditions,
  listOrderBy,
  sortKeySelect,
  toPage,
} from './list-query.js';

/** A tenant table with the record columns every API resource has. */
export type TenantTable = PgTable & { workspaceId: AnyColumn; id: AnyColumn; deletedAt: AnyColumn };
type Row<T extends TenantTable> = T['$inferSelect'];

/** One record of this workspace by id (404 naming the noun), optionally locked or including deleted ones. */
export async function loadTenantRow<T extends TenantTable>(
  db: Db,
  ctx: Ctx,
  table: T,
  noun: string,
  id: string,
  opts: { lock?: boolean; withDeleted?: boolean } = {},
): Promise<Row<T>> {
  const q = db
    .select()
    .from(table as PgTable)
    .where(
      and(
        eq(table.workspaceId, ctx.workspaceId),
        eq(table.id, id),
        opts.withDeleted ? undefined : sql`${table.deletedAt} is null`,
      ),
    );
  const [row] = opts.lock ? await q.for('update') : await q;
  if (!row) throw AppError.notFound(noun, id);
  return row as Row<T>;
}

/** A page of this workspace's records under the list conventions (filters, sort, keyset cursor, deleted). */
export async function listTenantRows<T extends TenantTable, O extends { id: string }>(
  db: Db,
  ctx: Ctx,
  table: T,
  spec: ListSpec,
  query: ListQuery,
  map: (row: Row<T>) => O,
) {
  const rows = (await db
    .select({ row: table as PgTable, _sort: sortKeySelect(spec, query.sort) } as never)
    .from(table as PgTable)
    .where(
      and(
        eq(table.workspaceId, ctx.workspaceId),
        deletedCondition(table.deletedAt, query.deleted),
        ...listConditions(spec, query),
      ),
    )
    .orderBy(listOrderBy(spec, query.sort))
    .limit(query.limit + 1)) as unknown as { row: Row<T>; _sort: string | null }[];
  return toPage(
    rows.map((r) => ({ ...map(r.row), _sort: r._sort })),
    query,
  );
}
