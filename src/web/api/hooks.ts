import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { ApiError, api, type Query, type WithEtag } from './client';
import type { Member, Page, Pipeline, Session } from './types';

/** Entities with list, get and PATCH endpoints; also the first segment of their query keys. */
export type Resource = 'leads' | 'contacts' | 'accounts' | 'deals';

export const PAGE_SIZE = 50;

export const sessionKey = ['session'] as const;

/** The signed-in user and workspaces; `null` when signed out. */
export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async ({ signal }) => {
      try {
        return await api.get<Session>('/auth/me', undefined, signal);
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

export function useMembers() {
  return useQuery({
    queryKey: ['members'],
    queryFn: ({ signal }) => api.get<{ data: Member[] }>('/members', undefined, signal).then((r) => r.data),
    staleTime: 60_000,
  });
}

export function usePipelines() {
  return useQuery({
    queryKey: ['pipelines'],
    queryFn: ({ signal }) =>
      api.get<{ data: Pipeline[] }>('/pipelines', undefined, signal).then((r) => r.data),
    staleTime: 5 * 60_000,
  });
}

/** One record with the ETag it was read at (sent back as If-Match when saving). */
export function useRecord<T>(resource: Resource, id: string | undefined) {
  return useQuery({
    queryKey: [resource, 'one', id],
    queryFn: ({ signal }) => api.getWithEtag<T>(`/${resource}/${id}`, signal),
    enabled: !!id,
  });
}

/** A cursor-paginated list; pages are fetched one at a time as the user scrolls. */
export function useInfiniteList<T>(path: string, key: readonly unknown[], query: Query) {
  return useInfiniteQuery({
    queryKey: [...key, query],
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<T>>(path, { ...query, limit: PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/**
 * How many records a list shows with this query (`GET <path>/count`, the list's own parameters; sort,
 * limit and cursor do not change it). Keyed under the list's key, so what refreshes the list refreshes it.
 */
export function useListCount(path: string, key: readonly unknown[], query: Query, enabled = true) {
  const { sort: _sort, limit: _limit, cursor: _cursor, ...counted } = query;
  return useQuery({
    queryKey: [...key, 'count', counted],
    queryFn: ({ signal }) =>
      api.get<{ count: number }>(`${path}/count`, counted, signal).then((r) => r.count),
    enabled,
  });
}

/** PATCHes a record with If-Match from the cached ETag, and caches the answer and its new ETag. */
export function useSaveRecord<T>(resource: Resource, id: string, also: string[] = []) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => {
      const cached = qc.getQueryData<WithEtag<T>>([resource, 'one', id]);
      return api.patch<T>(`/${resource}/${id}`, body, cached?.etag);
    },
    onSuccess: (res) => {
      qc.setQueryData([resource, 'one', id], res);
      void qc.invalidateQueries({ queryKey: [resource, 'list'] });
      void qc.invalidateQueries({ queryKey: [resource, 'timeline', id] });
      void qc.invalidateQueries({ queryKey: ['audit'] });
      for (const r of also) void qc.invalidateQueries({ queryKey: [r] });
    },
  });
}
