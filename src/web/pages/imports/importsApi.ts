import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  DuplicatePolicy,
  ImportDecision,
  ImportEntity,
  ImportMode,
  ImportOut,
  ImportRowOut,
  ImportSettings,
  ImportStatus,
  ImportTemplateIn,
  ImportTemplateOut,
  TargetField,
} from '../../../core/imports/imports.schemas.js';
import { ApiError, api, BASE } from '../../api/client';
import type { Page } from '../../api/types';

/** Types of the imports API (the shapes of its zod contract in src/core/imports/imports.schemas.ts). */
export type {
  DuplicatePolicy,
  ImportDecision,
  ImportEntity,
  ImportMode,
  ImportOut,
  ImportRowOut,
  ImportSettings,
  ImportStatus,
  ImportTemplateIn,
  ImportTemplateOut,
  TargetField,
};
export type ImportSummary = Omit<ImportOut, 'preview' | 'suggestions' | 'headers' | 'mapping'>;
export type ImportCounts = NonNullable<ImportOut['preview']['counts']>;

export const ENTITIES: { value: ImportEntity; label: string; noun: string }[] = [
  { value: 'leads', label: 'Leads', noun: 'lead' },
  { value: 'contacts', label: 'Contacts', noun: 'contact' },
  { value: 'accounts', label: 'Accounts', noun: 'account' },
  { value: 'deals', label: 'Deals', noun: 'deal' },
  { value: 'activities', label: 'Activities', noun: 'activity' },
];
export const entityLabel = (e: string) => ENTITIES.find((x) => x.value === e)?.label ?? e;
export const isEntity = (e: string | null | undefined): e is ImportEntity =>
  ENTITIES.some((x) => x.value === e);

/** Web page of a record the import wrote or matched (activities have none). */
export const recordHref = (entity: ImportEntity, id: string): string | null =>
  entity === 'activities' ? null : `/${entity}/${id}`;

export const MODES: { value: ImportMode; label: string }[] = [
  { value: 'create', label: 'Create only' },
  { value: 'upsert', label: 'Create or update' },
  { value: 'update', label: 'Update only' },
];
export const POLICIES: { value: DuplicatePolicy; label: string }[] = [
  { value: 'skip', label: 'Skip the row' },
  { value: 'flag', label: 'Create it, flagged as a duplicate' },
  { value: 'update', label: 'Update the existing record' },
];
export const DECISIONS: ImportDecision[] = ['create', 'update', 'skip', 'duplicate', 'error'];
export const DECISION_COLORS: Record<ImportDecision, string> = {
  create: 'teal',
  update: 'blue',
  skip: 'gray',
  duplicate: 'orange',
  error: 'red',
};
export const STATUS_COLORS: Record<ImportStatus, string> = {
  staged: 'gray',
  previewed: 'indigo',
  queued: 'yellow',
  running: 'blue',
  completed: 'teal',
  failed: 'red',
  cancelled: 'orange',
  rolled_back: 'grape',
};

/** Not written yet: the mapping and settings can still change. */
export const isEditable = (s: ImportStatus) => s === 'staged' || s === 'previewed';
export const isActive = (s: ImportStatus) => s === 'queued' || s === 'running';
export const isFinished = (s: ImportStatus) =>
  s === 'completed' || s === 'failed' || s === 'cancelled' || s === 'rolled_back';

export const importKey = (id: string) => ['imports', 'one', id] as const;

/** One import; polled every ~700 ms while it is queued or running. */
export function useImport(id: string | undefined) {
  return useQuery({
    queryKey: importKey(id ?? ''),
    queryFn: ({ signal }) => api.get<ImportOut>(`/imports/${id}`, undefined, signal),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data && isActive(q.state.data.status) ? 700 : false),
  });
}

/** Import history, newest first, a page at a time. */
export function useImportList() {
  return useInfiniteQuery({
    queryKey: ['imports', 'list'],
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<ImportSummary>>('/imports', { limit: 50, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Running imports move on: refresh their progress now and then.
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.data.some((i) => isActive(i.status))) ? 2000 : false,
  });
}

/** The rows of an import with their decisions, filtered by decision, a page at a time (cursor = rowNo). */
export function useImportRows(id: string, decision: ImportDecision | null, version: string) {
  return useInfiniteQuery({
    queryKey: ['imports', 'rows', id, decision, version],
    queryFn: ({ pageParam, signal }) =>
      api.get<{ data: ImportRowOut[]; nextCursor: number | string | null }>(
        `/imports/${id}/rows`,
        { decision, cursor: pageParam, limit: 50 },
        signal,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) =>
      last.nextCursor === null || last.nextCursor === undefined ? undefined : String(last.nextCursor),
    placeholderData: keepPreviousData,
  });
}

/** What columns of this entity can be mapped to (custom fields included). */
export function useImportFields(entity: ImportEntity) {
  return useQuery({
    queryKey: ['imports', 'fields', entity],
    queryFn: ({ signal }) =>
      api.get<{ data: TargetField[] }>('/imports/fields', { entity }, signal).then((r) => r.data),
    staleTime: 60_000,
  });
}

export function useImportTemplates(entity: ImportEntity) {
  return useQuery({
    queryKey: ['import-templates', entity],
    queryFn: ({ signal }) =>
      api
        .get<{ data: ImportTemplateOut[] }>('/import-templates', { entity }, signal)
        .then((r) => r.data.filter((t) => t.entity === entity)),
    staleTime: 30_000,
  });
}

/** Puts a fresh import answer in the cache and refreshes the lists that show it. */
export function useStoreImport() {
  const qc = useQueryClient();
  return (imp: ImportOut) => {
    qc.setQueryData(importKey(imp.id), imp);
    void qc.invalidateQueries({ queryKey: ['imports', 'list'] });
    void qc.invalidateQueries({ queryKey: ['imports', 'rows', imp.id] });
  };
}

export const templateHref = (entity: ImportEntity, format: 'csv' | 'xlsx') =>
  `${BASE}/imports/template?entity=${entity}&format=${format}`;
export const errorFileHref = (id: string) => `${BASE}/imports/${id}/errors`;

/**
 * Uploads a file (multipart: `file` and the text fields) and answers the staged and previewed import.
 * A refused file (empty, unreadable, too large…) throws an ApiError with the server's problem details.
 */
export async function uploadImport(
  file: File,
  fields: { entity: ImportEntity; templateId?: string | null },
): Promise<ImportOut> {
  const form = new FormData();
  // Text fields first: the server reads them before streaming the file.
  form.set('entity', fields.entity);
  if (fields.templateId) form.set('templateId', fields.templateId);
  form.set('file', file, file.name);
  const res = await fetch(`${BASE}/imports`, {
    method: 'POST',
    body: form,
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { detail: text.slice(0, 200) };
  }
  if (!res.ok) throw new ApiError(res.status, body as ConstructorParameters<typeof ApiError>[1]);
  return body as ImportOut;
}

/** The message of a refused upload, for the file input: the `file` field's reason, else the detail. */
export function uploadErrorText(e: unknown): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  const own = e.errors.find((x) => x.field === 'file' || x.field === '');
  const reason = own?.reason ?? e.errors[0]?.reason;
  if (!reason || e.detail.toLowerCase().includes(reason.toLowerCase())) return e.detail;
  return `${e.detail}: ${reason}`;
}

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString()} ${n === 1 ? one : many}`;
