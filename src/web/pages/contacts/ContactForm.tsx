import {
  Autocomplete,
  Button,
  Divider,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useSaveRecord } from '../../api/hooks';
import type { Contact } from '../../api/types';
import { ConflictAlert, useConflict } from '../../components/Conflict';
import {
  CustomFieldsSection,
  type CustomValues,
  useCustomBody,
  withCustom,
} from '../../components/CustomFieldInput';
import { MemberSelect } from '../../components/people';
import { RecordPicker } from '../../components/RecordPicker';
import { CONTACT_STATUSES, INFLUENCE, LEAD_SOURCES } from '../../lib/constants';
import { options } from '../../lib/format';
import { changedBody, createBody, sel, showApiError } from '../../lib/forms';
import { AddressFields, EmailFields, PhoneFields } from './ContactListFields';
import { type ContactFormValues, contactLists, contactRules, contactValues } from './contactValues';

type Props = { contact?: Contact; onSaved: (c: Contact) => void; onCancel: () => void };

export function ContactForm({ contact, onSaved, onCancel }: Props) {
  const qc = useQueryClient();
  const save = useSaveRecord<Contact>('contacts', contact?.id ?? '', ['leads']);
  const contactCustom = useCustomBody('contact');
  const form = useForm<ContactFormValues & { customFields?: CustomValues }>({
    initialValues: { ...contactValues(contact), customFields: { ...contact?.customFields } },
    validate: {
      ...contactRules,
      lastName: (_v, v) =>
        !contact &&
        !v.firstName.trim() &&
        !v.lastName.trim() &&
        !v.companyName.trim() &&
        !v.emails.some((e) => e.email.trim()) &&
        !v.phones.some((p) => p.phone.trim())
          ? 'A contact needs a name, an email, a phone or a company'
          : null,
    },
  });
  const conflict = useConflict<Contact>('contacts', contact?.id, (fresh) => {
    form.setInitialValues(contactValues(fresh));
    form.setValues(contactValues(fresh));
  });

  const submit = form.onSubmit(async (values) => {
    const { emails, phones, addresses, mapField } = contactLists(values);
    const { emails: _e, phones: _p, addresses: _a, customFields, ...scalars } = values;
    try {
      if (contact) {
        const initial = contactValues(contact);
        const { emails: _ie, phones: _ip, addresses: _ia, ...initialScalars } = initial;
        const body = withCustom(changedBody(scalars, initialScalars), {
          customFields: contactCustom(customFields, contact.customFields),
        });
        const before = contactLists(initial);
        if (JSON.stringify(emails) !== JSON.stringify(before.emails)) body.emails = emails;
        if (JSON.stringify(phones) !== JSON.stringify(before.phones)) body.phones = phones;
        if (JSON.stringify(addresses) !== JSON.stringify(before.addresses)) body.addresses = addresses;
        if (Object.keys(body).length === 0) return onSaved(contact);
        const res = await save.mutateAsync(body);
        notifications.show({ color: 'green', message: 'Contact saved' });
        onSaved(res.data);
      } else {
        const body = {
          ...withCustom(createBody(scalars), { customFields: contactCustom(customFields) }),
          emails,
          phones,
          addresses,
        };
        const created = await api.post<Contact>('/contacts', body);
        void qc.invalidateQueries({ queryKey: ['contacts'] });
        void qc.invalidateQueries({ queryKey: ['leads'] });
        onSaved(created);
      }
    } catch (e) {
      showApiError(e, form, { onConflict: conflict.onConflict, mapField });
    }
  });

  return (
    <form onSubmit={submit} noValidate data-testid="contact-form">
      <Stack gap="md">
        <ConflictAlert noun="contact" {...conflict} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label="First name" data-autofocus {...form.getInputProps('firstName')} />
          <TextInput label="Last name" {...form.getInputProps('lastName')} />
          <TextInput label="Company" {...form.getInputProps('companyName')} />
          <TextInput label="Job title" {...form.getInputProps('jobTitle')} />
        </SimpleGrid>
        <Divider label="Emails and phones" labelPosition="left" />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <EmailFields form={form} />
          <PhoneFields form={form} />
        </SimpleGrid>
        <Divider label="Details" labelPosition="left" />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label="Status"
            data={options(CONTACT_STATUSES)}
            allowDeselect={false}
            {...sel(form.getInputProps('status'))}
          />
          <MemberSelect label="Owner" placeholder="Unassigned" {...sel(form.getInputProps('ownerId'))} />
          <RecordPicker
            kind="accounts"
            label="Account"
            placeholder="Search accounts"
            {...sel(form.getInputProps('accountId'))}
          />
          <Autocomplete label="Source" data={LEAD_SOURCES} {...form.getInputProps('source')} />
          <TextInput label="Department" {...form.getInputProps('department')} />
          <Autocomplete
            label="Role"
            data={['decision_maker', 'influencer', 'user', 'champion', 'gatekeeper']}
            {...form.getInputProps('role')}
          />
          <Autocomplete
            label="Preferred channel"
            data={['email', 'phone', 'sms', 'whatsapp']}
            {...form.getInputProps('preferredChannel')}
          />
          <Select
            label="Influence"
            data={options(INFLUENCE)}
            clearable
            {...sel(form.getInputProps('influence'))}
          />
        </SimpleGrid>
        <Divider label="Addresses" labelPosition="left" />
        <AddressFields form={form} />
        <Divider label="Consent" labelPosition="left" />
        <Group gap="xl">
          <Switch label="GDPR consent" {...form.getInputProps('gdprConsent', { type: 'checkbox' })} />
          <Switch
            label="Do not contact"
            color="red"
            {...form.getInputProps('doNotContact', { type: 'checkbox' })}
          />
        </Group>
        <CustomFieldsSection entity="contact" form={form} title="Custom fields" />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={form.submitting}>
            {contact ? 'Save changes' : 'Create contact'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
