import { notifications } from '@mantine/notifications';
import { type InfiniteData, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { createElement } from 'react';
import type { TaskOut } from '../../../core/tasks/tasks.schemas.js';
import { api } from '../../api/client';
import type { Page } from '../../api/types';
import { showApiError } from '../../lib/forms';
import { UndoMessage } from './UndoMessage';

export type Task = TaskOut;
export const TASK_TYPES = ['follow_up', 'call', 'email', 'meeting', 'demo', 'proposal', 'other'] as const;
export const TASK_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const TASK_STATUSES = ['pending', 'in_progress', 'completed', 'cancelled'] as const;

/** The browser's IANA time zone ("today" is the user's day). */
export const browserTz = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Every cached task list and count: refetched after a change. */
export function invalidateTasks(qc: QueryClient) {
  void qc.invalidateQueries({ queryKey: ['tasks'] });
  void qc.invalidateQueries({ queryKey: ['leads', 'timeline'] });
  void qc.invalidateQueries({ queryKey: ['contacts', 'timeline'] });
  void qc.invalidateQueries({ queryKey: ['notifications'] });
}

/** Replaces a task in every cached task list (pages of infinite lists or plain pages). */
function patchCached(qc: QueryClient, id: string, change: Partial<Task>) {
  qc.setQueriesData<InfiniteData<Page<Task>> | Page<Task>>({ queryKey: ['tasks'] }, (old) => {
    if (!old || typeof old !== 'object') return old;
    const fix = (p: Page<Task>) => ({
      ...p,
      data: p.data.map((t) => (t.id === id ? { ...t, ...change } : t)),
    });
    if ('pages' in old) return { ...old, pages: old.pages.map(fix) };
    if ('data' in old && Array.isArray(old.data)) return fix(old);
    return old;
  });
}

/**
 * Completes a task at once in every list (optimistic), then on the server; a notification offers
 * Undo (reopen). A failure puts the task back and says why.
 */
export function useCompleteTask() {
  const qc = useQueryClient();
  const reopen = useMutation({
    mutationFn: (id: string) => api.post<Task>(`/tasks/${id}/reopen`),
    onMutate: (id) => patchCached(qc, id, { status: 'pending', completedAt: null }),
    onError: (e) => showApiError(e),
    onSettled: () => invalidateTasks(qc),
  });
  return useMutation({
    mutationFn: (t: Task) => api.post<Task>(`/tasks/${t.id}/complete`),
    onMutate: async (t) => {
      await qc.cancelQueries({ queryKey: ['tasks'] });
      patchCached(qc, t.id, { status: 'completed', completedAt: new Date().toISOString(), overdue: false });
    },
    onSuccess: (_done, t) => {
      const id = `task-done-${t.id}`;
      notifications.show({
        id,
        color: 'green',
        message: createElement(UndoMessage, {
          text: `Completed: ${t.title}`,
          onUndo: () => {
            notifications.hide(id);
            reopen.mutate(t.id);
          },
        }),
      });
    },
    onError: (e, t) => {
      patchCached(qc, t.id, { status: t.status, completedAt: t.completedAt });
      showApiError(e);
    },
    onSettled: () => invalidateTasks(qc),
  });
}
