import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTimeline, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import { usePipelines } from '../../api/hooks';
import type { Pipeline, Stage } from '../../api/types';
import { usePermissions } from '../../auth/session';
import { PageHeader } from '../../components/ListPage';
import { showApiError } from '../../lib/forms';
import { PipelineCreateModal, PipelineRemoveStageModal, PipelineStageModal } from './PipelineModals';
import { PipelineStageList, type StageUsage } from './PipelineStageList';

type Usage = { pipelineId: string; stages: ({ stageId: string } & StageUsage)[] };

/** Every page that shows pipelines or stages reads them again after a change here. */
function useRefreshPipelines() {
  const qc = useQueryClient();
  return (p?: Pipeline) => {
    if (p)
      qc.setQueryData<Pipeline[]>(['pipelines'], (old) =>
        old ? (old.some((x) => x.id === p.id) ? old.map((x) => (x.id === p.id ? p : x)) : [...old, p]) : old,
      );
    for (const k of ['pipelines', 'board', 'leads', 'deals', 'audit'])
      void qc.invalidateQueries({ queryKey: [k] });
  };
}

function PipelineForm({ pipeline, isAdmin }: { pipeline: Pipeline; isAdmin: boolean }) {
  const refresh = useRefreshPipelines();
  const initial = () => ({
    name: pipeline.name,
    rottenAfterDays: (pipeline.rottenAfterDays ?? '') as number | string,
    isDefault: pipeline.isDefault,
  });
  const form = useForm({ initialValues: initial() });
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the pipeline changes on the server
  useEffect(() => {
    form.setValues(initial());
    form.resetDirty(initial());
  }, [pipeline.id, pipeline.version]);
  const submit = form.onSubmit(async (v) => {
    try {
      const r = await api.patch<Pipeline>(
        `/pipelines/${pipeline.id}`,
        {
          name: v.name.trim(),
          rottenAfterDays: v.rottenAfterDays === '' ? null : Number(v.rottenAfterDays),
          ...(v.isDefault && !pipeline.isDefault ? { isDefault: true } : {}),
        },
        `"${pipeline.version}"`,
      );
      notifications.show({ color: 'green', message: 'Pipeline saved' });
      refresh(r.data);
    } catch (e) {
      showApiError(e, form, {
        onConflict: () => {
          notifications.show({
            color: 'orange',
            title: 'Changed by someone else',
            message: 'The pipeline was reloaded; apply your change again.',
          });
          refresh();
        },
      });
    }
  });
  return (
    <form onSubmit={submit}>
      <Group align="flex-end" gap="md">
        <TextInput label="Name" w={260} disabled={!isAdmin} {...form.getInputProps('name')} />
        <NumberInput
          label="Rotten after (days)"
          placeholder="Never"
          w={180}
          min={1}
          max={3650}
          allowDecimal={false}
          disabled={!isAdmin}
          {...form.getInputProps('rottenAfterDays')}
        />
        <Switch
          label="Default pipeline"
          disabled={!isAdmin || pipeline.isDefault}
          mb={8}
          {...form.getInputProps('isDefault', { type: 'checkbox' })}
        />
        {isAdmin && (
          <Button type="submit" loading={form.submitting} disabled={!form.isDirty()}>
            Save
          </Button>
        )}
      </Group>
    </form>
  );
}

/** Settings → Pipelines: pick a pipeline, edit it, and order, add, edit and remove its stages. */
export function PipelinesPage() {
  const { isAdmin } = usePermissions();
  const [params, setParams] = useSearchParams();
  const { data: pipelines, isPending } = usePipelines();
  const refresh = useRefreshPipelines();
  const qc = useQueryClient();
  const pipeline =
    pipelines?.find((p) => p.id === params.get('pipeline')) ??
    pipelines?.find((p) => p.isDefault) ??
    pipelines?.[0];
  const select = (id: string) => setParams({ pipeline: id }, { replace: true });
  const [creating, createModal] = useDisclosure(false);
  const [addingStage, addStageModal] = useDisclosure(false);
  const [editing, setEditing] = useState<Stage | null>(null);
  const [removing, setRemoving] = useState<Stage | null>(null);
  const [deleting, setDeleting] = useState(false);

  const usageQ = useQuery({
    queryKey: ['pipelines', pipeline?.id, 'usage'],
    queryFn: ({ signal }) => api.get<Usage>(`/pipelines/${pipeline!.id}/usage`, undefined, signal),
    enabled: !!pipeline,
  });
  const usage = new Map((usageQ.data?.stages ?? []).map((u) => [u.stageId, u]));

  const reorder = useMutation({
    mutationFn: (stageIds: string[]) =>
      api.post<Pipeline>(`/pipelines/${pipeline!.id}/stages/reorder`, { stageIds }),
    onMutate: (stageIds) => {
      // Show the new order at once; the server's answer (or a refetch after an error) settles it.
      const p = pipeline!;
      const byId = new Map(p.stages.map((s) => [s.id, s]));
      const stages = stageIds.map((id, position) => ({ ...byId.get(id)!, position }));
      qc.setQueryData<Pipeline[]>(['pipelines'], (old) =>
        old?.map((x) => (x.id === p.id ? { ...x, stages } : x)),
      );
    },
    onSuccess: (p) => refresh(p),
    onError: (e) => {
      showApiError(e);
      refresh();
    },
  });
  const del = useMutation({
    mutationFn: (p: Pipeline) => api.delete<Pipeline>(`/pipelines/${p.id}`),
    onSuccess: (p) => {
      setDeleting(false);
      notifications.show({ color: 'green', message: `Pipeline ${p.name} deleted` });
      qc.setQueryData<Pipeline[]>(['pipelines'], (old) => old?.filter((x) => x.id !== p.id));
      setParams({}, { replace: true });
      refresh();
    },
    onError: (e) => {
      setDeleting(false);
      showApiError(e, undefined, { title: 'Could not delete the pipeline' });
    },
  });

  return (
    <Stack gap="lg">
      <PageHeader
        title="Pipelines"
        description="The stages leads and deals move through: order (drag the handle), names, colours, probabilities, and what each stage means (open, won, lost)."
        actions={
          isAdmin && (
            <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
              New pipeline
            </Button>
          )
        }
      />
      {!isAdmin && (
        <Alert icon={<IconTimeline size={18} />} color="gray" title="Admins manage pipelines">
          You can see the pipelines; owners and admins change them.
        </Alert>
      )}
      {isPending ? (
        <Text c="dimmed">Loading…</Text>
      ) : !pipeline ? (
        <Text c="dimmed">No pipeline.</Text>
      ) : (
        <>
          <Group align="flex-end" gap="md">
            <Select
              label="Pipeline"
              w={300}
              allowDeselect={false}
              value={pipeline.id}
              onChange={(v) => v && select(v)}
              data={(pipelines ?? []).map((p) => ({
                value: p.id,
                label: p.isDefault ? `${p.name} (default)` : p.name,
              }))}
            />
            {pipeline.isDefault && (
              <Badge variant="light" mb={6}>
                Default
              </Badge>
            )}
          </Group>
          <Paper withBorder p="md">
            <Stack gap="md">
              <PipelineForm pipeline={pipeline} isAdmin={isAdmin} />
              <Group justify="space-between">
                <Title order={3} fz="md">
                  Stages
                </Title>
                {isAdmin && (
                  <Group gap="sm">
                    <Button
                      variant="subtle"
                      color="red"
                      leftSection={<IconTrash size={16} />}
                      onClick={() => setDeleting(true)}
                    >
                      Delete pipeline
                    </Button>
                    <Button variant="light" leftSection={<IconPlus size={16} />} onClick={addStageModal.open}>
                      Add stage
                    </Button>
                  </Group>
                )}
              </Group>
              <PipelineStageList
                stages={pipeline.stages}
                usage={usage}
                isAdmin={isAdmin}
                onReorder={(ids) => reorder.mutate(ids)}
                onEdit={setEditing}
                onRemove={setRemoving}
              />
            </Stack>
          </Paper>
          <PipelineStageModal
            opened={addingStage}
            onClose={addStageModal.close}
            pipeline={pipeline}
            onSaved={(p) => {
              addStageModal.close();
              refresh(p);
            }}
          />
          <PipelineStageModal
            opened={!!editing}
            onClose={() => setEditing(null)}
            pipeline={pipeline}
            stage={editing}
            onSaved={(p) => {
              setEditing(null);
              refresh(p);
            }}
          />
          <PipelineRemoveStageModal
            pipeline={pipeline}
            stage={removing}
            usage={removing ? usage.get(removing.id) : undefined}
            onClose={() => setRemoving(null)}
            onRemoved={(r) => {
              setRemoving(null);
              notifications.show({
                color: 'green',
                message: `Stage removed; ${r.leadsMoved} lead(s) and ${r.dealsMoved} deal(s) moved`,
              });
              refresh(r.pipeline);
            }}
          />
          <Modal
            opened={deleting}
            onClose={() => setDeleting(false)}
            title={`Delete pipeline ${pipeline.name}?`}
          >
            <Text size="sm">
              Only a pipeline without leads or deals that is not the default can be deleted.
            </Text>
            <Group justify="flex-end" mt="lg">
              <Button variant="default" onClick={() => setDeleting(false)}>
                Cancel
              </Button>
              <Button color="red" loading={del.isPending} onClick={() => del.mutate(pipeline)}>
                Delete pipeline
              </Button>
            </Group>
          </Modal>
        </>
      )}
      <PipelineCreateModal
        opened={creating}
        onClose={createModal.close}
        onCreated={(p) => {
          createModal.close();
          refresh(p);
          select(p.id);
        }}
      />
    </Stack>
  );
}
