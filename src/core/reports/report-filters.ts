import { and, eq, isNull, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { leads, pipelines, teamMembers, teams } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';

/**
 * The filters every report takes (SPEC section 7): a date range, a pipeline, owners, a team and sources.
 * Days are UTC calendar days, both ends inclusive: `from=2026-01-01&to=2026-01-31` is January.
 * What the range applies to is the report's own (a lead's creation for the funnel and sources, an
 * activity's date for activity figures, a win's date for wins); each report's description says which.
 */
const csv = (item: z.ZodType<string, string>) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()))
    .pipe(z.array(item).min(1).max(200));

export const reportFilterShape = {
  from: z.iso
    .date('must be a date (YYYY-MM-DD)')
    .optional()
    .describe('First day of the range (UTC, inclusive)'),
  to: z.iso.date('must be a date (YYYY-MM-DD)').optional().describe('Last day of the range (UTC, inclusive)'),
  pipelineId: z.uuid('must be a UUID').optional().describe('Only this pipeline'),
  ownerId: csv(z.union([z.uuid('must be a UUID or none'), z.literal('none')]))
    .optional()
    .describe('Only these owners (users), comma-separated; `none` is unassigned'),
  teamId: z.uuid('must be a UUID').optional().describe('Only owners who are members of this team'),
  source: csv(z.string().min(1).max(200))
    .optional()
    .describe('Only these lead sources (exact values), comma-separated'),
};
export const reportFilters = z.object(reportFilterShape);
export type ReportFilters = z.infer<typeof reportFilters>;

/** `format=csv|xlsx` answers the report's table as a file instead of JSON. */
export const reportFormat = z
  .enum(['json', 'csv', 'xlsx'])
  .default('json')
  .describe('json (default), or csv / xlsx: the report table as a file');

export type ReportScope = {
  from: string | null;
  to: string | null;
  /** The range as instants: [fromTs, toTs), `toTs` the start of the day after `to`. */
  fromTs: string | null;
  toTs: string | null;
  pipelineId: string | null;
  pipelineName: string | null;
  /** Owners to include (after the team filter); null means everyone. May contain `none`. */
  ownerIds: string[] | null;
  teamId: string | null;
  sources: string[] | null;
};

/** A user id that matches no one (a team without members, or owners outside the team). */
export const NOBODY = '00000000-0000-0000-0000-000000000000';

const dayAfter = (d: string) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Checks the filters against the workspace (a pipeline or team of another workspace is 404). */
export async function resolveReportScope(db: Db, ctx: Ctx, f: ReportFilters): Promise<ReportScope> {
  if (f.from && f.to && f.from > f.to)
    throw new AppError('validation_failed', 'to: is before from', [
      { field: 'to', reason: `is before from (${f.from})` },
    ]);
  let pipelineName: string | null = null;
  if (f.pipelineId) {
    const [p] = await db
      .select({ name: pipelines.name })
      .from(pipelines)
      .where(
        and(
          eq(pipelines.workspaceId, ctx.workspaceId),
          eq(pipelines.id, f.pipelineId),
          isNull(pipelines.deletedAt),
        ),
      );
    if (!p) throw AppError.notFound('pipeline', f.pipelineId);
    pipelineName = p.name;
  }
  let ownerIds: string[] | null = f.ownerId ? [...new Set(f.ownerId)] : null;
  if (f.teamId) {
    const [t] = await db
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.workspaceId, ctx.workspaceId), eq(teams.id, f.teamId), isNull(teams.deletedAt)));
    if (!t) throw AppError.notFound('team', f.teamId);
    const members = (
      await db
        .select({ userId: teamMembers.userId })
        .from(teamMembers)
        .where(and(eq(teamMembers.workspaceId, ctx.workspaceId), eq(teamMembers.teamId, f.teamId)))
    ).map((m) => m.userId);
    ownerIds = ownerIds ? ownerIds.filter((o) => members.includes(o)) : members;
    if (ownerIds.length === 0) ownerIds = [NOBODY];
  }
  return {
    from: f.from ?? null,
    to: f.to ?? null,
    fromTs: f.from ? `${f.from}T00:00:00Z` : null,
    toTs: f.to ? `${dayAfter(f.to)}T00:00:00Z` : null,
    pipelineId: f.pipelineId ?? null,
    pipelineName,
    ownerIds,
    teamId: f.teamId ?? null,
    sources: f.source ? [...new Set(f.source)] : null,
  };
}

/** Values as a list of SQL parameters, for `in (…)`. */
export const sqlList = (xs: readonly string[]): SQL =>
  sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  );

/** `col` within the scope's date range (no condition when the range is open). */
export function inRange(scope: ReportScope, col: SQL | SQL.Aliased | unknown): SQL[] {
  const out: SQL[] = [];
  if (scope.fromTs) out.push(sql`${col} >= ${scope.fromTs}::timestamptz`);
  if (scope.toTs) out.push(sql`${col} < ${scope.toTs}::timestamptz`);
  return out;
}

/** `col` is one of the scope's owners (`none`: unassigned). */
export function ownerIn(scope: ReportScope, col: unknown): SQL[] {
  if (!scope.ownerIds) return [];
  const ids = scope.ownerIds.filter((o) => o !== 'none');
  const none = scope.ownerIds.includes('none');
  if (ids.length === 0) return [sql`${col} is null`];
  const inIds = sql`${col} in (${sql.join(
    ids.map((i) => sql`${i}::uuid`),
    sql`, `,
  )})`;
  return [none ? sql`(${inIds} or ${col} is null)` : inIds];
}

type LeadCols = Pick<
  typeof leads,
  'workspaceId' | 'deletedAt' | 'pipelineId' | 'ownerId' | 'source' | 'createdAt'
>;

/**
 * The leads a report counts: live leads of the workspace in the scope's pipeline, of its owners and
 * sources; created in the range unless `created: false`. `l` is the leads table or an alias of it.
 */
export function leadScope(
  ctx: Ctx,
  scope: ReportScope,
  l: LeadCols = leads,
  opts: { created?: boolean } = {},
): SQL[] {
  const out: SQL[] = [sql`${l.workspaceId} = ${ctx.workspaceId}`, sql`${l.deletedAt} is null`];
  if (scope.pipelineId) out.push(sql`${l.pipelineId} = ${scope.pipelineId}`);
  out.push(...ownerIn(scope, l.ownerId));
  if (scope.sources) out.push(sql`${l.source} in (${sqlList(scope.sources)})`);
  if (opts.created !== false) out.push(...inRange(scope, l.createdAt));
  return out;
}

// ---- click-through: the list query that shows the records behind a number ----

export const DRILL_ENTITIES = ['leads', 'contacts', 'deals', 'activities', 'tasks'] as const;
export type Drill = { entity: (typeof DRILL_ENTITIES)[number]; query: Record<string, string> };

export const drillOut = z
  .object({
    entity: z.enum(DRILL_ENTITIES),
    query: z.record(z.string(), z.string()),
  })
  .describe(
    'The records behind a number: `GET /api/v1/{entity}?{query}` lists them and `GET /api/v1/{entity}/count?{query}` counts them (the same figure); the web app opens /{entity}?{query}',
  );

/** The leads list query of the scope's filters (pipeline, owners, sources; created in range unless not). */
export function leadDrill(
  scope: ReportScope,
  extra: Record<string, string> = {},
  opts: { created?: boolean } = {},
): Drill {
  const q: Record<string, string> = {};
  if (scope.pipelineId) q.pipelineId = scope.pipelineId;
  if (scope.ownerIds) q.ownerId = scope.ownerIds.join(',');
  if (scope.sources) q.source = scope.sources.join(',');
  if (opts.created !== false) {
    if (scope.fromTs) q.createdAtFrom = scope.fromTs;
    if (scope.toTs) q.createdAtTo = scope.toTs;
  }
  return { entity: 'leads', query: { ...q, ...extra } };
}

/** A condition (shared condition language) as a list query parameter. */
export const conditionParam = (c: unknown): string => JSON.stringify(c);

/**
 * Runs a report statement with the planner settings reports want: no JIT (compiling a report's
 * expressions costs PostgreSQL a few hundred milliseconds, more than the aggregate itself) and the
 * work_mem its hashes and per-group sorts need (medians sort each group) without spilling to disk. One
 * transaction per statement, so that the statements of a report run side by side on the pool, with a
 * time limit so that one heavy report cannot hold a connection for minutes.
 */
export async function reportQuery(db: Db, query: SQL, opts: { hashJoins?: boolean } = {}): Promise<unknown> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    await tx.execute(sql`set local work_mem = '64MB'`);
    await tx.execute(sql`set local statement_timeout = '30s'`);
    // A join of two large sets whose sizes the planner cannot see (a materialized cohort): it would
    // pick a nested loop of hundreds of thousands of index probes.
    if (opts.hashJoins) {
      await tx.execute(sql`set local enable_nestloop = off`);
      await tx.execute(sql`set local enable_mergejoin = off`);
    }
    return tx.execute(query);
  });
}
