import { Anchor, Badge, Group, RingProgress, Stack, Table, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { Lead } from '../../api/types';
import { SectionCard } from '../../components/FieldList';
import { formatDateTime, fromNow, labelize } from '../../lib/format';

export const CATEGORY_COLORS: Record<string, string> = {
  demographic: 'blue',
  behavioural: 'grape',
  engagement: 'teal',
  progression: 'orange',
};

const scoreColor = (s: number) => (s >= 70 ? 'green' : s >= 40 ? 'yellow' : s > 0 ? 'orange' : 'gray');

/** The lead's score (0–100) and why: the scoring rules that fired, with their points. */
export function LeadScoreCard({ lead }: { lead: Lead }) {
  const reasons = lead.scoreReasons;
  const sum = reasons.reduce((s, r) => s + r.points, 0);
  return (
    <SectionCard
      title="Score"
      testId="lead-score"
      action={
        <Anchor component={Link} to="/settings/scoring-rules" size="xs">
          Scoring rules
        </Anchor>
      }
    >
      <Stack gap="sm">
        <Group gap="md" wrap="nowrap">
          <RingProgress
            size={88}
            thickness={9}
            roundCaps
            sections={[{ value: lead.score, color: scoreColor(lead.score) }]}
            label={
              <Text ta="center" fw={700} size="xl" data-testid="lead-score-value">
                {lead.score}
              </Text>
            }
          />
          <Stack gap={2}>
            <Text size="sm">
              {reasons.length
                ? `${reasons.length} rule${reasons.length === 1 ? '' : 's'} fired${
                    sum !== lead.score ? ` (${sum > 0 ? '+' : ''}${sum}, kept within 0–100)` : ''
                  }`
                : 'No rule fired'}
            </Text>
            {lead.scoredAt ? (
              <Tooltip label={formatDateTime(lead.scoredAt)}>
                <Text size="xs" c="dimmed" data-testid="lead-scored-at">
                  Scored {fromNow(lead.scoredAt)}
                </Text>
              </Tooltip>
            ) : (
              <Text size="xs" c="dimmed">
                Not changed by a rule yet
              </Text>
            )}
          </Stack>
        </Group>
        {reasons.length > 0 && (
          <Table verticalSpacing={4} horizontalSpacing="xs" fz="sm" data-testid="lead-score-reasons">
            <Table.Tbody>
              {reasons.map((r) => (
                <Table.Tr key={r.ruleId}>
                  <Table.Td>
                    <Text size="sm" lineClamp={2}>
                      {r.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {r.category && (
                      <Badge size="xs" variant="light" color={CATEGORY_COLORS[r.category] ?? 'gray'}>
                        {labelize(r.category)}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" fw={600} c={r.points < 0 ? 'red' : 'green'}>
                      {r.points > 0 ? `+${r.points}` : r.points}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </SectionCard>
  );
}
