import { Alert, Badge, Button, Code, Group, Stack, Table, Tabs, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCopy, IconInfoCircle, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { DEFAULT_RULES, type DuplicateEntity } from '../../../core/duplicates/duplicates.schemas.js';
import { api } from '../../api/client';
import { usePermissions } from '../../auth/session';
import { PageHeader } from '../../components/ListPage';
import { ConfirmDeleteModal, RuleRow, SettingsTable, useConfirmedDelete } from '../../components/RowActions';
import { showApiError } from '../../lib/forms';
import { ACTIONS, type DuplicateRule, DuplicateRuleModal, FIELD_LABELS } from './DuplicateRulesModal';

const ENTITIES: { value: DuplicateEntity; label: string; hint: string }[] = [
  { value: 'contact', label: 'Contacts', hint: 'Checked on every contact create and update.' },
  {
    value: 'lead',
    label: 'Leads',
    hint: "Checked when a lead is created with contact fields: the lead's person against existing contacts.",
  },
  { value: 'account', label: 'Accounts', hint: 'Checked on every account create and update.' },
];

const ACTION_COLORS: Record<string, string> = { block: 'red', flag: 'yellow', link: 'blue' };
const OPS: Record<string, string> = {
  eq: '=',
  neq: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  in: 'in',
  nin: 'not in',
  between: 'between',
  contains: 'contains',
  starts_with: 'starts with',
  is_empty: 'is empty',
  is_not_empty: 'is not empty',
  changed_to: 'changed to',
};

const show = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(show).join(', ')}]`
    : v && typeof v === 'object' && 'days' in v
      ? `${(v as { days: number }).days} days from now`
      : JSON.stringify(v);

/** A condition as one line: `source = "partner" and (score ≥ 50 or …)`. */
export function conditionSummary(c: unknown, nested = false): string {
  if (!c || typeof c !== 'object') return '';
  const o = c as Record<string, unknown>;
  const list = (items: unknown, sep: string) => {
    const s = (Array.isArray(items) ? items : []).map((x) => conditionSummary(x, true)).join(sep);
    return nested ? `(${s})` : s;
  };
  if ('all' in o) return list(o.all, ' and ');
  if ('any' in o) return list(o.any, ' or ');
  if ('not' in o) return `not (${conditionSummary(o.not)})`;
  const op = OPS[String(o.op)] ?? String(o.op);
  return o.value === undefined ? `${o.field} ${op}` : `${o.field} ${op} ${show(o.value)}`;
}

const fieldsText = (fields: DuplicateRule['fields']) =>
  fields.map((f) => `${FIELD_LABELS[f.field] ?? f.field} (${f.match})`).join(', ');

function BuiltInRules({ entity }: { entity: DuplicateEntity }) {
  return (
    <Alert
      icon={<IconInfoCircle size={18} />}
      color="gray"
      title="No rules of your own"
      data-testid="built-in-rules"
    >
      <Text size="sm">
        Built-in rules apply:{' '}
        {DEFAULT_RULES[entity]
          .map(
            (r) =>
              `${r.name} (${fieldsText(r.fields)}${r.threshold < 1 ? `, ≥ ${r.threshold}` : ''}) → ${r.action}`,
          )
          .join('; ')}
        . Once you add an active rule for {entity}s, only your rules apply.
      </Text>
    </Alert>
  );
}

function RulesTab({ entity, isAdmin }: { entity: DuplicateEntity; isAdmin: boolean }) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState<DuplicateRule | null>(null);
  const [creating, createModal] = useDisclosure(false);
  const q = useQuery({
    queryKey: ['duplicate-rules', entity],
    queryFn: ({ signal }) =>
      api
        .get<{ data: DuplicateRule[] }>('/duplicate-rules', { entity, sort: 'position', limit: 200 }, signal)
        .then((r) => r.data),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['duplicate-rules'] });
  const setActive = useMutation({
    mutationFn: ({ r, active }: { r: DuplicateRule; active: boolean }) =>
      api.patch(`/duplicate-rules/${r.id}`, { active }),
    onSettled: refresh,
    onError: (e) => showApiError(e),
  });
  const del = useConfirmedDelete<DuplicateRule>('/duplicate-rules', () => void refresh());
  const rules = q.data ?? [];
  const anyActive = rules.some((r) => r.active);
  const nextPosition = rules.length ? Math.max(...rules.map((r) => r.position)) + 1 : 0;

  return (
    <Stack gap="sm" pt="md">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {ENTITIES.find((e) => e.value === entity)!.hint} Each candidate takes the first rule (by position)
          that fires; the strongest action wins (block, then link, then flag).
        </Text>
        {isAdmin && (
          <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
            New rule
          </Button>
        )}
      </Group>
      {!q.isPending && !anyActive && <BuiltInRules entity={entity} />}
      {rules.length > 0 && (
        <SettingsTable
          testId={`duplicate-rules-table-${entity}`}
          actions={isAdmin}
          head={
            <>
              <Table.Th>Rule</Table.Th>
              <Table.Th>Fields</Table.Th>
              <Table.Th>Threshold</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Condition</Table.Th>
              <Table.Th>Active</Table.Th>
            </>
          }
        >
          {rules.map((r) => (
            <RuleRow
              key={r.id}
              testId="duplicate-rule-row"
              rule={r}
              editable={isAdmin}
              switching={setActive.isPending}
              onActive={(active) => setActive.mutate({ r, active })}
              onEdit={() => setEditing(r)}
              onDelete={() => del.ask(r)}
            >
              <Table.Td>
                <Text size="sm" fw={600}>
                  {r.name}
                </Text>
                <Text size="xs" c="dimmed">
                  position {r.position}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {r.fields.map((f) => (
                    <Badge
                      key={f.field}
                      variant="light"
                      tt="none"
                      color={f.match === 'exact' ? 'gray' : 'grape'}
                    >
                      {FIELD_LABELS[f.field] ?? f.field} · {f.match}
                      {f.weight !== undefined ? ` ×${f.weight}` : ''}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{r.threshold.toFixed(2)}</Text>
              </Table.Td>
              <Table.Td>
                <Tooltip label={ACTIONS.find((a) => a.value === r.action)?.help} multiline w={280}>
                  <Badge color={ACTION_COLORS[r.action]} variant="light">
                    {r.action}
                  </Badge>
                </Tooltip>
              </Table.Td>
              <Table.Td maw={320}>
                {r.condition ? (
                  <Code data-testid="rule-condition">{conditionSummary(r.condition)}</Code>
                ) : (
                  <Text size="sm" c="dimmed">
                    every record
                  </Text>
                )}
              </Table.Td>
            </RuleRow>
          ))}
        </SettingsTable>
      )}
      <DuplicateRuleModal
        opened={creating}
        onClose={createModal.close}
        entity={entity}
        nextPosition={nextPosition}
      />
      <DuplicateRuleModal
        opened={!!editing}
        onClose={() => setEditing(null)}
        entity={entity}
        rule={editing}
      />
      <ConfirmDeleteModal {...del.modalProps}>
        The rule stops applying (it can be restored through the API). With no active rule left, the built-in
        rules apply again.
      </ConfirmDeleteModal>
    </Stack>
  );
}

/** Settings → Duplicate rules: per entity, the rules that decide block, flag or link on every write. */
export function DuplicateRulesPage() {
  const { isAdmin } = usePermissions();
  const [params, setParams] = useSearchParams();
  const tab = ENTITIES.find((e) => e.value === params.get('entity'))?.value ?? 'contact';
  return (
    <Stack gap="lg">
      <PageHeader
        title="Duplicate rules"
        description="Which existing records count as duplicates of a new or changed one, and what happens then: block, flag for review, or link to the existing record. Scans use the same rules."
      />
      {!isAdmin && (
        <Alert icon={<IconCopy size={18} />} color="gray" title="Admins manage rules">
          You can see the rules; owners and admins create and change them.
        </Alert>
      )}
      <Tabs
        value={tab}
        onChange={(v) => v && setParams({ entity: v }, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          {ENTITIES.map((e) => (
            <Tabs.Tab key={e.value} value={e.value}>
              {e.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {ENTITIES.map((e) => (
          <Tabs.Panel key={e.value} value={e.value}>
            <RulesTab entity={e.value} isAdmin={isAdmin} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
