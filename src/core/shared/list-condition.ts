import type { SQL } from 'drizzle-orm';
import { compileCondition } from '../conditions/compile-sql.js';
import type { RootTable } from '../conditions/condition-field-types.js';
import { validateCondition } from '../conditions/validate.js';
import type { Db } from '../db/client.js';
import type { Ctx } from './context.js';
import { AppError } from './errors.js';
import type { ListQuery, ListSpec } from './list-query.js';

/**
 * The `condition` parameter of a list (or count) as a WHERE condition over the list's table: the JSON
 * text parsed (else 400 naming `condition`), checked against the entity's fields in the caller's
 * workspace (else 422 naming each bad part, `condition.all.0.value`; `changed_to` is refused) and
 * compiled to SQL. Nothing when the query has no condition or the list does not offer one.
 */
export async function listConditionWhere(
  db: Db,
  ctx: Ctx,
  spec: ListSpec,
  query: ListQuery,
  table?: RootTable,
): Promise<SQL[]> {
  const raw = query.condition;
  if (!spec.condition || raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch (e) {
    const reason = `is not valid JSON (${(e as Error).message})`;
    throw new AppError('bad_request', `condition ${reason}`, [{ field: 'condition', reason }]);
  }
  const bound = await validateCondition(db, ctx, spec.condition, parsed, {
    path: 'condition',
    allowChangedTo: false,
  });
  return [compileCondition(bound, table ? { table } : {})];
}
