import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { accounts, contacts, duplicateCandidates, leads } from '../db/schema/index.js';
import { startJob } from '../jobs/jobs.service.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { iso } from '../shared/records.js';
import type { DuplicateEntity, DuplicatePairOut, DuplicatesQuery } from './duplicates.schemas.js';
import { scanDuplicates } from './scan.service.js';

type Summary = DuplicatePairOut['records'][number];

/** Short summaries of records (any state, so a merged or deleted record still shows). */
async function summaries(
  db: Db,
  ctx: Ctx,
  entity: DuplicateEntity,
  ids: string[],
): Promise<Map<string, Summary>> {
  const out = new Map<string, Summary>();
  if (!ids.length) return out;
  if (entity === 'account') {
    const rows = await db
      .select()
      .from(accounts)
      .where(and(eq(accounts.workspaceId, ctx.workspaceId), inArray(accounts.id, ids)));
    for (const r of rows)
      out.set(r.id, {
        id: r.id,
        name: r.name,
        email: null,
        phone: r.phone,
        company: r.domain,
        street: r.address?.street1 ?? null,
        city: r.address?.city ?? null,
        postcode: r.address?.postcode ?? null,
        deletedAt: iso(r.deletedAt),
      });
    return out;
  }
  const contactOf = new Map<string, string>();
  let contactIds = ids;
  if (entity === 'lead') {
    const ls = await db
      .select({ id: leads.id, contactId: leads.contactId, title: leads.title, deletedAt: leads.deletedAt })
      .from(leads)
      .where(and(eq(leads.workspaceId, ctx.workspaceId), inArray(leads.id, ids)));
    for (const l of ls) contactOf.set(l.id, l.contactId);
    contactIds = [...new Set(ls.map((l) => l.contactId))];
  }
  const rows = contactIds.length
    ? await db
        .select()
        .from(contacts)
        .where(and(eq(contacts.workspaceId, ctx.workspaceId), inArray(contacts.id, contactIds)))
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const id of ids) {
    const r = byId.get(contactOf.get(id) ?? id);
    if (!r) continue;
    const a = r.addresses[0];
    out.set(id, {
      id,
      name:
        [r.firstName, r.lastName].filter(Boolean).join(' ') ||
        r.companyName ||
        r.emails[0]?.email ||
        'Unnamed',
      email: r.emails[0]?.email ?? null,
      phone: r.phones[0]?.e164 ?? null,
      company: r.companyName,
      street: a?.street1 ?? null,
      city: a?.city ?? null,
      postcode: a?.postcode ?? null,
      deletedAt: iso(r.deletedAt),
    });
  }
  return out;
}

const encode = (score: number, a: string, b: string) =>
  Buffer.from(JSON.stringify([score, a, b])).toString('base64url');
function decode(cursor: string): [number, string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (
      Array.isArray(v) &&
      v.length === 3 &&
      typeof v[0] === 'number' &&
      v.slice(1).every((x: unknown) => typeof x === 'string' && /^[0-9a-f-]{36}$/i.test(x))
    )
      return v as [number, string, string];
  } catch {}
  throw new AppError('bad_request', 'cursor is not a cursor of this list', [
    { field: 'cursor', reason: 'is not valid' },
  ]);
}

/** Candidate pairs of an entity, best first (score, then ids), cursor-paginated. */
export async function listDuplicates(
  db: Db,
  ctx: Ctx,
  q: DuplicatesQuery,
): Promise<{ data: DuplicatePairOut[]; nextCursor: string | null }> {
  const t = duplicateCandidates;
  const where = [eq(t.workspaceId, ctx.workspaceId), eq(t.entity, q.entity), eq(t.status, q.status)];
  if (q.recordId) where.push(sql`(${t.recordA} = ${q.recordId} or ${t.recordB} = ${q.recordId})`);
  if (q.cursor) {
    const [score, a, b] = decode(q.cursor);
    where.push(sql`(${t.score}, ${t.recordA}, ${t.recordB}) < (${score}::real, ${a}::uuid, ${b}::uuid)`);
  }
  // Ties in score go by descending ids too, so the row comparison above matches the order.
  const rows = await db
    .select()
    .from(t)
    .where(and(...where))
    .orderBy(desc(t.score), desc(t.recordA), desc(t.recordB))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const s = await summaries(db, ctx, q.entity, [...new Set(page.flatMap((r) => [r.recordA, r.recordB]))]);
  const data = page.map((r) => ({
    recordIds: [r.recordA, r.recordB] as [string, string],
    score: r.score,
    reasons: r.reasons as DuplicatePairOut['reasons'],
    status: r.status,
    detectedAt: r.detectedAt.toISOString(),
    ruleId: r.ruleId,
    jobId: r.jobId,
    records: [s.get(r.recordA), s.get(r.recordB)].filter((x): x is Summary => !!x),
  }));
  const last = page[page.length - 1];
  return { data, nextCursor: more && last ? encode(last.score, last.recordA, last.recordB) : null };
}

async function assertRecords(db: Db, ctx: Ctx, entity: DuplicateEntity, ids: string[]) {
  const table = entity === 'account' ? accounts : entity === 'lead' ? leads : contacts;
  const rows = await db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.workspaceId, ctx.workspaceId), inArray(table.id, ids)));
  ids.forEach((id, i) => {
    if (!rows.some((r) => r.id === id))
      throw new AppError('not_found', `${entity} ${id} was not found`, [
        { field: `recordIds[${i}]`, reason: `no such ${entity}` },
      ]);
  });
}

/** Marks a pair as not a duplicate: later scans and checks leave it dismissed. */
export async function dismissPair(
  db: Db,
  ctx: Ctx,
  entity: DuplicateEntity,
  recordIds: [string, string],
): Promise<DuplicatePairOut> {
  await assertRecords(db, ctx, entity, recordIds);
  const [a, b] = [...recordIds].sort() as [string, string];
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(duplicateCandidates)
      .where(
        and(
          eq(duplicateCandidates.workspaceId, ctx.workspaceId),
          eq(duplicateCandidates.entity, entity),
          eq(duplicateCandidates.recordA, a),
          eq(duplicateCandidates.recordB, b),
        ),
      )
      .for('update');
    if (before?.status === 'merged')
      throw new AppError('conflict', 'These records were merged; undo the merge instead', [
        { field: 'recordIds', reason: 'were merged' },
      ]);
    await tx
      .insert(duplicateCandidates)
      .values({
        workspaceId: ctx.workspaceId,
        entity,
        recordA: a,
        recordB: b,
        score: before?.score ?? 0,
        reasons: before?.reasons ?? [],
        status: 'dismissed',
        resolvedAt: sql`now()`,
        resolvedBy: ctx.userId,
      })
      .onConflictDoUpdate({
        target: [
          duplicateCandidates.workspaceId,
          duplicateCandidates.entity,
          duplicateCandidates.recordA,
          duplicateCandidates.recordB,
        ],
        set: { status: 'dismissed', resolvedAt: sql`now()`, resolvedBy: ctx.userId },
      });
    await writeAudit(tx, ctx, {
      action: 'dismiss',
      entity: 'duplicate_pair',
      entityId: null,
      before: before ? { entity, recordIds: [a, b], status: before.status } : null,
      after: { entity, recordIds: [a, b], status: 'dismissed' },
    });
  });
  const page = await listDuplicates(db, ctx, { entity, recordId: a, status: 'dismissed', limit: 200 });
  return page.data.find((p) => p.recordIds[0] === a && p.recordIds[1] === b)!;
}

/** Starts a background scan of the workspace; returns the job id. */
export async function startScan(db: Db, ctx: Ctx, entity: DuplicateEntity): Promise<string> {
  return startJob(db, ctx, 'duplicates.scan', { entity }, async (progress, jobId) =>
    scanDuplicates(db, ctx, entity, jobId, progress),
  );
}
