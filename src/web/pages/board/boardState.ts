/**
 * The board's data (GET /pipelines/:id/board) and the pure changes the web app makes to it while the
 * server catches up: a card moved (optimistic), a page of a column appended, a quick-added card.
 */
import type { BoardOut, Card } from '../../../core/board/board.schemas.js';

/** The API's board (GET /pipelines/:id/board), its columns, stages and cards (type-only imports). */
export type Board = BoardOut;
export type BoardColumn = BoardOut['columns'][number];
export type BoardStage = BoardColumn['stage'];
export type BoardCard = Card;

/** Where a card goes: its column and its index among that column's loaded cards. */
export type Placement = { stageId: string; index: number };

const money = (v: string | null | undefined): number => (v ? Number(v) : 0);
const fixed = (n: number): string => (Math.round(n * 100) / 100).toFixed(2);

function withValue(col: BoardColumn, card: BoardCard, sign: 1 | -1): BoardColumn {
  const v = money(card.dealValue);
  return {
    ...col,
    count: col.count + sign,
    totalValue: fixed(money(col.totalValue) + sign * v),
    weightedValue: fixed(money(col.weightedValue) + (sign * v * col.stage.probability) / 100),
  };
}

export function findCard(board: Board, cardId: string): { card: BoardCard; column: BoardColumn } | null {
  for (const column of board.columns) {
    const card = column.cards.find((c) => c.id === cardId);
    if (card) return { card, column };
  }
  return null;
}

/**
 * The board with a card moved to `to` (same or another column): removed from its column and inserted at
 * the index; counts and values follow; a card entering another stage gets that stage's status and
 * starts its time in stage.
 */
export function moveCard(board: Board, cardId: string, to: Placement, now = new Date()): Board {
  const found = findCard(board, cardId);
  if (!found) return board;
  const target = board.columns.find((c) => c.stage.id === to.stageId);
  if (!target) return board;
  const sameColumn = found.column.stage.id === to.stageId;
  const moved: BoardCard = sameColumn
    ? found.card
    : {
        ...found.card,
        stageId: to.stageId,
        status: target.stage.leadStatus,
        stageEnteredAt: now.toISOString(),
        daysInStage: 0,
        rotten: false,
      };
  return {
    ...board,
    columns: board.columns.map((col) => {
      const isFrom = col.stage.id === found.column.stage.id;
      const isTo = col.stage.id === to.stageId;
      if (!isFrom && !isTo) return col;
      let cards = col.cards;
      if (isFrom) cards = cards.filter((c) => c.id !== cardId);
      if (isTo) {
        const i = Math.max(0, Math.min(to.index, cards.length));
        cards = [...cards.slice(0, i), moved, ...cards.slice(i)];
      }
      let next: BoardColumn = { ...col, cards };
      if (!sameColumn) next = withValue(next, found.card, isTo ? 1 : -1);
      return next;
    }),
  };
}

/** The server's card in place of the optimistic one (new rank, version, status). */
export function replaceCard(board: Board, card: BoardCard): Board {
  return {
    ...board,
    columns: board.columns.map((col) =>
      col.cards.some((c) => c.id === card.id)
        ? { ...col, cards: col.cards.map((c) => (c.id === card.id ? card : c)) }
        : col,
    ),
  };
}

/** A further page of a column (cards the board already holds, e.g. moved in meanwhile, are skipped). */
export function appendPage(
  board: Board,
  stageId: string,
  page: { cards: BoardCard[]; nextCursor: string | null },
): Board {
  const held = new Set(board.columns.flatMap((c) => c.cards.map((x) => x.id)));
  return {
    ...board,
    columns: board.columns.map((col) =>
      col.stage.id === stageId
        ? {
            ...col,
            cards: [...col.cards, ...page.cards.filter((c) => !held.has(c.id))],
            nextCursor: page.nextCursor,
          }
        : col,
    ),
  };
}

/** A new card on top of its column, counted. */
export function addCard(board: Board, card: BoardCard): Board {
  return {
    ...board,
    columns: board.columns.map((col) =>
      col.stage.id === card.stageId ? withValue({ ...col, cards: [card, ...col.cards] }, card, 1) : col,
    ),
  };
}

/**
 * The move request's neighbours for a card placed at `index` of the column's cards as they are
 * after the move: the card above it (`afterId`: place after it) and the card below (`beforeId`).
 */
export function neighbours(board: Board, cardId: string): { afterId?: string; beforeId?: string } {
  const found = findCard(board, cardId);
  if (!found) return {};
  const cards = found.column.cards;
  const i = cards.findIndex((c) => c.id === cardId);
  const above = cards[i - 1];
  const below = cards[i + 1];
  return { ...(above ? { afterId: above.id } : {}), ...(below ? { beforeId: below.id } : {}) };
}
