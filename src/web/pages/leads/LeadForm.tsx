import {
  Autocomplete,
  Button,
  Divider,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  TextInput,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useSaveRecord } from '../../api/hooks';
import type { Lead } from '../../api/types';
import { ConflictAlert, useConflict } from '../../components/Conflict';
import {
  CustomFieldsSection,
  type CustomValues,
  useCustomBody,
  withCustom,
} from '../../components/CustomFieldInput';
import { MemberSelect } from '../../components/people';
import { StageSelect } from '../../components/StageSelect';
import { checkEmail, checkPhone, LEAD_SOURCES, PRIORITIES, TEMPERATURES } from '../../lib/constants';
import { options } from '../../lib/format';
import { changedBody, createBody, sel, showApiError, txt } from '../../lib/forms';

export type LeadFormValues = {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  company: string;
  jobTitle: string;
  title: string;
  productInterest: string;
  source: string;
  campaign: string;
  stageId: string;
  priority: string;
  temperature: string;
  ownerId: string;
  dealValue: string | number;
  expectedCloseDate: string;
  budgetRange: string;
  timeline: string;
};

export function leadValues(l?: Lead): LeadFormValues {
  return {
    firstName: txt(l?.firstName),
    lastName: txt(l?.lastName),
    email: txt(l?.email),
    phone: txt(l?.phone),
    company: txt(l?.company),
    jobTitle: txt(l?.jobTitle),
    title: txt(l?.title),
    productInterest: txt(l?.productInterest),
    source: txt(l?.source),
    campaign: txt(l?.campaign),
    stageId: txt(l?.stageId),
    priority: l?.priority ?? 'medium',
    temperature: txt(l?.temperature),
    ownerId: txt(l?.ownerId),
    dealValue: txt(l?.dealValue),
    expectedCloseDate: txt(l?.expectedCloseDate),
    budgetRange: txt(l?.budgetRange),
    timeline: txt(l?.timeline),
  };
}

type Props = {
  /** The lead to edit; absent to create one. */
  lead?: Lead;
  onSaved: (lead: Lead) => void;
  onCancel: () => void;
};

/** Create or edit a lead. Contact fields (name, email, phone, company, job title) are the contact's. */
export function LeadForm({ lead, onSaved, onCancel }: Props) {
  const qc = useQueryClient();
  const save = useSaveRecord<Lead>('leads', lead?.id ?? '', ['contacts']);
  const leadCustom = useCustomBody('lead');
  const contactCustom = useCustomBody('contact');
  const form = useForm<LeadFormValues & { customFields?: CustomValues; contactCustomFields?: CustomValues }>({
    initialValues: {
      ...leadValues(lead),
      customFields: { ...lead?.customFields },
      contactCustomFields: { ...lead?.contactCustomFields },
    },
    validate: {
      email: checkEmail,
      phone: checkPhone,
      lastName: (_v, values) =>
        !lead &&
        !values.firstName.trim() &&
        !values.lastName.trim() &&
        !values.email.trim() &&
        !values.phone.trim() &&
        !values.company.trim()
          ? 'A lead needs a contact: give a name, email, phone or company'
          : null,
      dealValue: (v) =>
        v !== '' && !/^-?\d{1,14}(\.\d{1,2})?$/.test(String(v)) ? 'At most 2 decimals' : null,
    },
  });
  const conflict = useConflict<Lead>('leads', lead?.id, (fresh) => {
    form.setInitialValues(leadValues(fresh));
    form.setValues(leadValues(fresh));
    form.resetDirty(leadValues(fresh));
  });

  const submit = form.onSubmit(async ({ customFields, contactCustomFields, ...values }) => {
    const custom = (initial?: Lead) => ({
      customFields: leadCustom(customFields, initial?.customFields),
      contactCustomFields: contactCustom(contactCustomFields, initial?.contactCustomFields),
    });
    try {
      if (lead) {
        const body = withCustom(changedBody(values, leadValues(lead)), custom(lead));
        if (Object.keys(body).length === 0) return onSaved(lead);
        const res = await save.mutateAsync(body);
        notifications.show({ color: 'green', message: 'Lead saved' });
        onSaved(res.data);
      } else {
        const created = await api.post<Lead>('/leads', withCustom(createBody(values), custom()));
        void qc.invalidateQueries({ queryKey: ['leads'] });
        void qc.invalidateQueries({ queryKey: ['contacts'] });
        onSaved(created);
      }
    } catch (e) {
      showApiError(e, form, { onConflict: conflict.onConflict });
    }
  });

  return (
    <form onSubmit={submit} noValidate data-testid="lead-form">
      <Stack gap="md">
        <ConflictAlert noun="lead" {...conflict} />
        <Divider label="Contact" labelPosition="left" />
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm">
          <TextInput label="First name" data-autofocus {...form.getInputProps('firstName')} />
          <TextInput label="Last name" {...form.getInputProps('lastName')} />
          <TextInput label="Email" type="email" {...form.getInputProps('email')} />
          <TextInput label="Phone" placeholder="+1 415 555 0100" {...form.getInputProps('phone')} />
          <TextInput label="Company" {...form.getInputProps('company')} />
          <TextInput label="Job title" {...form.getInputProps('jobTitle')} />
        </SimpleGrid>
        <CustomFieldsSection
          entity="contact"
          path="contactCustomFields"
          form={form}
          title="Contact fields (shared by all leads of the contact)"
        />
        <Divider label="Lead" labelPosition="left" />
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm">
          <TextInput label="Title" placeholder="e.g. Kitchen remodel" {...form.getInputProps('title')} />
          <TextInput label="Product interest" {...form.getInputProps('productInterest')} />
          <Autocomplete label="Source" data={LEAD_SOURCES} {...form.getInputProps('source')} />
          <TextInput label="Campaign" {...form.getInputProps('campaign')} />
          <StageSelect
            label="Stage"
            placeholder="First stage"
            clearable={!lead}
            {...sel(form.getInputProps('stageId'))}
          />
          <MemberSelect label="Owner" placeholder="Unassigned" {...sel(form.getInputProps('ownerId'))} />
          <Select
            label="Priority"
            data={options(PRIORITIES)}
            allowDeselect={false}
            {...sel(form.getInputProps('priority'))}
          />
          <Select
            label="Temperature"
            data={options(TEMPERATURES)}
            clearable
            {...sel(form.getInputProps('temperature'))}
          />
          <NumberInput
            label="Deal value"
            min={0}
            decimalScale={2}
            thousandSeparator=","
            hideControls
            {...form.getInputProps('dealValue')}
          />
          <DateInput
            label="Expected close"
            clearable
            valueFormat="MMM D, YYYY"
            value={form.values.expectedCloseDate || null}
            onChange={(v) => form.setFieldValue('expectedCloseDate', v ?? '')}
            error={form.errors.expectedCloseDate}
          />
          <TextInput label="Budget range" {...form.getInputProps('budgetRange')} />
          <TextInput label="Timeline" placeholder="e.g. this quarter" {...form.getInputProps('timeline')} />
        </SimpleGrid>
        <CustomFieldsSection entity="lead" form={form} title="Lead fields" />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={form.submitting}>
            {lead ? 'Save changes' : 'Create lead'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
