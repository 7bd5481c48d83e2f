import type { FieldDef } from '../custom-fields/custom-values.js';
import { loadDefinitions } from '../custom-fields/custom-values.js';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';
import type { ImportEntity, TargetField } from './imports.schemas.js';

/**
 * What a column can be mapped to, per entity: the record's own fields, its contact's (for leads),
 * address parts, and custom fields (`custom.<key>`; a lead's contact-level ones `contact.custom.<key>`).
 * Reference fields are written by name: `owner` (a member's email or name), `pipeline` and `stage`
 * (names), `account` (an account's name or domain), `lead` (a lead's external id or id).
 */
type Base = Omit<TargetField, 'group'> & { group?: TargetField['group'] };

const f = (key: string, label: string, type = 'text', extra: Partial<Base> = {}): Base => ({
  key,
  label,
  type,
  required: false,
  ...extra,
});

const ADDRESS: Base[] = [
  f('address.street1', 'Street', 'text', { group: 'address' }),
  f('address.street2', 'Street line 2', 'text', { group: 'address' }),
  f('address.city', 'City', 'text', { group: 'address' }),
  f('address.state', 'State / region', 'text', { group: 'address' }),
  f('address.postcode', 'Postcode', 'text', { group: 'address' }),
  f('address.country', 'Country', 'text', { group: 'address' }),
];

const PERSON: Base[] = [
  f('firstName', 'First name', 'text', { group: 'contact' }),
  f('lastName', 'Last name', 'text', { group: 'contact' }),
  f('fullName', 'Full name', 'text', {
    group: 'contact',
    description: 'Split into first and last name (last word is the last name)',
  }),
  f('email', 'Email', 'email', { group: 'contact' }),
  f('email2', 'Other email', 'email', { group: 'contact' }),
  f('phone', 'Phone', 'phone', { group: 'contact' }),
  f('phone2', 'Other phone', 'phone', { group: 'contact' }),
  f('company', 'Company', 'text', { group: 'contact' }),
  f('jobTitle', 'Job title', 'text', { group: 'contact' }),
];

const LEAD: Base[] = [
  f('id', 'Leadbase ID', 'uuid', { description: 'Matches an existing lead (re-importing an export)' }),
  f('externalId', 'External ID'),
  f('contactExternalId', 'Contact external ID', 'text', {
    group: 'contact',
    description:
      'Links the lead to the contact with this external id (else matched by email or phone, or created)',
  }),
  f('title', 'Lead title'),
  f('productInterest', 'Product interest'),
  f('source', 'Source'),
  f('campaign', 'Campaign'),
  f('medium', 'Medium'),
  f('term', 'Term'),
  f('referrer', 'Referrer', 'url'),
  f('landingPage', 'Landing page', 'url'),
  f('formName', 'Form name'),
  f('pipeline', 'Pipeline', 'ref', { description: 'Pipeline name; the default pipeline when empty' }),
  f('stage', 'Stage', 'ref', { description: "Stage name; the pipeline's first stage when empty" }),
  f('status', 'Status', 'enum', {
    options: ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'],
    description: "Moves the lead to the pipeline's stage with this status",
  }),
  f('priority', 'Priority', 'enum', { options: ['low', 'medium', 'high', 'urgent'] }),
  f('temperature', 'Temperature', 'enum', { options: ['cold', 'warm', 'hot'] }),
  f('owner', 'Owner', 'ref', { description: "A member's email or name; assignment rules decide when empty" }),
  f('budgetRange', 'Budget range'),
  f('authorityLevel', 'Authority level'),
  f('timeline', 'Timeline'),
  f('dealValue', 'Deal value', 'money'),
  f('expectedCloseDate', 'Expected close date', 'date'),
  f('lostReason', 'Lost reason'),
  f('marketingStage', 'Marketing stage', 'enum', { options: ['awareness', 'consideration', 'decision'] }),
  f('spamScore', 'Spam score', 'number'),
  f('validationStatus', 'Validation status', 'enum', { options: ['unverified', 'valid', 'invalid'] }),
  f('createdAt', 'Created at', 'timestamp', { description: 'When the lead was created in the old system' }),
];

const CONTACT: Base[] = [
  f('id', 'Leadbase ID', 'uuid', { description: 'Matches an existing contact (re-importing an export)' }),
  f('externalId', 'External ID'),
  ...PERSON.map((p) => ({ ...p, group: 'record' as const })),
  f('department', 'Department'),
  f('role', 'Role'),
  f('preferredChannel', 'Preferred channel'),
  f('influence', 'Influence', 'enum', { options: ['high', 'medium', 'low'] }),
  f('status', 'Status', 'enum', { options: ['lead', 'prospect', 'active', 'inactive'] }),
  f('source', 'Source'),
  f('account', 'Account', 'ref', { description: "An account's name or domain" }),
  f('owner', 'Owner', 'ref', { description: "A member's email or name" }),
  f('gdprConsent', 'GDPR consent', 'boolean'),
  f('doNotContact', 'Do not contact', 'boolean'),
  f('optInAt', 'Opted in at', 'timestamp'),
  f('createdAt', 'Created at', 'timestamp'),
];

const ACCOUNT: Base[] = [
  f('id', 'Leadbase ID', 'uuid'),
  f('externalId', 'External ID'),
  f('name', 'Account name', 'text', { required: true }),
  f('domain', 'Domain'),
  f('website', 'Website', 'url'),
  f('phone', 'Phone'),
  f('accountType', 'Account type', 'enum', {
    options: ['customer', 'prospect', 'partner', 'competitor', 'reseller'],
  }),
  f('industry', 'Industry'),
  f('companySize', 'Company size'),
  f('annualRevenue', 'Annual revenue', 'money'),
  f('taxId', 'Tax ID'),
  f('health', 'Health', 'enum', { options: ['green', 'yellow', 'red', 'black'] }),
  f('lifecycleStage', 'Lifecycle stage'),
  f('description', 'Description'),
  f('owner', 'Owner', 'ref'),
  f('createdAt', 'Created at', 'timestamp'),
];

const DEAL: Base[] = [
  f('id', 'Leadbase ID', 'uuid'),
  f('externalId', 'External ID'),
  f('name', 'Deal name', 'text', { required: true }),
  f('account', 'Account', 'ref', { description: "An account's name or domain" }),
  f('contactEmail', 'Primary contact email', 'email'),
  f('amount', 'Amount', 'money'),
  f('currency', 'Currency'),
  f('pipeline', 'Pipeline', 'ref'),
  f('stage', 'Stage', 'ref'),
  f('forecastCategory', 'Forecast category', 'enum', {
    options: ['pipeline', 'best_case', 'commit', 'closed', 'omitted'],
  }),
  f('closeDate', 'Close date', 'date'),
  f('owner', 'Owner', 'ref'),
  f('description', 'Description'),
  f('createdAt', 'Created at', 'timestamp'),
];

const ACTIVITY: Base[] = [
  f('id', 'Leadbase ID', 'uuid', {
    description: 'An activity already in Leadbase (re-importing an export) is skipped, not imported twice',
  }),
  f('type', 'Type', 'enum', { required: true, options: ['call', 'email', 'meeting', 'note', 'sms'] }),
  f('lead', 'Lead', 'ref', { description: "The lead's external id or Leadbase id" }),
  f('contactEmail', 'Contact email', 'email', { description: 'The contact, by email' }),
  f('subject', 'Subject'),
  f('body', 'Body'),
  f('outcome', 'Outcome'),
  f('durationMinutes', 'Duration (minutes)', 'number'),
  f('occurredAt', 'Occurred at', 'timestamp'),
  f('user', 'User', 'ref', { description: "Who did it: a member's email or name" }),
];

const STATIC: Record<ImportEntity, Base[]> = {
  leads: [...LEAD, ...PERSON, ...ADDRESS],
  contacts: [...CONTACT, ...ADDRESS],
  accounts: [...ACCOUNT, ...ADDRESS],
  deals: DEAL,
  activities: ACTIVITY,
};

/** The custom-field entity whose definitions apply to an import entity's own `custom.*` fields. */
export const CUSTOM_ENTITY = {
  leads: 'lead',
  contacts: 'contact',
  accounts: 'account',
  deals: 'deal',
  activities: null,
} as const;

const customField = (
  d: FieldDef,
  prefix: string,
  group: TargetField['group'],
  labelPrefix = '',
): TargetField => ({
  key: `${prefix}${d.key}`,
  label: `${labelPrefix}${d.label}`,
  type: d.type,
  group,
  required: d.required,
  ...(d.options.length ? { options: d.options.map((o) => o.value) } : {}),
});

/** The entity's static fields (no custom fields): for code that does not need the workspace's. */
export function staticFields(entity: ImportEntity): TargetField[] {
  return STATIC[entity].map((x) => ({ ...x, group: x.group ?? 'record' }));
}

/** Every target field of the entity in this workspace, custom fields (not archived) included. */
export async function targetFields(db: Db, ctx: Ctx, entity: ImportEntity): Promise<TargetField[]> {
  const out = staticFields(entity);
  const own = CUSTOM_ENTITY[entity];
  if (own)
    for (const d of await loadDefinitions(db, ctx, own))
      if (!d.archived) out.push(customField(d, 'custom.', 'custom'));
  if (entity === 'leads')
    for (const d of await loadDefinitions(db, ctx, 'contact'))
      if (!d.archived) out.push(customField(d, 'contact.custom.', 'contact_custom', 'Contact: '));
  return out;
}
