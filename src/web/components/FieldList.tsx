import { Card, DataList, Group, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export type Field = { label: string; value: ReactNode };

const isBlank = (v: ReactNode) => v === null || v === undefined || v === '' || v === '—';

/** Label/value pairs of a record; blanks shown as a dimmed dash. */
export function FieldList({ fields, labelWidth = 120 }: { fields: Field[]; labelWidth?: number }) {
  return (
    <DataList size="sm" gap={10} labelWidth={labelWidth}>
      {fields.map((f) => (
        <DataList.Item key={f.label}>
          <DataList.ItemLabel c="dimmed">{f.label}</DataList.ItemLabel>
          <DataList.ItemValue style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
            {isBlank(f.value) ? <Text c="dimmed">—</Text> : f.value}
          </DataList.ItemValue>
        </DataList.Item>
      ))}
    </DataList>
  );
}

export function SectionCard(props: {
  title: string;
  action?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <Card data-testid={props.testId}>
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Title order={3} fz="md">
          {props.title}
        </Title>
        {props.action}
      </Group>
      {props.children}
    </Card>
  );
}
