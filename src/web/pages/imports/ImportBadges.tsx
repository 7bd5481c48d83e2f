import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { labelize } from '../../lib/format';
import {
  DECISION_COLORS,
  DECISIONS,
  type ImportCounts,
  type ImportDecision,
  type ImportStatus,
  STATUS_COLORS,
} from './importsApi';

export function ImportStatusBadge({ status }: { status: ImportStatus }) {
  return (
    <Badge variant="light" color={STATUS_COLORS[status] ?? 'gray'} data-testid="import-status">
      {labelize(status)}
    </Badge>
  );
}

export function DecisionBadge({ decision }: { decision: ImportDecision | null }) {
  if (!decision)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  return (
    <Badge variant="light" color={DECISION_COLORS[decision]} data-testid="decision-badge">
      {labelize(decision)}
    </Badge>
  );
}

/** The preview's totals: one badge per decision ("3 create"). */
export function CountBadges({ counts }: { counts: ImportCounts }) {
  return (
    <Group gap="xs" data-testid="preview-counts">
      {DECISIONS.map((d) => (
        <Badge
          key={d}
          size="lg"
          variant={counts[d] ? 'light' : 'outline'}
          color={counts[d] ? DECISION_COLORS[d] : 'gray'}
          data-testid={`count-${d}`}
        >
          {counts[d].toLocaleString()} {d}
        </Badge>
      ))}
    </Group>
  );
}

/** How sure the suggested mapping is. */
export function ConfidenceBadge({ confidence }: { confidence: number }) {
  const pct = Math.round(confidence * 100);
  const [label, color] =
    confidence >= 0.9 ? ['Exact', 'teal'] : confidence >= 0.6 ? ['Likely', 'yellow'] : ['Guess', 'orange'];
  return (
    <Tooltip label={`Suggested with ${pct}% confidence`}>
      <Badge variant="dot" color={color} size="sm">
        {label} {pct}%
      </Badge>
    </Tooltip>
  );
}
