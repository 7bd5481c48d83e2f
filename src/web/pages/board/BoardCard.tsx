import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Avatar, Badge, Group, Paper, Text, Tooltip } from '@mantine/core';
import { IconClockExclamation } from '@tabler/icons-react';
import { memo } from 'react';
import type { Member } from '../../api/types';
import { formatMoney, initials } from '../../lib/format';
import type { BoardCard } from './boardState';

const scoreColor = (s: number) => (s >= 70 ? 'green' : s >= 40 ? 'yellow' : 'gray');

const days = (n: number) => `${n} d`;

/** What a card shows: name, company and title, value, owner, score, time in stage; rotten in red. */
export function CardBody(props: {
  card: BoardCard;
  owner: Member | undefined;
  currency: string;
  overlay?: boolean;
}) {
  const { card, owner } = props;
  const sub = [card.company, card.title].filter(Boolean).join(' · ');
  return (
    <Paper
      withBorder
      radius="md"
      px="sm"
      py={8}
      shadow={props.overlay ? 'lg' : 'xs'}
      className="lb-board-card"
      data-rotten={card.rotten || undefined}
      style={{
        borderLeft: card.rotten
          ? '4px solid var(--mantine-color-red-6)'
          : '4px solid var(--mantine-color-gray-2)',
        cursor: props.overlay ? 'grabbing' : 'grab',
        transform: props.overlay ? 'rotate(2deg)' : undefined,
        userSelect: 'none',
      }}
    >
      <Group justify="space-between" gap={6} wrap="nowrap" align="flex-start">
        <Text size="sm" fw={600} lineClamp={1} data-testid="card-name">
          {card.name || 'Unnamed contact'}
        </Text>
        <Tooltip label="Score" withArrow openDelay={400}>
          <Badge size="sm" variant="light" color={scoreColor(card.score)} style={{ flexShrink: 0 }}>
            {card.score}
          </Badge>
        </Tooltip>
      </Group>
      {sub && (
        <Text size="xs" c="dimmed" lineClamp={1} mt={2}>
          {sub}
        </Text>
      )}
      <Group justify="space-between" gap={6} wrap="nowrap" mt={6}>
        <Text size="sm" fw={500} className="lb-nowrap">
          {card.dealValue ? formatMoney(card.dealValue, props.currency) : '—'}
        </Text>
        <Group gap={6} wrap="nowrap">
          {card.rotten ? (
            <Group gap={2} wrap="nowrap" data-testid="card-rotten">
              <IconClockExclamation size={14} color="var(--mantine-color-red-6)" />
              <Text size="xs" c="red.7" fw={600} className="lb-nowrap">
                rotten · {days(card.daysInStage)}
              </Text>
            </Group>
          ) : (
            <Tooltip label="Days in this stage" withArrow openDelay={400}>
              <Text size="xs" c="dimmed" className="lb-nowrap">
                {days(card.daysInStage)}
              </Text>
            </Tooltip>
          )}
          <Tooltip label={owner ? owner.name : card.ownerId ? 'Former member' : 'Unassigned'} withArrow>
            <Avatar size={22} radius="xl" color={card.ownerId ? 'violet' : 'gray'}>
              {owner ? initials(owner.name) : card.ownerId ? '?' : '–'}
            </Avatar>
          </Tooltip>
        </Group>
      </Group>
    </Paper>
  );
}

/** A card in its column: dragged with the mouse or the keyboard (Space), opened by a click or Enter. */
export const SortableBoardCard = memo(function SortableBoardCard(props: {
  card: BoardCard;
  owner: Member | undefined;
  currency: string;
  disabled: boolean;
  onOpen: (id: string) => void;
}) {
  const { card } = props;
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: card.id,
    data: { type: 'card', stageId: card.stageId },
    disabled: props.disabled,
  });
  return (
    // biome-ignore lint/a11y: useSortable's attributes make it a focusable role="button" (Space picks it up)
    <div
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      aria-label={`${card.name || 'Unnamed contact'}${card.company ? `, ${card.company}` : ''}`}
      aria-roledescription="lead card"
      data-testid="board-card"
      data-card-id={card.id}
      onClick={() => props.onOpen(card.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !isDragging) props.onOpen(card.id);
        else listeners?.onKeyDown?.(e);
      }}
      style={{
        transform: CSS.Translate.toString(transform),
        transition,
        opacity: isDragging ? 0.35 : 1,
        outline: 'none',
      }}
      className="lb-board-card-wrap"
    >
      <CardBody card={card} owner={props.owner} currency={props.currency} />
    </div>
  );
});
