import { Button, Chip, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';

/** Reasons offered first; any other text is accepted too. */
export const LOST_REASONS = [
  'Price too high',
  'Chose a competitor',
  'No budget',
  'No response',
  'Bad timing',
  'Not a fit',
  'Went with in-house solution',
];

/**
 * Asks why a lead was lost before it moves to a lost stage (the server requires a reason).
 * Cancel leaves the lead where it was.
 */
export function LostReasonModal(props: {
  opened: boolean;
  /** Who is being lost and where to, for the title. */
  leadName?: string;
  stageName?: string;
  onCancel: () => void;
  onConfirm: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (props.opened) {
      setReason('');
      setError(null);
    }
  }, [props.opened]);
  const confirm = () => {
    const r = reason.trim();
    if (!r) return setError('Say why it was lost');
    if (r.length > 500) return setError('At most 500 characters');
    props.onConfirm(r);
  };
  return (
    <Modal
      opened={props.opened}
      onClose={props.onCancel}
      title={`Mark as ${props.stageName ?? 'lost'}`}
      centered
      size="md"
    >
      <form
        aria-label="Lost reason"
        onSubmit={(e) => {
          e.preventDefault();
          confirm();
        }}
      >
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {props.leadName ? `Why was ${props.leadName} lost?` : 'Why was this lead lost?'} The reason is
            kept on the lead and its timeline.
          </Text>
          <TextInput
            label="Lost reason"
            placeholder="Type it, or pick one below"
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              setError(null);
            }}
            error={error}
            data-autofocus
            withAsterisk
            maxLength={500}
          />
          <Chip.Group
            value={LOST_REASONS.includes(reason) ? reason : null}
            onChange={(v) => {
              setReason(v ?? '');
              setError(null);
            }}
          >
            <Group gap={6} aria-label="Common reasons">
              {LOST_REASONS.map((r) => (
                <Chip key={r} value={r} size="xs" variant="light" color="red">
                  {r}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={props.onCancel}>
              Cancel
            </Button>
            <Button type="submit" color="red">
              Mark as lost
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
