import { Anchor, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { Drill } from './report-api';

/** The list page of a drill: `/{entity}?{query}` shows exactly the records behind the number. */
export const drillHref = (d: Drill): string => {
  const q = new URLSearchParams(d.query).toString();
  return q ? `/${d.entity}?${q}` : `/${d.entity}`;
};

/** Entities with a list page in the web app (a drill to another entity shows the plain figure). */
const LISTED = new Set(['leads', 'contacts', 'deals', 'activities', 'tasks']);

const fmtCount = (n: number) => n.toLocaleString();

/**
 * A count that opens the records behind it: a link to the list, filtered by the report's drill.
 * Zero and missing drills show the plain figure.
 */
export function DrillCount({
  value,
  drill,
  testId,
  format = fmtCount,
  fw,
}: {
  value: number | null | undefined;
  drill?: Drill | null;
  testId?: string;
  format?: (n: number) => string;
  fw?: number;
}) {
  if (value === null || value === undefined)
    return (
      <Text size="sm" c="dimmed" data-testid={testId} span>
        —
      </Text>
    );
  if (!drill || !LISTED.has(drill.entity) || value === 0)
    return (
      <Text size="sm" data-testid={testId} span fw={fw}>
        {format(value)}
      </Text>
    );
  return (
    <Tooltip label={`Show these ${drill.entity}`} openDelay={400}>
      <Anchor component={Link} to={drillHref(drill)} size="sm" data-testid={testId} fw={fw ?? 600}>
        {format(value)}
      </Anchor>
    </Tooltip>
  );
}
