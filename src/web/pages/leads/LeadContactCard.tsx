import { ActionIcon, Anchor, Badge, Button, Group, Stack, TextInput, Tooltip } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPencil } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useSaveRecord } from '../../api/hooks';
import type { Lead } from '../../api/types';
import { usePermissions } from '../../auth/session';
import { ConflictAlert, useConflict } from '../../components/Conflict';
import {
  CustomFieldsSection,
  type CustomValues,
  useCustomBody,
  withCustom,
} from '../../components/CustomFieldInput';
import { FieldList, SectionCard } from '../../components/FieldList';
import { checkEmail, checkPhone } from '../../lib/constants';
import { changedBody, showApiError, txt } from '../../lib/forms';

const contactValues = (l: Lead) => ({
  firstName: txt(l.firstName),
  lastName: txt(l.lastName),
  email: txt(l.email),
  phone: txt(l.phone),
  company: txt(l.company),
  jobTitle: txt(l.jobTitle),
  contactCustomFields: { ...l.contactCustomFields } as CustomValues,
});

/**
 * The lead's contact, editable in place. The fields are the contact's (there is no copy on the
 * lead): saving writes them, and the contact's custom fields, to the contact, so every lead of the
 * contact shows the change.
 */
export function LeadContactCard({ lead }: { lead: Lead }) {
  const { canWrite } = usePermissions();
  const [editing, setEditing] = useState(false);
  const save = useSaveRecord<Lead>('leads', lead.id, ['contacts']);
  const contactCustom = useCustomBody('contact');
  const form = useForm({
    mode: 'controlled',
    initialValues: contactValues(lead),
    validate: { email: checkEmail, phone: checkPhone },
  });
  const conflict = useConflict<Lead>('leads', lead.id, (fresh) => {
    form.setInitialValues(contactValues(fresh));
    form.setValues(contactValues(fresh));
  });
  const start = () => {
    form.setInitialValues(contactValues(lead));
    form.setValues(contactValues(lead));
    setEditing(true);
  };
  const submit = form.onSubmit(async ({ contactCustomFields, ...values }) => {
    const { contactCustomFields: initialCustom, ...initial } = contactValues(lead);
    const body = withCustom(changedBody(values, initial), {
      contactCustomFields: contactCustom(contactCustomFields, initialCustom),
    });
    if (Object.keys(body).length === 0) return setEditing(false);
    try {
      await save.mutateAsync(body);
      notifications.show({ color: 'green', message: 'Contact saved (on every lead of this contact)' });
      setEditing(false);
    } catch (e) {
      showApiError(e, form, { onConflict: conflict.onConflict });
    }
  });

  return (
    <SectionCard
      title="Contact"
      testId="lead-contact"
      action={
        <Group gap="xs">
          <Anchor component={Link} to={`/contacts/${lead.contactId}`} size="sm">
            Open contact
          </Anchor>
          {canWrite && !editing && (
            <Tooltip label="Edit the contact here">
              <ActionIcon variant="subtle" aria-label="Edit contact" onClick={start}>
                <IconPencil size={16} />
              </ActionIcon>
            </Tooltip>
          )}
        </Group>
      }
    >
      {lead.autoCreatedFromContact && (
        <Badge variant="light" color="gray" mb="xs">
          Created automatically from the contact
        </Badge>
      )}
      {editing ? (
        <form onSubmit={submit} aria-label="Edit contact">
          <Stack gap="xs">
            <ConflictAlert noun="lead" {...conflict} />
            <Group grow gap="xs">
              <TextInput label="First name" size="xs" {...form.getInputProps('firstName')} />
              <TextInput label="Last name" size="xs" {...form.getInputProps('lastName')} />
            </Group>
            <TextInput label="Email" size="xs" {...form.getInputProps('email')} />
            <TextInput label="Phone" size="xs" {...form.getInputProps('phone')} />
            <TextInput label="Company" size="xs" {...form.getInputProps('company')} />
            <TextInput label="Job title" size="xs" {...form.getInputProps('jobTitle')} />
            <CustomFieldsSection
              entity="contact"
              form={form}
              path="contactCustomFields"
              title="Contact fields (shared by all its leads)"
              cols={1}
            />
            <Group justify="flex-end" gap="xs">
              <Button variant="default" size="xs" onClick={() => setEditing(false)}>
                Cancel
              </Button>
              <Button type="submit" size="xs" loading={save.isPending}>
                Save contact
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <FieldList
          fields={[
            {
              label: 'Name',
              value: (
                <Anchor component={Link} to={`/contacts/${lead.contactId}`} size="sm" fw={500}>
                  {lead.name || 'Unnamed'}
                </Anchor>
              ),
            },
            {
              label: 'Email',
              value: lead.email && (
                <Anchor href={`mailto:${lead.email}`} size="sm">
                  {lead.email}
                </Anchor>
              ),
            },
            {
              label: 'Phone',
              value: lead.phone && (
                <Anchor href={`tel:${lead.phone}`} size="sm">
                  {lead.phone}
                </Anchor>
              ),
            },
            { label: 'Company', value: lead.company },
            { label: 'Job title', value: lead.jobTitle },
          ]}
        />
      )}
    </SectionCard>
  );
}
