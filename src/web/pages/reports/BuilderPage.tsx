import {
  ActionIcon,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { IconPlayerPlay, IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import {
  ConditionJsonInput,
  conditionJsonError,
  parseConditionJson,
} from '../../components/ConditionJsonInput';
import { labelize } from '../../lib/format';
import { FieldInput } from './BuilderFieldInput';
import { BUILDER_FIELDS, DATE_BUCKETS, MEASURE_OPS, OP_LABELS } from './builder-fields';
import { ConditionRows, conditionRows } from './ConditionRows';
import { DrillCount, drillHref } from './DrillLink';
import { type ChartData, colorAt, ReportChart } from './ReportChart';
import { ReportFrame } from './ReportFrame';
import {
  BUILDER_ENTITIES,
  type BuilderBody,
  type BuilderEntity,
  type BuilderGroup,
  type BuilderMeasure,
  type BuilderResult,
  downloadBuilder,
  useBuilderRun,
} from './report-api';
import { filterQuery, type ReportFilterValues, useReportUrl } from './report-params';

/** The definition the builder runs: kept in the URL (`def`) so a builder report can be linked. */
export type BuilderDef = Omit<BuilderBody, 'filters'>;

const DEFAULT_DEF: BuilderDef = {
  entity: 'leads',
  groupBy: [{ field: 'source' }],
  measures: [{ op: 'count' }],
};

export function readDef(text: string | null): BuilderDef | null {
  if (!text) return null;
  try {
    const d = JSON.parse(text) as BuilderDef;
    if (!BUILDER_ENTITIES.includes(d.entity) || !Array.isArray(d.groupBy) || !Array.isArray(d.measures))
      return null;
    return d;
  } catch {
    return null;
  }
}

/** The builder request of a definition and the filter bar's filters (range as fixed days). */
export const builderBody = (def: BuilderDef, f: ReportFilterValues): BuilderBody => {
  const filters = filterQuery(f);
  return { ...def, ...(Object.keys(filters).length ? { filters } : {}) };
};

/** Chart figures of a builder result: one group → one bar per group; two → the second group as series. */
export function builderChartData(r: BuilderResult): ChartData {
  const groups = r.columns.filter((c) => c.kind === 'group').length;
  const measures = r.columns.filter((c) => c.kind === 'measure');
  const fmt = (v: string | number | null) => (v === null ? null : Number(v));
  if (groups <= 1) {
    return {
      dataKey: 'group',
      data: r.rows.map((row) => ({
        group: groups === 0 ? 'All' : (row.labels[0] ?? '(none)'),
        ...Object.fromEntries(measures.map((m, i) => [m.label, fmt(row.values[i] ?? null)])),
      })),
      series: measures.map((m, i) => ({ name: m.label, color: colorAt(i) })),
    };
  }
  const seriesNames: string[] = [];
  const byFirst = new Map<string, Record<string, string | number | null>>();
  for (const row of r.rows) {
    const a = row.labels[0] ?? '(none)';
    const b = row.labels[1] ?? '(none)';
    if (!seriesNames.includes(b)) seriesNames.push(b);
    const entry = byFirst.get(a) ?? { group: a };
    entry[b] = fmt(row.values[0] ?? null);
    byFirst.set(a, entry);
  }
  return {
    dataKey: 'group',
    data: [...byFirst.values()],
    series: seriesNames.map((n, i) => ({ name: n, color: colorAt(i) })),
    stacked: true,
  };
}

const isDateField = (entity: BuilderEntity, field: string) =>
  BUILDER_FIELDS[entity].some((f) => f.field === field && (f.type === 'date' || f.type === 'timestamp')) ||
  /At$|Date$/.test(field);

/** Report builder: entity, conditions, up to two groupings, measures; run, chart, export, save. */
export function BuilderPage() {
  const state = useReportUrl('last90', ['def']);
  const defText = state.extra.def ?? null;
  const ran = useMemo(() => readDef(defText), [defText]);
  const [draft, setDraft] = useState<BuilderDef>(() => ran ?? DEFAULT_DEF);
  const [condText, setCondText] = useState(() =>
    ran?.conditions ? JSON.stringify(ran.conditions, null, 2) : '',
  );
  // Another definition in the URL (a saved builder report opened, back/forward): edit that one.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the URL's definition changes
  useEffect(() => {
    if (!ran) return;
    setDraft(ran);
    setCondText(ran.conditions ? JSON.stringify(ran.conditions, null, 2) : '');
  }, [defText]);
  // Rows while the condition is a flat all/any of conditions, JSON for nested groups.
  const [condMode, setCondMode] = useState<'rows' | 'json'>(() =>
    conditionRows(condText) ? 'rows' : 'json',
  );
  const condError = conditionJsonError(condText, { notObject: 'A condition is a JSON object' });
  const body = useMemo(() => (ran ? builderBody(ran, state.filters) : null), [ran, state.filters]);
  const result = useBuilderRun(body);
  const patch = (p: Partial<BuilderDef>) => setDraft((d) => ({ ...d, ...p }));
  const setGroup = (i: number, g: Partial<BuilderGroup>) =>
    patch({ groupBy: draft.groupBy.map((x, j) => (j === i ? { ...x, ...g } : x)) });
  const setMeasure = (i: number, m: BuilderMeasure) =>
    patch({ measures: draft.measures.map((x, j) => (j === i ? m : x)) });
  const run = () => {
    if (condError) return;
    const def: BuilderDef = {
      entity: draft.entity,
      groupBy: draft.groupBy
        .filter((g) => g.field.trim())
        .map((g) => ({ field: g.field.trim(), ...(g.bucket ? { bucket: g.bucket } : {}) })),
      measures: draft.measures,
    };
    const cond = parseConditionJson(condText);
    if (cond) def.conditions = cond;
    state.set({ def: JSON.stringify(def) });
  };
  const definition = (
    <Paper withBorder p="md" data-testid="builder-definition">
      <Stack gap="sm">
        <Group align="flex-end" gap="sm">
          <Select
            label="Records"
            aria-label="Entity"
            data={BUILDER_ENTITIES.map((e) => ({ value: e, label: labelize(e) }))}
            value={draft.entity}
            onChange={(v) =>
              v &&
              patch({ entity: v as BuilderEntity, groupBy: [{ field: '' }], measures: [{ op: 'count' }] })
            }
            allowDeselect={false}
            w={160}
          />
          {draft.groupBy.map((g, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: at most two groupings, edited in place
            <Group key={i} gap={4} align="flex-end" wrap="nowrap">
              <FieldInput
                entity={draft.entity}
                label={i === 0 ? 'Group by' : 'Then by'}
                value={g.field}
                onChange={(v) => setGroup(i, { field: v })}
              />
              {isDateField(draft.entity, g.field) && (
                <Select
                  aria-label={`Bucket ${i + 1}`}
                  placeholder="Bucket"
                  data={DATE_BUCKETS.map((b) => ({ value: b, label: labelize(b) }))}
                  value={g.bucket ?? null}
                  onChange={(v) => setGroup(i, { bucket: v ?? undefined })}
                  w={110}
                />
              )}
              <ActionIcon
                variant="subtle"
                color="gray"
                mb={4}
                aria-label={`Remove grouping ${i + 1}`}
                onClick={() => patch({ groupBy: draft.groupBy.filter((_, j) => j !== i) })}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          {draft.groupBy.length < 2 && (
            <Button
              variant="subtle"
              leftSection={<IconPlus size={14} />}
              onClick={() => patch({ groupBy: [...draft.groupBy, { field: '' }] })}
            >
              {draft.groupBy.length === 0 ? 'Group by' : 'Then by'}
            </Button>
          )}
        </Group>
        <Group align="flex-end" gap="sm">
          {draft.measures.map((m, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: up to five measures, edited in place
            <Group key={i} gap={4} align="flex-end" wrap="nowrap">
              <Select
                label={i === 0 ? 'Measures' : ' '}
                aria-label={`Measure ${i + 1}`}
                data={MEASURE_OPS.map((op) => ({ value: op, label: OP_LABELS[op] }))}
                value={m.op}
                onChange={(v) =>
                  v &&
                  setMeasure(
                    i,
                    v === 'count' ? { op: 'count' } : { op: v as 'sum', field: 'field' in m ? m.field : '' },
                  )
                }
                allowDeselect={false}
                w={130}
              />
              {m.op !== 'count' && (
                <FieldInput
                  entity={draft.entity}
                  label={`Field of measure ${i + 1}`}
                  numeric
                  value={m.field}
                  onChange={(v) => setMeasure(i, { op: m.op, field: v })}
                />
              )}
              {draft.measures.length > 1 && (
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  mb={4}
                  aria-label={`Remove measure ${i + 1}`}
                  onClick={() => patch({ measures: draft.measures.filter((_, j) => j !== i) })}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              )}
            </Group>
          ))}
          {draft.measures.length < 5 && (
            <Button
              variant="subtle"
              leftSection={<IconPlus size={14} />}
              onClick={() => patch({ measures: [...draft.measures, { op: 'sum', field: '' }] })}
            >
              Measure
            </Button>
          )}
        </Group>
        <Stack gap={4}>
          <Group gap="sm">
            <Text size="sm" fw={500}>
              Conditions
            </Text>
            <SegmentedControl
              size="xs"
              aria-label="Condition editor"
              data={[
                { value: 'rows', label: 'Rows' },
                { value: 'json', label: 'JSON' },
              ]}
              value={condMode}
              onChange={(v) => setCondMode(v as 'rows' | 'json')}
            />
          </Group>
          {condMode === 'rows' ? (
            <ConditionRows key={defText ?? ''} entity={draft.entity} text={condText} onText={setCondText} />
          ) : (
            <ConditionJsonInput
              aria-label="Conditions"
              description='Only records meeting this condition (shared condition language), e.g. {"field":"source","op":"in","value":["referral","partner"]}'
              placeholder="No condition: every record"
              value={condText}
              onChange={(e) => setCondText(e.currentTarget.value)}
              error={condError}
            />
          )}
        </Stack>
        <Group>
          <Button leftSection={<IconPlayerPlay size={16} />} onClick={run} disabled={!!condError}>
            Run
          </Button>
          <Text size="xs" c="dimmed">
            The date range applies to creation (activities: when they occurred; tasks: due date).
          </Text>
        </Group>
      </Stack>
    </Paper>
  );
  return (
    <ReportFrame<BuilderResult>
      kind="builder"
      title="Report builder"
      description="Count, sum, average or take the median of any records, grouped by up to two fields (custom fields and date buckets included)."
      state={state}
      result={result}
      onExport={body ? (f) => downloadBuilder(body, f) : undefined}
      chartKinds={['bar', 'line', 'area', 'pie', 'donut', 'table']}
      defaultChart="bar"
      chart={(d, kind) => <ReportChart data={builderChartData(d)} kind={kind} />}
      isEmpty={(d) => d.rows.length === 0}
      emptyText="No records match this definition."
      saveParams={body ? { ...body } : {}}
      panel={definition}
      idle={
        <Paper withBorder p="xl">
          <Text c="dimmed" ta="center">
            Choose what to count and how to group it, then Run.
          </Text>
        </Paper>
      }
    >
      {(d) => <BuilderTable result={d} />}
    </ReportFrame>
  );
}

/** A measure for reading: numbers and exact decimal strings with separators, at most 2 decimals. */
function measureText(v: string | number | null): string {
  if (v === null) return '—';
  const n = typeof v === 'number' ? v : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : null;
  return n === null ? String(v) : n.toLocaleString(undefined, { maximumFractionDigits: 2 });
}

export function BuilderTable({ result }: { result: BuilderResult }) {
  const groupCols = result.columns.filter((c) => c.kind === 'group');
  const measureCols = result.columns.filter((c) => c.kind === 'measure');
  // A count is the number of records the drill lists; other measures are figures of those records.
  const cell = (v: string | number | null, key: string, drill: BuilderResult['rows'][number]['drill']) =>
    key === 'count' ? <DrillCount value={v === null ? null : Number(v)} drill={drill} /> : measureText(v);
  return (
    <Paper withBorder>
      <Table.ScrollContainer minWidth={500}>
        <Table verticalSpacing="xs" striped data-testid="builder-table">
          <Table.Thead>
            <Table.Tr>
              {groupCols.map((c) => (
                <Table.Th key={c.key}>{c.label}</Table.Th>
              ))}
              {measureCols.map((c) => (
                <Table.Th key={c.key} ta="right">
                  {c.label}
                </Table.Th>
              ))}
              <Table.Th w={90} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.rows.map((row, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: group rows in the report's order
              <Table.Tr key={i}>
                {groupCols.map((c, j) => (
                  <Table.Td key={c.key}>
                    {row.labels[j] ?? (
                      <Text c="dimmed" size="sm">
                        (none)
                      </Text>
                    )}
                  </Table.Td>
                ))}
                {measureCols.map((c, j) => (
                  <Table.Td key={c.key} ta="right">
                    {cell(row.values[j] ?? null, c.key, row.drill)}
                  </Table.Td>
                ))}
                <Table.Td ta="right">
                  {row.drill && (
                    <Text component={Link} to={drillHref(row.drill)} size="xs" c="indigo">
                      Records
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            <Table.Tr fw={650}>
              {groupCols.map((c, j) => (
                <Table.Td key={c.key}>{j === 0 ? 'Total' : ''}</Table.Td>
              ))}
              {measureCols.map((c, j) => {
                const v = result.totals.values[j] ?? null;
                return (
                  <Table.Td key={c.key} ta="right">
                    {c.key === 'count' ? (
                      <DrillCount
                        value={v === null ? null : Number(v)}
                        drill={result.totals.drill}
                        fw={650}
                      />
                    ) : (
                      measureText(v)
                    )}
                  </Table.Td>
                );
              })}
              <Table.Td />
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {result.truncated && (
        <Text size="xs" c="orange" p="sm">
          Only the first groups are shown (the builder answers at most 1,000 groups).
        </Text>
      )}
    </Paper>
  );
}
