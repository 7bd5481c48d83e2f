import { Stack, Text } from '@mantine/core';
import type { Lead } from '../../api/types';
import { useWorkspace } from '../../auth/session';
import { PriorityBadge, StatusBadge, TemperatureBadge } from '../../components/badges';
import { CustomFieldValues } from '../../components/CustomFieldValue';
import { FieldList, SectionCard } from '../../components/FieldList';
import { Person } from '../../components/people';
import { formatDate, formatDateTime, formatMoney, labelize } from '../../lib/format';
import { AppointmentsCard } from './AppointmentsCard';
import { LeadAssignmentsCard } from './LeadAssignmentsCard';
import { LeadContactCard } from './LeadContactCard';
import { LeadContactsCard } from './LeadContactsCard';
import { LeadScoreCard } from './LeadScoreCard';
import { LeadTasksCard } from './LeadTasksCard';

export function LeadSidebar({ lead }: { lead: Lead }) {
  const ws = useWorkspace();
  return (
    <Stack gap="md">
      <LeadContactCard lead={lead} />
      <LeadScoreCard lead={lead} />
      <LeadTasksCard leadId={lead.id} />
      <AppointmentsCard leadId={lead.id} ownerId={lead.ownerId} />
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
      <CustomFieldValues entity="lead" values={lead.customFields} title="Lead fields" />
      <CustomFieldValues
        entity="contact"
        values={lead.contactCustomFields}
        title="Contact fields"
        note="From the contact: shared by all its leads"
        testId="custom-values-inherited"
      />
      <LeadContactsCard leadId={lead.id} />
      <LeadAssignmentsCard leadId={lead.id} ownerId={lead.ownerId} />
    </Stack>
  );
}
