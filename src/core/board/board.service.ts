import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import { contactSearch } from '../contacts/contacts.service.js';
import type { Db } from '../db/client.js';
import { leads, pipelines, stages } from '../db/schema/index.js';
import type { LeadOut } from '../leads/leads.schemas.js';
import type { StageOut } from '../pipelines/pipelines.schemas.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { containsPattern } from '../shared/like.js';
import type { BoardOut, BoardQuery, Card, ColumnQuery } from './board.schemas.js';

/**
 * The board of a pipeline (SPEC 10): every stage as a column with the count, total and weighted value
 * of the leads matching the filters, and the column's first cards in board order (board_rank, id).
 * Two queries: one aggregate over the pipeline's stages, one LATERAL page per column.
 */

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const DAY_SECONDS = 86_400;

type PipelineInfo = { id: string; name: string; rottenAfterDays: number | null; stages: StageOut[] };

export async function loadPipeline(db: Db, ctx: Ctx, id: string): Promise<PipelineInfo> {
  const [p] = await db
    .select({ id: pipelines.id, name: pipelines.name, rottenAfterDays: pipelines.rottenAfterDays })
    .from(pipelines)
    .where(and(eq(pipelines.workspaceId, ctx.workspaceId), eq(pipelines.id, id)));
  if (!p) throw AppError.notFound('pipeline', id);
  const rows = await db
    .select()
    .from(stages)
    .where(and(eq(stages.workspaceId, ctx.workspaceId), eq(stages.pipelineId, id)))
    .orderBy(asc(stages.position), asc(stages.id));
  return {
    ...p,
    stages: rows.map((s) => ({
      id: s.id,
      name: s.name,
      color: s.color,
      position: s.position,
      probability: s.probability,
      type: s.type,
      leadStatus: s.leadStatus,
      version: s.version,
    })),
  };
}

/** A date (2025-01-31) as the start of its day, or the day after it for an inclusive upper bound. */
function bound(v: string, end: boolean): string {
  if (v.length !== 10) return new Date(v).toISOString();
  const d = new Date(`${v}T00:00:00.000Z`);
  if (end) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

/** WHERE conditions on `leads` for the board's filters (non-deleted leads of the workspace). */
export function boardConditions(ctx: Ctx, f: Omit<BoardQuery, 'limit'>): SQL[] {
  const where: SQL[] = [sql`${leads.workspaceId} = ${ctx.workspaceId}`, sql`${leads.deletedAt} is null`];
  if (f.ownerId === 'none') where.push(sql`${leads.ownerId} is null`);
  else if (f.ownerId === 'me') where.push(ctx.userId ? sql`${leads.ownerId} = ${ctx.userId}` : sql`false`);
  else if (f.ownerId) where.push(sql`${leads.ownerId} = ${f.ownerId}`);
  if (f.source) where.push(sql`${leads.source} = ${f.source}`);
  if (f.scoreMin !== undefined) where.push(sql`${leads.score} >= ${f.scoreMin}`);
  if (f.scoreMax !== undefined) where.push(sql`${leads.score} <= ${f.scoreMax}`);
  if (f.createdFrom) where.push(sql`${leads.createdAt} >= ${bound(f.createdFrom, false)}::timestamptz`);
  if (f.createdTo)
    where.push(
      f.createdTo.length === 10
        ? sql`${leads.createdAt} < ${bound(f.createdTo, true)}::timestamptz`
        : sql`${leads.createdAt} <= ${bound(f.createdTo, false)}::timestamptz`,
    );
  if (f.q) {
    const like = containsPattern(f.q.toLowerCase());
    where.push(sql`(${leads.contactId} in (select "contacts"."id" from "contacts"
        where "contacts"."workspace_id" = ${ctx.workspaceId} and ${contactSearch(f.q)})
      or lower(coalesce(${leads.title}, '')) like ${like})`);
  }
  return where;
}

function checkRange(f: Omit<BoardQuery, 'limit'>): void {
  if (f.scoreMin !== undefined && f.scoreMax !== undefined && f.scoreMin > f.scoreMax)
    throw AppError.invalid('scoreMax', 'must be at least scoreMin');
  if (f.createdFrom && f.createdTo && bound(f.createdFrom, false) >= bound(f.createdTo, true))
    throw AppError.invalid('createdTo', 'must be after createdFrom');
}

/** The card columns, selected from `leads` joined with `contacts` (a LATERAL page or one card). */
const CARD_COLUMNS = sql.raw(`"leads"."id", "leads"."contact_id",
  "contacts"."first_name", "contacts"."last_name", "contacts"."company_name",
  "contacts"."emails" -> 0 ->> 'email' as "email",
  "leads"."title", "leads"."deal_value"::text as "deal_value", "leads"."owner_id", "leads"."score",
  "leads"."source", "leads"."priority", "leads"."temperature", "leads"."status", "leads"."stage_id",
  to_char("leads"."stage_entered_at" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "entered",
  extract(epoch from (now() - "leads"."stage_entered_at"))::float8 as "age",
  "leads"."board_rank", "leads"."version", "leads"."expected_close_date"::text as "close_date"`);
const CONTACT_JOIN = sql.raw(
  `join "contacts" on "contacts"."workspace_id" = "leads"."workspace_id" and "contacts"."id" = "leads"."contact_id"`,
);

export type CardRow = {
  id: string;
  contact_id: string;
  first_name: string | null;
  last_name: string | null;
  company_name: string | null;
  email: string | null;
  title: string | null;
  deal_value: string | null;
  owner_id: string | null;
  score: number;
  source: string | null;
  priority: Card['priority'];
  temperature: Card['temperature'];
  status: Card['status'];
  stage_id: string;
  entered: string;
  age: number | string;
  board_rank: string;
  version: number;
  close_date: string | null;
};

/** Whether a stage counts as open (rotten cards are only marked in open stages). */
type StageKinds = Map<string, StageOut['type']>;

export function toCard(r: CardRow, kinds: StageKinds, rottenAfterDays: number | null): Card {
  const ageDays = Number(r.age) / DAY_SECONDS;
  return {
    id: r.id,
    contactId: r.contact_id,
    name:
      [r.first_name, r.last_name].filter(Boolean).join(' ') || r.company_name || r.email || 'Unnamed contact',
    company: r.company_name,
    title: r.title,
    email: r.email,
    dealValue: r.deal_value,
    ownerId: r.owner_id,
    score: Number(r.score),
    source: r.source,
    priority: r.priority,
    temperature: r.temperature,
    status: r.status,
    stageId: r.stage_id,
    stageEnteredAt: r.entered,
    daysInStage: Math.max(0, Math.floor(ageDays)),
    rotten: kinds.get(r.stage_id) === 'open' && rottenAfterDays !== null && ageDays > rottenAfterDays,
    boardRank: r.board_rank,
    version: Number(r.version),
    expectedCloseDate: r.close_date,
  };
}

type CursorPos = { r: string; i: string };
const encodeCursor = (c: CursorPos): string => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(cursor: string): CursorPos {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPos;
    if (
      typeof c.r === 'string' &&
      c.r.length > 0 &&
      c.r.length < 400 &&
      typeof c.i === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(c.i)
    )
      return c;
  } catch {}
  throw new AppError('bad_request', 'cursor: is not a cursor of this column', [
    { field: 'cursor', reason: 'is not a cursor of this column' },
  ]);
}

function page(rows: CardRow[], limit: number, kinds: StageKinds, rotten: number | null) {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return {
    cards: shown.map((r) => toCard(r, kinds, rotten)),
    nextCursor: more && last ? encodeCursor({ r: last.board_rank, i: last.id }) : null,
  };
}

export async function getBoard(db: Db, ctx: Ctx, pipelineId: string, q: BoardQuery): Promise<BoardOut> {
  checkRange(q);
  const p = await loadPipeline(db, ctx, pipelineId);
  const kinds: StageKinds = new Map(p.stages.map((s) => [s.id, s.type]));
  const columns: BoardOut['columns'] = [];
  if (p.stages.length === 0)
    return { pipeline: { id: p.id, name: p.name, rottenAfterDays: p.rottenAfterDays }, columns };
  const where = sql.join(boardConditions(ctx, q), sql` and `);
  const stageIds = sql.join(
    p.stages.map((s) => sql`${s.id}::uuid`),
    sql`, `,
  );
  // Counts and sums: an index-only scan of the pipeline's stages (weighted = sum × probability / 100,
  // the stage's probability being the same for each of its leads). Per column, the page's ids by an
  // index-only scan of the board order (the filters' columns are in the index), then those leads' card
  // columns. The two queries run side by side (two pooled connections; PGlite runs them in turn).
  // Unfiltered, the figures are the trigger-kept stage_totals (a few rows instead of a million counted).
  const unfiltered =
    !q.ownerId &&
    !q.source &&
    q.scoreMin === undefined &&
    q.scoreMax === undefined &&
    !q.createdFrom &&
    !q.createdTo &&
    !q.q;
  const [totalsResult, cardsResult] = await Promise.all([
    unfiltered
      ? db.execute(sql`select stage_id, sum(lead_count) as n, sum(value_sum)::text as total
          from stage_totals where workspace_id = ${ctx.workspaceId} and stage_id in (${stageIds})
          group by stage_id`)
      : // Filtered: one aggregate per stage (an index scan each, no sort of the matching leads).
        db.execute(sql`select s.sid as stage_id, c.n, c.total
          from (select unnest(array[${stageIds}]) as sid) s
          cross join lateral (select count(*) as n, sum(${leads.dealValue})::text as total
            from ${leads} where ${where} and ${leads.stageId} = s.sid) c`),
    db.execute(sql`select ${CARD_COLUMNS}
      from (select unnest(array[${stageIds}]) as sid) s
      cross join lateral (select ${leads.id} as kid from ${leads} where ${where} and ${leads.stageId} = s.sid
        order by ${leads.boardRank}, ${leads.id} limit ${q.limit + 1}) k
      join ${leads} on ${leads.workspaceId} = ${ctx.workspaceId} and ${leads.id} = k.kid
      ${CONTACT_JOIN}
      order by ${leads.stageId}, ${leads.boardRank}, ${leads.id}`),
  ]);
  const totals = rowsOf<{ stage_id: string; n: number | string; total: string | null }>(totalsResult);
  const byStage = new Map(totals.map((t) => [t.stage_id, t]));
  const cards = rowsOf<CardRow>(cardsResult);
  const cardsByStage = new Map<string, CardRow[]>();
  for (const r of cards) {
    const list = cardsByStage.get(r.stage_id);
    if (list) list.push(r);
    else cardsByStage.set(r.stage_id, [r]);
  }
  for (const s of p.stages) {
    const t = byStage.get(s.id);
    const total = t?.total ?? '0';
    columns.push({
      stage: s,
      count: Number(t?.n ?? 0),
      totalValue: money(total),
      weightedValue: money(weighted(total, s.probability)),
      ...page(cardsByStage.get(s.id) ?? [], q.limit, kinds, p.rottenAfterDays),
    });
  }
  return { pipeline: { id: p.id, name: p.name, rottenAfterDays: p.rottenAfterDays }, columns };
}

/** The next cards of one column after `cursor`. */
export async function getColumn(
  db: Db,
  ctx: Ctx,
  pipelineId: string,
  stageId: string,
  q: ColumnQuery,
): Promise<{ cards: Card[]; nextCursor: string | null }> {
  checkRange(q);
  const p = await loadPipeline(db, ctx, pipelineId);
  if (!p.stages.some((s) => s.id === stageId)) throw AppError.notFound('stage', stageId);
  const kinds: StageKinds = new Map(p.stages.map((s) => [s.id, s.type]));
  const where = boardConditions(ctx, q);
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    where.push(sql`(${leads.boardRank}, ${leads.id}) > (${c.r} collate "C", ${c.i}::uuid)`);
  }
  const rows = rowsOf<CardRow>(
    await db.execute(sql`select ${CARD_COLUMNS}
      from (select ${leads.id} as kid from ${leads} where ${sql.join(where, sql` and `)} and ${leads.stageId} = ${stageId}
        order by ${leads.boardRank}, ${leads.id} limit ${q.limit + 1}) k
      join ${leads} on ${leads.workspaceId} = ${ctx.workspaceId} and ${leads.id} = k.kid
      ${CONTACT_JOIN}
      order by ${leads.boardRank}, ${leads.id}`),
  );
  return page(rows, q.limit, kinds, p.rottenAfterDays);
}

/** A lead as its card (after a move: the lead as patchLead returned it, its stage's type, the pipeline's rotten days). */
export function cardOfLead(l: LeadOut, stageType: StageOut['type'], rottenAfterDays: number | null): Card {
  const ageDays = (Date.now() - Date.parse(l.stageEnteredAt)) / (DAY_SECONDS * 1000);
  return {
    id: l.id,
    contactId: l.contactId,
    name: l.name,
    company: l.company,
    title: l.title,
    email: l.email,
    dealValue: l.dealValue,
    ownerId: l.ownerId,
    score: l.score,
    source: l.source,
    priority: l.priority,
    temperature: l.temperature,
    status: l.status,
    stageId: l.stageId,
    stageEnteredAt: l.stageEnteredAt,
    daysInStage: Math.max(0, Math.floor(ageDays)),
    rotten: stageType === 'open' && rottenAfterDays !== null && ageDays > rottenAfterDays,
    boardRank: l.boardRank,
    version: l.version,
    expectedCloseDate: l.expectedCloseDate,
  };
}

/** A decimal string with two places ("12500.00"), exact (no floating point). */
function money(v: string): string {
  const neg = v.startsWith('-');
  const [int = '0', frac = ''] = (neg ? v.slice(1) : v).split('.');
  return `${neg ? '-' : ''}${int}.${(`${frac}00`).slice(0, 2)}`;
}

/** total × probability / 100, rounded half up to cents, in exact integer arithmetic. */
function weighted(total: string, probability: number): string {
  const neg = total.startsWith('-');
  const [int = '0', frac = ''] = (neg ? total.slice(1) : total).split('.');
  const cents = BigInt(int) * 100n + BigInt(`${frac}00`.slice(0, 2));
  const scaled = cents * BigInt(probability); // cents × percent: divide by 100, rounding half up
  const q = (scaled + 50n) / 100n;
  const s = q.toString().padStart(3, '0');
  return `${neg && q !== 0n ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
}
