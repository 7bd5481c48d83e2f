import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ConditionTarget } from '../conditions/condition-field-types.js';
import { AppError } from './errors.js';

/**
 * One list convention for every resource: cursor pagination (keyset over the sort key and id),
 * `sort=field` / `sort=-field`, field filters, and `q` search. A resource declares what it allows;
 * the querystring schema (validation and OpenAPI) and the SQL are both derived from that declaration.
 */
export type FilterSpec =
  | { kind: 'enum'; expr: AnyColumn | SQL; values: readonly [string, ...string[]]; description?: string }
  | { kind: 'text'; expr: AnyColumn | SQL; description?: string }
  | { kind: 'uuid'; expr: AnyColumn | SQL; description?: string }
  | { kind: 'bool'; expr: AnyColumn | SQL; description?: string }
  | { kind: 'number'; expr: AnyColumn | SQL; description?: string }
  | { kind: 'date'; expr: AnyColumn | SQL; description?: string }
  /**
   * Ids (comma-separated, no `none`) matched by a condition of the resource's own, e.g. an EXISTS over
   * a related table: `reachedStageId` (a lead whose stage history has a stay in one of the stages).
   */
  | { kind: 'uuidSet'; where: (ids: string[]) => SQL; description?: string };

export type SortType = 'text' | 'number' | 'date' | 'uuid';
export type SortSpec = { expr: SQL; type: SortType };

export type ListSpec = {
  filters: Record<string, FilterSpec>;
  sorts: Record<string, SortSpec>;
  defaultSort: string;
  /** Builds the `q` search condition; absent means `q` is not offered. */
  search?: (q: string) => SQL;
  idExpr: AnyColumn;
  /**
   * Offers `custom.<key>[op]=…` (alias `cf.<key>`) filters and `sort=custom.<key>`: the querystring accepts
   * their shape and the list service resolves them against the workspace's definitions
   * (src/core/custom-fields/custom-list.ts), refusing unknown keys there.
   */
  custom?: boolean;
  /**
   * Offers `condition=<JSON>`: a condition in the shared condition language (SPEC 9) over this entity,
   * ANDed with the other filters. The list service compiles it (src/core/shared/list-condition.ts).
   */
  condition?: ConditionTarget;
};

/** The longest `condition` parameter a list takes (the querystring of a request line stays under 16 KB). */
export const MAX_CONDITION_LENGTH = 8000;

/** `custom.<key>` or `cf.<key>`, optionally with an operator: `custom.budget[gte]`. */
export const CUSTOM_PARAM_RE = /^(?:custom|cf)\.([a-z][a-z0-9_]{0,62})(?:\[([a-z_]{1,20})\])?$/;
const CUSTOM_SORT_RE = /^-?(?:custom|cf)\.[a-z][a-z0-9_]{0,62}$/;

export const MAX_LIMIT = 200;

const csv = <T extends string>(schema: z.ZodType<T, string>) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()))
    .pipe(z.array(schema).min(1));

/** The zod querystring schema of a list: strict, so an unknown parameter is refused by name. */
export function listQuerySchema(spec: ListSpec) {
  const sortNames = Object.keys(spec.sorts);
  const sortValues = [...sortNames, ...sortNames.map((s) => `-${s}`)] as [string, ...string[]];
  const shape: Record<string, z.ZodType> = {
    limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50).describe(`Page size, 1 to ${MAX_LIMIT}`),
    cursor: z.string().max(2000).optional().describe('The `nextCursor` of the previous page'),
    sort: (spec.custom
      ? z.union([
          z.enum(sortValues),
          z
            .string()
            .regex(CUSTOM_SORT_RE, 'must be a sort field or custom.<key>, optionally prefixed with -'),
        ])
      : z.enum(sortValues)
    )
      .default(spec.defaultSort)
      .describe(
        `Sort field; prefix with \`-\` for descending. Ties are broken by id.${spec.custom ? ' `custom.<key>` sorts by a custom field (numbers, money and dates by value; empty values last).' : ''}`,
      ),
    deleted: z
      .enum(['exclude', 'only', 'include'])
      .default('exclude')
      .describe('Soft-deleted records: exclude (default), only, or include'),
  };
  if (spec.search) shape.q = z.string().trim().min(1).max(200).optional().describe('Search text');
  if (spec.condition)
    shape.condition = z
      .string()
      .min(1)
      .max(MAX_CONDITION_LENGTH)
      .optional()
      .describe(
        `A condition in the shared condition language as JSON, ANDed with the other filters, e.g. {"all":[{"field":"source","op":"in","value":["referral"]}]} (fields of the ${spec.condition}, its related records, custom fields and activity counts; changed_to is not allowed)`,
      );
  for (const [name, f] of Object.entries(spec.filters)) {
    const d = f.description ?? name;
    switch (f.kind) {
      case 'enum':
        shape[name] = csv(z.enum(f.values))
          .optional()
          .describe(`${d}: one value or several, comma-separated`);
        break;
      case 'text':
        shape[name] = csv(z.string().min(1).max(200))
          .optional()
          .describe(`${d}: exact value or several, comma-separated`);
        break;
      case 'uuid':
        shape[name] = z
          .string()
          .transform((s) => s.split(',').map((v) => v.trim()))
          .pipe(z.array(z.union([z.uuid(), z.literal('none')])).min(1))
          .optional()
          .describe(`${d}: id or several, comma-separated; \`none\` matches empty`);
        break;
      case 'bool':
        shape[name] = z
          .enum(['true', 'false'])
          .transform((v) => v === 'true')
          .optional()
          .describe(d);
        break;
      case 'number':
        shape[`${name}Min`] = z.coerce.number().optional().describe(`${d}: at least`);
        shape[`${name}Max`] = z.coerce.number().optional().describe(`${d}: at most`);
        break;
      case 'uuidSet':
        shape[name] = z
          .string()
          .transform((s) => s.split(',').map((v) => v.trim().toLowerCase()))
          .pipe(z.array(z.uuid('must be a UUID')).min(1).max(200))
          .optional()
          .describe(`${d}: id or several, comma-separated`);
        break;
      case 'date':
        shape[`${name}From`] = z.iso
          .datetime({ offset: true })
          .or(z.iso.date())
          .optional()
          .describe(`${d}: on or after (ISO 8601)`);
        shape[`${name}To`] = z.iso
          .datetime({ offset: true })
          .or(z.iso.date())
          .optional()
          .describe(`${d}: before (ISO 8601)`);
        break;
    }
  }
  if (!spec.custom) return z.strictObject(shape);
  return z
    .object(shape)
    .catchall(
      z
        .string()
        .max(2000)
        .describe(
          'Custom field filter `custom.<key>[op]=value` (alias `cf.`): op eq (default; comma-separated for any of), ne, gt, gte, lt, lte, contains, empty (true/false)',
        ),
    )
    .superRefine((v, ctx) => {
      const keys = Object.keys(v).filter((k) => !(k in shape) && !CUSTOM_PARAM_RE.test(k));
      if (keys.length)
        ctx.addIssue({ code: 'unrecognized_keys', keys, path: [], message: 'Unknown parameters' });
    });
}

export type ListQuery = {
  limit: number;
  cursor?: string;
  sort: string;
  deleted: 'exclude' | 'only' | 'include';
  q?: string;
  [k: string]: unknown;
};

type CursorPayload = { s: string; v: string | number | null; id: string };

export const encodeCursor = (p: CursorPayload): string =>
  Buffer.from(JSON.stringify(p)).toString('base64url');

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What a cursor's sort value must look like to be cast to its sort type (anything else is not our cursor). */
const validValue: Record<SortType, (v: unknown) => boolean> = {
  text: (v) => typeof v === 'string' && !v.includes('\u0000'),
  number: (v) =>
    (typeof v === 'string' || typeof v === 'number') && /^-?(\d+(\.\d+)?|Infinity)$/.test(String(v)),
  date: (v) =>
    typeof v === 'string' &&
    /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}(:?\d{2})?|Z)?$/.test(v),
  uuid: (v) => typeof v === 'string' && UUID_RE.test(v),
};

function decodeCursor(cursor: string, sort: string, type: SortType): CursorPayload {
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPayload;
    if (!p || p.s !== sort || typeof p.id !== 'string' || !UUID_RE.test(p.id))
      throw new Error('not a cursor');
    if (p.v !== null && !validValue[type](p.v)) throw new Error('bad sort value');
    return p;
  } catch {
    // A query parameter, so 400 like every other bad query parameter.
    const reason = 'is not a cursor of this list with this sort; start again without it';
    throw new AppError('bad_request', `cursor ${reason}`, [{ field: 'cursor', reason }]);
  }
}

const castFor: Record<SortType, string> = {
  text: 'text',
  number: 'numeric',
  date: 'timestamptz',
  uuid: 'uuid',
};

/** WHERE conditions for the filters, search and cursor of a list query. */
export function listConditions(spec: ListSpec, query: ListQuery): SQL[] {
  const cursor = cursorCondition(spec, query);
  return cursor ? [...filterConditions(spec, query), cursor] : filterConditions(spec, query);
}

/**
 * WHERE conditions for the filters and search of a list query: which records the list pages through
 * (what its count counts). `limit`, `cursor` and `sort` do not change them.
 */
export function filterConditions(spec: ListSpec, query: ListQuery): SQL[] {
  const where: SQL[] = [];
  for (const [name, f] of Object.entries(spec.filters)) {
    if (f.kind === 'uuidSet') {
      const ids = query[name] as string[] | undefined;
      if (ids !== undefined) where.push(f.where(ids));
      continue;
    }
    if (f.kind === 'number' || f.kind === 'date') {
      const [lo, hi] = f.kind === 'number' ? [`${name}Min`, `${name}Max`] : [`${name}From`, `${name}To`];
      const cast = f.kind === 'number' ? sql.raw('numeric') : sql.raw('timestamptz');
      if (query[lo] !== undefined) where.push(sql`${f.expr} >= ${query[lo]}::${cast}`);
      if (query[hi] !== undefined)
        where.push(
          f.kind === 'number'
            ? sql`${f.expr} <= ${query[hi]}::numeric`
            : sql`${f.expr} < ${query[hi]}::timestamptz`,
        );
      continue;
    }
    const v = query[name];
    if (v === undefined) continue;
    if (f.kind === 'bool') {
      where.push(sql`${f.expr} = ${v as boolean}`);
      continue;
    }
    const values = v as string[];
    if (f.kind === 'uuid' && values.includes('none')) {
      const ids = values.filter((x) => x !== 'none');
      where.push(ids.length ? sql`(${f.expr} is null or ${f.expr} in ${ids})` : sql`${f.expr} is null`);
      continue;
    }
    where.push(values.length === 1 ? sql`${f.expr} = ${values[0]}` : sql`${f.expr} in ${values}`);
  }
  if (spec.search && query.q) where.push(spec.search(query.q));
  return where;
}

/** The keyset condition of a page after the first: rows after the cursor's (sort key, id). */
export function cursorCondition(spec: ListSpec, query: ListQuery): SQL | undefined {
  if (!query.cursor) return undefined;
  const { desc, field } = parseSort(query.sort);
  const s = spec.sorts[field]!;
  const c = decodeCursor(query.cursor, query.sort, s.type);
  const cast = sql.raw(castFor[s.type]);
  const value = c.v === null ? sql`null` : sql`${c.v}::${cast}`;
  return desc
    ? sql`(${s.expr}, ${spec.idExpr}) < (${value}, ${c.id}::uuid)`
    : sql`(${s.expr}, ${spec.idExpr}) > (${value}, ${c.id}::uuid)`;
}

export function parseSort(sort: string): { field: string; desc: boolean } {
  return sort.startsWith('-') ? { field: sort.slice(1), desc: true } : { field: sort, desc: false };
}

export function listOrderBy(spec: ListSpec, sort: string): SQL {
  const { field, desc } = parseSort(sort);
  const s = spec.sorts[field]!;
  return desc ? sql`${s.expr} desc, ${spec.idExpr} desc` : sql`${s.expr} asc, ${spec.idExpr} asc`;
}

/** The sort key of a row, selected as exact text (timestamps keep their microseconds) for the cursor. */
export function sortKeySelect(spec: ListSpec, sort: string): SQL<string | null> {
  const s = spec.sorts[parseSort(sort).field]!;
  return sql<string | null>`(${s.expr})::text`;
}

/**
 * Cuts a page fetched with `limit + 1` rows and computes `nextCursor` from the last row kept.
 * `sortValue` reads the row's sort key (as selected under the alias `_sort`).
 */
export function toPage<T extends { id: string }>(
  rows: (T & { _sort?: unknown })[],
  query: ListQuery,
): { data: T[]; nextCursor: string | null } {
  const hasMore = rows.length > query.limit;
  const kept = hasMore ? rows.slice(0, query.limit) : rows;
  let nextCursor: string | null = null;
  if (hasMore) {
    const last = kept[kept.length - 1]!;
    nextCursor = encodeCursor({ s: query.sort, v: (last._sort as string | null) ?? null, id: last.id });
  }
  for (const r of kept) delete r._sort;
  return { data: kept, nextCursor };
}

export function deletedCondition(col: AnyColumn, mode: ListQuery['deleted']): SQL | undefined {
  if (mode === 'exclude') return sql`${col} is null`;
  if (mode === 'only') return sql`${col} is not null`;
  return undefined;
}
