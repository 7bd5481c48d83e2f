import { Anchor, Badge, Group, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { type ApiError, api } from '../../api/client';

/** A candidate of a 409 from a `block` duplicate rule (see the duplicates API). */
export type BlockedCandidate = {
  id: string;
  score: number;
  reasons: { field: string; a: string | null; b: string | null }[];
  ruleId: string | null;
  rule: string;
};

/** The candidates of an error when a duplicate rule blocked the write, else null. */
export function blockedCandidates(
  err: ApiError,
): { entity: 'contact' | 'account'; list: BlockedCandidate[] } | null {
  const list = err.extra.candidates;
  if (err.status !== 409 || !Array.isArray(list) || list.length === 0) return null;
  return { entity: err.extra.candidateEntity === 'account' ? 'account' : 'contact', list };
}

/** What the existing record showed for the fields that matched: its name first, then the rest. */
function describe(c: BlockedCandidate): string {
  const of = (f: string) => c.reasons.find((r) => r.field === f)?.b ?? null;
  const name = [of('firstName'), of('lastName')].filter(Boolean).join(' ') || of('name');
  const rest = c.reasons
    .filter((r) => !['firstName', 'lastName', 'name'].includes(r.field) && r.b)
    .map((r) => r.b);
  return [name, ...rest].filter(Boolean).join(' · ') || c.id;
}

/** The existing record's name (read once; notifications live outside the query client), else its matched values. */
function CandidateName({ path, c }: { path: string; c: BlockedCandidate }) {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api
      .get<{ name?: string; firstName?: string | null; lastName?: string | null; email?: string | null }>(
        `${path}/${c.id}`,
      )
      .then((r) => {
        const n = r.name ?? [r.firstName, r.lastName].filter(Boolean).join(' ');
        if (live && n) setName(r.email ? `${n} · ${r.email}` : n);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [path, c.id]);
  return <>{name ?? describe(c)}</>;
}

/** The message of a "duplicate refused" notification: the rule and each existing record, linked. */
export function DuplicateBlockedMessage({
  detail,
  candidates,
}: {
  detail: string;
  candidates: { entity: 'contact' | 'account'; list: BlockedCandidate[] };
}) {
  const path = candidates.entity === 'account' ? '/accounts' : '/contacts';
  return (
    <Stack gap={6} data-testid="duplicate-blocked">
      <Text size="sm">{detail}</Text>
      <Text size="xs" c="dimmed">
        Existing {candidates.entity === 'account' ? 'accounts' : 'contacts'}:
      </Text>
      {candidates.list.map((c) => (
        <Group key={c.id} gap="xs" wrap="nowrap" data-testid="duplicate-blocked-candidate">
          <Anchor href={`${path}/${c.id}`} size="sm">
            <CandidateName path={path} c={c} />
          </Anchor>
          <Badge size="xs" variant="light" color="red">
            {Math.round(c.score * 100)}%
          </Badge>
        </Group>
      ))}
    </Stack>
  );
}
