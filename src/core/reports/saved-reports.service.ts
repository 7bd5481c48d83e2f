import { and, asc, eq, isNull, or, type SQL, sql } from 'drizzle-orm';
import { type ZodType, z } from 'zod';
import { writeAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import {
  ACTIVITY_TYPES,
  dashboardItems,
  type REPORT_KINDS,
  savedReports,
  users,
} from '../db/schema/index.js';
import { type Ctx, roleAtLeast } from '../shared/context.js';
import { AppError, type FieldError, isAppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { checkVersion, iso } from '../shared/records.js';
import { builderBody } from './report-builder.schemas.js';
import { planBuilderReport } from './report-builder.service.js';
import { reportFilterShape, resolveReportScope } from './report-filters.js';
import type {
  DashboardOut,
  DashboardPut,
  SavedReportCreate,
  SavedReportOut,
  SavedReportUpdate,
} from './saved-reports.schemas.js';

/**
 * Saved reports: a report kind, its parameters and a chart, owned by a member and private unless
 * shared. A member sees their own and the shared ones (anything else is 404); the owner changes and
 * deletes theirs, and a manager or above changes and deletes shared ones. Parameters are checked per
 * kind when saved (a builder definition exactly as `POST /reports/run` checks it). Every change is
 * audited; a deleted report leaves every dashboard.
 */

type Kind = (typeof REPORT_KINDS)[number];
type Row = typeof savedReports.$inferSelect & { ownerName: string | null };

/**
 * A saved report may keep a preset range instead of fixed days: it then means the days the preset gives
 * on the day the report is opened (the web app's presets: last 7/30/90 days, this month, quarter or
 * year, all time, the next 3 or 6 months).
 */
export const RANGE_PRESETS = [
  'last7',
  'last30',
  'last90',
  'month',
  'quarter',
  'year',
  'all',
  'next3m',
  'next6m',
] as const;
const filterParams = z.strictObject({
  ...reportFilterShape,
  range: z.enum(RANGE_PRESETS, `must be one of ${RANGE_PRESETS.join(', ')}`).optional(),
});
const KIND_PARAMS: Record<Exclude<Kind, 'builder'>, ZodType> = {
  funnel: filterParams,
  sources: filterParams,
  campaigns: filterParams,
  team: filterParams,
  health: filterParams,
  forecast: filterParams,
  activity: filterParams.extend({
    interval: z.enum(['day', 'week', 'month']).optional(),
    types: z
      .string()
      .transform((s) => s.split(',').map((v) => v.trim()))
      .pipe(z.array(z.enum(ACTIVITY_TYPES, `must be one of ${ACTIVITY_TYPES.join(', ')}`)).min(1))
      .optional(),
  }),
};

function issuesToErrors(issues: z.core.$ZodIssue[], prefix: string, kind: Kind): FieldError[] {
  const out: FieldError[] = [];
  for (const i of issues) {
    const at = [prefix, ...i.path.map(String)].join('.');
    if (i.code === 'unrecognized_keys')
      for (const k of i.keys)
        out.push({ field: `${at}.${k}`, reason: `is not a parameter of the ${kind} report` });
    else out.push({ field: at, reason: i.message.replace(/^Invalid input: /, '') });
  }
  return out;
}

const invalid = (errors: FieldError[]) =>
  new AppError('validation_failed', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), errors);

/** Checks a report's parameters for its kind (422 naming `params.<name>`). */
export async function checkReportParams(db: Db, ctx: Ctx, kind: Kind, params: Record<string, unknown>) {
  if (kind === 'builder') {
    const parsed = builderBody.safeParse(params);
    if (!parsed.success) throw invalid(issuesToErrors(parsed.error.issues, 'params', kind));
    try {
      await planBuilderReport(db, ctx, parsed.data, 'params.');
    } catch (e) {
      if (isAppError(e) && e.code === 'not_found')
        throw invalid([{ field: 'params.filters', reason: e.message }]);
      throw e;
    }
    return;
  }
  const parsed = KIND_PARAMS[kind].safeParse(params);
  if (!parsed.success) throw invalid(issuesToErrors(parsed.error.issues, 'params', kind));
  const p = parsed.data as z.infer<typeof filterParams>;
  const errors: FieldError[] = [];
  for (const [field, filters] of [
    ['pipelineId', { pipelineId: p.pipelineId }],
    ['teamId', { teamId: p.teamId }],
    ['to', { from: p.from, to: p.to }],
  ] as const) {
    try {
      await resolveReportScope(db, ctx, filters);
    } catch (e) {
      if (!isAppError(e)) throw e;
      errors.push({
        field: `params.${field}`,
        reason:
          e.code === 'not_found' ? `${e.message} in this workspace` : (e.errors[0]?.reason ?? e.message),
      });
    }
  }
  if (errors.length) throw invalid(errors);
}

const userOf = (ctx: Ctx): string => {
  if (!ctx.userId)
    throw new AppError('forbidden', 'Saved reports belong to a user: sign in or use a user’s API key');
  return ctx.userId;
};

/** What the caller may see: their own reports and the shared ones. */
const visible = (ctx: Ctx): SQL =>
  and(
    eq(savedReports.workspaceId, ctx.workspaceId),
    isNull(savedReports.deletedAt),
    or(eq(savedReports.ownerId, userOf(ctx)), eq(savedReports.shared, true)),
  )!;

const canEdit = (ctx: Ctx, r: { ownerId: string; shared: boolean }) =>
  r.ownerId === ctx.userId || (r.shared && roleAtLeast(ctx.role, 'manager'));

export function toSavedReport(ctx: Ctx, r: Row): SavedReportOut {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    params: r.params,
    chart: r.chart as SavedReportOut['chart'],
    shared: r.shared,
    ownerId: r.ownerId,
    ownerName: r.ownerName,
    canEdit: canEdit(ctx, r),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    deletedAt: iso(r.deletedAt),
    version: r.version,
  };
}

const selectRows = (db: Db) =>
  db
    .select({ report: savedReports, ownerName: users.name })
    .from(savedReports)
    .leftJoin(users, eq(users.id, savedReports.ownerId));
const flat = (r: { report: typeof savedReports.$inferSelect; ownerName: string | null }): Row => ({
  ...r.report,
  ownerName: r.ownerName,
});

/** The saved reports the caller sees, by name (the first `limit`); optionally of one kind. */
export async function listSavedReports(
  db: Db,
  ctx: Ctx,
  kind?: Kind,
  limit = 200,
): Promise<SavedReportOut[]> {
  const rows = await selectRows(db)
    .where(and(visible(ctx), kind ? eq(savedReports.kind, kind) : undefined))
    .orderBy(asc(sql`lower(${savedReports.name})`), asc(savedReports.id))
    .limit(limit);
  return rows.map((r) => toSavedReport(ctx, flat(r)));
}

/** Visible saved reports by id (the dashboard reads these). */
export async function visibleSavedReports(
  db: Db,
  ctx: Ctx,
  ids: string[],
): Promise<Map<string, SavedReportOut>> {
  if (ids.length === 0) return new Map();
  const rows = await selectRows(db).where(
    and(
      visible(ctx),
      sql`${savedReports.id} in (${sql.join(
        ids.map((i) => sql`${i}::uuid`),
        sql`, `,
      )})`,
    ),
  );
  return new Map(rows.map((r) => [r.report.id, toSavedReport(ctx, flat(r))]));
}

async function loadVisible(db: Db, ctx: Ctx, id: string, lock = false): Promise<Row> {
  const q = selectRows(db).where(and(visible(ctx), eq(savedReports.id, id)));
  const [r] = lock ? await q.for('update', { of: savedReports }) : await q;
  if (!r) throw AppError.notFound('Saved report', id);
  return flat(r);
}

export async function getSavedReport(db: Db, ctx: Ctx, id: string): Promise<SavedReportOut> {
  return toSavedReport(ctx, await loadVisible(db, ctx, id));
}

export async function createSavedReport(db: Db, ctx: Ctx, input: SavedReportCreate): Promise<SavedReportOut> {
  const ownerId = userOf(ctx);
  await checkReportParams(db, ctx, input.kind, input.params);
  return db.transaction(async (tx) => {
    const id = newId();
    await tx.insert(savedReports).values({
      workspaceId: ctx.workspaceId,
      id,
      name: input.name,
      kind: input.kind,
      params: input.params,
      chart: input.chart,
      shared: input.shared,
      ownerId,
    });
    const out = toSavedReport(ctx, await loadVisible(tx, ctx, id));
    await writeAudit(tx, ctx, { action: 'create', entity: 'saved_report', entityId: id, after: out });
    return out;
  });
}

function assertCanEdit(ctx: Ctx, r: Row): void {
  if (!canEdit(ctx, r))
    throw AppError.forbidden('Only its owner or a manager (or above) changes or deletes a shared report');
}

export async function updateSavedReport(
  db: Db,
  ctx: Ctx,
  id: string,
  input: SavedReportUpdate,
  ifMatch?: string,
): Promise<SavedReportOut> {
  const cur = await loadVisible(db, ctx, id);
  assertCanEdit(ctx, cur);
  const kind = input.kind ?? cur.kind;
  if (input.params !== undefined || input.kind !== undefined)
    await checkReportParams(db, ctx, kind, input.params ?? cur.params);
  return db.transaction(async (tx) => {
    const locked = await loadVisible(tx, ctx, id, true);
    checkVersion('saved report', String(locked.version), ifMatch);
    assertCanEdit(ctx, locked);
    const before = toSavedReport(ctx, locked);
    const set: Partial<typeof savedReports.$inferInsert> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.kind !== undefined) set.kind = input.kind;
    if (input.params !== undefined) set.params = input.params;
    if (input.chart !== undefined) set.chart = input.chart;
    if (input.shared !== undefined) set.shared = input.shared;
    await tx
      .update(savedReports)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${savedReports.version} + 1` })
      .where(and(eq(savedReports.workspaceId, ctx.workspaceId), eq(savedReports.id, id)));
    const [row] = await selectRows(tx).where(
      and(eq(savedReports.workspaceId, ctx.workspaceId), eq(savedReports.id, id)),
    );
    const after = toSavedReport(ctx, flat(row!));
    await writeAudit(tx, ctx, { action: 'update', entity: 'saved_report', entityId: id, before, after });
    return after;
  });
}

/** Soft delete; the report leaves every dashboard (in the same transaction). */
export async function deleteSavedReport(
  db: Db,
  ctx: Ctx,
  id: string,
  ifMatch?: string,
): Promise<SavedReportOut> {
  return db.transaction(async (tx) => {
    const cur = await loadVisible(tx, ctx, id, true);
    checkVersion('saved report', String(cur.version), ifMatch);
    assertCanEdit(ctx, cur);
    const before = toSavedReport(ctx, cur);
    await tx
      .update(savedReports)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${savedReports.version} + 1` })
      .where(and(eq(savedReports.workspaceId, ctx.workspaceId), eq(savedReports.id, id)));
    await tx
      .delete(dashboardItems)
      .where(and(eq(dashboardItems.workspaceId, ctx.workspaceId), eq(dashboardItems.savedReportId, id)));
    const [row] = await selectRows(tx).where(
      and(eq(savedReports.workspaceId, ctx.workspaceId), eq(savedReports.id, id)),
    );
    const after = toSavedReport(ctx, flat(row!));
    await writeAudit(tx, ctx, { action: 'delete', entity: 'saved_report', entityId: id, before, after });
    return after;
  });
}

// ---- the dashboard: each user's saved reports in order ----

/** The caller's dashboard; reports they can no longer see (deleted, unshared) are left out. */
export async function getDashboard(db: Db, ctx: Ctx): Promise<DashboardOut> {
  const userId = userOf(ctx);
  const items = await db
    .select({ savedReportId: dashboardItems.savedReportId, width: dashboardItems.width })
    .from(dashboardItems)
    .where(and(eq(dashboardItems.workspaceId, ctx.workspaceId), eq(dashboardItems.userId, userId)))
    .orderBy(asc(dashboardItems.position));
  const reports = await visibleSavedReports(
    db,
    ctx,
    items.map((i) => i.savedReportId),
  );
  return {
    items: items
      .filter((i) => reports.has(i.savedReportId))
      .map((i, position) => ({ ...i, position, report: reports.get(i.savedReportId)! })),
  };
}

/** Replaces the caller's dashboard (order and set); every report must be one they can see. */
export async function putDashboard(db: Db, ctx: Ctx, input: DashboardPut): Promise<DashboardOut> {
  const userId = userOf(ctx);
  return db.transaction(async (tx) => {
    const reports = await visibleSavedReports(
      tx,
      ctx,
      input.items.map((i) => i.savedReportId),
    );
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    input.items.forEach((i, n) => {
      if (seen.has(i.savedReportId))
        errors.push({ field: `items.${n}.savedReportId`, reason: 'is listed twice' });
      else if (!reports.has(i.savedReportId))
        errors.push({ field: `items.${n}.savedReportId`, reason: 'is not a saved report you can see' });
      seen.add(i.savedReportId);
    });
    if (errors.length) throw invalid(errors);
    await tx
      .delete(dashboardItems)
      .where(and(eq(dashboardItems.workspaceId, ctx.workspaceId), eq(dashboardItems.userId, userId)));
    if (input.items.length)
      await tx.insert(dashboardItems).values(
        input.items.map((i, position) => ({
          workspaceId: ctx.workspaceId,
          userId,
          savedReportId: i.savedReportId,
          position,
          width: i.width,
        })),
      );
    return getDashboard(tx, ctx);
  });
}
