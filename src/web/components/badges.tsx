import { Badge, ColorSwatch, Group, Text } from '@mantine/core';
import { usePipelines } from '../api/hooks';
import { HEALTH_COLORS, PRIORITY_COLORS, STATUS_COLORS, TEMPERATURE_COLORS } from '../lib/constants';
import { labelize } from '../lib/format';

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge variant="light" color={STATUS_COLORS[status] ?? 'gray'}>
      {labelize(status)}
    </Badge>
  );
}

/** A stage with its pipeline colour. */
export function StageBadge({
  stageId,
  name,
  size = 'md',
}: {
  stageId: string;
  name: string;
  size?: 'sm' | 'md' | 'lg';
}) {
  const { data: pipelines } = usePipelines();
  const stage = pipelines?.flatMap((p) => p.stages).find((s) => s.id === stageId);
  return (
    <Badge
      size={size}
      variant="light"
      color={stage?.color ?? 'gray'}
      leftSection={<ColorSwatch color={stage?.color ?? '#868e96'} size={8} withShadow={false} />}
      data-testid="stage-badge"
    >
      {name}
    </Badge>
  );
}

export function PriorityBadge({ priority }: { priority: string }) {
  return (
    <Badge variant="dot" color={PRIORITY_COLORS[priority] ?? 'gray'}>
      {labelize(priority)}
    </Badge>
  );
}

export function TemperatureBadge({ temperature }: { temperature: string | null }) {
  if (!temperature) return <Text c="dimmed">—</Text>;
  return (
    <Badge variant="light" color={TEMPERATURE_COLORS[temperature] ?? 'gray'}>
      {labelize(temperature)}
    </Badge>
  );
}

export function HealthBadge({ health }: { health: string | null }) {
  if (!health) return <Text c="dimmed">—</Text>;
  return (
    <Group gap={6} wrap="nowrap">
      <ColorSwatch
        color={`var(--mantine-color-${HEALTH_COLORS[health] ?? 'gray'}-6)`}
        size={10}
        withShadow={false}
      />
      <Text size="sm">{labelize(health)}</Text>
    </Group>
  );
}
