import { Anchor, Checkbox, Modal, Select, Stack, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import { FormFooter, useResetOnOpen } from '../../components/ModalForm';
import { showApiError } from '../../lib/forms';
import { CHART_LABELS } from './ReportChart';
import {
  addToDashboard,
  type ChartKind,
  type ReportKind,
  SAVED_CHART_KINDS,
  type SavedReport,
} from './report-api';

type Values = { name: string; chart: ChartKind; shared: boolean; dashboard: boolean };

/** "Save report": a name, the chart to draw, shared or not; optionally straight onto the dashboard. */
export function SaveReportModal(props: {
  opened: boolean;
  onClose: () => void;
  kind: ReportKind;
  defaultName: string;
  params: Record<string, unknown>;
  chart: ChartKind;
  chartKinds: ChartKind[];
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const charts = props.chartKinds.filter((k) => SAVED_CHART_KINDS.includes(k));
  const initial = (): Values => ({
    name: props.defaultName,
    chart: charts.includes(props.chart) ? props.chart : (charts[0] ?? 'table'),
    shared: false,
    dashboard: true,
  });
  const form = useForm<Values>({
    initialValues: initial(),
    validate: { name: (v) => (v.trim() ? null : 'A name is required') },
  });
  useResetOnOpen(form, props.opened, props.chart, initial);
  const submit = form.onSubmit(async (v) => {
    try {
      const saved = await api.post<SavedReport>('/reports/saved', {
        name: v.name.trim(),
        kind: props.kind,
        params: props.params,
        chart: v.chart,
        shared: v.shared,
      });
      if (v.dashboard) await addToDashboard(saved.id);
      void qc.invalidateQueries({ queryKey: ['reports', 'saved'] });
      void qc.invalidateQueries({ queryKey: ['reports', 'dashboard'] });
      notifications.show({
        color: 'green',
        title: `Report "${saved.name}" saved`,
        message: v.dashboard ? (
          // Notifications render outside the router: navigate from here rather than with a <Link>.
          <Anchor size="sm" onClick={() => navigate('/reports')}>
            Open the dashboard
          </Anchor>
        ) : (
          'It is in your saved reports.'
        ),
      });
      props.onClose();
    } catch (e) {
      showApiError(e, form);
    }
  });
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Save report">
      <form onSubmit={submit} noValidate aria-label="Save report">
        <Stack gap="sm">
          <TextInput label="Name" withAsterisk data-autofocus {...form.getInputProps('name')} />
          <Select
            label="Chart"
            data={charts.map((k) => ({ value: k, label: CHART_LABELS[k] }))}
            allowDeselect={false}
            {...form.getInputProps('chart')}
          />
          <Switch
            label="Shared with the workspace"
            description="Every member can open it; only you and managers change it."
            {...form.getInputProps('shared', { type: 'checkbox' })}
          />
          <Checkbox label="Add to my dashboard" {...form.getInputProps('dashboard', { type: 'checkbox' })} />
          <FormFooter onCancel={props.onClose} submitting={form.submitting} submitLabel="Save" />
        </Stack>
      </form>
    </Modal>
  );
}
