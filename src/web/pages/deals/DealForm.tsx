import { Button, Group, NumberInput, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useSaveRecord } from '../../api/hooks';
import type { Deal } from '../../api/types';
import { useWorkspace } from '../../auth/session';
import { ConflictAlert, useConflict } from '../../components/Conflict';
import {
  CustomFieldsSection,
  type CustomValues,
  useCustomBody,
  withCustom,
} from '../../components/CustomFieldInput';
import { MemberSelect } from '../../components/people';
import { RecordPicker } from '../../components/RecordPicker';
import { StageSelect } from '../../components/StageSelect';
import { FORECAST_CATEGORIES } from '../../lib/constants';
import { options } from '../../lib/format';
import { changedBody, createBody, sel, showApiError, txt } from '../../lib/forms';

type DealFormValues = {
  name: string;
  accountId: string;
  primaryContactId: string;
  amount: string | number;
  currency: string;
  stageId: string;
  forecastCategory: string;
  closeDate: string;
  ownerId: string;
  description: string;
};

const dealValues = (d: Deal | undefined, currency: string): DealFormValues => ({
  name: txt(d?.name),
  accountId: txt(d?.accountId),
  primaryContactId: txt(d?.primaryContactId),
  amount: txt(d?.amount),
  currency: d?.currency ?? currency,
  stageId: txt(d?.stageId),
  forecastCategory: txt(d?.forecastCategory),
  closeDate: txt(d?.closeDate),
  ownerId: txt(d?.ownerId),
  description: txt(d?.description),
});

export function DealForm({
  deal,
  onSaved,
  onCancel,
}: {
  deal?: Deal;
  onSaved: (d: Deal) => void;
  onCancel: () => void;
}) {
  const qc = useQueryClient();
  const ws = useWorkspace();
  const save = useSaveRecord<Deal>('deals', deal?.id ?? '');
  const dealCustom = useCustomBody('deal');
  const form = useForm<DealFormValues & { customFields?: CustomValues }>({
    initialValues: { ...dealValues(deal, ws.currency), customFields: { ...deal?.customFields } },
    validate: {
      name: (v) => (!v.trim() ? 'Is required' : null),
      currency: (v) => (!/^[A-Z]{3}$/.test(v.trim()) ? 'Must be an ISO 4217 code such as USD' : null),
    },
  });
  const conflict = useConflict<Deal>('deals', deal?.id, (fresh) => {
    form.setInitialValues(dealValues(fresh, ws.currency));
    form.setValues(dealValues(fresh, ws.currency));
  });

  const submit = form.onSubmit(async ({ customFields, ...values }) => {
    try {
      if (deal) {
        const body = withCustom(changedBody(values, dealValues(deal, ws.currency)), {
          customFields: dealCustom(customFields, deal.customFields),
        });
        if (Object.keys(body).length === 0) return onSaved(deal);
        const res = await save.mutateAsync(body);
        notifications.show({ color: 'green', message: 'Deal saved' });
        onSaved(res.data);
      } else {
        const created = await api.post<Deal>(
          '/deals',
          withCustom(createBody(values), { customFields: dealCustom(customFields) }),
        );
        void qc.invalidateQueries({ queryKey: ['deals'] });
        onSaved(created);
      }
    } catch (e) {
      showApiError(e, form, { onConflict: conflict.onConflict });
    }
  });

  return (
    <form onSubmit={submit} noValidate data-testid="deal-form">
      <Stack gap="md">
        <ConflictAlert noun="deal" {...conflict} />
        <TextInput
          label="Name"
          withAsterisk
          data-autofocus
          placeholder="Acme – 50 seats"
          {...form.getInputProps('name')}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <RecordPicker
            kind="accounts"
            label="Account"
            placeholder="Search accounts"
            {...sel(form.getInputProps('accountId'))}
          />
          <RecordPicker
            kind="contacts"
            label="Primary contact"
            placeholder="Search contacts"
            {...sel(form.getInputProps('primaryContactId'))}
          />
          <NumberInput
            label="Amount"
            min={0}
            decimalScale={2}
            thousandSeparator=","
            hideControls
            {...form.getInputProps('amount')}
          />
          <TextInput label="Currency" maxLength={3} {...form.getInputProps('currency')} />
          <StageSelect
            label="Stage"
            placeholder="First open stage"
            clearable={!deal}
            {...sel(form.getInputProps('stageId'))}
          />
          <Select
            label="Forecast"
            data={options(FORECAST_CATEGORIES)}
            clearable
            {...sel(form.getInputProps('forecastCategory'))}
          />
          <DateInput
            label="Close date"
            clearable
            valueFormat="MMM D, YYYY"
            value={form.values.closeDate || null}
            onChange={(v) => form.setFieldValue('closeDate', v ?? '')}
            error={form.errors.closeDate}
          />
          <MemberSelect label="Owner" placeholder="Unassigned" {...sel(form.getInputProps('ownerId'))} />
        </SimpleGrid>
        <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
        <CustomFieldsSection entity="deal" form={form} title="Custom fields" />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={form.submitting}>
            {deal ? 'Save changes' : 'Create deal'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
