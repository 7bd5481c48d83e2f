import { randomBytes } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import { createWorkspace } from '../auth/auth.service.js';
import { hashPassword } from '../auth/passwords.js';
import type { Db } from '../db/client.js';
import type { ContactAddress, ContactEmail, ContactPhone } from '../db/schema/index.js';
import { memberships, pipelines, stages, users } from '../db/schema/index.js';
import { contactMatchColumns } from '../duplicates/contact-profile.js';
import { recountReportRollups } from '../reports/report-rollups.js';
import { systemCtx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { normalizeEmail, normalizePhone } from '../shared/normalize.js';
import * as D from './demo-data.js';
import { TWIN_RATE, type TwinKind, twinOf } from './demo-duplicates.js';
import { DEMO_WORK_TABLES, type DemoWorkCounts, generateDemoWork } from './demo-work.js';
import { type Col, insertRows } from './insert-rows.js';
import { Rand } from './random.js';

/**
 * `leadbase demo`: a realistic sample workspace (team, accounts, contacts, leads over the default
 * pipeline, activities, deals), written set-based — rows are generated in batches and inserted with
 * one `INSERT … SELECT … FROM json_to_recordset($1)` per batch and table, all in one transaction —
 * so a million leads take minutes, not hours.
 */
export type DemoOptions = {
  email?: string;
  /** The owner's password; generated (and returned) when absent. */
  password?: string;
  ownerName?: string;
  workspaceName?: string;
  leads?: number;
  /** Default: two thirds of the leads (some contacts have several leads). */
  contacts?: number;
  /** Default: a tenth of the leads, at least 20. */
  accounts?: number;
  seed?: number;
  /** Rows per INSERT; 10,000 suits PostgreSQL, keep it moderate (2,000) on PGlite. */
  batchSize?: number;
  /** The moment "now" for generated dates (tests pin it). */
  now?: Date;
  /**
   * When the database role may (a superuser), foreign keys are checked once per table, set-based,
   * after the load instead of row by row (half the load time at a million leads). Default true;
   * false keeps the row-by-row checks.
   */
  setBasedForeignKeyChecks?: boolean;
  /**
   * Open stages added to the demo pipeline after Proposal (0-4, default 0): the leads in Contacted,
   * Qualified and Proposal are spread over these columns too (the board benchmark uses 2, for 8 stages).
   */
  extraStages?: number;
};

export type DemoPhase = 'accounts' | 'contacts' | 'leads' | 'analyze' | 'work' | 'scores' | 'verify';
export type DemoProgress = (phase: DemoPhase, done: number, total: number) => void;

export type DemoCounts = {
  members: number;
  accounts: number;
  contacts: number;
  leads: number;
  activities: number;
  deals: number;
};

export type DemoResult = {
  workspaceId: string;
  workspaceName: string;
  owner: { userId: string; email: string; name: string };
  /** The owner's password, or null when the user already existed (their password is unchanged). */
  password: string | null;
  passwordGenerated: boolean;
  /** Other members; they share the owner's password when they were created by this run. */
  members: { userId: string; email: string; name: string; role: string; created: boolean }[];
  counts: DemoCounts;
  leadsByStatus: Record<string, number>;
  /**
   * Duplicate contacts planted for the duplicates review (about 1.5% of `counts.contacts`, in place of
   * contacts without leads): how many of each kind, and each [original id, duplicate id] pair.
   */
  duplicates: { contacts: number; byKind: Record<TwinKind, number>; pairs: [string, string][] };
  /** The team's daily work (demo-work.ts): teams, rules, assignment history, tasks, appointments, scores. */
  work: DemoWorkCounts;
  seconds: Record<DemoPhase | 'setup' | 'total', number>;
};

export const DEMO_DEFAULT_EMAIL = 'demo@leadbase.local';
export const MAX_DEMO_LEADS = 1_000_000;

const DAY = 86_400_000;
const SPAN_DAYS = 548; // 18 months

type Member = { id: string; role: 'owner' | 'admin' | 'manager' | 'rep' | 'viewer'; name: string };
type StageInfo = { id: string; name: string; leadStatus: string; probability: number };

const STATUS_ORDER = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'] as const;
const [NEW, QUALIFIED, PROPOSAL, WON, LOST] = [0, 2, 3, 4, 5] as const;
const isOpen = (s: number) => s < WON;

/**
 * The stages a demo lead went through, in order: New, then the open stages (`middle`, in pipeline order)
 * up to its current one. A won lead went through all of them (three in four) or skipped ahead from one
 * of them; a lost lead dropped out after a few, most often early.
 */
function stageJourney(
  i: number,
  stage: number,
  st: StageInfo,
  middle: StageInfo[],
  S: StageInfo[],
): StageInfo[] {
  if (stage === NEW) return [S[NEW]!];
  const u = (((i * 40503 + 7919) >>> 0) % 1000) / 1000; // stable per lead
  if (stage === WON) {
    const depth = u < 0.75 ? middle.length : 1 + (Math.floor(u * 997) % middle.length);
    return [S[NEW]!, ...middle.slice(0, depth), S[WON]!];
  }
  if (stage === LOST) return [S[NEW]!, ...middle.slice(0, Math.floor(middle.length * u ** 1.5)), S[LOST]!];
  return [S[NEW]!, ...middle.slice(0, middle.indexOf(st) + 1)];
}

/** Stage weights by lead age: fresh leads are mostly new, old ones mostly closed. */
const STAGE_WEIGHTS = {
  fresh: [60, 30, 7, 2, 0.3, 1], // < 14 days
  recent: [30, 30, 18, 10, 5, 7], // < 60 days
  old: [24, 22, 14, 8, 14, 18],
};

const MANUAL_SOURCES = new Set<D.Source>(['referral', 'partner', 'trade_show', 'cold_call']);

/** A PostgreSQL array literal of texts: `{"a","b\\"c"}`. */
const pgTextArray = (xs: string[]): string =>
  `{${xs.map((x) => `"${x.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const LOADED_TABLES = [
  ...['accounts', 'contacts', 'leads', 'deals', 'activities', 'lead_stage_history'],
  ...DEMO_WORK_TABLES,
];

/** Extra open stages (after Proposal) a demo pipeline can get: name, colour, probability. */
const EXTRA_STAGES = [
  { name: 'Negotiation', color: '#e64980', probability: 70 },
  { name: 'Contract sent', color: '#15aabf', probability: 80 },
  { name: 'Verbal yes', color: '#82c91e', probability: 90 },
  { name: 'Scheduling', color: '#fab005', probability: 95 },
] as const;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/**
 * A board rank (a fractional-indexing key: 'd' and four base-62 digits is a valid integer key) for the
 * n-th lead; a larger n sorts later. Up to 62^4 (14.7 million) distinct keys.
 */
export function demoBoardRank(n: number): string {
  let out = '';
  for (let i = 0; i < 4; i++) {
    out = BASE62[n % 62]! + out;
    n = Math.floor(n / 62);
  }
  return `d${out}`;
}

/** Whether this role may switch off row-by-row trigger checks for its own transaction. */
async function maySkipRowChecks(tx: Db): Promise<boolean> {
  const [r] = rowsOf<{ ok: boolean }>(
    await tx.execute(sql`select rolsuper as ok from pg_roles where rolname = current_user`),
  );
  return r?.ok === true;
}

/**
 * Checks every foreign key of the loaded tables for the workspace's rows with one anti-join per key
 * (what ALTER TABLE … VALIDATE CONSTRAINT does), reading the keys from the catalog.
 */
export async function verifyForeignKeys(tx: Db, workspaceId: string): Promise<number> {
  const fks = rowsOf<{ name: string; child: string; parent: string; cols: string; pcols: string }>(
    await tx.execute(sql`
      select c.conname as name, cr.relname as child, pr.relname as parent,
        (select string_agg(a.attname, ',' order by k.o) from unnest(c.conkey) with ordinality k(n, o)
          join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n) as cols,
        (select string_agg(a.attname, ',' order by k.o) from unnest(c.confkey) with ordinality k(n, o)
          join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n) as pcols
      from pg_constraint c
      join pg_class cr on cr.oid = c.conrelid
      join pg_class pr on pr.oid = c.confrelid
      join pg_namespace ns on ns.oid = cr.relnamespace
      where c.contype = 'f' and ns.nspname = current_schema() and cr.relname in ${LOADED_TABLES}`),
  );
  for (const fk of fks) {
    const cols = fk.cols.split(',');
    const pcols = fk.pcols.split(',');
    const notNull = cols.map((c) => `c."${c}" is not null`).join(' and ');
    const match = cols.map((c, i) => `p."${pcols[i]}" = c."${c}"`).join(' and ');
    const [bad] = rowsOf<{ n: number }>(
      await tx.execute(
        sql`select count(*)::int as n from ${sql.raw(`"${fk.child}"`)} c where c.workspace_id = ${workspaceId}::uuid and ${sql.raw(notNull)} and not exists (select 1 from ${sql.raw(`"${fk.parent}"`)} p where ${sql.raw(match)})`,
      ),
    );
    if (Number(bad?.n ?? 0) > 0)
      throw new AppError(
        'internal',
        `Demo data would break foreign key ${fk.name} (${bad!.n} rows); nothing was saved`,
      );
  }
  return fks.length;
}

const ACCOUNT_COLS: Col[] = [
  ['id', 'uuid'],
  ['name', 'text'],
  ['domain', 'text'],
  ['website', 'text'],
  ['phone', 'text'],
  ['account_type', 'text'],
  ['industry', 'text'],
  ['company_size', 'text'],
  ['annual_revenue', 'numeric'],
  ['tax_id', 'text'],
  ['health', 'text'],
  ['lifecycle_stage', 'text'],
  ['description', 'text'],
  ['address', 'jsonb'],
  ['owner_id', 'uuid'],
  ['created_by', 'uuid'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];
const CONTACT_COLS: Col[] = [
  ['id', 'uuid'],
  ['first_name', 'text'],
  ['last_name', 'text'],
  ['emails', 'jsonb'],
  ['phones', 'jsonb'],
  ['addresses', 'jsonb'],
  ['company_name', 'text'],
  ['job_title', 'text'],
  ['department', 'text'],
  ['role', 'text'],
  ['preferred_channel', 'text'],
  ['influence', 'text'],
  ['account_id', 'uuid'],
  ['is_primary_contact', 'bool'],
  ['status', 'text'],
  ['source', 'text'],
  ['gdpr_consent', 'bool'],
  ['do_not_contact', 'bool'],
  ['opt_in_at', 'timestamptz'],
  ['is_converted_from_lead', 'bool'],
  ['conversion_date', 'timestamptz'],
  ['owner_id', 'uuid'],
  ['created_by', 'uuid'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['match_keys', 'text[]'],
];
const LEAD_COLS: Col[] = [
  ['id', 'uuid'],
  ['contact_id', 'uuid'],
  ['title', 'text'],
  ['product_interest', 'text'],
  ['source', 'text'],
  ['campaign', 'text'],
  ['medium', 'text'],
  ['term', 'text'],
  ['referrer', 'text'],
  ['landing_page', 'text'],
  ['form_name', 'text'],
  ['pipeline_id', 'uuid'],
  ['stage_id', 'uuid'],
  ['status', 'text'],
  ['stage_entered_at', 'timestamptz'],
  ['reached_stage_ids', 'uuid[]'],
  ['priority', 'text'],
  ['temperature', 'text'],
  ['owner_id', 'uuid'],
  ['score', 'int'],
  ['predicted_probability', 'numeric'],
  ['budget_range', 'text'],
  ['authority_level', 'text'],
  ['timeline', 'text'],
  ['deal_value', 'numeric'],
  ['expected_close_date', 'date'],
  ['lost_reason', 'text'],
  ['marketing_stage', 'text'],
  ['spam_score', 'int'],
  ['validation_status', 'text'],
  ['converted_at', 'timestamptz'],
  ['converted_account_id', 'uuid'],
  ['created_by', 'uuid'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['board_rank', 'text'],
];
const HISTORY_COLS: Col[] = [
  ['id', 'uuid'],
  ['lead_id', 'uuid'],
  ['pipeline_id', 'uuid'],
  ['stage_id', 'uuid'],
  ['entered_at', 'timestamptz'],
  ['left_at', 'timestamptz'],
  ['moved_by', 'uuid'],
];
const DEAL_COLS: Col[] = [
  ['id', 'uuid'],
  ['name', 'text'],
  ['account_id', 'uuid'],
  ['primary_contact_id', 'uuid'],
  ['origin_lead_id', 'uuid'],
  ['amount', 'numeric'],
  ['pipeline_id', 'uuid'],
  ['stage_id', 'uuid'],
  ['forecast_category', 'text'],
  ['close_date', 'date'],
  ['owner_id', 'uuid'],
  ['created_by', 'uuid'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];
const ACTIVITY_COLS: Col[] = [
  ['id', 'uuid'],
  ['type', 'text'],
  ['lead_id', 'uuid'],
  ['contact_id', 'uuid'],
  ['deal_id', 'uuid'],
  ['account_id', 'uuid'],
  ['user_id', 'uuid'],
  ['subject', 'text'],
  ['body', 'text'],
  ['outcome', 'text'],
  ['duration_minutes', 'int'],
  ['occurred_at', 'timestamptz'],
  ['metadata', 'jsonb'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];

const iso = (ms: number) => new Date(ms).toISOString();
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const fill = (s: string, vars: Record<string, string>) =>
  s.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
/** Email-safe ASCII of a name: José → jose, O'Brien → obrien, Müller → muller. */
const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '');
const slug = (s: string) => ascii(s.replace(/&/g, 'and')).toLowerCase();

function money(rand: Rand, b2b: boolean): number {
  // Skewed: most deals are small, a few are large (500 to 250,000).
  const u = rand.next();
  const lo = Math.log(b2b ? 2_000 : 500);
  const hi = Math.log(b2b ? 250_000 : 80_000);
  const v = Math.exp(lo + (hi - lo) * u * u);
  return Math.round(v / 50) * 50;
}

function budgetRange(value: number): string {
  if (value < 5_000) return D.BUDGET_RANGES[0]!;
  if (value < 20_000) return D.BUDGET_RANGES[1]!;
  if (value < 50_000) return D.BUDGET_RANGES[2]!;
  if (value < 100_000) return D.BUDGET_RANGES[3]!;
  return D.BUDGET_RANGES[4]!;
}

/** A phone number in a format people type, valid for libphonenumber. */
function rawPhone(rand: Rand, country: string, mobile: boolean): string {
  switch (country) {
    case 'US':
    case 'CA': {
      const area = rand.pick(country === 'US' ? D.US_AREA_CODES : D.CA_AREA_CODES);
      const exch = `${rand.int(2, 9)}${rand.int(0, 9)}${rand.int(2, 9)}`;
      const line = rand.digits(4);
      const f = rand.int(0, 3);
      if (f === 0) return `(${area}) ${exch}-${line}`;
      if (f === 1) return `${area}-${exch}-${line}`;
      if (f === 2) return `+1 ${area} ${exch} ${line}`;
      return `${area}.${exch}.${line}`;
    }
    case 'GB':
      return mobile
        ? `+44 7${rand.int(4, 9)}${rand.digits(2)} ${rand.digits(6)}`
        : `+44 20 7${rand.digits(3)} ${rand.digits(4)}`; // London landlines (not only 7946: too few)
    case 'DE':
      return mobile ? `+49 15${rand.int(1, 2)} ${rand.digits(8)}` : `+49 30 ${rand.digits(8)}`;
    case 'IN':
      return `+91 ${rand.int(7, 9)}${rand.digits(4)} ${rand.digits(5)}`;
    default:
      return mobile
        ? `+61 4${rand.digits(2)} ${rand.digits(3)} ${rand.digits(3)}`
        : `+61 2 9${rand.digits(3)} ${rand.digits(4)}`;
  }
}

/** A normalized phone entry, exactly as the contact services store it; null when no valid number came up. */
function phoneEntry(
  rand: Rand,
  country: string,
  mobile: boolean,
  label: string,
  primary: boolean,
  workspaceCountry: string,
): ContactPhone | null {
  for (let attempt = 0; attempt < 10; attempt++) {
    const raw = rawPhone(rand, country, mobile).trim();
    const e164 = normalizePhone(raw, workspaceCountry);
    if (e164) return { phone: raw, e164, label, primary };
  }
  return null;
}

function taxId(rand: Rand, country: string): string | null {
  switch (country) {
    case 'US':
      return `${rand.digits(2)}-${rand.digits(7)}`;
    case 'GB':
      return `GB${rand.digits(9)}`;
    case 'DE':
      return `DE${rand.digits(9)}`;
    case 'IN': {
      const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
      const letter = (n: number) => Array.from({ length: n }, () => rand.pick(letters.split(''))).join('');
      return `${rand.int(10, 36)}${letter(5)}${rand.digits(4)}${letter(1)}${rand.int(1, 9)}Z${rand.int(0, 9)}`;
    }
    default:
      return null;
  }
}

/** Loads (or rejects) the demo owner and creates the workspace and team inside the transaction. */
async function setupWorkspace(
  tx: Db,
  opts: { email: string; password: string; ownerName: string; workspaceName: string; extraStages: number },
  passwordHash: string,
) {
  const [existing] = await tx.select().from(users).where(sql`lower(${users.email}) = ${opts.email}`);
  let ownerId: string;
  let ownerName = opts.ownerName;
  if (existing) {
    ownerId = existing.id;
    ownerName = existing.name;
  } else {
    ownerId = newId();
    await tx.insert(users).values({ id: ownerId, email: opts.email, name: opts.ownerName, passwordHash });
  }
  const workspaceId = await createWorkspace(tx, ownerId, { name: opts.workspaceName });
  const domain = opts.email.split('@')[1] ?? 'leadbase.local';
  const team: DemoResult['members'] = [];
  for (const t of D.TEAM) {
    const email = `${slug(t.first)}.${slug(t.last)}@${domain}`;
    const [u] = await tx.select().from(users).where(sql`lower(${users.email}) = ${email}`);
    let id = u?.id;
    if (!id) {
      id = newId();
      await tx.insert(users).values({ id, email, name: `${t.first} ${t.last}`, passwordHash });
    }
    const [m] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, id)));
    if (!m) await tx.insert(memberships).values({ workspaceId, userId: id, role: t.role });
    team.push({ userId: id, email, name: u?.name ?? `${t.first} ${t.last}`, role: t.role, created: !u });
  }
  const [pipeline] = await tx
    .select()
    .from(pipelines)
    .where(and(eq(pipelines.workspaceId, workspaceId), eq(pipelines.isDefault, true)));
  // Leads in open stages for longer than a month are rotten on the board.
  await tx
    .update(pipelines)
    .set({ rottenAfterDays: 30 })
    .where(and(eq(pipelines.workspaceId, workspaceId), eq(pipelines.id, pipeline!.id)));
  let stageRows = await tx
    .select()
    .from(stages)
    .where(and(eq(stages.workspaceId, workspaceId), eq(stages.pipelineId, pipeline!.id)))
    .orderBy(asc(stages.position));
  const extra: StageInfo[] = [];
  if (opts.extraStages > 0) {
    const after = stageRows.find((r) => r.leadStatus === 'proposal')!.position;
    for (const r of stageRows)
      if (r.position > after)
        await tx
          .update(stages)
          .set({ position: r.position + opts.extraStages })
          .where(and(eq(stages.workspaceId, workspaceId), eq(stages.id, r.id)));
    const added = EXTRA_STAGES.slice(0, opts.extraStages).map((x, k) => ({
      ...x,
      workspaceId,
      id: newId(),
      pipelineId: pipeline!.id,
      position: after + 1 + k,
      type: 'open' as const,
      leadStatus: 'proposal' as const,
    }));
    await tx.insert(stages).values(added);
    extra.push(
      ...added.map((s) => ({ id: s.id, name: s.name, leadStatus: s.leadStatus, probability: s.probability })),
    );
    stageRows = await tx
      .select()
      .from(stages)
      .where(and(eq(stages.workspaceId, workspaceId), eq(stages.pipelineId, pipeline!.id)))
      .orderBy(asc(stages.position));
  }
  const byStatus = STATUS_ORDER.map((st) => {
    const s = stageRows.find((r) => r.leadStatus === st);
    if (!s) throw new AppError('internal', `The default pipeline has no ${st} stage`);
    return {
      id: s.id,
      name: s.name,
      leadStatus: s.leadStatus,
      probability: s.probability,
    } satisfies StageInfo;
  });
  return {
    workspaceId,
    ownerId,
    ownerName,
    ownerExisted: !!existing,
    team,
    pipelineId: pipeline!.id,
    stages: byStatus,
    extraStages: extra,
  };
}

/**
 * Generates the demo workspace. Everything is written in one transaction: a failure leaves nothing
 * behind. Then ANALYZE refreshes the planner's statistics for the bulk-loaded tables.
 */
export async function generateDemo(
  db: Db,
  options: DemoOptions = {},
  onProgress: DemoProgress = () => {},
): Promise<DemoResult> {
  const t0 = performance.now();
  const seconds = {
    setup: 0,
    accounts: 0,
    contacts: 0,
    leads: 0,
    verify: 0,
    analyze: 0,
    work: 0,
    scores: 0,
    total: 0,
  };
  let work: DemoWorkCounts | undefined;
  const L = options.leads ?? 3000;
  if (!Number.isInteger(L) || L < 1 || L > MAX_DEMO_LEADS)
    throw AppError.invalid(
      'leads',
      `must be a whole number from 1 to ${MAX_DEMO_LEADS.toLocaleString('en-US')}`,
    );
  const C = options.contacts ?? Math.max(1, Math.round((L * 2) / 3));
  const A = options.accounts ?? Math.max(20, Math.round(L / 10));
  if (!Number.isInteger(C) || C < 1)
    throw AppError.invalid('contacts', 'must be a whole number of at least 1');
  if (!Number.isInteger(A) || A < 1)
    throw AppError.invalid('accounts', 'must be a whole number of at least 1');
  const email = normalizeEmail(options.email ?? DEMO_DEFAULT_EMAIL);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw AppError.invalid('email', 'must be an email address');
  const passwordGenerated = options.password === undefined;
  const password = options.password ?? randomBytes(9).toString('base64url');
  if (password.length < 10) throw AppError.invalid('password', 'must be at least 10 characters');
  const batch = Math.max(100, options.batchSize ?? 5000);
  const NOW = (options.now ?? new Date()).getTime();
  const rand = new Rand(options.seed ?? 20250101);
  const workspaceName = options.workspaceName ?? 'Brightside Energy & Remodeling (demo)';
  const extraStages = options.extraStages ?? 0;
  if (!Number.isInteger(extraStages) || extraStages < 0 || extraStages > EXTRA_STAGES.length)
    throw AppError.invalid('extraStages', `must be a whole number from 0 to ${EXTRA_STAGES.length}`);
  const passwordHash = await hashPassword(password);

  // ---- The plan: who has which leads, when, in which stage (typed arrays: a million leads fit easily).
  const CL = Math.min(L, C, Math.max(1, Math.round(C * 0.9))); // contacts that have leads
  const leadAt = new Float64Array(L);
  const leadContact = new Int32Array(L);
  const leadStage = new Uint8Array(L);
  const leadSource = new Uint8Array(L);
  const leadOwner = new Uint8Array(L); // index into members; 255 = nobody
  const contactAt = new Float64Array(C);
  const contactAccount = new Int32Array(C).fill(-1);
  const contactFlags = new Uint8Array(C); // 1 open lead, 2 won lead, 4 lost lead
  const contactWonAt = new Float64Array(C);
  const contactSource = new Uint8Array(C).fill(255);
  const contactOwner = new Uint8Array(C).fill(255);
  const accountFirstAt = new Float64Array(A).fill(Number.POSITIVE_INFINITY);
  const accountHasWon = new Uint8Array(A);
  const sourceWeights = D.SOURCES.map((s) => D.SOURCE_WEIGHTS[s]);
  // members: 0 owner, 1 manager, 2-4 reps, 5 viewer
  const ownerWeights = [3, 12, 30, 28, 22, 0, 5];
  // First leads come in time order (so do their contacts): rows then append to the created_at indexes
  // instead of landing at random places, which keeps a million-lead load fast.
  const firstAt = new Float64Array(CL);
  for (let i = 0; i < CL; i++) {
    // More leads recently (a growing business): density falls from 1.5 to 0.5 over 18 months.
    const age = 0.5 * rand.next() + 0.5 * (1 - Math.sqrt(rand.next()));
    firstAt[i] = NOW - age * SPAN_DAYS * DAY - rand.int(0, 3600_000);
  }
  firstAt.sort();
  for (let i = 0; i < L; i++) {
    let at: number;
    let c: number;
    if (i < CL) {
      c = i;
      at = firstAt[i]!;
    } else {
      // A second product interest of an existing contact, after the contact's first lead.
      c = rand.int(0, CL - 1);
      at = leadAt[c]! + (NOW - leadAt[c]!) * rand.next();
    }
    const ageDays = (NOW - at) / DAY;
    const stage = rand.weighted(
      ageDays < 14 ? STAGE_WEIGHTS.fresh : ageDays < 60 ? STAGE_WEIGHTS.recent : STAGE_WEIGHTS.old,
    );
    leadAt[i] = at;
    leadContact[i] = c;
    leadStage[i] = stage;
    leadSource[i] =
      i < CL
        ? rand.weighted(sourceWeights)
        : rand.chance(0.5)
          ? 1 /* referral */
          : rand.weighted(sourceWeights);
    let owner = rand.weighted(ownerWeights);
    if (owner === 6) owner = stage === NEW ? 255 : 2 + rand.int(0, 2);
    if (i >= CL && contactOwner[c] !== 255 && rand.chance(0.7)) owner = contactOwner[c]!;
    leadOwner[i] = owner;
    if (i < CL) {
      contactAt[c] = at;
      contactSource[c] = leadSource[i]!;
      contactOwner[c] = owner;
    }
    contactFlags[c]! |= isOpen(stage) ? 1 : stage === WON ? 2 : 4;
  }
  // Contacts without leads (customers' other people, old prospects).
  for (let c = CL; c < C; c++) contactAt[c] = NOW - rand.next() * SPAN_DAYS * 1.3 * DAY;
  contactAt.subarray(CL).sort();
  // Accounts: 60% of contacts work at one; a few accounts have many contacts.
  for (let c = 0; c < C; c++) {
    if (!rand.chance(c >= CL ? 0.9 : 0.6)) continue;
    const a = Math.floor(A * rand.next() ** 1.6);
    contactAccount[c] = a;
    if (contactAt[c]! < accountFirstAt[a]!) accountFirstAt[a] = contactAt[c]!;
  }
  // Won dates per contact (for conversion fields) need the leads' stage dates, decided with the leads; a
  // deterministic per-lead dwell keeps the plan and the rows consistent.
  const enteredAt = (i: number): number => {
    const stage = leadStage[i]!;
    const at = leadAt[i]!;
    if (stage === NEW) return at;
    const age = NOW - at;
    const f = (((i * 2654435761) >>> 0) % 1000) / 1000; // stable per lead
    const share = stage >= WON ? 0.15 + 0.75 * f : 0.05 + 0.85 * f;
    return at + Math.min(age * share, (stage >= WON ? 120 : 60) * DAY) + 60_000;
  };
  // Leads are written in time order (second interests interleaved with first leads).
  const order = new Uint32Array(L);
  for (let i = 0; i < L; i++) order[i] = i;
  order.sort((x, y) => leadAt[x]! - leadAt[y]!);
  for (let i = 0; i < L; i++) {
    if (leadStage[i] !== WON) continue;
    const c = leadContact[i]!;
    const t = enteredAt(i);
    if (t > contactWonAt[c]!) contactWonAt[c] = t;
    if (contactAccount[c]! >= 0) accountHasWon[contactAccount[c]!] = 1;
  }

  const counts: DemoCounts = { members: 0, accounts: 0, contacts: 0, leads: 0, activities: 0, deals: 0 };
  const leadsByStatus: Record<string, number> = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0]));
  const duplicates: DemoResult['duplicates'] = {
    contacts: 0,
    byKind: { nickname: 0, typo: 0, email: 0, phone: 0 },
    pairs: [],
  };

  const out = await db.transaction(async (tx) => {
    const setup = await setupWorkspace(
      tx,
      { email, password, ownerName: options.ownerName ?? 'Alex Morgan', workspaceName, extraStages },
      passwordHash,
    );
    const { workspaceId: ws, pipelineId } = setup;
    // Every row below is generated consistent with its foreign keys; with the privilege, they are
    // verified set-based at the end instead of by a trigger per row.
    const setBased = options.setBasedForeignKeyChecks !== false && (await maySkipRowChecks(tx));
    if (setBased) await tx.execute(sql`set local session_replication_role = replica`);
    const members: Member[] = [
      { id: setup.ownerId, role: 'owner', name: setup.ownerName },
      ...setup.team.map((m) => ({ id: m.userId, role: m.role as Member['role'], name: m.name })),
    ];
    const memberId = (idx: number): string | null => (idx === 255 ? null : members[idx]!.id);
    const salesIdx = [1, 2, 3, 4];
    const country = 'US'; // the workspace's default country, for phone numbers without +code
    counts.members = members.length;
    seconds.setup = (performance.now() - t0) / 1000;

    // Pipelining: the next batch is generated while the database writes the previous one.
    let inflight: Promise<void> = Promise.resolve();
    const submit = async (work: () => Promise<void>) => {
      await inflight;
      inflight = work();
      inflight.catch(() => {}); // observed by the next `await inflight`
    };

    // ---- Accounts
    let t = performance.now();
    const accountIds: string[] = new Array(A);
    const accountNames: string[] = new Array(A);
    const accountDomains: string[] = new Array(A);
    const accountCountry = new Uint8Array(A);
    const accountCity = new Uint8Array(A);
    const usedNames = new Set<string>();
    const countryWeights = D.COUNTRIES.map((c) => c.weight);
    for (let from = 0; from < A; from += batch) {
      const rows: Record<string, unknown>[] = [];
      for (let a = from; a < Math.min(A, from + batch); a++) {
        const ci = rand.weighted(countryWeights);
        const co = D.COUNTRIES[ci]!;
        const noun = rand.pick(D.COMPANY_NOUNS);
        let base = `${rand.pick(D.COMPANY_PREFIXES)} ${noun}`;
        for (let n = 2; usedNames.has(base); n++)
          base = n < 8 ? `${rand.pick(D.COMPANY_PREFIXES)} ${noun}` : `${base.replace(/ \d+$/, '')} ${n}`;
        usedNames.add(base);
        const suffix = rand.pick(D.COMPANY_SUFFIXES);
        const name = suffix ? `${base} ${suffix}` : base;
        const domain = `${slug(base)}.${co.tld}`;
        const placeIdx = rand.int(0, co.places.length - 1);
        const place = co.places[placeIdx]!;
        const customer = accountHasWon[a] === 1 || rand.chance(0.05);
        const type = customer
          ? 'customer'
          : rand.pick([
              'prospect',
              'prospect',
              'prospect',
              'prospect',
              'partner',
              'reseller',
              'competitor',
            ] as const);
        const size = rand.pick([
          '1-10',
          '11-50',
          '11-50',
          '51-200',
          '51-200',
          '201-500',
          '501-1000',
          '1001-5000',
        ]);
        const revenueBase = {
          '1-10': 800_000,
          '11-50': 4_000_000,
          '51-200': 18_000_000,
          '201-500': 60_000_000,
          '501-1000': 150_000_000,
          '1001-5000': 600_000_000,
        }[size]!;
        const firstAt = accountFirstAt[a]!;
        const createdAt = Number.isFinite(firstAt)
          ? firstAt - rand.int(0, 30) * DAY - rand.int(1, 3600) * 1000
          : NOW - rand.next() * SPAN_DAYS * 1.3 * DAY;
        accountIds[a] = newId();
        accountNames[a] = name;
        accountDomains[a] = domain;
        accountCountry[a] = ci;
        accountCity[a] = placeIdx;
        rows.push({
          id: accountIds[a],
          name,
          domain,
          website: `https://www.${domain}`,
          phone: phoneEntry(rand, co.code, false, 'work', true, country)?.e164 ?? null,
          account_type: type,
          industry: D.INDUSTRIES[noun] ?? null,
          company_size: size,
          annual_revenue: (Math.round((revenueBase * (0.5 + rand.next())) / 1000) * 1000).toFixed(2),
          tax_id: rand.chance(0.7) ? taxId(rand, co.code) : null,
          health: customer
            ? rand.pick(['green', 'green', 'green', 'yellow', 'yellow', 'red', 'black'])
            : null,
          lifecycle_stage: customer
            ? 'customer'
            : type === 'prospect'
              ? rand.pick(['lead', 'marketing_qualified', 'sales_qualified', 'opportunity'])
              : type,
          description: rand.chance(0.3)
            ? `${D.INDUSTRIES[noun] ?? 'Business'} company based in ${place.city}.`
            : null,
          address: {
            street1: `${rand.int(1, 9999)} ${rand.pick(D.STREET_NAMES)} ${rand.pick(D.STREET_TYPES)}`,
            street2: null,
            city: place.city,
            state: place.state,
            postcode: place.postcode,
            country: place.country,
          },
          owner_id: members[rand.pick(salesIdx)]!.id,
          created_by: setup.ownerId,
          created_at: iso(createdAt),
          updated_at: iso(createdAt),
        });
      }
      await submit(() => insertRows(tx, ws, 'accounts', ACCOUNT_COLS, rows));
      counts.accounts += rows.length;
      onProgress('accounts', counts.accounts, A);
    }
    await inflight;
    seconds.accounts = (performance.now() - t) / 1000;

    // ---- Contacts
    t = performance.now();
    const contactIds: string[] = new Array(C);
    const contactFirst = new Uint16Array(C);
    const contactLast = new Uint16Array(C);
    const usedEmails = new Set<string>();
    const accountHasPrimary = new Uint8Array(A);
    const uniqueEmail = (local: string, domain: string): string => {
      let e = `${local}@${domain}`;
      for (let n = 2; usedEmails.has(e.toLowerCase()); n++) e = `${local}${n}@${domain}`;
      usedEmails.add(e.toLowerCase());
      return e;
    };
    // Duplicate contacts take some of the lead-less slots (contacts ≥ CL), so the number of contacts
    // stays as asked, and draw from their own random stream: the rest of the data stays as it was.
    const twinRand = new Rand((options.seed ?? 20250101) ^ 0x5eed);
    const twinChance = C > CL ? Math.min(1, (TWIN_RATE * C) / (C - CL)) : 0;
    const people: Record<string, unknown>[] = [];
    const sampleSize = Math.max(2000, Math.ceil(TWIN_RATE * C * 3));
    let seen = 0;
    const twinCtx = {
      workspaceCountry: country,
      now: NOW,
      uniqueEmail,
      newAddress: (code: string | null | undefined): ContactAddress => {
        const place = twinRand.pick((D.COUNTRIES.find((x) => x.code === code) ?? D.COUNTRIES[0]!).places);
        return {
          type: 'personal',
          street1: `${twinRand.int(1, 9999)} ${twinRand.pick(D.STREET_NAMES)} ${twinRand.pick(D.STREET_TYPES)}`,
          street2: null,
          city: place.city,
          state: place.state,
          postcode: place.postcode,
          country: place.country,
        };
      },
    };
    for (let from = 0; from < C; from += batch) {
      const rows: Record<string, unknown>[] = [];
      for (let c = from; c < Math.min(C, from + batch); c++) {
        const fi = rand.int(0, D.FIRST_NAMES.length - 1);
        const li = rand.int(0, D.LAST_NAMES.length - 1);
        contactFirst[c] = fi;
        contactLast[c] = li;
        const first = D.FIRST_NAMES[fi]!;
        const last = D.LAST_NAMES[li]!;
        const a = contactAccount[c]!;
        const b2b = a >= 0;
        const co = D.COUNTRIES[b2b ? accountCountry[a]! : rand.weighted(countryWeights)]!;
        const f = ascii(first);
        const l = ascii(last);
        // Emails: primary first, normalized like the contact services do.
        const emails: ContactEmail[] = [];
        const capitalized = rand.chance(0.12);
        const local = (() => {
          const k = rand.int(0, 3);
          const parts =
            k === 0 ? `${f}.${l}` : k === 1 ? `${f[0]}${l}` : k === 2 ? `${f}${l[0] ?? ''}` : `${f}_${l}`;
          return capitalized ? parts : parts.toLowerCase();
        })();
        const primaryDomain = b2b ? accountDomains[a]! : rand.pick(D.CONSUMER_EMAIL_DOMAINS);
        const primary = uniqueEmail(
          local || 'contact',
          capitalized && b2b ? primaryDomain.replace(/^./, (x) => x.toUpperCase()) : primaryDomain,
        );
        emails.push({
          email: primary,
          normalized: normalizeEmail(primary),
          label: b2b ? 'work' : 'personal',
          primary: true,
        });
        if (rand.chance(b2b ? 0.25 : 0.08)) {
          const second = uniqueEmail(
            `${f}.${l}${rand.int(1, 99)}`.toLowerCase(),
            rand.pick(D.CONSUMER_EMAIL_DOMAINS),
          );
          emails.push({
            email: second,
            normalized: normalizeEmail(second),
            label: 'personal',
            primary: false,
          });
        }
        // Phones: E.164 with the number as typed.
        const phones: ContactPhone[] = [];
        if (rand.chance(0.85)) {
          const p = phoneEntry(
            rand,
            co.code,
            !b2b || rand.chance(0.5),
            b2b ? 'work' : 'mobile',
            true,
            country,
          );
          if (p) phones.push(p);
          if (p && rand.chance(0.2)) {
            const q = phoneEntry(rand, co.code, true, 'mobile', false, country);
            if (q && q.e164 !== p.e164) phones.push(q);
          }
        }
        const addresses: ContactAddress[] = [];
        if (rand.chance(0.7)) {
          const place = b2b ? co.places[accountCity[a]!]! : rand.pick(co.places);
          addresses.push({
            type: b2b ? 'business' : 'personal',
            street1: `${rand.int(1, 9999)} ${rand.pick(D.STREET_NAMES)} ${rand.pick(D.STREET_TYPES)}`,
            street2: rand.chance(0.15) ? `Suite ${rand.int(100, 999)}` : null,
            city: place.city,
            state: place.state,
            postcode: place.postcode,
            country: place.country,
          });
        }
        const job = b2b ? rand.pick(D.JOB_TITLES) : null;
        const flags = contactFlags[c]!;
        const hasLeads = c < CL;
        const status =
          flags & 2
            ? 'active'
            : flags & 1
              ? 'lead'
              : hasLeads
                ? rand.chance(0.7)
                  ? 'inactive'
                  : 'prospect'
                : b2b
                  ? 'active'
                  : 'prospect';
        const consent = rand.chance(co.code === 'GB' || co.code === 'DE' ? 0.85 : 0.55);
        const createdAt = contactAt[c]!;
        const converted = (flags & 2) !== 0;
        const isPrimary = b2b && accountHasPrimary[a] === 0;
        if (isPrimary) accountHasPrimary[a] = 1;
        const src = contactSource[c]!;
        const source = src === 255 ? null : D.SOURCES[src]!;
        contactIds[c] = newId();
        const row: Record<string, unknown> = {
          id: contactIds[c],
          first_name: first,
          last_name: last,
          emails,
          phones,
          addresses,
          company_name: b2b ? accountNames[a] : null,
          job_title: job?.title ?? null,
          department: job?.department ?? null,
          role: job?.role ?? null,
          preferred_channel: rand.pick(
            co.code === 'IN' ? ['whatsapp', 'phone', 'email'] : ['email', 'email', 'phone', 'phone', 'sms'],
          ),
          influence: job
            ? job.role === 'decision_maker'
              ? 'high'
              : job.role === 'influencer'
                ? 'medium'
                : 'low'
            : null,
          account_id: b2b ? accountIds[a] : null,
          is_primary_contact: isPrimary,
          status,
          source,
          gdpr_consent: consent,
          do_not_contact: status === 'inactive' && rand.chance(0.1),
          opt_in_at: consent ? iso(createdAt) : null,
          is_converted_from_lead: converted,
          conversion_date: converted ? iso(contactWonAt[c]!) : null,
          owner_id: memberId(contactOwner[c]!),
          created_by: source && MANUAL_SOURCES.has(source) ? memberId(contactOwner[c]!) : null,
          created_at: iso(createdAt),
          updated_at: iso(Math.max(createdAt, contactWonAt[c]!)),
          // Duplicate-matching keys, as the contact services compute them (PostgreSQL array literal).
          match_keys: pgTextArray(
            contactMatchColumns({
              firstName: first,
              lastName: last,
              emails,
              phones,
              addresses,
              companyName: b2b ? accountNames[a] : null,
            }).matchKeys,
          ),
        };
        let twin: ReturnType<typeof twinOf> = null;
        if (c >= CL && !isPrimary && people.length > 0 && twinRand.chance(twinChance)) {
          // One duplicate per person: the original leaves the sample.
          const k = twinRand.int(0, people.length - 1);
          twin = twinOf(twinRand, people[k]!, twinCtx);
          people[k] = people[people.length - 1]!;
          people.pop();
        }
        if (twin) {
          // This lead-less slot holds a second record of an earlier person instead (see
          // demo-duplicates.ts); the person drawn for it is dropped, so the other rows stay as they were.
          const r = twin.row;
          r.id = contactIds[c];
          r.match_keys = pgTextArray(
            contactMatchColumns({
              firstName: r.first_name as string,
              lastName: r.last_name as string,
              emails: r.emails as ContactEmail[],
              phones: r.phones as ContactPhone[],
              addresses: r.addresses as ContactAddress[],
              companyName: r.company_name as string | null,
            }).matchKeys,
          );
          rows.push(r);
          duplicates.byKind[twin.kind]++;
          duplicates.pairs.push([twin.originalId, r.id as string]);
          continue;
        }
        rows.push(row);
        // A uniform sample of the people so far: the originals duplicates are made of.
        seen++;
        if (people.length < sampleSize) people.push(row);
        else if (twinRand.chance(sampleSize / seen)) people[twinRand.int(0, sampleSize - 1)] = row;
      }
      await submit(() => insertRows(tx, ws, 'contacts', CONTACT_COLS, rows));
      counts.contacts += rows.length;
      onProgress('contacts', counts.contacts, C);
    }
    await inflight;
    usedEmails.clear();
    seconds.contacts = (performance.now() - t) / 1000;

    // ---- Leads, their activities, and deals for some won leads
    t = performance.now();
    const S = setup.stages;
    // Leads planned in Contacted, Qualified or Proposal spread over those and the extra open stages.
    const middle = [S[1]!, S[QUALIFIED]!, S[PROPOSAL]!, ...setup.extraStages];
    for (let from = 0; from < L; from += batch) {
      const leadRows: Record<string, unknown>[] = [];
      const historyRows: Record<string, unknown>[] = [];
      const dealRows: Record<string, unknown>[] = [];
      const links: { lead_id: string; deal_id: string }[] = [];
      const acts: Record<string, unknown>[] = [];
      const act = (
        type: string,
        leadId: string,
        contactId: string,
        userId: string | null,
        at: number,
        f: {
          subject: string;
          body?: string | null;
          outcome?: string | null;
          duration?: number | null;
          metadata?: object;
          dealId?: string;
          accountId?: string | null;
        },
      ) =>
        acts.push({
          id: newId(),
          type,
          lead_id: leadId,
          contact_id: contactId,
          deal_id: f.dealId ?? null,
          account_id: f.accountId ?? null,
          user_id: userId,
          subject: f.subject,
          body: f.body ?? null,
          outcome: f.outcome ?? null,
          duration_minutes: f.duration ?? null,
          occurred_at: iso(at),
          metadata: f.metadata ?? {},
          created_at: iso(at),
          updated_at: iso(at),
        });
      for (let k = from; k < Math.min(L, from + batch); k++) {
        const i = order[k]!;
        const c = leadContact[i]!;
        const a = contactAccount[c]!;
        const b2b = a >= 0;
        const stage = leadStage[i]!;
        const st =
          setup.extraStages.length > 0 && stage > NEW && stage < WON
            ? middle[(((i * 2246822519) >>> 0) % 1000) % middle.length]!
            : S[stage]!;
        const source = D.SOURCES[leadSource[i]!]!;
        const det = D.SOURCE_DETAILS[source];
        const product = rand.pick(b2b ? D.B2B_PRODUCTS : D.B2C_PRODUCTS);
        const lastName = D.LAST_NAMES[contactLast[c]!]!;
        const firstName = D.FIRST_NAMES[contactFirst[c]!]!;
        const createdAt = leadAt[i]!;
        const entered = enteredAt(i);
        const ownerId = memberId(leadOwner[i]!);
        const createdBy = MANUAL_SOURCES.has(source) ? (ownerId ?? setup.ownerId) : null;
        const value = money(rand, b2b);
        const won = stage === WON;
        const lost = stage === LOST;
        const web =
          source === 'website' || source === 'google_ads' || source === 'linkedin' || source === 'webinar';
        const score = Math.max(
          0,
          Math.min(100, Math.round([15, 30, 50, 65, 85, 20][stage]! + (rand.next() - 0.5) * 30)),
        );
        const leadId = newId();
        const contactId = contactIds[c]!;
        const secondInterest = i >= CL;
        const dealId = won && b2b && rand.chance(0.6) ? newId() : null;
        leadsByStatus[st.leadStatus] = (leadsByStatus[st.leadStatus] ?? 0) + 1;

        // Timeline: created, a few touches, the stage move, the deal.
        act('system', leadId, contactId, createdBy, createdAt, {
          subject: `Lead created from ${source}`,
          metadata: {
            event: 'lead.created',
            contactMatched: secondInterest,
            stageId: S[NEW]!.id,
            demo: true,
          },
        });
        const touches = [
          rand.int(0, 1),
          rand.int(1, 2),
          rand.int(1, 3),
          rand.int(2, 4),
          rand.int(2, 5),
          rand.int(1, 3),
        ][stage]!;
        const end = won || lost ? entered : Math.min(NOW, entered + 14 * DAY);
        const vars = { product: product.toLowerCase(), budget: budgetRange(value) };
        let last = Math.max(entered, createdAt);
        for (let k = 0; k < touches; k++) {
          const at = createdAt + 60_000 + (end - createdAt - 60_000) * ((k + rand.next()) / touches);
          last = Math.max(last, at);
          const who = ownerId ?? members[rand.pick(salesIdx)]!.id;
          const kind = rand.weighted(stage >= PROPOSAL ? [3, 3, 3, 2, 1] : [4, 4, 1, 2, 1]);
          if (kind === 0) {
            const outcome = rand.pick(D.CALL_OUTCOMES);
            act('call', leadId, contactId, who, at, {
              subject: `${rand.pick(D.CALL_SUBJECTS)} with ${firstName} ${lastName}`,
              body:
                outcome === 'connected' || outcome === 'follow_up_required'
                  ? fill(rand.pick(D.CALL_BODIES), vars)
                  : null,
              outcome,
              duration:
                outcome === 'connected' || outcome === 'follow_up_required'
                  ? rand.int(3, 45)
                  : rand.int(0, 1),
            });
          } else if (kind === 1) {
            act('email', leadId, contactId, who, at, {
              subject: fill(rand.pick(D.EMAIL_SUBJECTS), vars),
              body: `Hi ${firstName},\n\nThanks for your interest in ${vars.product}. ${rand.pick(['I have attached a short overview.', 'Could we find 20 minutes this week?', 'Here is the quote we discussed.', 'Let me know if you have any questions.'])}\n\nBest regards`,
              outcome: rand.pick(D.EMAIL_OUTCOMES),
            });
          } else if (kind === 2) {
            act('meeting', leadId, contactId, who, at, {
              subject: `${rand.pick(D.MEETING_SUBJECTS)}: ${b2b ? accountNames[a] : `${lastName} residence`}`,
              body: rand.chance(0.5) ? fill(rand.pick(D.NOTES), vars) : null,
              outcome: rand.pick(D.MEETING_OUTCOMES),
              duration: rand.pick([30, 45, 60, 60, 90]),
            });
          } else if (kind === 3) {
            act('note', leadId, contactId, who, at, {
              subject: 'Note',
              body: fill(rand.pick(D.NOTES), vars),
            });
          } else {
            act('sms', leadId, contactId, who, at, {
              subject: 'SMS',
              body: rand.pick(D.SMS_BODIES),
              outcome: 'delivered',
            });
          }
        }
        // The lead's journey: New from creation, then each open stage up to its current one (a won lead
        // went through most of them, a lost one dropped out on the way), each move a stage_change on the
        // timeline and a stay in the stage history, the last stay open.
        const journey = stageJourney(i, stage, st, middle, S);
        const moves = journey.length - 1;
        const moveAt: number[] = [createdAt];
        if (moves > 0) {
          const cuts: number[] = [];
          for (let m = 1; m < moves; m++) cuts.push(createdAt + (entered - createdAt) * rand.next());
          cuts.sort((x, y) => x - y);
          moveAt.push(...cuts.map((t) => Math.round(t)), entered);
        }
        for (let m = 0; m < journey.length; m++) {
          const here = journey[m]!;
          const last = m === journey.length - 1;
          if (m > 0) {
            const prev = journey[m - 1]!;
            act('stage_change', leadId, contactId, ownerId, moveAt[m]!, {
              subject: `Stage: ${prev.name} → ${here.name}`,
              metadata: {
                fromStageId: prev.id,
                toStageId: here.id,
                fromStatus: prev.leadStatus,
                toStatus: here.leadStatus,
              },
            });
          }
          historyRows.push({
            id: newId(),
            lead_id: leadId,
            pipeline_id: pipelineId,
            stage_id: here.id,
            entered_at: iso(moveAt[m]!),
            left_at: last ? null : iso(moveAt[m + 1]!),
            moved_by: m === 0 ? createdBy : ownerId,
          });
        }

        leadRows.push({
          id: leadId,
          contact_id: contactId,
          title: b2b ? `${accountNames[a]}: ${product}` : `${product} – ${lastName}`,
          product_interest: product,
          source,
          campaign: rand.pick(det.campaigns),
          medium: det.medium,
          term: source === 'google_ads' ? rand.pick(D.SEARCH_TERMS) : null,
          referrer: source === 'website' || source === 'google_ads' ? rand.pick(D.REFERRERS) : null,
          landing_page: web ? rand.pick(D.LANDING_PAGES) : null,
          form_name: web ? rand.pick(D.FORM_NAMES) : null,
          pipeline_id: pipelineId,
          stage_id: st.id,
          status: st.leadStatus,
          stage_entered_at: iso(entered),
          reached_stage_ids: pgTextArray([...new Set(journey.map((x) => x.id))].sort()),
          priority: rand.pick([
            'low',
            'low',
            'medium',
            'medium',
            'medium',
            'medium',
            'high',
            'high',
            'urgent',
          ]),
          temperature:
            stage === NEW
              ? rand.pick(['cold', 'cold', 'warm'])
              : stage === WON
                ? 'hot'
                : lost
                  ? 'cold'
                  : rand.pick(['cold', 'warm', 'warm', 'hot']),
          owner_id: ownerId,
          score,
          predicted_probability: rand.chance(0.7)
            ? Math.min(0.9999, Math.max(0, st.probability / 100 + (rand.next() - 0.5) * 0.2)).toFixed(4)
            : null,
          budget_range: rand.chance(0.6) ? budgetRange(value) : null,
          authority_level: rand.chance(0.5) ? rand.pick(D.AUTHORITY_LEVELS) : null,
          timeline: rand.chance(0.5) ? rand.pick(D.TIMELINES) : null,
          deal_value: stage === NEW && rand.chance(0.5) ? null : value.toFixed(2),
          expected_close_date: won
            ? isoDate(entered)
            : lost
              ? null
              : isoDate(Math.max(entered, NOW - 20 * DAY) + rand.int(14, 120) * DAY),
          lost_reason: lost ? rand.pick(D.LOST_REASONS) : null,
          marketing_stage: stage === NEW ? 'awareness' : stage <= QUALIFIED ? 'consideration' : 'decision',
          spam_score: web ? (rand.chance(0.02) ? rand.int(40, 80) : rand.int(0, 15)) : null,
          validation_status: rand.pick([
            'valid',
            'valid',
            'valid',
            'valid',
            'valid',
            'valid',
            'unverified',
            'unverified',
            'invalid',
          ]),
          converted_at: won ? iso(entered) : null,
          converted_account_id: won && b2b ? accountIds[a] : null,
          created_by: createdBy,
          created_at: iso(createdAt),
          updated_at: iso(last),
          // Newest leads on top of their column (distinct ranks: the order the board shows).
          board_rank: demoBoardRank(L - k),
        });
        if (dealId) {
          const name = `${accountNames[a]} – ${product}`;
          dealRows.push({
            id: dealId,
            name,
            account_id: accountIds[a],
            primary_contact_id: contactId,
            origin_lead_id: leadId,
            amount: value.toFixed(2),
            pipeline_id: pipelineId,
            stage_id: st.id,
            forecast_category: 'closed',
            close_date: isoDate(entered),
            owner_id: ownerId,
            created_by: ownerId ?? setup.ownerId,
            created_at: iso(entered),
            updated_at: iso(entered),
          });
          links.push({ lead_id: leadId, deal_id: dealId });
          act('system', leadId, contactId, ownerId, entered + 1000, {
            subject: `Deal created: ${name}`,
            metadata: { event: 'deal.created', demo: true },
            dealId,
            accountId: accountIds[a],
          });
        }
      }
      await submit(async () => {
        await insertRows(tx, ws, 'leads', LEAD_COLS, leadRows);
        await insertRows(tx, ws, 'deals', DEAL_COLS, dealRows);
        if (links.length)
          await tx.execute(
            sql`update leads l set converted_deal_id = x.deal_id from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as x(lead_id uuid, deal_id uuid) where l.workspace_id = ${ws}::uuid and l.id = x.lead_id`,
          );
        await insertRows(tx, ws, 'activities', ACTIVITY_COLS, acts);
        await insertRows(tx, ws, 'lead_stage_history', HISTORY_COLS, historyRows);
      });
      counts.leads += leadRows.length;
      counts.deals += dealRows.length;
      counts.activities += acts.length;
      onProgress('leads', counts.leads, L);
    }
    await inflight;
    seconds.leads = (performance.now() - t) / 1000;

    // Fresh statistics for the bulk-loaded tables (ANALYZE sees this transaction's rows): the checks
    // below and the first queries after the load get good plans.
    t = performance.now();
    onProgress('analyze', 0, 1);
    await tx.execute(sql.raw(`analyze ${LOADED_TABLES.join(', ')}`));
    onProgress('analyze', 1, 1);
    seconds.analyze = (performance.now() - t) / 1000;

    // The team's daily work on these leads (tasks, appointments, rules, assignment history, scores).
    const w = await generateDemoWork(tx, {
      workspaceId: ws,
      members,
      seed: options.seed ?? 20250101,
      now: NOW,
      batchSize: batch,
      onProgress,
    });
    work = w.counts;
    Object.assign(seconds, w.seconds);
    counts.activities += w.counts.activities;

    if (setBased) {
      t = performance.now();
      await tx.execute(sql`set local session_replication_role = origin`);
      await tx.execute(sql`set local enable_nestloop = off`);
      onProgress('verify', 0, 1);
      await verifyForeignKeys(tx, ws);
      onProgress('verify', 1, 1);
      seconds.verify = (performance.now() - t) / 1000;
      await tx.execute(sql`set local enable_nestloop = on`);
    }
    // With triggers skipped (replica role) the board's column totals are counted once, here.
    await tx.execute(sql`delete from stage_totals where workspace_id = ${ws}`);
    await tx.execute(sql`insert into stage_totals (workspace_id, stage_id, slot, lead_count, value_sum)
      select workspace_id, stage_id, 0, count(*), coalesce(sum(deal_value), 0) from leads
      where workspace_id = ${ws} and deleted_at is null group by workspace_id, stage_id`);
    // So are the reports' figures (reached stages are written with the leads, so they stay as they are).
    if (setBased) await recountReportRollups(tx, ws);

    await writeAudit(tx, systemCtx(ws, setup.ownerId), {
      action: 'demo.load',
      entity: 'workspace',
      entityId: ws,
      after: { counts, work, leadsByStatus, seed: options.seed ?? null, extraStages },
    });
    return setup;
  });

  seconds.total = (performance.now() - t0) / 1000;

  return {
    workspaceId: out.workspaceId,
    workspaceName,
    owner: { userId: out.ownerId, email, name: out.ownerName },
    password: out.ownerExisted ? null : password,
    passwordGenerated: passwordGenerated && !out.ownerExisted,
    members: out.team,
    counts,
    leadsByStatus,
    duplicates: { ...duplicates, contacts: duplicates.pairs.length },
    work: work!,
    seconds,
  };
}
