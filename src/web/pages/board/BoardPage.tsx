import {
  type Announcements,
  type CollisionDetection,
  closestCenter,
  closestCorners,
  DndContext,
  type DragEndEvent,
  type DragOverEvent,
  DragOverlay,
  type DragStartEvent,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { Alert, Center, Group, Loader, Select, Text } from '@mantine/core';
import { IconAlertTriangle, IconLayoutKanban } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { Navigate, useLocation, useNavigate, useParams } from 'react-router-dom';
import { usePipelines } from '../../api/hooks';
import { usePermissions, useWorkspace } from '../../auth/session';
import { PageHeader, useListState } from '../../components/ListPage';
import { useMemberMap } from '../../components/people';
import { formatMoney } from '../../lib/format';
import { CardBody } from './BoardCard';
import { BoardColumn } from './BoardColumn';
import { BoardFilters, useBoardQuery } from './BoardFilters';
import { boardKey, type PendingMove, useBoard, useBoardMoves, useLoadColumnPage } from './boardApi';
import type { Board, BoardCard, Placement } from './boardState';
import { findCard } from './boardState';
import { LostReasonModal } from './LostReasonModal';
import './board.css';

type DropData = { type?: 'card' | 'column'; stageId?: string; sortable?: { index: number } };

/**
 * The column under the pointer (keyboard: the column the moved card overlaps), then the card of that
 * column closest to the dragged card's centre; an empty column is a target itself.
 */
const collision: CollisionDetection = (args) => {
  const hits = args.pointerCoordinates ? pointerWithin(args) : rectIntersection(args);
  if (!hits.length) return args.pointerCoordinates ? [] : closestCorners(args);
  const column = hits
    .map((h) => args.droppableContainers.find((c) => c.id === h.id))
    .find((c) => (c?.data.current as DropData | undefined)?.type === 'column');
  if (!column) return hits;
  const stageId = (column.data.current as DropData).stageId;
  const cards = args.droppableContainers.filter((c) => {
    const d = c.data.current as DropData | undefined;
    return d?.type === 'card' && d.stageId === stageId;
  });
  const near = cards.length ? closestCenter({ ...args, droppableContainers: cards }) : [];
  return near.length ? near : [{ id: column.id }];
};

/** Where the dragged card lands for the current `over`, or null (nowhere / back where it was). */
function placementOf(board: Board, e: DragOverEvent | DragEndEvent): Placement | null {
  const { active, over } = e;
  if (!over) return null;
  const data = over.data.current as DropData | undefined;
  const from = findCard(board, String(active.id));
  if (!from || !data?.stageId) return null;
  const same = from.column.stage.id === data.stageId;
  if (data.type === 'column') return same ? null : { stageId: data.stageId, index: 0 };
  const target = board.columns.find((c) => c.stage.id === data.stageId);
  const overIndex = target?.cards.findIndex((c) => c.id === over.id) ?? -1;
  if (overIndex < 0) return null;
  // Within a column the cards make room (sortable): the card takes the place of the one it is over.
  if (same) return { stageId: data.stageId, index: overIndex };
  // Into another column: before or after the card it is over, by the dragged card's centre.
  const rect = active.rect.current.translated;
  const after = !!rect && rect.top + rect.height / 2 > over.rect.top + over.rect.height / 2;
  return { stageId: data.stageId, index: overIndex + (after ? 1 : 0) };
}

function Totals({ board, currency }: { board: Board; currency: string }) {
  const count = board.columns.reduce((n, c) => n + c.count, 0);
  const open = board.columns.filter((c) => c.stage.type === 'open');
  const value = open.reduce((n, c) => n + Number(c.totalValue), 0);
  const weighted = open.reduce((n, c) => n + Number(c.weightedValue), 0);
  return (
    <Text size="sm" c="dimmed" data-testid="board-totals">
      {count.toLocaleString()} {count === 1 ? 'lead' : 'leads'} · open {formatMoney(value, currency)} ·{' '}
      {formatMoney(weighted, currency)} weighted
    </Text>
  );
}

/** The pipeline as a board: filters, columns with counts and values, drag and drop between stages. */
export function BoardPage() {
  const { pipelineId } = useParams();
  const { search } = useLocation();
  const navigate = useNavigate();
  const { data: pipelines, error: pipelinesError } = usePipelines();
  const list = useListState('');
  const filters = useBoardQuery(list);
  const ws = useWorkspace();
  const { canWrite } = usePermissions();
  const members = useMemberMap();
  const qc = useQueryClient();

  const pipeline = pipelines?.find((p) => p.id === pipelineId);
  const board = useBoard(pipeline?.id, filters);
  const moves = useBoardMoves(pipelineId ?? '', filters);
  const loadPage = useLoadColumnPage(pipelineId ?? '', filters);
  const [loading, setLoading] = useState<ReadonlySet<string>>(new Set());
  const [failed, setFailed] = useState<ReadonlySet<string>>(new Set());
  const loadColumn = loadPage.mutateAsync;
  const onLoadMore = useCallback(
    (stageId: string, cursor: string) => {
      setLoading((s) => new Set(s).add(stageId));
      setFailed((s) => {
        const next = new Set(s);
        next.delete(cursor);
        return next;
      });
      loadColumn({ stageId, cursor })
        // Shown by the mutation; the column offers to try again instead of retrying on its own.
        .catch(() => setFailed((s) => new Set(s).add(cursor)))
        .finally(() =>
          setLoading((s) => {
            const next = new Set(s);
            next.delete(stageId);
            return next;
          }),
        );
    },
    [loadColumn],
  );
  const onOpen = useCallback((id: string) => navigate(`/leads/${id}`), [navigate]);

  const [active, setActive] = useState<BoardCard | null>(null);
  const [target, setTarget] = useState<Placement | null>(null);
  const [losing, setLosing] = useState<PendingMove | null>(null);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, {
      coordinateGetter: sortableKeyboardCoordinates,
      keyboardCodes: { start: ['Space'], cancel: ['Escape'], end: ['Space', 'Enter'] },
    }),
  );

  const current = () => (pipelineId ? qc.getQueryData<Board>(boardKey(pipelineId, filters)) : undefined);
  const stageName = (id: string | undefined) =>
    board.data?.columns.find((c) => c.stage.id === id)?.stage.name ?? 'another stage';

  const announcements: Announcements = {
    onDragStart: () => 'Picked up the card. Use the arrow keys to move it, Space to drop, Escape to cancel.',
    onDragOver: ({ over }) =>
      over ? `Over ${stageName((over.data.current as DropData | undefined)?.stageId)}.` : 'Over no stage.',
    onDragEnd: ({ over }) =>
      over ? `Dropped in ${stageName((over.data.current as DropData | undefined)?.stageId)}.` : 'Dropped.',
    onDragCancel: () => 'Move cancelled; the card is back where it was.',
  };

  if (pipelinesError)
    return (
      <Alert color="red" icon={<IconAlertTriangle size={18} />}>
        Could not load the pipelines: {String(pipelinesError)}
      </Alert>
    );
  if (!pipelines)
    return (
      <Center h={300}>
        <Loader />
      </Center>
    );
  if (!pipeline) {
    const fallback = pipelines.find((p) => p.isDefault) ?? pipelines[0];
    if (fallback) return <Navigate to={`/board/${fallback.id}${search}`} replace />;
    return <Text c="dimmed">No pipeline yet.</Text>;
  }

  const onDragStart = (e: DragStartEvent) => {
    const b = current();
    setActive((b && findCard(b, String(e.active.id))?.card) ?? null);
    setTarget(null);
  };
  const onDragOver = (e: DragOverEvent) => {
    const b = current();
    const p = b ? placementOf(b, e) : null;
    // Only a move into another column needs the drop line (within a column the cards make room).
    const next = p && p.stageId !== active?.stageId ? p : null;
    // Called on every pointer move (before/after a card changes within it): re-render only on a change.
    setTarget((t) => (t?.stageId === next?.stageId && t?.index === next?.index ? t : next));
  };
  const onDragEnd = (e: DragEndEvent) => {
    setActive(null);
    setTarget(null);
    const b = current();
    const to = b ? placementOf(b, e) : null;
    if (!b || !to) return;
    const stage = b.columns.find((c) => c.stage.id === to.stageId)?.stage;
    const from = findCard(b, String(e.active.id));
    const pending = moves.show({ cardId: String(e.active.id), to });
    if (!pending) return;
    if (stage?.type === 'lost' && from?.column.stage.id !== to.stageId) setLosing(pending);
    else moves.send(pending);
  };

  return (
    <>
      <PageHeader
        title={
          <Group gap="sm" wrap="nowrap">
            <IconLayoutKanban size={26} stroke={1.6} />
            Board
          </Group>
        }
        description={
          board.data ? <Totals board={board.data} currency={ws.currency} /> : 'Your pipeline, stage by stage.'
        }
        actions={
          <Select
            aria-label="Pipeline"
            data={pipelines.map((p) => ({ value: p.id, label: p.name }))}
            value={pipeline.id}
            onChange={(id) => id && navigate(`/board/${id}${search}`)}
            allowDeselect={false}
            w={220}
          />
        }
      />
      <Group mt="md" mb="sm">
        <BoardFilters list={list} />
      </Group>
      {board.error ? (
        <Alert color="red" icon={<IconAlertTriangle size={18} />}>
          Could not load the board: {String(board.error)}
        </Alert>
      ) : !board.data ? (
        <Center h={300}>
          <Loader />
        </Center>
      ) : (
        <DndContext
          sensors={sensors}
          collisionDetection={collision}
          onDragStart={onDragStart}
          onDragOver={onDragOver}
          onDragMove={onDragOver}
          onDragEnd={onDragEnd}
          onDragCancel={() => {
            setActive(null);
            setTarget(null);
          }}
          accessibility={{ announcements }}
        >
          <div className="lb-board" data-testid="board">
            {board.data.columns.map((column) => (
              <BoardColumn
                key={column.stage.id}
                column={column}
                pipelineId={pipeline.id}
                filters={filters}
                currency={ws.currency}
                members={members}
                canWrite={canWrite}
                activeId={active?.id ?? null}
                dropIndex={target?.stageId === column.stage.id ? target.index : null}
                over={!!active && target?.stageId === column.stage.id}
                loadingMore={loading.has(column.stage.id)}
                loadFailed={!!column.nextCursor && failed.has(column.nextCursor)}
                onLoadMore={onLoadMore}
                onOpen={onOpen}
              />
            ))}
          </div>
          <DragOverlay dropAnimation={null}>
            {active && (
              <div style={{ width: 266 }}>
                <CardBody
                  card={active}
                  owner={active.ownerId ? members.get(active.ownerId) : undefined}
                  currency={ws.currency}
                  overlay
                />
              </div>
            )}
          </DragOverlay>
        </DndContext>
      )}
      <LostReasonModal
        opened={!!losing}
        leadName={losing?.card.name || undefined}
        stageName={losing ? stageName(losing.to.stageId) : undefined}
        onCancel={() => {
          if (losing) moves.putBack(losing);
          setLosing(null);
        }}
        onConfirm={(reason) => {
          if (losing) moves.send(losing, reason);
          setLosing(null);
        }}
      />
    </>
  );
}
