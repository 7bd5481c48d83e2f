import { ActionIcon, Button, Group, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { parseConditionJson } from '../../components/ConditionJsonInput';
import { FieldInput, useBuilderFields } from './BuilderFieldInput';
import type { BuilderField } from './builder-fields';
import type { BuilderEntity } from './report-api';

/**
 * The report builder's conditions as rows (field, operator, value) matched all or any: the shared
 * condition language without typing JSON. A condition the rows cannot show (nested groups) stays in
 * the JSON editor. The rows write their condition as JSON text, which the page validates and runs.
 */

const OPS = [
  ['eq', 'is'],
  ['neq', 'is not'],
  ['in', 'is one of'],
  ['nin', 'is none of'],
  ['contains', 'contains'],
  ['starts_with', 'starts with'],
  ['gt', '>'],
  ['gte', '≥'],
  ['lt', '<'],
  ['lte', '≤'],
  ['between', 'between'],
  ['is_empty', 'is empty'],
  ['is_not_empty', 'is not empty'],
] as const;
type Op = (typeof OPS)[number][0];
const NO_VALUE: Op[] = ['is_empty', 'is_not_empty'];
const LIST: Op[] = ['in', 'nin', 'between'];

export type Row = { field: string; op: Op; value: string };
type Leaf = { field: string; op: string; value?: unknown };

/** Rows of a condition, or null when it is not a flat all/any of leaves (or a single leaf). */
export function conditionRows(text: string): { match: 'all' | 'any'; rows: Row[] } | null {
  if (!text.trim()) return { match: 'all', rows: [] };
  let c: Record<string, unknown> | null;
  try {
    c = parseConditionJson(text) as Record<string, unknown> | null;
  } catch {
    return null;
  }
  if (!c || typeof c !== 'object') return null;
  const match = 'any' in c ? 'any' : 'all';
  const leaves = ('field' in c ? [c] : (c[match] as unknown[] | undefined)) ?? null;
  if (!Array.isArray(leaves)) return null;
  const rows: Row[] = [];
  for (const l of leaves as Leaf[]) {
    if (!l || typeof l !== 'object' || typeof l.field !== 'string' || !OPS.some(([o]) => o === l.op))
      return null;
    const v = l.value;
    rows.push({
      field: l.field,
      op: l.op as Op,
      value: v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v),
    });
  }
  return { match, rows };
}

/** One value as the condition language wants it: a number for a number field, a boolean for a yes/no. */
function typed(raw: string, type: BuilderField['type'] | undefined): unknown {
  const s = raw.trim();
  if (type === 'number' && s !== '' && Number.isFinite(Number(s))) return Number(s);
  if (type === 'boolean' && (s === 'true' || s === 'false')) return s === 'true';
  return s;
}

/** The condition of some rows as JSON text ('' for none). */
export function textOf(match: 'all' | 'any', rows: Row[], types: Map<string, BuilderField['type']>): string {
  const leaves = rows
    .filter((r) => r.field.trim())
    .map((r) => {
      const field = r.field.trim();
      const type = types.get(field);
      if (NO_VALUE.includes(r.op)) return { field, op: r.op };
      if (LIST.includes(r.op))
        return {
          field,
          op: r.op,
          value: r.value
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
            .map((x) => typed(x, type)),
        };
      return { field, op: r.op, value: typed(r.value, type) };
    });
  return leaves.length ? JSON.stringify({ [match]: leaves }, null, 2) : '';
}

export function ConditionRows({
  entity,
  text,
  onText,
}: {
  entity: BuilderEntity;
  text: string;
  onText: (t: string) => void;
}) {
  const fields = useBuilderFields(entity);
  const types = new Map(fields.map((f) => [f.field, f.type]));
  const initial = conditionRows(text);
  const [match, setMatch] = useState<'all' | 'any'>(initial?.match ?? 'all');
  const [rows, setRows] = useState<Row[]>(initial?.rows ?? []);
  if (!initial && text.trim())
    return (
      <Text size="sm" c="dimmed">
        This condition has nested groups: edit it as JSON.
      </Text>
    );
  const update = (m: 'all' | 'any', rs: Row[]) => {
    setMatch(m);
    setRows(rs);
    onText(textOf(m, rs, types));
  };
  const setRow = (i: number, p: Partial<Row>) =>
    update(
      match,
      rows.map((r, j) => (j === i ? { ...r, ...p } : r)),
    );
  return (
    <Stack gap={6} data-testid="condition-rows">
      <Group gap="xs">
        <Text size="sm" fw={500}>
          Only records that match
        </Text>
        <SegmentedControl
          size="xs"
          aria-label="Match"
          data={[
            { value: 'all', label: 'all' },
            { value: 'any', label: 'any' },
          ]}
          value={match}
          onChange={(v) => update(v as 'all' | 'any', rows)}
        />
        <Text size="sm">of these conditions</Text>
      </Group>
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and removed by position
        <Group key={i} gap={4} align="flex-end" wrap="nowrap">
          <FieldInput
            entity={entity}
            label={`Condition ${i + 1} field`}
            showLabel={false}
            value={r.field}
            onChange={(v) => setRow(i, { field: v })}
          />
          <Select
            aria-label={`Condition ${i + 1} operator`}
            data={OPS.map(([value, label]) => ({ value, label }))}
            value={r.op}
            onChange={(v) => v && setRow(i, { op: v as Op })}
            allowDeselect={false}
            w={130}
          />
          {!NO_VALUE.includes(r.op) && (
            <TextInput
              aria-label={`Condition ${i + 1} value`}
              placeholder={LIST.includes(r.op) ? (r.op === 'between' ? 'from, to' : 'a, b, c') : 'value'}
              value={r.value}
              onChange={(e) => setRow(i, { value: e.currentTarget.value })}
              w={220}
            />
          )}
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={`Remove condition ${i + 1}`}
            onClick={() =>
              update(
                match,
                rows.filter((_, j) => j !== i),
              )
            }
            mb={4}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          variant="subtle"
          size="xs"
          leftSection={<IconPlus size={14} />}
          onClick={() => update(match, [...rows, { field: '', op: 'eq', value: '' }])}
        >
          Add condition
        </Button>
      </Group>
    </Stack>
  );
}
