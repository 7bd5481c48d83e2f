import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { MergeOut } from '../../../core/merges/merges.schemas.js';
import { api } from '../../api/client';
import type { Page } from '../../api/types';
import { showApiError } from '../../lib/forms';

export type { MergeOut };

/** Types of the duplicates, jobs and merges APIs (the shapes of their zod contracts). */

export type Entity = 'contact' | 'lead' | 'account';
export const ENTITIES: { entity: Entity; path: 'contacts' | 'leads' | 'accounts'; label: string }[] = [
  { entity: 'contact', path: 'contacts', label: 'Contacts' },
  { entity: 'lead', path: 'leads', label: 'Leads' },
  { entity: 'account', path: 'accounts', label: 'Accounts' },
];
export const entityOfPath = (path: string | undefined) =>
  ENTITIES.find((e) => e.path === path) ?? ENTITIES[0]!;
export const pathOf = (entity: Entity) => ENTITIES.find((e) => e.entity === entity)!.path;

export type Reason = {
  field: string;
  method: 'exact' | 'fuzzy' | 'phonetic' | 'nickname';
  similarity: number;
  a: string | null;
  b: string | null;
};
export type RecordSummary = {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  street?: string | null;
  city?: string | null;
  postcode?: string | null;
  deletedAt?: string | null;
};
export type DuplicatePair = {
  recordIds: [string, string];
  score: number;
  reasons: Reason[];
  status: 'open' | 'dismissed' | 'merged';
  detectedAt: string;
  records: RecordSummary[];
};
export type Job = {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number;
  total: number | null;
  phase?: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
};
export type MergeResult<T> = {
  mergeId: string | null;
  preview: boolean;
  survivor: T;
  picks: Record<string, string>;
  moves: Record<string, number>;
};

/** "email exact", "name 0.92 (nickname)". */
export function reasonLabel(r: Reason): string {
  const how = r.method === 'exact' ? 'exact' : r.similarity.toFixed(2);
  const why = r.method === 'phonetic' || r.method === 'nickname' ? ` (${r.method})` : '';
  return `${r.field} ${how}${why}`;
}

export function useDuplicates(entity: Entity, opts: { recordId?: string; enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['duplicates', entity, opts.recordId ?? null],
    queryFn: ({ signal }) =>
      api.get<Page<DuplicatePair>>(
        '/duplicates',
        { entity, status: 'open', limit: 100, recordId: opts.recordId },
        signal,
      ),
    enabled: opts.enabled ?? true,
  });
}

export function useMerges(query: { entity?: Entity; recordId?: string }) {
  return useQuery({
    queryKey: ['merges', query],
    queryFn: ({ signal }) => api.get<Page<MergeOut>>('/merges', { ...query, limit: 50 }, signal),
  });
}

/** Undo a merge: on 409 the problem names the later change that prevents it. */
export function useUndoMerge() {
  const qc = useQueryClient();
  return async (m: { id: string; survivorName?: string }) => {
    try {
      const out = await api.post<MergeOut>(`/merges/${m.id}/undo`);
      notifications.show({
        color: 'green',
        title: 'Merge undone',
        message: `${out.mergedNames.join(', ')} and ${out.survivorName} are back as they were`,
      });
      for (const k of ['merges', 'duplicates', 'contacts', 'leads', 'accounts', 'audit'])
        void qc.invalidateQueries({ queryKey: [k] });
      return out;
    } catch (e) {
      showApiError(e, undefined, { title: 'The merge cannot be undone' });
      return null;
    }
  };
}
