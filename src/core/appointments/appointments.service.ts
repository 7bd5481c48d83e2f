import { and, eq, type SQL, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import { customListParts } from '../custom-fields/custom-list.js';
import { validateCustomValues } from '../custom-fields/custom-values.js';
import type { Db } from '../db/client.js';
import { appointments, leads } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { containsPattern } from '../shared/like.js';
import {
  deletedCondition,
  type ListQuery,
  type ListSpec,
  listConditions,
  listOrderBy,
  sortKeySelect,
  toPage,
} from '../shared/list-query.js';
import { checkVersion, iso } from '../shared/records.js';
import { loadTenantRow } from '../shared/tenant-rows.js';
import { assertMember } from '../workspaces/members.service.js';
import { logAppointmentEvent, whenText } from './appointment-timeline.js';
import {
  APPOINTMENT_RESULTS,
  APPOINTMENT_STATUSES,
  type AppointmentCreate,
  type AppointmentOut,
  type AppointmentUpdate,
} from './appointments.schemas.js';

export type AppointmentRow = typeof appointments.$inferSelect;

export const toAppointment = (r: AppointmentRow): AppointmentOut => ({
  id: r.id,
  leadId: r.leadId,
  contactId: r.contactId,
  title: r.title,
  scheduledAt: r.scheduledAt.toISOString(),
  endsAt: new Date(r.scheduledAt.getTime() + r.durationMinutes * 60_000).toISOString(),
  durationMinutes: r.durationMinutes,
  location: r.location,
  assigneeId: r.assigneeId,
  status: r.status,
  result: r.result,
  outcomeNotes: r.outcomeNotes,
  objections: r.objections,
  quoteValue: r.quoteValue,
  nextContactAt: iso(r.nextContactAt),
  rescheduleCount: r.rescheduleCount,
  createdBy: r.createdBy,
  customFields: r.custom ?? {},
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  deletedAt: iso(r.deletedAt),
  version: r.version,
});

const filters: ListSpec['filters'] = {
  leadId: { kind: 'uuid', expr: appointments.leadId, description: 'Lead' },
  contactId: { kind: 'uuid', expr: appointments.contactId, description: 'Contact' },
  status: { kind: 'enum', expr: appointments.status, values: APPOINTMENT_STATUSES, description: 'Status' },
  result: { kind: 'enum', expr: appointments.result, values: APPOINTMENT_RESULTS, description: 'Result' },
  scheduledAt: { kind: 'date', expr: appointments.scheduledAt, description: 'Starts' },
  createdAt: { kind: 'date', expr: appointments.createdAt, description: 'Created' },
};

/** The list's SQL spec; `assigneeId` (which takes `me`) is resolved by the service. */
const sqlSpec: ListSpec = {
  idExpr: appointments.id,
  custom: true,
  defaultSort: 'scheduledAt',
  sorts: {
    scheduledAt: { expr: sql`${appointments.scheduledAt}`, type: 'date' },
    createdAt: { expr: sql`${appointments.createdAt}`, type: 'date' },
    updatedAt: { expr: sql`${appointments.updatedAt}`, type: 'date' },
    quoteValue: { expr: sql`coalesce(${appointments.quoteValue}, -1)`, type: 'number' },
  },
  filters,
  search: (q) => {
    const like = containsPattern(q);
    return sql`(${appointments.title} ilike ${like} or ${appointments.location} ilike ${like})`;
  },
};

/** The list as the API offers it (querystring and OpenAPI). */
export const appointmentListSpec: ListSpec = {
  ...sqlSpec,
  filters: {
    ...filters,
    assigneeId: {
      kind: 'text',
      expr: appointments.assigneeId,
      description: 'Assignee: user id, `me` (you) or `none` (unassigned); several comma-separated',
    },
  },
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assigneeCondition(ctx: Ctx, values: string[] | undefined): SQL | undefined {
  if (!values) return undefined;
  const ids: string[] = [];
  let none = false;
  for (const v of values) {
    if (v === 'none') none = true;
    else if (v === 'me') {
      if (!ctx.userId) throw AppError.invalid('assigneeId', 'me needs a signed-in user or a user API key');
      ids.push(ctx.userId);
    } else if (UUID_RE.test(v)) ids.push(v.toLowerCase());
    else throw AppError.invalid('assigneeId', `${v} is not a user id, me or none`);
  }
  const inIds = ids.length ? sql`${appointments.assigneeId} in ${ids}` : undefined;
  if (none)
    return inIds
      ? sql`(${appointments.assigneeId} is null or ${inIds})`
      : sql`${appointments.assigneeId} is null`;
  return inIds;
}

export async function listAppointments(db: Db, ctx: Ctx, query: ListQuery) {
  const custom = await customListParts(
    db,
    ctx,
    sqlSpec,
    { entity: 'appointment', column: appointments.custom },
    query,
  );
  const rows = await db
    .select({ row: appointments, _sort: sortKeySelect(custom.spec, query.sort) })
    .from(appointments)
    .where(
      and(
        eq(appointments.workspaceId, ctx.workspaceId),
        deletedCondition(appointments.deletedAt, query.deleted),
        assigneeCondition(ctx, query.assigneeId as string[] | undefined),
        ...listConditions(custom.spec, query),
        ...custom.where,
      ),
    )
    .orderBy(listOrderBy(custom.spec, query.sort))
    .limit(query.limit + 1);
  return toPage(
    rows.map((r) => ({ ...toAppointment(r.row), _sort: r._sort })),
    query,
  );
}

export const loadAppointmentRow = (
  db: Db,
  ctx: Ctx,
  id: string,
  opts: { lock?: boolean; withDeleted?: boolean } = {},
) => loadTenantRow(db, ctx, appointments, 'Appointment', id, opts);

export async function getAppointment(db: Db, ctx: Ctx, id: string): Promise<AppointmentOut> {
  return toAppointment(await loadAppointmentRow(db, ctx, id, { withDeleted: true }));
}

async function loadLead(db: Db, ctx: Ctx, leadId: string) {
  const [lead] = await db
    .select({ id: leads.id, contactId: leads.contactId, ownerId: leads.ownerId })
    .from(leads)
    .where(
      and(eq(leads.workspaceId, ctx.workspaceId), eq(leads.id, leadId), sql`${leads.deletedAt} is null`),
    );
  if (!lead) throw new AppError('not_found', 'Lead not found', [{ field: 'leadId', reason: 'no such lead' }]);
  return lead;
}

/** Schedules an appointment on a lead, in the caller's transaction, with its timeline entry and audit. */
export async function insertAppointment(tx: Db, ctx: Ctx, input: AppointmentCreate): Promise<AppointmentOut> {
  const lead = await loadLead(tx, ctx, input.leadId);
  if (input.assigneeId) await assertMember(tx, ctx, input.assigneeId, 'assigneeId');
  const assigneeId = input.assigneeId !== undefined ? input.assigneeId : (lead.ownerId ?? ctx.userId);
  const custom = await validateCustomValues(tx, ctx, 'appointment', input.customFields);
  const [row] = await tx
    .insert(appointments)
    .values({
      workspaceId: ctx.workspaceId,
      id: newId(),
      leadId: lead.id,
      contactId: lead.contactId,
      title: input.title ?? null,
      scheduledAt: new Date(input.scheduledAt),
      durationMinutes: input.durationMinutes ?? 60,
      location: input.location ?? null,
      assigneeId,
      custom,
      createdBy: ctx.userId,
    })
    .returning();
  const out = toAppointment(row!);
  await writeAudit(tx, ctx, { action: 'create', entity: 'appointment', entityId: out.id, after: out });
  await logAppointmentEvent(tx, ctx, row!, {
    type: 'system',
    event: 'scheduled',
    subject: `Appointment scheduled${row!.title ? `: ${row!.title}` : ''} for ${whenText(row!.scheduledAt)}`,
    body: row!.location ? `Location: ${row!.location}` : null,
    metadata: { scheduledAt: out.scheduledAt, durationMinutes: out.durationMinutes, assigneeId },
  });
  return out;
}

export async function createAppointment(db: Db, ctx: Ctx, input: AppointmentCreate): Promise<AppointmentOut> {
  return db.transaction((tx) => insertAppointment(tx, ctx, input));
}

export async function updateAppointment(
  db: Db,
  ctx: Ctx,
  id: string,
  input: AppointmentUpdate,
  ifMatch?: string,
): Promise<AppointmentOut> {
  return db.transaction(async (tx) => {
    const cur = await loadAppointmentRow(tx, ctx, id, { lock: true });
    const before = toAppointment(cur);
    checkVersion('appointment', String(cur.version), ifMatch);
    if (input.assigneeId) await assertMember(tx, ctx, input.assigneeId, 'assigneeId');
    const { customFields, ...rest } = input;
    const set: Partial<typeof appointments.$inferInsert> = { ...rest };
    if (customFields !== undefined)
      set.custom = await validateCustomValues(tx, ctx, 'appointment', customFields, { current: cur.custom });
    const [row] = await tx
      .update(appointments)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${appointments.version} + 1` })
      .where(and(eq(appointments.workspaceId, ctx.workspaceId), eq(appointments.id, id)))
      .returning();
    const after = toAppointment(row!);
    await writeAudit(tx, ctx, { action: 'update', entity: 'appointment', entityId: id, before, after });
    return after;
  });
}

export async function setAppointmentDeleted(
  db: Db,
  ctx: Ctx,
  id: string,
  deleted: boolean,
): Promise<AppointmentOut> {
  return db.transaction(async (tx) => {
    const cur = await loadAppointmentRow(tx, ctx, id, { lock: true, withDeleted: true });
    const before = toAppointment(cur);
    if (deleted === (cur.deletedAt !== null)) return before;
    const [row] = await tx
      .update(appointments)
      .set({
        deletedAt: deleted ? sql`now()` : null,
        updatedAt: sql`now()`,
        version: sql`${appointments.version} + 1`,
      })
      .where(and(eq(appointments.workspaceId, ctx.workspaceId), eq(appointments.id, id)))
      .returning();
    const after = toAppointment(row!);
    await writeAudit(tx, ctx, {
      action: deleted ? 'delete' : 'restore',
      entity: 'appointment',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}
