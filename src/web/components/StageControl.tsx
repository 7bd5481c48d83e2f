import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type Resource, usePipelines, useSaveRecord } from '../api/hooks';
import { showApiError } from '../lib/forms';
import { LostReasonModal } from '../pages/board/LostReasonModal';
import { StageSelect } from './StageSelect';

/**
 * Moves a lead or deal to another stage at once (PATCH stageId with If-Match). A lead moved to a lost
 * stage first asks for the lost reason (the same dialog as the board); cancelling leaves it where it is.
 */
export function StageControl(props: {
  resource: Extract<Resource, 'leads' | 'deals'>;
  record: { id: string; stageId: string; pipelineId: string };
  disabled?: boolean;
}) {
  const qc = useQueryClient();
  const { resource, record } = props;
  const save = useSaveRecord(resource, record.id, resource === 'leads' ? ['contacts', 'board'] : []);
  const { data: pipelines } = usePipelines();
  const [losing, setLosing] = useState<{ id: string; name: string } | null>(null);
  const request = (stageId: string | null) => {
    if (!stageId || stageId === record.stageId) return;
    const stage = pipelines?.flatMap((p) => p.stages).find((s) => s.id === stageId);
    if (resource === 'leads' && stage?.type === 'lost') setLosing({ id: stage.id, name: stage.name });
    else move(stageId);
  };
  const move = (stageId: string, lostReason?: string) => {
    save.mutate(
      { stageId, ...(lostReason ? { lostReason } : {}) },
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
    <>
      <StageSelect
        aria-label="Stage"
        pipelineId={record.pipelineId}
        value={record.stageId}
        onChange={request}
        disabled={props.disabled || save.isPending}
        w={170}
        data-testid="stage-select"
      />
      <LostReasonModal
        opened={!!losing}
        stageName={losing?.name}
        onCancel={() => setLosing(null)}
        onConfirm={(reason) => {
          if (losing) move(losing.id, reason);
          setLosing(null);
        }}
      />
    </>
  );
}
