import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { idempotencyKeys } from '../db/schema/index.js';
import type { Ctx } from './context.js';
import { AppError } from './errors.js';

export type Stored<T> = { status: number; body: T; replayed: boolean };

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const hashBody = (body: unknown): string => createHash('sha256').update(stable(body)).digest('hex');

/**
 * Runs a create once per `Idempotency-Key`. The key is claimed in the create's own transaction, so a
 * failed create frees it, and a concurrent request with the same key waits and then gets the stored
 * response. The same key with another body is refused.
 */
export async function withIdempotency<T>(
  db: Db,
  ctx: Ctx,
  opts: { key: string | undefined; route: string; body: unknown },
  run: (tx: Db) => Promise<{ status: number; body: T }>,
): Promise<Stored<T>> {
  if (!opts.key) {
    const r = await db.transaction((tx) => run(tx));
    return { ...r, replayed: false };
  }
  const key = opts.key;
  const requestHash = hashBody(opts.body);
  return db.transaction(async (tx) => {
    const claimed = await tx
      .insert(idempotencyKeys)
      .values({
        workspaceId: ctx.workspaceId,
        key,
        route: opts.route,
        requestHash,
        statusCode: '0',
        response: '',
      })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      const [prior] = await tx
        .select()
        .from(idempotencyKeys)
        .where(
          and(
            eq(idempotencyKeys.workspaceId, ctx.workspaceId),
            eq(idempotencyKeys.route, opts.route),
            eq(idempotencyKeys.key, key),
          ),
        );
      if (!prior) throw new AppError('conflict', 'A request with this Idempotency-Key is in progress; retry');
      if (prior.requestHash !== requestHash)
        throw new AppError(
          'idempotency_key_reused',
          'This Idempotency-Key was used with a different request body',
          [{ field: 'Idempotency-Key', reason: 'already used with a different request body' }],
        );
      return { status: Number(prior.statusCode), body: JSON.parse(prior.response) as T, replayed: true };
    }
    const r = await run(tx);
    await tx
      .update(idempotencyKeys)
      .set({ statusCode: String(r.status), response: JSON.stringify(r.body) })
      .where(
        and(
          eq(idempotencyKeys.workspaceId, ctx.workspaceId),
          eq(idempotencyKeys.route, opts.route),
          eq(idempotencyKeys.key, key),
        ),
      );
    return { ...r, replayed: false };
  });
}
