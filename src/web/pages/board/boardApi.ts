import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, type Query } from '../../api/client';
import type { Lead } from '../../api/types';
import {
  addCard,
  appendPage,
  type Board,
  type BoardCard,
  findCard,
  moveCard,
  neighbours,
  type Placement,
  replaceCard,
} from './boardState';

/** Cards per column page. */
export const COLUMN_PAGE = 50;

/** Board filters as the API takes them (owner already resolved: "me" → the user's id). */
export type BoardQuery = {
  ownerId?: string;
  source?: string;
  scoreMin?: number;
  scoreMax?: number;
  createdFrom?: string;
  createdTo?: string;
  q?: string;
};

export const boardKey = (pipelineId: string, filters: BoardQuery) => ['board', pipelineId, filters] as const;

export function useBoard(pipelineId: string | undefined, filters: BoardQuery) {
  return useQuery({
    queryKey: boardKey(pipelineId ?? '', filters),
    queryFn: ({ signal }) =>
      api.get<Board>(`/pipelines/${pipelineId}/board`, { ...filters, limit: COLUMN_PAGE } as Query, signal),
    enabled: !!pipelineId,
    // Pages loaded by scrolling and moves made live in this cache entry; a refetch (coming back to the
    // board after a few seconds, or a lead changed elsewhere) starts again from each column's first page.
    staleTime: 5_000,
  });
}

/** Loads the next page of one column (by its cursor) into the board. */
export function useLoadColumnPage(pipelineId: string, filters: BoardQuery) {
  const qc = useQueryClient();
  const key = boardKey(pipelineId, filters);
  return useMutation({
    mutationFn: ({ stageId, cursor }: { stageId: string; cursor: string }) =>
      api.get<{ cards: BoardCard[]; nextCursor: string | null }>(
        `/pipelines/${pipelineId}/board/columns/${stageId}`,
        { ...filters, cursor, limit: COLUMN_PAGE } as Query,
      ),
    onSuccess: (page, { stageId }) => {
      qc.setQueryData<Board>(key, (b) => (b ? appendPage(b, stageId, page) : b));
    },
    onError: (e) =>
      notifications.show({
        color: 'red',
        title: 'Could not load more cards',
        message: e instanceof ApiError ? e.detail : String(e),
      }),
  });
}

export type MoveInput = { cardId: string; to: Placement };

/** A move shown on the board and not yet confirmed by the server (or waiting for a lost reason). */
export type PendingMove = MoveInput & {
  /** Where the card was, to put it back. */
  from: Placement;
  /** The card as it was (status, time in stage). */
  card: BoardCard;
  place: { afterId?: string; beforeId?: string };
};

/**
 * Moves on the board: `show` moves a card at once in the cached board (counts and values follow);
 * `send` asks the server (POST /leads/:id/move with the stage, the neighbours and a lost reason), puts
 * the server's card in place and refreshes the lead, its contact and timelines; on an error, or on
 * `putBack`, the card returns where it was.
 */
export function useBoardMoves(pipelineId: string, filters: BoardQuery) {
  const qc = useQueryClient();
  const key = boardKey(pipelineId, filters);
  const putBack = (p: PendingMove) =>
    qc.setQueryData<Board>(key, (b) => (b ? replaceCard(moveCard(b, p.cardId, p.from), p.card) : b));
  const mutation = useMutation({
    mutationFn: ({ p, lostReason }: { p: PendingMove; lostReason?: string }) =>
      api.post<{ lead: Lead; card: BoardCard }>(`/leads/${p.cardId}/move`, {
        stageId: p.to.stageId,
        ...p.place,
        ...(lostReason ? { lostReason } : {}),
      }),
    onSuccess: (res) => {
      qc.setQueryData<Board>(key, (b) => (b ? replaceCard(b, res.card) : b));
      for (const k of ['leads', 'contacts', 'deals', 'audit']) void qc.invalidateQueries({ queryKey: [k] });
    },
    onError: (e, { p }) => {
      putBack(p);
      notifications.show({
        color: 'red',
        title: 'The card was not moved',
        message: e instanceof ApiError ? e.detail : String(e),
      });
    },
  });
  const show = (input: MoveInput): PendingMove | null => {
    const board = qc.getQueryData<Board>(key);
    const found = board && findCard(board, input.cardId);
    if (!board || !found) return null;
    const from = { stageId: found.column.stage.id, index: found.column.cards.indexOf(found.card) };
    if (from.stageId === input.to.stageId && from.index === input.to.index) return null;
    void qc.cancelQueries({ queryKey: key });
    const next = moveCard(board, input.cardId, input.to);
    qc.setQueryData<Board>(key, next);
    return { ...input, from, card: found.card, place: neighbours(next, input.cardId) };
  };
  const send = (p: PendingMove, lostReason?: string) => mutation.mutate({ p, lostReason });
  return { show, send, putBack, pending: mutation.isPending };
}

/** Quick add: a new lead in a stage, shown on top of its column. */
export function useQuickAdd(pipelineId: string, filters: BoardQuery) {
  const qc = useQueryClient();
  const key = boardKey(pipelineId, filters);
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => api.post<Lead>('/leads', body),
    onSuccess: (lead) => {
      const filtered = Object.values(filters).some((v) => v !== undefined && v !== '');
      // With filters on, the new lead may not match them: ask the server for the board again.
      if (filtered) void qc.invalidateQueries({ queryKey: key });
      else qc.setQueryData<Board>(key, (b) => (b ? addCard(b, cardOf(lead)) : b));
      void qc.invalidateQueries({ queryKey: ['leads'] });
      void qc.invalidateQueries({ queryKey: ['contacts'] });
    },
  });
}

/** A created lead as a board card. */
export function cardOf(lead: Lead): BoardCard {
  return {
    id: lead.id,
    contactId: lead.contactId,
    name: lead.name,
    company: lead.company,
    title: lead.title,
    email: lead.email,
    dealValue: lead.dealValue,
    ownerId: lead.ownerId,
    score: lead.score,
    source: lead.source,
    priority: lead.priority,
    temperature: lead.temperature,
    status: lead.status,
    stageId: lead.stageId,
    stageEnteredAt: lead.stageEnteredAt,
    daysInStage: 0,
    rotten: false,
    boardRank: lead.boardRank,
    version: lead.version,
    expectedCloseDate: lead.expectedCloseDate,
  };
}
