import { Button, Group, Text } from '@mantine/core';

export function UndoMessage({ text, onUndo }: { text: string; onUndo: () => void }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm">
      <Text size="sm" lineClamp={2}>
        {text}
      </Text>
      <Button size="compact-xs" variant="light" onClick={onUndo}>
        Undo
      </Button>
    </Group>
  );
}
