import { and, eq, inArray } from 'drizzle-orm';
import { accountListSpec, listAccounts } from '../accounts/accounts.service.js';
import { activityListSpec, listActivities } from '../activities/activities.service.js';
import { contactListSpec, listContacts } from '../contacts/contacts.service.js';
import type { Db } from '../db/client.js';
import { accounts, contacts, memberships, pipelines, users } from '../db/schema/index.js';
import { dealListSpec, listDeals } from '../deals/deals.service.js';
import { staticFields, targetFields } from '../imports/import-fields.js';
import type { ImportEntity } from '../imports/imports.schemas.js';
import { leadListSpec, listLeads } from '../leads/leads-list.service.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import type { ListQuery, ListSpec } from '../shared/list-query.js';
import { listTasks, taskListSpec } from '../tasks/tasks.service.js';
import {
  ACCOUNT_COLUMNS,
  ACTIVITY_COLUMNS,
  CONTACT_COLUMNS,
  type ColumnDef,
  DEAL_COLUMNS,
  LEAD_COLUMNS,
  type Refs,
  TASK_COLUMNS,
} from './columns.js';

export const EXPORT_RESOURCES = ['leads', 'contacts', 'accounts', 'deals', 'activities', 'tasks'] as const;
export type ExportResource = (typeof EXPORT_RESOURCES)[number];

type Row = { id: string } & Record<string, unknown>;
type Page = { data: Row[]; nextCursor: string | null };

export type ExportResourceDef = {
  spec: ListSpec;
  list: (db: Db, ctx: Ctx, q: ListQuery) => Promise<Page>;
  /** The import entity whose field labels name the columns (null: the list has no import). */
  importEntity: ImportEntity | null;
  columns: ColumnDef<Row>[];
  /** Ids of referenced accounts and contacts in a row, whose names are read once per page. */
  accountOf?: (r: Row) => unknown;
  contactOf?: (r: Row) => unknown;
};

const cols = <O>(c: ColumnDef<O>[]) => c as unknown as ColumnDef<Row>[];
const lister = <O>(
  f: (db: Db, ctx: Ctx, q: ListQuery) => Promise<{ data: O[]; nextCursor: string | null }>,
) => f as unknown as ExportResourceDef['list'];

export const EXPORT_DEFS: Record<ExportResource, ExportResourceDef> = {
  leads: { spec: leadListSpec, list: lister(listLeads), importEntity: 'leads', columns: cols(LEAD_COLUMNS) },
  contacts: {
    spec: contactListSpec,
    list: lister(listContacts),
    importEntity: 'contacts',
    columns: cols(CONTACT_COLUMNS),
    accountOf: (r) => r.accountId,
  },
  accounts: {
    spec: accountListSpec,
    list: lister(listAccounts),
    importEntity: 'accounts',
    columns: cols(ACCOUNT_COLUMNS),
  },
  deals: {
    spec: dealListSpec,
    list: lister(listDeals),
    importEntity: 'deals',
    columns: cols(DEAL_COLUMNS),
    accountOf: (r) => r.accountId,
    contactOf: (r) => r.primaryContactId,
  },
  activities: {
    spec: activityListSpec,
    list: lister((db, ctx, q) => listActivities(db, ctx, q)),
    importEntity: 'activities',
    columns: cols(ACTIVITY_COLUMNS),
    contactOf: (r) => r.contactId,
  },
  tasks: { spec: taskListSpec, list: lister(listTasks), importEntity: null, columns: cols(TASK_COLUMNS) },
};

/** A column of an export: its key (as `columns=` names it), header text and value. */
export type ExportColumn = {
  key: string;
  label: string;
  default: boolean;
  get: (row: Row, refs: Refs) => unknown;
};

/** Every column the resource offers in this workspace (static, then custom fields by label), in default order. */
export async function availableColumns(db: Db, ctx: Ctx, resource: ExportResource): Promise<ExportColumn[]> {
  const def = EXPORT_DEFS[resource];
  const labels = new Map(def.importEntity ? staticFields(def.importEntity).map((f) => [f.key, f.label]) : []);
  const out: ExportColumn[] = def.columns.map((c) => {
    const label = c.label ?? labels.get(c.key);
    if (!label) throw new Error(`export column ${resource}.${c.key} is not an import field and has no label`);
    return { key: c.key, label, default: c.default ?? !c.label, get: c.get };
  });
  if (!def.importEntity) return out;
  for (const f of await targetFields(db, ctx, def.importEntity)) {
    if (f.group === 'custom') {
      const key = f.key.slice('custom.'.length);
      out.push({ key: f.key, label: f.label, default: true, get: (r) => (r.customFields as Rec)?.[key] });
    } else if (f.group === 'contact_custom') {
      const key = f.key.slice('contact.custom.'.length);
      out.push({
        key: f.key,
        label: f.label,
        default: true,
        get: (r) => (r.contactCustomFields as Rec)?.[key],
      });
    }
  }
  return out;
}
type Rec = Record<string, unknown> | undefined;

/**
 * The columns of an export: the default set, or the keys of `columns=` in their order (an unknown or
 * repeated key is refused by name).
 */
export async function resolveColumns(
  db: Db,
  ctx: Ctx,
  resource: ExportResource,
  keys?: string[],
): Promise<ExportColumn[]> {
  const all = await availableColumns(db, ctx, resource);
  if (!keys) return all.filter((c) => c.default);
  const byKey = new Map(all.map((c) => [c.key, c]));
  const seen = new Set<string>();
  const out: ExportColumn[] = [];
  for (const k of keys) {
    const c = byKey.get(k);
    if (!c)
      throw AppError.invalid(
        'columns',
        `unknown column "${k}"; ${resource} columns are: ${all.map((x) => x.key).join(', ')}`,
      );
    if (seen.has(k)) throw AppError.invalid('columns', `column "${k}" is listed twice`);
    seen.add(k);
    out.push(c);
  }
  if (!out.length) throw AppError.invalid('columns', 'must name at least one column');
  return out;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const lookup = (m: Map<string, string>) => (id: string | null) => (id ? (m.get(id) ?? null) : null);

/** Members' emails and pipelines' names: read once per export (removed members and deleted pipelines too). */
export async function loadWorkspaceRefs(db: Db, ctx: Ctx) {
  const members = await db
    .select({ id: users.id, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, ctx.workspaceId));
  const ps = await db
    .select({ id: pipelines.id, name: pipelines.name })
    .from(pipelines)
    .where(eq(pipelines.workspaceId, ctx.workspaceId));
  return {
    member: lookup(new Map(members.map((m) => [m.id, m.email]))),
    pipeline: lookup(new Map(ps.map((p) => [p.id, p.name]))),
  };
}

/** The refs of one page: account names and contacts' primary emails of its rows, one query each. */
export async function pageRefs(
  db: Db,
  ctx: Ctx,
  def: ExportResourceDef,
  rows: Row[],
  base: Awaited<ReturnType<typeof loadWorkspaceRefs>>,
): Promise<Refs> {
  const ids = (f?: (r: Row) => unknown) =>
    f
      ? [
          ...new Set(
            rows
              .map(f)
              .map(str)
              .filter((x): x is string => !!x),
          ),
        ]
      : [];
  const accountIds = ids(def.accountOf);
  const contactIds = ids(def.contactOf);
  const accountNames = new Map<string, string>();
  const contactEmails = new Map<string, string>();
  if (accountIds.length)
    for (const a of await db
      .select({ id: accounts.id, name: accounts.name })
      .from(accounts)
      .where(and(eq(accounts.workspaceId, ctx.workspaceId), inArray(accounts.id, accountIds))))
      accountNames.set(a.id, a.name);
  if (contactIds.length)
    for (const c of await db
      .select({ id: contacts.id, emails: contacts.emails })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, ctx.workspaceId), inArray(contacts.id, contactIds)))) {
      const email = c.emails[0]?.email;
      if (email) contactEmails.set(c.id, email);
    }
  return { ...base, account: lookup(accountNames), contactEmail: lookup(contactEmails) };
}
