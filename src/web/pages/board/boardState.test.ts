import { describe, expect, it } from 'vitest';
import {
  addCard,
  appendPage,
  type Board,
  type BoardCard,
  type BoardStage,
  moveCard,
  neighbours,
  replaceCard,
} from './boardState';

const stage = (id: string, probability: number, type: BoardStage['type'] = 'open'): BoardStage => ({
  id,
  name: id,
  color: '#228be6',
  position: 0,
  probability,
  type,
  leadStatus: id === 'won' ? 'won' : 'new',
  version: 1,
});

const card = (id: string, stageId: string, dealValue: string | null): BoardCard => ({
  id,
  contactId: `c-${id}`,
  name: id,
  company: null,
  title: null,
  email: null,
  dealValue,
  ownerId: null,
  score: 0,
  source: null,
  priority: 'medium',
  temperature: null,
  status: 'new',
  stageId,
  stageEnteredAt: '2026-01-01T00:00:00.000Z',
  daysInStage: 30,
  rotten: true,
  boardRank: 'a0',
  version: 1,
  expectedCloseDate: null,
});

function board(): Board {
  return {
    pipeline: { id: 'p', name: 'Sales', rottenAfterDays: 14 },
    columns: [
      {
        stage: stage('new', 10),
        count: 3,
        totalValue: '600.00',
        weightedValue: '60.00',
        cards: [card('a', 'new', '100.00'), card('b', 'new', '200.00'), card('c', 'new', '300.00')],
        nextCursor: 'next',
      },
      {
        stage: stage('won', 100, 'won'),
        count: 1,
        totalValue: '50.00',
        weightedValue: '50.00',
        cards: [card('w', 'won', '50.00')],
        nextCursor: null,
      },
    ],
  };
}

const ids = (b: Board, i: number) => b.columns[i]!.cards.map((c) => c.id);

describe('board state (the optimistic changes the board makes)', () => {
  it('moves a card to another column: counts and values follow, the card takes the stage status', () => {
    const b = moveCard(board(), 'b', { stageId: 'won', index: 1 }, new Date('2026-02-01T00:00:00Z'));
    expect(ids(b, 0)).toEqual(['a', 'c']);
    expect(ids(b, 1)).toEqual(['w', 'b']);
    expect(b.columns[0]).toMatchObject({ count: 2, totalValue: '400.00', weightedValue: '40.00' });
    expect(b.columns[1]).toMatchObject({ count: 2, totalValue: '250.00', weightedValue: '250.00' });
    expect(b.columns[1]!.cards[1]).toMatchObject({
      stageId: 'won',
      status: 'won',
      daysInStage: 0,
      rotten: false,
      stageEnteredAt: '2026-02-01T00:00:00.000Z',
    });
    // Neighbours for the request: below the Won card, nothing under it.
    expect(neighbours(b, 'b')).toEqual({ afterId: 'w' });
  });

  it('reorders within a column without touching counts; neighbours name the cards around it', () => {
    const b = moveCard(board(), 'c', { stageId: 'new', index: 0 });
    expect(ids(b, 0)).toEqual(['c', 'a', 'b']);
    expect(b.columns[0]).toMatchObject({ count: 3, totalValue: '600.00' });
    expect(neighbours(b, 'c')).toEqual({ beforeId: 'a' });
    const mid = moveCard(board(), 'a', { stageId: 'new', index: 1 });
    expect(ids(mid, 0)).toEqual(['b', 'a', 'c']);
    expect(neighbours(mid, 'a')).toEqual({ afterId: 'b', beforeId: 'c' });
    expect(mid.columns[0]!.cards[1]!.daysInStage).toBe(30);
  });

  it('puts a card back: moving it to where it was and restoring it gives the board it was', () => {
    const before = board();
    const moved = moveCard(before, 'a', { stageId: 'won', index: 0 });
    const back = replaceCard(
      moveCard(moved, 'a', { stageId: 'new', index: 0 }),
      before.columns[0]!.cards[0]!,
    );
    expect(back).toEqual(before);
  });

  it('appends a page (skipping cards already held) and adds a quick-added card on top', () => {
    const b = appendPage(board(), 'new', {
      cards: [card('b', 'new', '1'), card('d', 'new', '5')],
      nextCursor: null,
    });
    expect(ids(b, 0)).toEqual(['a', 'b', 'c', 'd']);
    expect(b.columns[0]!.nextCursor).toBeNull();
    const added = addCard(b, card('n', 'won', '25.50'));
    expect(ids(added, 1)).toEqual(['n', 'w']);
    expect(added.columns[1]).toMatchObject({ count: 2, totalValue: '75.50', weightedValue: '75.50' });
  });
});
