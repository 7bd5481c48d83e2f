import {
  Button,
  Divider,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useSaveRecord } from '../../api/hooks';
import type { Account } from '../../api/types';
import { ConflictAlert, useConflict } from '../../components/Conflict';
import {
  CustomFieldsSection,
  type CustomValues,
  useCustomBody,
  withCustom,
} from '../../components/CustomFieldInput';
import { MemberSelect } from '../../components/people';
import { ACCOUNT_HEALTH, ACCOUNT_TYPES, DOMAIN_RE } from '../../lib/constants';
import { options } from '../../lib/format';
import { changedBody, createBody, sel, showApiError, txt } from '../../lib/forms';

const ADDRESS = ['street1', 'city', 'state', 'postcode', 'country'] as const;

export type AccountFormValues = {
  name: string;
  domain: string;
  website: string;
  phone: string;
  accountType: string;
  industry: string;
  companySize: string;
  annualRevenue: string | number;
  taxId: string;
  health: string;
  lifecycleStage: string;
  ownerId: string;
  description: string;
  address: Record<(typeof ADDRESS)[number], string>;
};

function accountValues(a?: Account): AccountFormValues {
  return {
    name: txt(a?.name),
    domain: txt(a?.domain),
    website: txt(a?.website),
    phone: txt(a?.phone),
    accountType: txt(a?.accountType),
    industry: txt(a?.industry),
    companySize: txt(a?.companySize),
    annualRevenue: txt(a?.annualRevenue),
    taxId: txt(a?.taxId),
    health: txt(a?.health),
    lifecycleStage: txt(a?.lifecycleStage),
    ownerId: txt(a?.ownerId),
    description: txt(a?.description),
    address: Object.fromEntries(
      ADDRESS.map((k) => [k, txt(a?.address?.[k])]),
    ) as AccountFormValues['address'],
  };
}

const addressBody = (a: AccountFormValues['address']) => {
  const parts = Object.entries(a).filter(([, v]) => v.trim());
  return parts.length ? Object.fromEntries(parts.map(([k, v]) => [k, v.trim()])) : null;
};

export function AccountForm({
  account,
  onSaved,
  onCancel,
}: {
  account?: Account;
  onSaved: (a: Account) => void;
  onCancel: () => void;
}) {
  const qc = useQueryClient();
  const save = useSaveRecord<Account>('accounts', account?.id ?? '');
  const accountCustom = useCustomBody('account');
  const form = useForm<AccountFormValues & { customFields?: CustomValues }>({
    initialValues: { ...accountValues(account), customFields: { ...account?.customFields } },
    validate: {
      name: (v) => (!v.trim() ? 'Is required' : null),
      domain: (v) => (v.trim() && !DOMAIN_RE.test(v.trim()) ? 'Must be a domain such as example.com' : null),
      website: (v) =>
        v.trim() && !/^https?:\/\/\S+$/i.test(v.trim()) ? 'Must be a URL starting with https://' : null,
    },
  });
  const conflict = useConflict<Account>('accounts', account?.id, (fresh) => {
    form.setInitialValues(accountValues(fresh));
    form.setValues(accountValues(fresh));
  });

  const submit = form.onSubmit(async (values) => {
    const { address, customFields, ...scalars } = values;
    try {
      if (account) {
        const { address: before, ...initial } = accountValues(account);
        const body = withCustom(changedBody(scalars, initial), {
          customFields: accountCustom(customFields, account.customFields),
        });
        if (JSON.stringify(addressBody(address)) !== JSON.stringify(addressBody(before)))
          body.address = addressBody(address);
        if (Object.keys(body).length === 0) return onSaved(account);
        const res = await save.mutateAsync(body);
        notifications.show({ color: 'green', message: 'Account saved' });
        onSaved(res.data);
      } else {
        const a = addressBody(address);
        const created = await api.post<Account>('/accounts', {
          ...withCustom(createBody(scalars), { customFields: accountCustom(customFields) }),
          ...(a ? { address: a } : {}),
        });
        void qc.invalidateQueries({ queryKey: ['accounts'] });
        onSaved(created);
      }
    } catch (e) {
      showApiError(e, form, { onConflict: conflict.onConflict });
    }
  });

  return (
    <form onSubmit={submit} noValidate data-testid="account-form">
      <Stack gap="md">
        <ConflictAlert noun="account" {...conflict} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label="Name" withAsterisk data-autofocus {...form.getInputProps('name')} />
          <TextInput label="Domain" placeholder="acme.com" {...form.getInputProps('domain')} />
          <TextInput label="Website" placeholder="https://acme.com" {...form.getInputProps('website')} />
          <TextInput label="Phone" {...form.getInputProps('phone')} />
          <Select
            label="Type"
            data={options(ACCOUNT_TYPES)}
            clearable
            {...sel(form.getInputProps('accountType'))}
          />
          <Select
            label="Health"
            data={options(ACCOUNT_HEALTH)}
            clearable
            {...sel(form.getInputProps('health'))}
          />
          <TextInput label="Industry" {...form.getInputProps('industry')} />
          <TextInput label="Company size" placeholder="51-200" {...form.getInputProps('companySize')} />
          <NumberInput
            label="Annual revenue"
            min={0}
            decimalScale={2}
            thousandSeparator=","
            hideControls
            {...form.getInputProps('annualRevenue')}
          />
          <TextInput label="Tax id" placeholder="e.g. GSTIN" {...form.getInputProps('taxId')} />
          <TextInput label="Lifecycle stage" {...form.getInputProps('lifecycleStage')} />
          <MemberSelect label="Owner" placeholder="Unassigned" {...sel(form.getInputProps('ownerId'))} />
        </SimpleGrid>
        <Divider label="Address" labelPosition="left" />
        <TextInput placeholder="Street" aria-label="Street" {...form.getInputProps('address.street1')} />
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          <TextInput placeholder="City" aria-label="City" {...form.getInputProps('address.city')} />
          <TextInput placeholder="State" aria-label="State" {...form.getInputProps('address.state')} />
          <TextInput
            placeholder="Postcode"
            aria-label="Postcode"
            {...form.getInputProps('address.postcode')}
          />
          <TextInput placeholder="Country" aria-label="Country" {...form.getInputProps('address.country')} />
        </SimpleGrid>
        <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
        <CustomFieldsSection entity="account" form={form} title="Custom fields" />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={form.submitting}>
            {account ? 'Save changes' : 'Create account'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
