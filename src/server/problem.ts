import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type FieldError } from '../core/shared/errors.js';
import { READ_ONLY_FIELDS } from '../core/shared/records.js';

type Issue = { code: string; path: PropertyKey[]; message: string; keys?: string[]; expected?: string };

const fieldPath = (path: PropertyKey[]): string =>
  path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );

function reasonOf(i: Issue): string {
  if (i.code === 'invalid_type' && (i.expected === 'nonoptional' || /received undefined/.test(i.message)))
    return 'is required';
  if (i.code === 'invalid_type')
    return i.message.replace(/^Invalid input: /, 'must be ').replace('expected ', '');
  return i.message.replace(/^Invalid input: /, '');
}

/** zod issues as field errors; unknown keys are named, read-only ones said to be read-only. */
export function issuesToFieldErrors(issues: Issue[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const i of issues) {
    const base = fieldPath(i.path);
    const join = (f: string) => [prefix, base, f].filter(Boolean).join('.').replace(/\.\[/g, '[');
    if (i.code === 'unrecognized_keys' && i.keys) {
      for (const k of i.keys)
        out.push({
          field: join(k),
          reason: READ_ONLY_FIELDS.has(k) ? 'is read-only' : 'is not a known field',
        });
      continue;
    }
    out.push({ field: join('') || prefix || '(body)', reason: reasonOf(i) });
  }
  return out;
}

/** How deep a JSON body or query may nest; deeper is refused before it reaches zod or PostgreSQL. */
export const MAX_JSON_DEPTH = 32;

/**
 * The first place in a parsed body or query that PostgreSQL could not store or that is unreasonably
 * deep: a string (or key) with a NUL character, or nesting beyond MAX_JSON_DEPTH. Null when all is well.
 */
export function findUnstorable(
  value: unknown,
  path: PropertyKey[] = [],
): { field: string; reason: string } | null {
  if (typeof value === 'string')
    return value.includes('\u0000')
      ? { field: fieldPath(path), reason: 'must not contain NUL characters' }
      : null;
  if (value === null || typeof value !== 'object') return null;
  if (path.length >= MAX_JSON_DEPTH)
    return { field: fieldPath(path), reason: `is nested too deeply (more than ${MAX_JSON_DEPTH} levels)` };
  const entries: [PropertyKey, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [k, v] of entries) {
    if (typeof k === 'string' && k.includes('\u0000'))
      return { field: fieldPath(path), reason: 'has a key containing a NUL character' };
    const hit = findUnstorable(v, [...path, k]);
    if (hit) return hit;
  }
  return null;
}

type FastifyIssue = {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
};
const fromFastifyIssue = (v: FastifyIssue): Issue => ({
  code: v.keyword,
  path: v.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
  message: v.message ?? 'is invalid',
  keys: v.params?.keys as string[] | undefined,
  expected: v.params?.expected as string | undefined,
});

type PgError = { code?: string; constraint?: string; detail?: string };

/** Maps any error to an AppError: the one place that decides HTTP status codes. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as FastifyError & PgError & { cause?: unknown };
  // Drizzle wraps driver errors (DrizzleQueryError); the PostgreSQL error, with its SQLSTATE, is the cause.
  const pg: PgError =
    e && typeof e.cause === 'object' && e.cause !== null && typeof (e.cause as PgError).code === 'string'
      ? (e.cause as PgError)
      : e;
  if (hasZodFastifySchemaValidationErrors(e)) {
    const where = e.validationContext;
    const issues = (e.validation as unknown as FastifyIssue[]).map(fromFastifyIssue);
    const errors = issuesToFieldErrors(issues, where === 'body' ? '' : '');
    const status = where === 'body' ? 'validation_failed' : 'bad_request';
    const label = where === 'body' ? 'The request body is invalid' : `Invalid ${where}`;
    return new AppError(
      status,
      `${label}: ${errors.map((x) => `${x.field} ${x.reason}`).join('; ')}`,
      errors,
    );
  }
  if (
    e &&
    typeof e === 'object' &&
    e.code === 'FST_ERR_RESPONSE_SERIALIZATION' &&
    isResponseSerializationError(e)
  )
    return new AppError('internal', 'The response could not be serialised');
  switch (e.code ?? pg.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('bad_request', `Malformed JSON body: ${e.message}`, [
        { field: '(body)', reason: 'is not valid JSON' },
      ]);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is too large', [
        { field: '(body)', reason: 'exceeds the size limit' },
      ]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('unsupported_media_type', 'Send JSON with Content-Type: application/json');
    case '23505': {
      const field = /external_id/.test(pg.constraint ?? '')
        ? 'externalId'
        : /email/.test(pg.constraint ?? '')
          ? 'email'
          : '(body)';
      return new AppError('conflict', 'A record with this value already exists', [
        { field, reason: 'already exists' },
      ]);
    }
    case '23503':
      return new AppError('validation_failed', 'A referenced record does not exist', [
        { field: '(body)', reason: 'references a missing record' },
      ]);
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '22001':
      return new AppError('bad_request', 'A value is not valid for its field', [
        { field: '(body)', reason: 'a value is out of range or of the wrong form' },
      ]);
    case '22021':
    case '22P05':
      return new AppError('bad_request', 'A value holds characters that cannot be stored', [
        { field: '(body)', reason: 'contains a NUL or otherwise unstorable character' },
      ]);
    case '54001':
      return new AppError('bad_request', 'A value is nested too deeply', [
        { field: '(body)', reason: 'is nested too deeply' },
      ]);
    case '40001':
    case '40P01':
      return new AppError('conflict', 'A concurrent change conflicted with this one; retry');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
    return new AppError(
      e.statusCode === 404 ? 'not_found' : e.statusCode === 429 ? 'rate_limited' : 'bad_request',
      e.message,
    );
  return new AppError('internal', 'Something went wrong on our side; it has been logged');
}

/** Sends an error as RFC 9457 `application/problem+json`. */
export function sendProblem(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  let app: AppError;
  try {
    app = toAppError(err);
  } catch (mapErr) {
    req.log.error({ err, mapErr }, 'error mapping failed');
    app = new AppError('internal', 'Something went wrong on our side; it has been logged');
  }
  if (app.status >= 500) req.log.error({ err }, 'request failed');
  const body = {
    type: `/problems/${app.code}`,
    title: app.code.replace(/_/g, ' '),
    status: app.status,
    detail: app.message,
    code: app.code,
    errors: app.errors,
    instance: req.url,
    requestId: req.id,
    ...(app.extra ?? {}),
  };
  return reply.code(app.status).type('application/problem+json').serializer(JSON.stringify).send(body);
}
