/** A small fetch wrapper for the Leadbase API: JSON in and out, ETags, and problem+json errors. */

export type FieldError = { field: string; reason: string };

/** An error answer of the API (RFC 9457 problem details). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: FieldError[];
  /** Members of the problem beyond the standard ones (e.g. `candidates` of a duplicate-rule 409). */
  readonly extra: Record<string, unknown>;

  constructor(status: number, body: { detail?: string; code?: string; errors?: FieldError[] } | null) {
    const detail = body?.detail ?? `Request failed (${status})`;
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.code ?? 'error';
    this.detail = detail;
    this.errors = Array.isArray(body?.errors) ? body.errors : [];
    this.extra = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  }
}

export type WithEtag<T> = { data: T; etag: string | null };

export type Query = Record<string, string | number | boolean | null | undefined>;

export const BASE = '/api/v1';

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

type Options = { query?: Query; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal };

async function request<T>(method: string, path: string, opts: Options = {}): Promise<WithEtag<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(withQuery(`${BASE}${path}`, opts.query), {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    credentials: 'same-origin',
    signal: opts.signal,
  });
  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { detail: text.slice(0, 200) };
    }
  }
  if (!res.ok) throw new ApiError(res.status, body as ConstructorParameters<typeof ApiError>[1]);
  return { data: body as T, etag: res.headers.get('etag') };
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) =>
    request<T>('GET', path, { query, signal }).then((r) => r.data),
  getWithEtag: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, { signal }),
  post: <T>(path: string, body?: unknown) =>
    request<T>('POST', path, { body: body ?? {} }).then((r) => r.data),
  patch: <T>(path: string, body: unknown, etag?: string | null) =>
    request<T>('PATCH', path, { body, headers: etag ? { 'if-match': etag } : {} }),
  delete: <T>(path: string) => request<T>('DELETE', path).then((r) => r.data),
};

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;
