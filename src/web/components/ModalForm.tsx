import { Button, Group } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useEffect } from 'react';

/**
 * Resets a modal's form to `initial()` (values, initial values, no errors) each time the modal opens
 * or shows another record (`key`, e.g. the record's id).
 */
export function useResetOnOpen<V extends Record<string, unknown>>(
  form: UseFormReturnType<V>,
  opened: boolean,
  key: string | undefined,
  initial: () => V,
) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when opened or another record is shown
  useEffect(() => {
    if (!opened) return;
    const v = initial();
    form.setInitialValues(v);
    form.setValues(v);
    form.clearErrors();
  }, [opened, key]);
}

/** The end of a modal form: Cancel, then the submit button (loading while the form submits). */
export function FormFooter({
  onCancel,
  submitting,
  submitLabel,
}: {
  onCancel: () => void;
  submitting: boolean;
  submitLabel: string;
}) {
  return (
    <Group justify="flex-end" mt="sm">
      <Button variant="default" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" loading={submitting}>
        {submitLabel}
      </Button>
    </Group>
  );
}
