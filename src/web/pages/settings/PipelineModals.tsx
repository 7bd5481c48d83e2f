import {
  Alert,
  Button,
  ColorInput,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Pipeline, Stage } from '../../api/types';
import { showApiError } from '../../lib/forms';
import type { StageUsage } from './PipelineStageList';

// As in core/pipelines/pipelines.schemas.ts (not imported: it pulls the database schema into the bundle).
const STAGE_TYPES = ['open', 'won', 'lost'] as const;
const OPEN_STATUSES = ['new', 'contacted', 'qualified', 'proposal'] as const;
const SWATCHES = ['#868e96', '#228be6', '#7950f2', '#fd7e14', '#15aabf', '#fab005', '#40c057', '#fa5252'];
const TYPE_LABELS: Record<string, string> = {
  open: 'Open (work in progress)',
  won: 'Won',
  lost: 'Lost (needs a lost reason)',
};
const statusesOf = (type: string): string[] => (type === 'open' ? [...OPEN_STATUSES] : [type]);

/** A new pipeline: name, rotten-after days, default; it starts with the six default stages. */
export function PipelineCreateModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (p: Pipeline) => void;
}) {
  const form = useForm({
    initialValues: { name: '', rottenAfterDays: '' as number | string, isDefault: false },
    validate: { name: (v) => (v.trim() ? null : 'A name is required') },
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on open
  useEffect(() => {
    if (opened) form.reset();
  }, [opened]);
  const submit = form.onSubmit(async (v) => {
    try {
      const p = await api.post<Pipeline>('/pipelines', {
        name: v.name.trim(),
        isDefault: v.isDefault,
        ...(v.rottenAfterDays === '' ? {} : { rottenAfterDays: Number(v.rottenAfterDays) }),
      });
      notifications.show({ color: 'green', message: `Pipeline ${p.name} created` });
      onCreated(p);
    } catch (e) {
      showApiError(e, form);
    }
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New pipeline">
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
          <NumberInput
            label="Rotten after (days)"
            description="Leads in an open stage longer than this are marked on the board; empty: never"
            min={1}
            max={3650}
            allowDecimal={false}
            {...form.getInputProps('rottenAfterDays')}
          />
          <Switch label="Default pipeline" {...form.getInputProps('isDefault', { type: 'checkbox' })} />
          <Text size="xs" c="dimmed">
            It starts with New, Contacted, Qualified, Proposal, Won and Lost; change them afterwards.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Create pipeline
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

type StageValues = {
  name: string;
  color: string;
  probability: number | string;
  type: string;
  leadStatus: string;
};

/** Add or edit a stage: name, colour, probability, type and the status its leads get. */
export function PipelineStageModal({
  opened,
  onClose,
  pipeline,
  stage,
  onSaved,
}: {
  opened: boolean;
  onClose: () => void;
  pipeline: Pipeline;
  /** The stage to edit; absent to add one. */
  stage?: Stage | null;
  onSaved: (p: Pipeline) => void;
}) {
  const initial = (): StageValues => ({
    name: stage?.name ?? '',
    color: stage?.color ?? '#228be6',
    probability: stage?.probability ?? 50,
    type: stage?.type ?? 'open',
    leadStatus: stage?.leadStatus ?? 'qualified',
  });
  const form = useForm<StageValues>({
    initialValues: initial(),
    validate: {
      name: (v) => (v.trim() ? null : 'A name is required'),
      color: (v) => (/^#[0-9a-fA-F]{6}$/.test(v) ? null : 'A colour #rrggbb'),
    },
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when another stage is opened
  useEffect(() => {
    if (!opened) return;
    form.setValues(initial());
    form.resetDirty(initial());
    form.clearErrors();
  }, [opened, stage?.id]);
  const statuses = statusesOf(form.values.type);
  const submit = form.onSubmit(async (v) => {
    const body = {
      name: v.name.trim(),
      color: v.color,
      probability: Number(v.probability),
      type: v.type,
      leadStatus: v.leadStatus,
    };
    try {
      const p = stage
        ? (await api.patch<Pipeline>(`/pipelines/${pipeline.id}/stages/${stage.id}`, body)).data
        : await api.post<Pipeline>(`/pipelines/${pipeline.id}/stages`, body);
      onSaved(p);
    } catch (e) {
      showApiError(e, form);
    }
  });
  return (
    <Modal opened={opened} onClose={onClose} title={stage ? `Edit stage ${stage.name}` : 'New stage'}>
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
          <ColorInput label="Colour" format="hex" swatches={SWATCHES} {...form.getInputProps('color')} />
          <NumberInput
            label="Probability (%)"
            min={0}
            max={100}
            allowDecimal={false}
            {...form.getInputProps('probability')}
          />
          <Select
            label="Type"
            data={STAGE_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t]! }))}
            allowDeselect={false}
            {...form.getInputProps('type')}
            onChange={(t) => {
              if (!t) return;
              form.setFieldValue('type', t);
              if (!statusesOf(t).includes(form.values.leadStatus))
                form.setFieldValue('leadStatus', statusesOf(t)[0]!);
            }}
          />
          <Select
            label="Lead status"
            description="The status leads in this stage have"
            data={statuses}
            allowDeselect={false}
            disabled={statuses.length === 1}
            {...form.getInputProps('leadStatus')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              {stage ? 'Save stage' : 'Add stage'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Remove a stage: pick where its leads and deals go (a stage of the same type); shows how many move. */
export function PipelineRemoveStageModal({
  pipeline,
  stage,
  usage,
  onClose,
  onRemoved,
}: {
  pipeline: Pipeline;
  stage: Stage | null;
  usage?: StageUsage;
  onClose: () => void;
  onRemoved: (r: { pipeline: Pipeline; leadsMoved: number; dealsMoved: number }) => void;
}) {
  const [target, setTarget] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when another stage is picked
  useEffect(() => setTarget(null), [stage?.id]);
  if (!stage) return null;
  const targets = pipeline.stages.filter((s) => s.id !== stage.id && s.type === stage.type);
  const leads = (usage?.leads ?? 0) + (usage?.deletedLeads ?? 0);
  const deals = (usage?.deals ?? 0) + (usage?.deletedDeals ?? 0);
  const needsTarget = leads + deals > 0;
  const lastOpen = stage.type === 'open' && pipeline.stages.filter((s) => s.type === 'open').length === 1;
  const remove = async () => {
    setBusy(true);
    try {
      const r = await api.post<{ pipeline: Pipeline; leadsMoved: number; dealsMoved: number }>(
        `/pipelines/${pipeline.id}/stages/${stage.id}/remove`,
        target ? { moveToStageId: target } : {},
      );
      onRemoved(r);
    } catch (e) {
      showApiError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={!!stage} onClose={onClose} title={`Remove stage ${stage.name}?`}>
      <Stack>
        {lastOpen ? (
          <Alert color="orange">This is the last open stage; a pipeline keeps at least one.</Alert>
        ) : (
          <>
            <Text size="sm" data-testid="remove-stage-counts">
              {leads} lead{leads === 1 ? '' : 's'} and {deals} deal{deals === 1 ? '' : 's'} will move
              {usage && usage.deletedLeads + usage.deletedDeals > 0
                ? ` (${usage.deletedLeads + usage.deletedDeals} of them deleted)`
                : ''}
              .
            </Text>
            {needsTarget && targets.length === 0 && (
              <Alert color="orange">
                There is no other {stage.type} stage to move them to: add one first.
              </Alert>
            )}
            {targets.length > 0 && (
              <Select
                label="Move leads and deals to"
                description={`Another ${stage.type} stage of ${pipeline.name}`}
                placeholder="Pick a stage"
                data={targets.map((s) => ({ value: s.id, label: s.name }))}
                value={target}
                onChange={setTarget}
              />
            )}
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" loading={busy} disabled={lastOpen || (needsTarget && !target)} onClick={remove}>
            Remove stage
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
