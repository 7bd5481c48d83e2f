import { and, eq, sql } from 'drizzle-orm';
import { type ContactRow, displayName } from '../contacts/contacts.service.js';
import { type Db, isTransaction } from '../db/client.js';
import { contacts, leads, stages } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import type { LeadOut } from './leads.schemas.js';

export type LeadRow = typeof leads.$inferSelect;

/**
 * A timestamp as the API shows it. List rows bring theirs as text already formatted like
 * `toISOString()` (shared/json-row.ts), so they are used as they are instead of parsed and reformatted.
 */
const isoOf = (d: Date | string): string => (typeof d === 'string' ? d : d.toISOString());
const isoOrNull = (d: Date | string | null): string | null => (d === null ? null : isoOf(d));
type Stamps = 'stageEnteredAt' | 'convertedAt' | 'scoredAt' | 'createdAt' | 'updatedAt' | 'deletedAt';
/** A lead row, or a list row whose timestamps are still that text. */
export type LeadRowLike = Omit<LeadRow, Stamps> & { [K in Stamps]: LeadRow[K] | string };

export function toLead(l: LeadRowLike, c: LeadContact, stageName: string): LeadOut {
  const a = c.addresses[0];
  return {
    id: l.id,
    externalId: l.externalId,
    contactId: l.contactId,
    name: displayName(c),
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.emails[0]?.email ?? null,
    phone: c.phones[0]?.e164 ?? null,
    company: c.companyName,
    jobTitle: c.jobTitle,
    address: a
      ? {
          street1: a.street1,
          street2: a.street2,
          city: a.city,
          state: a.state,
          postcode: a.postcode,
          country: a.country,
        }
      : null,
    title: l.title,
    productInterest: l.productInterest,
    source: l.source,
    campaign: l.campaign,
    medium: l.medium,
    term: l.term,
    referrer: l.referrer,
    landingPage: l.landingPage,
    formName: l.formName,
    pipelineId: l.pipelineId,
    stageId: l.stageId,
    stageName,
    status: l.status,
    stageEnteredAt: isoOf(l.stageEnteredAt),
    priority: l.priority,
    temperature: l.temperature,
    ownerId: l.ownerId,
    score: l.score,
    scoreReasons: l.scoreReasons ?? [],
    scoredAt: isoOrNull(l.scoredAt),
    boardRank: l.boardRank,
    predictedProbability: l.predictedProbability,
    budgetRange: l.budgetRange,
    authorityLevel: l.authorityLevel,
    timeline: l.timeline,
    dealValue: l.dealValue,
    expectedCloseDate: l.expectedCloseDate,
    lostReason: l.lostReason,
    marketingStage: l.marketingStage,
    spamScore: l.spamScore,
    validationStatus: l.validationStatus,
    isDuplicate: l.isDuplicate,
    convertedAt: isoOrNull(l.convertedAt),
    convertedAccountId: l.convertedAccountId,
    convertedDealId: l.convertedDealId,
    autoCreatedFromContact: l.autoCreatedFromContact,
    createdBy: l.createdBy,
    contactVersion: c.version,
    customFields: l.custom ?? {},
    contactCustomFields: c.custom ?? {},
    createdAt: isoOf(l.createdAt),
    updatedAt: isoOf(l.updatedAt),
    deletedAt: isoOrNull(l.deletedAt),
    version: l.version,
  };
}

export const leadEtag = (l: { version: number; contactVersion: number }): string =>
  `${l.version}.${l.contactVersion}`;

/** The contact columns a lead shows (not all of the contact: lists and reads stay lean). */
export const leadContactColumns = {
  id: contacts.id,
  version: contacts.version,
  firstName: contacts.firstName,
  lastName: contacts.lastName,
  companyName: contacts.companyName,
  jobTitle: contacts.jobTitle,
  emails: contacts.emails,
  phones: contacts.phones,
  addresses: contacts.addresses,
  custom: contacts.custom,
};
export type LeadContact = Pick<
  ContactRow,
  | 'id'
  | 'version'
  | 'firstName'
  | 'lastName'
  | 'companyName'
  | 'jobTitle'
  | 'emails'
  | 'phones'
  | 'addresses'
  | 'custom'
>;

const leadJoin = (db: Db) =>
  db
    .select({ lead: leads, contact: leadContactColumns, stageName: stages.name })
    .from(leads)
    .innerJoin(contacts, and(eq(contacts.workspaceId, leads.workspaceId), eq(contacts.id, leads.contactId)))
    .innerJoin(stages, and(eq(stages.workspaceId, leads.workspaceId), eq(stages.id, leads.stageId)));

/**
 * The plain read of one lead as a prepared statement, one per database handle: the hot path of
 * `GET /leads/:id` is then parsed and planned once per connection instead of on every request.
 */
const preparedGet = new WeakMap<Db, ReturnType<typeof prepareGet>>();
const prepareGet = (db: Db) =>
  leadJoin(db)
    .where(and(eq(leads.workspaceId, sql.placeholder('ws')), eq(leads.id, sql.placeholder('id'))))
    .prepare('lead_get_by_id');

/** Loads a lead with its contact and stage name. */
export async function loadLead(
  db: Db,
  ctx: Ctx,
  id: string,
  opts: { lock?: boolean; withDeleted?: boolean } = {},
): Promise<{ lead: LeadRow; contact: LeadContact; stageName: string }> {
  let row: { lead: LeadRow; contact: LeadContact; stageName: string } | undefined;
  if (opts.withDeleted && !opts.lock && !isTransaction(db)) {
    let p = preparedGet.get(db);
    if (!p) {
      p = prepareGet(db);
      preparedGet.set(db, p);
    }
    [row] = await p.execute({ ws: ctx.workspaceId, id });
  } else {
    const q = leadJoin(db).where(
      and(
        eq(leads.workspaceId, ctx.workspaceId),
        eq(leads.id, id),
        opts.withDeleted ? undefined : sql`${leads.deletedAt} is null`,
      ),
    );
    [row] = opts.lock ? await q.for('update', { of: leads }) : await q;
  }
  if (!row) throw AppError.notFound('Lead', id);
  return row;
}

export async function getLead(db: Db, ctx: Ctx, id: string): Promise<LeadOut> {
  const r = await loadLead(db, ctx, id, { withDeleted: true });
  return toLead(r.lead, r.contact, r.stageName);
}
