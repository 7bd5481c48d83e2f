import { Anchor, Badge, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { Account, Contact } from '../../api/types';
import { CustomFieldValues } from '../../components/CustomFieldValue';
import { FieldList, SectionCard } from '../../components/FieldList';
import { Person } from '../../components/people';
import { formatDate, formatDateTime, labelize } from '../../lib/format';
import { RelatedTasksCard } from '../tasks/RelatedTasksCard';

function AccountLink({ id }: { id: string }) {
  const q = useQuery({
    queryKey: ['accounts', 'one', id],
    queryFn: ({ signal }) => api.getWithEtag<Account>(`/accounts/${id}`, signal),
  });
  return (
    <Anchor component={Link} to={`/accounts/${id}`} size="sm">
      {q.data?.data.name ?? 'Account'}
    </Anchor>
  );
}

function Primary({ on }: { on: boolean }) {
  return on ? (
    <Badge size="xs" variant="light">
      Primary
    </Badge>
  ) : null;
}

export function ContactSidebar({ contact: c }: { contact: Contact }) {
  return (
    <Stack gap="md">
      <SectionCard title="Contact information" testId="contact-reach">
        <Stack gap="xs">
          {c.emails.map((e) => (
            <Group key={e.normalized} gap={6} wrap="nowrap">
              <Anchor href={`mailto:${e.email}`} size="sm" className="lb-nowrap">
                {e.email}
              </Anchor>
              {e.label && (
                <Text size="xs" c="dimmed">
                  {e.label}
                </Text>
              )}
              <Primary on={e.primary && c.emails.length > 1} />
            </Group>
          ))}
          {c.phones.map((p) => (
            <Group key={p.e164} gap={6} wrap="nowrap">
              <Anchor href={`tel:${p.e164}`} size="sm">
                {p.e164}
              </Anchor>
              {p.label && (
                <Text size="xs" c="dimmed">
                  {p.label}
                </Text>
              )}
              <Primary on={p.primary && c.phones.length > 1} />
            </Group>
          ))}
          {c.addresses.map((a) => (
            <div key={`${a.type}-${a.street1}-${a.city}`}>
              <Text size="xs" c="dimmed">
                {labelize(a.type)} address
              </Text>
              <Text size="sm">
                {[a.street1, a.street2, [a.postcode, a.city].filter(Boolean).join(' '), a.state, a.country]
                  .filter(Boolean)
                  .join(', ')}
              </Text>
            </div>
          ))}
          {c.emails.length + c.phones.length + c.addresses.length === 0 && (
            <Text size="sm" c="dimmed">
              No email, phone or address.
            </Text>
          )}
        </Stack>
      </SectionCard>
      <SectionCard title="Details" testId="contact-details">
        <FieldList
          fields={[
            { label: 'Company', value: c.companyName },
            { label: 'Account', value: c.accountId && <AccountLink id={c.accountId} /> },
            { label: 'Job title', value: c.jobTitle },
            { label: 'Department', value: c.department },
            { label: 'Role', value: c.role && labelize(c.role) },
            { label: 'Influence', value: c.influence && labelize(c.influence) },
            { label: 'Channel', value: c.preferredChannel && labelize(c.preferredChannel) },
            { label: 'Owner', value: <Person id={c.ownerId} /> },
            { label: 'Source', value: c.source && labelize(c.source) },
            { label: 'Converted', value: c.conversionDate && formatDate(c.conversionDate) },
            { label: 'Created', value: formatDateTime(c.createdAt) },
          ]}
        />
      </SectionCard>
      <SectionCard title="Consent">
        <FieldList
          fields={[
            { label: 'GDPR consent', value: c.gdprConsent ? 'Yes' : 'No' },
            {
              label: 'Do not contact',
              value: c.doNotContact ? (
                <Text c="red" size="sm" fw={600}>
                  Yes
                </Text>
              ) : (
                'No'
              ),
            },
            { label: 'Opted in', value: c.optInAt && formatDate(c.optInAt) },
          ]}
        />
      </SectionCard>
      <CustomFieldValues
        entity="contact"
        values={c.customFields}
        note="Shared by all leads of this contact"
      />
      <RelatedTasksCard target={{ contactId: c.id }} />
    </Stack>
  );
}
