import { labelize } from '../../lib/format';
import type { Entity } from './duplicatesApi';

/**
 * The fields the side-by-side merge shows, per entity: `pick` is the name the merge API takes in
 * `fields` (e.g. `email` picks the primary email; the others are kept too), `show` renders a value.
 */
export type MergeField = { pick: string; label: string; show: (r: Rec) => string };
export type Rec = Record<string, unknown> & { id: string };

const text = (k: string) => (r: Rec) => {
  const v = r[k];
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  return String(v);
};
const enumText = (k: string) => (r: Rec) => (r[k] ? labelize(String(r[k])) : '');
const date = (k: string) => (r: Rec) => (r[k] ? new Date(String(r[k])).toLocaleDateString() : '');
const f = (pick: string, label: string, show: (r: Rec) => string = text(pick)): MergeField => ({
  pick,
  label,
  show,
});

const emails = (r: Rec) =>
  ((r.emails as { email: string }[] | undefined) ?? []).map((e) => e.email).join(', ');
const phones = (r: Rec) => ((r.phones as { e164: string }[] | undefined) ?? []).map((p) => p.e164).join(', ');
const address = (a: Record<string, unknown> | null | undefined) =>
  a
    ? ['street1', 'street2', 'city', 'state', 'postcode', 'country']
        .map((k) => a[k])
        .filter(Boolean)
        .join(', ')
    : '';

export const MERGE_FIELDS: Record<Entity, MergeField[]> = {
  contact: [
    f('firstName', 'First name'),
    f('lastName', 'Last name'),
    f('email', 'Emails (primary first)', emails),
    f('phone', 'Phones (primary first)', phones),
    f('companyName', 'Company'),
    f('jobTitle', 'Job title'),
    f('department', 'Department'),
    f('role', 'Role', enumText('role')),
    f('status', 'Status', enumText('status')),
    f('source', 'Source'),
    f('preferredChannel', 'Preferred channel'),
    f('influence', 'Influence', enumText('influence')),
    f('accountId', 'Account'),
    f('ownerId', 'Owner'),
    f('doNotContact', 'Do not contact'),
    f('gdprConsent', 'GDPR consent'),
    f('optInAt', 'Opted in', date('optInAt')),
    f('externalId', 'External id'),
  ],
  lead: [
    f('contactId', 'Contact', (r) => String(r.name ?? r.contactId ?? '')),
    f('title', 'Title'),
    f('productInterest', 'Product interest'),
    f('stageId', 'Stage', (r) => String(r.stageName ?? '')),
    f('source', 'Source'),
    f('campaign', 'Campaign'),
    f('priority', 'Priority', enumText('priority')),
    f('temperature', 'Temperature', enumText('temperature')),
    f('ownerId', 'Owner'),
    f('dealValue', 'Deal value'),
    f('expectedCloseDate', 'Expected close'),
    f('budgetRange', 'Budget'),
    f('timeline', 'Timeline'),
    f('lostReason', 'Lost reason'),
    f('externalId', 'External id'),
  ],
  account: [
    f('name', 'Name'),
    f('domain', 'Domain'),
    f('website', 'Website'),
    f('phone', 'Phone'),
    f('accountType', 'Type', enumText('accountType')),
    f('industry', 'Industry'),
    f('companySize', 'Size'),
    f('annualRevenue', 'Annual revenue'),
    f('taxId', 'Tax id'),
    f('health', 'Health', enumText('health')),
    f('address', 'Address', (r) => address(r.address as Record<string, unknown> | null)),
    f('ownerId', 'Owner'),
    f('externalId', 'External id'),
  ],
};

/** Custom values (`customFields` on the API) become pickable `custom.<key>` rows. */
export function fieldsOf(entity: Entity, records: Rec[]): MergeField[] {
  const keys = [
    ...new Set(records.flatMap((r) => Object.keys((r.customFields as Record<string, unknown>) ?? {}))),
  ];
  return [
    ...MERGE_FIELDS[entity],
    ...keys.map((k) =>
      f(`custom.${k}`, labelize(k), (r) => {
        const v = (r.customFields as Record<string, unknown> | undefined)?.[k];
        return v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v);
      }),
    ),
  ];
}

const MOVE_LABELS: Record<string, [string, string]> = {
  leads: ['lead', 'leads'],
  activities: ['timeline entry', 'timeline entries'],
  deals: ['deal', 'deals'],
  lead_contacts: ['lead contact link', 'lead contact links'],
  contacts: ['contact', 'contacts'],
  duplicate_candidates: ['duplicate pair', 'duplicate pairs'],
};

/** "1 lead, 2 timeline entries" from the merge's counts by table. */
export const movesText = (moves: Record<string, number>): string =>
  Object.entries(moves)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => {
      const [one, many] = MOVE_LABELS[t] ?? [t.replace(/_/g, ' '), t.replace(/_/g, ' ')];
      return `${n} ${n === 1 ? one : many}`;
    })
    .join(', ');
