import { ColorSwatch, Group, Select, type SelectProps, Text } from '@mantine/core';
import { usePipelines } from '../api/hooks';

/** Stages of all pipelines (grouped by pipeline when there are several), with their colours. */
export function StageSelect(props: Omit<SelectProps, 'data'> & { pipelineId?: string }) {
  const { data: pipelines } = usePipelines();
  const { pipelineId, ...rest } = props;
  const list = (pipelines ?? []).filter((p) => !pipelineId || p.id === pipelineId);
  const colors = new Map(list.flatMap((p) => p.stages.map((s) => [s.id, s.color] as const)));
  const data =
    list.length > 1
      ? list.map((p) => ({ group: p.name, items: p.stages.map((s) => ({ value: s.id, label: s.name })) }))
      : (list[0]?.stages ?? []).map((s) => ({ value: s.id, label: s.name }));
  return (
    <Select
      data={data}
      allowDeselect={false}
      renderOption={({ option }) => (
        <Group gap={8} wrap="nowrap">
          <ColorSwatch color={colors.get(option.value) ?? '#868e96'} size={10} withShadow={false} />
          <Text size="sm">{option.label}</Text>
        </Group>
      )}
      leftSection={
        props.value ? (
          <ColorSwatch color={colors.get(props.value) ?? '#868e96'} size={10} withShadow={false} />
        ) : null
      }
      {...rest}
    />
  );
}
