import {
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import {
  arrayMove,
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { ActionIcon, Badge, ColorSwatch, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconGripVertical, IconPencil, IconTrash } from '@tabler/icons-react';
import type { Stage } from '../../api/types';

export type StageUsage = { leads: number; deletedLeads: number; deals: number; deletedDeals: number };

const TYPE_COLOR = { open: 'blue', won: 'green', lost: 'red' } as const;

function StageRow({
  stage,
  usage,
  isAdmin,
  onEdit,
  onRemove,
}: {
  stage: Stage;
  usage?: StageUsage;
  isAdmin: boolean;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } =
    useSortable({ id: stage.id, disabled: !isAdmin });
  return (
    <Paper
      ref={setNodeRef}
      withBorder
      p="sm"
      data-testid="stage-row"
      data-stage-name={stage.name}
      style={{
        transform: CSS.Transform.toString(transform),
        transition,
        opacity: isDragging ? 0.6 : 1,
        position: 'relative',
        zIndex: isDragging ? 1 : undefined,
        borderLeft: `4px solid ${stage.color}`,
      }}
    >
      <Group justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          {isAdmin && (
            <ActionIcon
              ref={setActivatorNodeRef}
              variant="subtle"
              color="gray"
              style={{ cursor: 'grab', touchAction: 'none' }}
              aria-label={`Drag ${stage.name}`}
              {...attributes}
              {...listeners}
            >
              <IconGripVertical size={16} />
            </ActionIcon>
          )}
          <ColorSwatch color={stage.color} size={16} />
          <div>
            <Text fw={600} size="sm">
              {stage.name}
            </Text>
            <Text size="xs" c="dimmed">
              Leads here are {stage.leadStatus} · {stage.probability}% probability
            </Text>
          </div>
        </Group>
        <Group gap="sm" wrap="nowrap">
          {usage && (
            <Text size="xs" c="dimmed" data-testid="stage-usage">
              {usage.leads} lead{usage.leads === 1 ? '' : 's'} · {usage.deals} deal
              {usage.deals === 1 ? '' : 's'}
            </Text>
          )}
          <Badge variant="light" color={TYPE_COLOR[stage.type]}>
            {stage.type}
          </Badge>
          {isAdmin && (
            <>
              <Tooltip label="Edit">
                <ActionIcon variant="subtle" onClick={onEdit} aria-label={`Edit ${stage.name}`}>
                  <IconPencil size={16} />
                </ActionIcon>
              </Tooltip>
              <Tooltip label="Remove">
                <ActionIcon
                  variant="subtle"
                  color="red"
                  onClick={onRemove}
                  aria-label={`Remove ${stage.name}`}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Tooltip>
            </>
          )}
        </Group>
      </Group>
    </Paper>
  );
}

/** The stages of a pipeline, sortable by their drag handle (pointer or keyboard) for admins. */
export function PipelineStageList({
  stages,
  usage,
  isAdmin,
  onReorder,
  onEdit,
  onRemove,
}: {
  stages: Stage[];
  usage: Map<string, StageUsage>;
  isAdmin: boolean;
  onReorder: (ids: string[]) => void;
  onEdit: (s: Stage) => void;
  onRemove: (s: Stage) => void;
}) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const onDragEnd = (e: DragEndEvent) => {
    if (!e.over || e.active.id === e.over.id) return;
    const ids = stages.map((s) => s.id);
    const from = ids.indexOf(String(e.active.id));
    const to = ids.indexOf(String(e.over.id));
    if (from < 0 || to < 0) return;
    onReorder(arrayMove(ids, from, to));
  };
  return (
    <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
      <SortableContext items={stages.map((s) => s.id)} strategy={verticalListSortingStrategy}>
        <Stack gap="xs" data-testid="stage-list">
          {stages.map((s) => (
            <StageRow
              key={s.id}
              stage={s}
              usage={usage.get(s.id)}
              isAdmin={isAdmin}
              onEdit={() => onEdit(s)}
              onRemove={() => onRemove(s)}
            />
          ))}
        </Stack>
      </SortableContext>
    </DndContext>
  );
}
