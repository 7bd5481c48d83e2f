import type { AccountOut } from '../accounts/accounts.schemas.js';
import type { ActivityOut } from '../activities/activities.schemas.js';
import type { ContactOut } from '../contacts/contacts.schemas.js';
import type { DealOut } from '../deals/deals.schemas.js';
import type { LeadOut } from '../leads/leads.schemas.js';
import type { TaskOut } from '../tasks/tasks.schemas.js';

/**
 * The static columns of each exportable list, in their default order. A column's key is the import
 * field key (src/core/imports/import-fields.ts) and its header the import field's label, so an
 * exported file maps every column back to the same field when it is imported again; a column with
 * its own `label` is not an import field (shown in exports only, and not in the default set unless
 * the list has no import, like tasks). Values are written as an import reads them (see `cellText`).
 */

/** Names of referenced records, resolved per page (members, pipelines and stages once per export). */
export type Refs = {
  member: (id: string | null) => string | null;
  pipeline: (id: string | null) => string | null;
  account: (id: string | null) => string | null;
  contactEmail: (id: string | null) => string | null;
};

export type ColumnDef<O> = {
  key: string;
  get: (row: O, refs: Refs) => unknown;
  /** Header text of a column that is not an import field; import fields take the import's label. */
  label?: string;
  /** In the default set (default true for import fields, false for export-only ones). */
  default?: boolean;
};

/** A value as an import reads it: booleans true/false, multiselect joined with "; ", nothing as empty. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (Array.isArray(v)) return v.map(cellText).join('; ');
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

const ADDRESS_KEYS = ['street1', 'street2', 'city', 'state', 'postcode', 'country'] as const;
const address = <O>(pick: (o: O) => Record<string, string | null | undefined> | null | undefined) =>
  ADDRESS_KEYS.map((k): ColumnDef<O> => ({ key: `address.${k}`, get: (o) => pick(o)?.[k] ?? null }));
/** Plain fields read straight from the record under the same key. */
const plain = <O>(...keys: (keyof O & string)[]) =>
  keys.map((k): ColumnDef<O> => ({ key: k, get: (o) => o[k] }));

export const LEAD_COLUMNS: ColumnDef<LeadOut>[] = [
  ...plain<LeadOut>('id', 'firstName', 'lastName', 'email', 'phone', 'company', 'jobTitle'),
  ...plain<LeadOut>('title', 'productInterest'),
  { key: 'pipeline', get: (l, r) => r.pipeline(l.pipelineId) },
  { key: 'stage', get: (l) => l.stageName },
  { key: 'status', get: (l) => l.status },
  { key: 'owner', get: (l, r) => r.member(l.ownerId) },
  ...plain<LeadOut>('source', 'campaign', 'medium', 'term', 'referrer', 'landingPage', 'formName'),
  ...plain<LeadOut>('priority', 'temperature', 'dealValue', 'expectedCloseDate'),
  ...plain<LeadOut>('budgetRange', 'authorityLevel', 'timeline', 'lostReason', 'marketingStage'),
  ...plain<LeadOut>('spamScore', 'validationStatus', 'externalId'),
  ...address<LeadOut>((l) => l.address),
  { key: 'createdAt', get: (l) => l.createdAt },
  { key: 'score', label: 'Score', get: (l) => l.score },
  { key: 'updatedAt', label: 'Updated at', get: (l) => l.updatedAt },
  { key: 'contactId', label: 'Contact Leadbase ID', get: (l) => l.contactId },
];

export const CONTACT_COLUMNS: ColumnDef<ContactOut>[] = [
  ...plain<ContactOut>('id', 'firstName', 'lastName', 'email'),
  { key: 'email2', get: (c) => c.emails[1]?.email ?? null },
  { key: 'phone', get: (c) => c.phone },
  { key: 'phone2', get: (c) => c.phones[1]?.e164 ?? null },
  { key: 'company', get: (c) => c.companyName },
  ...plain<ContactOut>('jobTitle', 'department', 'role', 'preferredChannel', 'influence'),
  ...plain<ContactOut>('status', 'source'),
  { key: 'account', get: (c, r) => r.account(c.accountId) },
  { key: 'owner', get: (c, r) => r.member(c.ownerId) },
  ...plain<ContactOut>('gdprConsent', 'doNotContact', 'optInAt', 'externalId'),
  ...address<ContactOut>((c) => c.addresses[0]),
  { key: 'createdAt', get: (c) => c.createdAt },
  { key: 'updatedAt', label: 'Updated at', get: (c) => c.updatedAt },
];

export const ACCOUNT_COLUMNS: ColumnDef<AccountOut>[] = [
  ...plain<AccountOut>('id', 'name', 'domain', 'website', 'phone', 'accountType', 'industry'),
  ...plain<AccountOut>('companySize', 'annualRevenue', 'taxId', 'health', 'lifecycleStage'),
  ...plain<AccountOut>('description'),
  { key: 'owner', get: (a, r) => r.member(a.ownerId) },
  { key: 'externalId', get: (a) => a.externalId },
  ...address<AccountOut>((a) => a.address),
  { key: 'createdAt', get: (a) => a.createdAt },
  { key: 'updatedAt', label: 'Updated at', get: (a) => a.updatedAt },
];

export const DEAL_COLUMNS: ColumnDef<DealOut>[] = [
  ...plain<DealOut>('id', 'name'),
  { key: 'account', get: (d, r) => r.account(d.accountId) },
  { key: 'contactEmail', get: (d, r) => r.contactEmail(d.primaryContactId) },
  ...plain<DealOut>('amount', 'currency'),
  { key: 'pipeline', get: (d, r) => r.pipeline(d.pipelineId) },
  { key: 'stage', get: (d) => d.stageName },
  ...plain<DealOut>('forecastCategory', 'closeDate'),
  { key: 'owner', get: (d, r) => r.member(d.ownerId) },
  ...plain<DealOut>('description', 'externalId', 'createdAt'),
  { key: 'probability', label: 'Probability (%)', get: (d) => d.probability },
  { key: 'updatedAt', label: 'Updated at', get: (d) => d.updatedAt },
];

export const ACTIVITY_COLUMNS: ColumnDef<ActivityOut>[] = [
  // Re-imported, a row with the id of an activity that exists is skipped (not imported twice).
  { key: 'id', default: true, get: (a) => a.id },
  { key: 'type', get: (a) => a.type },
  { key: 'lead', get: (a) => a.leadId },
  { key: 'contactEmail', get: (a, r) => r.contactEmail(a.contactId) },
  ...plain<ActivityOut>('subject', 'body', 'outcome', 'durationMinutes', 'occurredAt'),
  { key: 'user', get: (a, r) => r.member(a.userId) },
  { key: 'createdAt', label: 'Created at', get: (a) => a.createdAt },
];

const task = (key: keyof TaskOut & string, label: string): ColumnDef<TaskOut> => ({
  key,
  label,
  default: true,
  get: (t) => t[key],
});

export const TASK_COLUMNS: ColumnDef<TaskOut>[] = [
  task('id', 'Leadbase ID'),
  task('title', 'Title'),
  task('description', 'Description'),
  task('type', 'Type'),
  task('priority', 'Priority'),
  task('status', 'Status'),
  task('dueAt', 'Due at'),
  task('remindAt', 'Remind at'),
  { key: 'assignee', label: 'Assignee', default: true, get: (t, r) => r.member(t.assigneeId) },
  task('leadId', 'Lead Leadbase ID'),
  task('contactName', 'Contact'),
  task('contactId', 'Contact Leadbase ID'),
  task('dealId', 'Deal Leadbase ID'),
  task('completedAt', 'Completed at'),
  task('createdAt', 'Created at'),
];
