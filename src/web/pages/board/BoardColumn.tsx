import { useDroppable } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import {
  ActionIcon,
  Badge,
  Box,
  Button,
  ColorSwatch,
  Group,
  Loader,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { defaultRangeExtractor, useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Member } from '../../api/types';
import { formatMoney } from '../../lib/format';
import { SortableBoardCard } from './BoardCard';
import type { BoardQuery } from './boardApi';
import type { BoardColumn as Column } from './boardState';
import { QuickAddCard } from './QuickAddCard';

/** Estimated card height with its gap (measured once rendered). */
const CARD_HEIGHT = 96;
/** Ask for the next page when the last rendered card is this close to the end of the loaded cards. */
const PREFETCH = 10;

export const columnDropId = (stageId: string) => `column:${stageId}`;

function ColumnHeader(props: {
  column: Column;
  currency: string;
  canAdd: boolean;
  adding: boolean;
  onAdd: () => void;
}) {
  const { stage, count, totalValue, weightedValue } = props.column;
  return (
    <Box
      px="sm"
      pt={10}
      pb={8}
      style={{
        borderTop: `4px solid ${stage.color}`,
        borderTopLeftRadius: 'var(--mantine-radius-md)',
        borderTopRightRadius: 'var(--mantine-radius-md)',
      }}
    >
      <Group justify="space-between" wrap="nowrap" gap={6}>
        <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
          <ColorSwatch color={stage.color} size={10} withShadow={false} />
          <Text fw={700} size="sm" className="lb-nowrap" data-testid="column-name">
            {stage.name}
          </Text>
          <Badge size="sm" variant="default" radius="sm" data-testid="column-count">
            {count.toLocaleString()}
          </Badge>
        </Group>
        {props.canAdd && (
          <Tooltip label={`Add a lead to ${stage.name}`} withArrow>
            <ActionIcon
              variant={props.adding ? 'light' : 'subtle'}
              color="gray"
              size="sm"
              aria-label={`Add a lead to ${stage.name}`}
              onClick={props.onAdd}
            >
              <IconPlus size={16} />
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
      <Group gap={6} mt={4} wrap="nowrap">
        <Text size="xs" fw={600} data-testid="column-total">
          {formatMoney(totalValue, props.currency)}
        </Text>
        <Tooltip
          label={`Weighted by the stage's ${stage.probability}% win probability`}
          withArrow
          openDelay={300}
        >
          <Text size="xs" c="dimmed" className="lb-nowrap" data-testid="column-weighted">
            · {formatMoney(weightedValue, props.currency)} weighted
          </Text>
        </Tooltip>
      </Group>
    </Box>
  );
}

/**
 * One stage: header with count and values, an optional quick-add form, and its cards as a virtualized
 * sortable list that loads the next page by the column's cursor when scrolled near its end.
 */
export function BoardColumn(props: {
  column: Column;
  pipelineId: string;
  filters: BoardQuery;
  currency: string;
  members: Map<string, Member>;
  canWrite: boolean;
  /** The dragged card's id (kept rendered while it scrolls out of view). */
  activeId: string | null;
  /** Where a card dragged from another column would land: a line before this index. */
  dropIndex: number | null;
  /** Whether the dragged card is over this column. */
  over: boolean;
  loadingMore: boolean;
  /** Loading the next page failed: offer to try again rather than retrying on every render. */
  loadFailed: boolean;
  onLoadMore: (stageId: string, cursor: string) => void;
  onOpen: (id: string) => void;
}) {
  const { column } = props;
  const { stage, cards, nextCursor } = column;
  const [adding, setAdding] = useState(false);
  const { setNodeRef } = useDroppable({
    id: columnDropId(stage.id),
    data: { type: 'column', stageId: stage.id },
  });
  const scrollRef = useRef<HTMLDivElement>(null);
  const ids = useMemo(() => cards.map((c) => c.id), [cards]);
  const activeIndex = props.activeId ? ids.indexOf(props.activeId) : -1;
  const rows = cards.length + (nextCursor ? 1 : 0);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CARD_HEIGHT,
    overscan: 6,
    getItemKey: (i) => cards[i]?.id ?? 'more',
    rangeExtractor: useCallback(
      (range: Parameters<typeof defaultRangeExtractor>[0]) => {
        const list = defaultRangeExtractor(range);
        return activeIndex >= 0 && !list.includes(activeIndex)
          ? [...list, activeIndex].sort((a, b) => a - b)
          : list;
      },
      [activeIndex],
    ),
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  const { onLoadMore, loadingMore, loadFailed } = props;
  const lastIndex = last?.index ?? -1;
  useEffect(() => {
    if (nextCursor && !loadingMore && !loadFailed && lastIndex >= cards.length - PREFETCH)
      onLoadMore(stage.id, nextCursor);
  }, [lastIndex, nextCursor, loadingMore, loadFailed, cards.length, stage.id, onLoadMore]);

  return (
    <section
      ref={setNodeRef}
      className="lb-board-column"
      data-over={props.over || undefined}
      data-testid="board-column"
      data-stage-id={stage.id}
      data-stage-name={stage.name}
      aria-label={`${stage.name}: ${column.count} leads`}
    >
      <ColumnHeader
        column={column}
        currency={props.currency}
        canAdd={props.canWrite}
        adding={adding}
        onAdd={() => setAdding((a) => !a)}
      />
      {adding && (
        <Box px={8}>
          <QuickAddCard
            pipelineId={props.pipelineId}
            stageId={stage.id}
            stageName={stage.name}
            filters={props.filters}
            onClose={() => setAdding(false)}
          />
        </Box>
      )}
      <div className="lb-board-column-list" ref={scrollRef} data-testid="column-list">
        {cards.length === 0 && !adding && (
          <Stack
            align="center"
            justify="center"
            h={120}
            style={{
              border: '1px dashed var(--mantine-color-gray-4)',
              borderRadius: 'var(--mantine-radius-md)',
            }}
          >
            <Text size="xs" c="dimmed">
              {props.canWrite ? 'Drop a card here' : 'No leads'}
            </Text>
          </Stack>
        )}
        <SortableContext id={stage.id} items={ids} strategy={verticalListSortingStrategy}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((row) => {
              const card = cards[row.index];
              return (
                <div
                  key={row.key}
                  data-index={row.index}
                  ref={virtualizer.measureElement}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    width: '100%',
                    transform: `translateY(${row.start}px)`,
                  }}
                >
                  {props.dropIndex === row.index && (
                    <div className="lb-board-drop-line" style={{ top: -6 }} />
                  )}
                  {card ? (
                    <SortableBoardCard
                      card={card}
                      owner={card.ownerId ? props.members.get(card.ownerId) : undefined}
                      currency={props.currency}
                      disabled={!props.canWrite}
                      onOpen={props.onOpen}
                    />
                  ) : loadFailed && nextCursor ? (
                    <Group justify="center" py="sm">
                      <Button
                        size="compact-xs"
                        variant="light"
                        onClick={() => onLoadMore(stage.id, nextCursor)}
                      >
                        Load more
                      </Button>
                    </Group>
                  ) : (
                    <Group justify="center" py="sm" data-testid="column-loading">
                      <Loader size="xs" />
                      <Text size="xs" c="dimmed">
                        Loading more…
                      </Text>
                    </Group>
                  )}
                </div>
              );
            })}
            {props.dropIndex !== null && cards.length > 0 && props.dropIndex >= cards.length && (
              <div className="lb-board-drop-line" style={{ top: virtualizer.getTotalSize() - 6 }} />
            )}
          </div>
        </SortableContext>
      </div>
    </section>
  );
}
