import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { type Resource, useSaveRecord } from '../api/hooks';
import { showApiError } from '../lib/forms';
import { StageSelect } from './StageSelect';

/** Moves a lead or deal to another stage at once (PATCH stageId with If-Match). */
export function StageControl(props: {
  resource: Extract<Resource, 'leads' | 'deals'>;
  record: { id: string; stageId: string; pipelineId: string };
  disabled?: boolean;
}) {
  const qc = useQueryClient();
  const { resource, record } = props;
  const save = useSaveRecord(resource, record.id, resource === 'leads' ? ['contacts'] : []);
  const move = (stageId: string | null) => {
    if (!stageId || stageId === record.stageId) return;
    save.mutate(
      { stageId },
      {
        onError: (e) =>
          showApiError(e, undefined, {
            onConflict: () => {
              const id = notifications.show({
                color: 'orange',
                title: 'Someone else changed this record',
                message: (
                  <Button
                    size="compact-xs"
                    mt={4}
                    variant="light"
                    color="orange"
                    onClick={() => {
                      void qc.invalidateQueries({ queryKey: [resource, 'one', record.id] });
                      notifications.hide(id);
                    }}
                  >
                    Reload it, then move it again
                  </Button>
                ),
                autoClose: false,
              });
            },
          }),
      },
    );
  };
  return (
    <StageSelect
      aria-label="Stage"
      pipelineId={record.pipelineId}
      value={record.stageId}
      onChange={move}
      disabled={props.disabled || save.isPending}
      w={170}
      data-testid="stage-select"
    />
  );
}
