import { ActionIcon, Badge, Button, Group, MultiSelect, Popover, Select, Stack, Text } from '@mantine/core';
import { IconFilterPlus, IconX } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { CustomFieldEntity } from '../../core/custom-fields/custom-fields.schemas.js';
import type { Query } from '../api/client';
import { useWorkspace } from '../auth/session';
import { type CustomField, CustomFieldInput, toApiValue, useCustomFields } from './CustomFieldInput';
import { formatCustomValue } from './CustomFieldValue';
import type { Column } from './DataTable';

/** List path → the entity whose custom fields the list offers. */
export const LIST_ENTITIES: Record<string, CustomFieldEntity> = {
  '/leads': 'lead',
  '/contacts': 'contact',
  '/accounts': 'account',
  '/deals': 'deal',
};

type Field = CustomField & { inherited: boolean };
type Row = {
  id: string;
  customFields?: Record<string, unknown>;
  contactCustomFields?: Record<string, unknown>;
};

const OPS: Record<string, { value: string; label: string }[]> = {
  ordered: [
    { value: 'eq', label: 'is' },
    { value: 'gte', label: 'at least' },
    { value: 'lte', label: 'at most' },
    { value: 'gt', label: 'more than' },
    { value: 'lt', label: 'less than' },
    { value: 'empty', label: 'is empty' },
  ],
  text: [
    { value: 'contains', label: 'contains' },
    { value: 'eq', label: 'is' },
    { value: 'empty', label: 'is empty' },
  ],
  choice: [
    { value: 'eq', label: 'is' },
    { value: 'ne', label: 'is not' },
    { value: 'empty', label: 'is empty' },
  ],
};
const opsFor = (t: string) =>
  t === 'number' || t === 'money' || t === 'date'
    ? OPS.ordered!
    : t === 'select' || t === 'multiselect' || t === 'boolean'
      ? OPS.choice!
      : OPS.text!;
const opLabel = (t: string, op: string) => opsFor(t).find((o) => o.value === op)?.label ?? op;

const storageKey = (entity: string) => `leadbase.customColumns.${entity}`;
function loadColumns(entity: string): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(storageKey(entity)) ?? '[]');
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** `cf.budget[gte]` → `{ key: 'budget', op: 'gte' }`. */
const parseParam = (p: string) => {
  const m = /^cf\.([a-z][a-z0-9_]*)(?:\[([a-z_]+)\])?$/.exec(p);
  return m ? { key: m[1]!, op: m[2] ?? 'eq' } : null;
};

function AddFilter({ fields, onAdd }: { fields: Field[]; onAdd: (param: string, value: string) => void }) {
  const [opened, setOpened] = useState(false);
  const [key, setKey] = useState<string | null>(null);
  const [op, setOp] = useState<string>('eq');
  const [value, setValue] = useState<unknown>(null);
  const field = fields.find((f) => f.key === key);
  const reset = () => {
    setKey(null);
    setOp('eq');
    setValue(null);
  };
  const apply = () => {
    if (!field) return;
    let v: string;
    if (op === 'empty') v = 'true';
    else {
      const api = toApiValue(field, value);
      if (api === null) return;
      v = Array.isArray(api) ? api.join(',') : String(api);
    }
    onAdd(`cf.${field.key}${op === 'eq' ? '' : `[${op}]`}`, v);
    setOpened(false);
    reset();
  };
  return (
    <Popover
      opened={opened}
      onChange={setOpened}
      position="bottom-start"
      width={300}
      shadow="md"
      withinPortal
    >
      <Popover.Target>
        <Button
          variant="default"
          leftSection={<IconFilterPlus size={16} />}
          onClick={() => setOpened((o) => !o)}
          data-testid="custom-filter-button"
        >
          Field filter
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <Select
            label="Field"
            placeholder="Custom field"
            data={fields.map((f) => ({
              value: f.key,
              label: f.inherited ? `${f.label} (contact)` : f.label,
            }))}
            value={key}
            onChange={(k) => {
              setKey(k);
              setOp(opsFor(fields.find((f) => f.key === k)?.type ?? 'text')[0]!.value);
              setValue(null);
            }}
            searchable
            comboboxProps={{ withinPortal: false }}
          />
          {field && (
            <Select
              label="Condition"
              data={opsFor(field.type)}
              value={op}
              onChange={(o) => setOp(o ?? 'eq')}
              allowDeselect={false}
              comboboxProps={{ withinPortal: false }}
            />
          )}
          {field && op !== 'empty' && (
            <CustomFieldInput
              def={{ ...field, label: 'Value', description: null, required: false }}
              value={value}
              onChange={setValue}
            />
          )}
          <Group justify="flex-end">
            <Button size="xs" onClick={apply} disabled={!field}>
              Apply
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

/**
 * Custom fields on a record list: chosen ones as sortable columns (remembered per entity in this
 * browser), and filters kept in the URL as `cf.<key>[op]=value` (what the API takes). Leads offer
 * their contact's fields too.
 */
export function useCustomListColumns<T extends { id: string }>(
  entity: CustomFieldEntity | undefined,
): { columns: Column<T>[]; filters: Query; toolbar: ReactNode } {
  const ws = useWorkspace();
  const own = useCustomFields(entity).data ?? [];
  const inherited = useCustomFields(entity === 'lead' ? 'contact' : undefined).data ?? [];
  const fields: Field[] = [
    ...own.map((f) => ({ ...f, inherited: false })),
    ...inherited.map((f) => ({ ...f, inherited: true })),
  ];
  const [params, setParams] = useSearchParams();
  const [chosen, setChosen] = useState<string[]>(() => (entity ? loadColumns(entity) : []));
  if (!entity || fields.length === 0) return { columns: [], filters: {}, toolbar: null };

  const filters: Query = {};
  const active: { param: string; field: Field; op: string; value: string }[] = [];
  for (const [p, v] of params.entries()) {
    const parsed = parseParam(p);
    const field = parsed && fields.find((f) => f.key === parsed.key);
    if (!parsed || !field) continue;
    filters[p] = v;
    active.push({ param: p, field, op: parsed.op, value: v });
  }
  const setParam = (p: string, v: string | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (v === null) next.delete(p);
        else next.set(p, v);
        return next;
      },
      { replace: true },
    );
  const choose = (keys: string[]) => {
    setChosen(keys);
    localStorage.setItem(storageKey(entity), JSON.stringify(keys));
  };

  const columns: Column<T>[] = chosen
    .map((k) => fields.find((f) => f.key === k))
    .filter((f): f is Field => !!f)
    .map((f) => ({
      key: `custom.${f.key}`,
      label: f.label,
      sort: `custom.${f.key}`,
      sortDesc: f.type === 'number' || f.type === 'money' || f.type === 'date',
      width: f.type === 'multiselect' || f.type === 'text' ? 160 : 120,
      align: f.type === 'number' || f.type === 'money' ? 'right' : 'left',
      render: (row: T) => {
        const r = row as unknown as Row;
        const v = (f.inherited ? r.contactCustomFields : r.customFields)?.[f.key];
        const shown = formatCustomValue(f, v, ws.currency);
        return shown === null ? (
          <Text size="sm" c="dimmed">
            —
          </Text>
        ) : (
          <Text size="sm" component="div" lineClamp={2}>
            {shown}
          </Text>
        );
      },
    }));

  const toolbar = (
    <>
      <MultiSelect
        aria-label="Custom columns"
        placeholder={chosen.length ? undefined : 'Columns'}
        data={fields.map((f) => ({ value: f.key, label: f.inherited ? `${f.label} (contact)` : f.label }))}
        value={chosen.filter((k) => fields.some((f) => f.key === k))}
        onChange={choose}
        clearable
        w={200}
        data-testid="custom-columns"
      />
      <AddFilter fields={fields} onAdd={(p, v) => setParam(p, v)} />
      {active.map((a) => (
        <Badge
          key={a.param}
          variant="light"
          size="lg"
          tt="none"
          rightSection={
            <ActionIcon
              size="xs"
              variant="transparent"
              aria-label={`Remove filter ${a.field.label}`}
              onClick={() => setParam(a.param, null)}
            >
              <IconX size={12} />
            </ActionIcon>
          }
        >
          {a.field.label} {opLabel(a.field.type, a.op)}
          {a.op === 'empty' ? '' : ` ${a.value}`}
        </Badge>
      ))}
    </>
  );
  return { columns, filters, toolbar };
}
