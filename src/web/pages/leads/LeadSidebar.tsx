import { Anchor, Stack, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { Lead } from '../../api/types';
import { useWorkspace } from '../../auth/session';
import { PriorityBadge, StatusBadge, TemperatureBadge } from '../../components/badges';
import { FieldList, SectionCard } from '../../components/FieldList';
import { Person } from '../../components/people';
import { formatDate, formatDateTime, formatMoney, labelize } from '../../lib/format';
import { LeadContactsCard } from './LeadContactsCard';

export function LeadSidebar({ lead }: { lead: Lead }) {
  const ws = useWorkspace();
  return (
    <Stack gap="md">
      <SectionCard
        title="Contact"
        testId="lead-contact"
        action={
          <Anchor component={Link} to={`/contacts/${lead.contactId}`} size="sm">
            Open contact
          </Anchor>
        }
      >
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
      </SectionCard>
      <SectionCard title="Details" testId="lead-details">
        <FieldList
          fields={[
            { label: 'Status', value: <StatusBadge status={lead.status} /> },
            { label: 'Owner', value: <Person id={lead.ownerId} /> },
            { label: 'Priority', value: <PriorityBadge priority={lead.priority} /> },
            { label: 'Temperature', value: <TemperatureBadge temperature={lead.temperature} /> },
            { label: 'Source', value: lead.source && labelize(lead.source) },
            { label: 'Campaign', value: lead.campaign },
            { label: 'Product', value: lead.productInterest },
            { label: 'Deal value', value: lead.dealValue && formatMoney(lead.dealValue, ws.currency) },
            { label: 'Expected close', value: lead.expectedCloseDate && formatDate(lead.expectedCloseDate) },
            { label: 'Budget', value: lead.budgetRange },
            { label: 'Timeline', value: lead.timeline },
            { label: 'Score', value: String(lead.score) },
            { label: 'In stage since', value: formatDate(lead.stageEnteredAt) },
            { label: 'Created', value: <Text size="sm">{formatDateTime(lead.createdAt)}</Text> },
          ]}
        />
      </SectionCard>
      <LeadContactsCard leadId={lead.id} />
    </Stack>
  );
}
