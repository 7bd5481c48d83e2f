import { Anchor, Badge, Button, Drawer, Grid, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPencil } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { useRecord } from '../../api/hooks';
import type { Deal } from '../../api/types';
import { usePermissions } from '../../auth/session';
import { AuditHistory } from '../../components/AuditHistory';
import { StageBadge } from '../../components/badges';
import { CustomFieldValues } from '../../components/CustomFieldValue';
import { RecordMenu } from '../../components/DeleteRecord';
import { FieldList, SectionCard } from '../../components/FieldList';
import { Person } from '../../components/people';
import { RecordHeader, RecordState } from '../../components/RecordHeader';
import { StageControl } from '../../components/StageControl';
import { formatDate, formatDateTime, formatMoney, labelize } from '../../lib/format';
import { DealForm } from './DealForm';

/** A link to a related record, named by reading it. */
function RecordLink({ kind, id }: { kind: 'accounts' | 'contacts' | 'leads'; id: string }) {
  const q = useQuery({
    queryKey: [kind, 'one', id],
    queryFn: ({ signal }) =>
      api.getWithEtag<{ name: string; title?: string | null }>(`/${kind}/${id}`, signal),
  });
  const r = q.data?.data;
  return (
    <Anchor component={Link} to={`/${kind}/${id}`} size="sm">
      {r ? (kind === 'leads' ? r.title || r.name : r.name) : 'Open'}
    </Anchor>
  );
}

export function DealPage() {
  const { id } = useParams();
  const q = useRecord<Deal>('deals', id);
  const { canWrite } = usePermissions();
  const [editing, editDrawer] = useDisclosure(false);
  if (!q.data) return <RecordState error={q.error} what="deal" />;
  const d = q.data.data;

  return (
    <Stack gap="lg">
      <RecordHeader
        crumb={{ label: 'Deals', to: '/deals' }}
        title={d.name}
        badges={
          <>
            <StageBadge stageId={d.stageId} name={d.stageName} size="lg" />
            <Badge variant="light" color="gray">
              {d.probability}%
            </Badge>
          </>
        }
        subtitle={`${formatMoney(d.amount, d.currency)}${d.closeDate ? ` · closes ${formatDate(d.closeDate)}` : ''}`}
        actions={
          canWrite && (
            <>
              <StageControl resource="deals" record={d} />
              <Button leftSection={<IconPencil size={16} />} onClick={editDrawer.open}>
                Edit
              </Button>
              <RecordMenu resource="deals" id={d.id} noun="deal" />
            </>
          )
        }
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <SectionCard title="History">
            <AuditHistory entity="deal" id={d.id} />
          </SectionCard>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="md">
            <SectionCard title="Details">
              <FieldList
                fields={[
                  { label: 'Amount', value: formatMoney(d.amount, d.currency) },
                  { label: 'Stage', value: d.stageName },
                  { label: 'Forecast', value: d.forecastCategory && labelize(d.forecastCategory) },
                  { label: 'Close date', value: d.closeDate && formatDate(d.closeDate) },
                  { label: 'Owner', value: <Person id={d.ownerId} /> },
                  { label: 'Account', value: d.accountId && <RecordLink kind="accounts" id={d.accountId} /> },
                  {
                    label: 'Contact',
                    value: d.primaryContactId && <RecordLink kind="contacts" id={d.primaryContactId} />,
                  },
                  {
                    label: 'From lead',
                    value: d.originLeadId && <RecordLink kind="leads" id={d.originLeadId} />,
                  },
                  { label: 'Description', value: d.description },
                  { label: 'Created', value: formatDateTime(d.createdAt) },
                ]}
              />
            </SectionCard>
            <CustomFieldValues entity="deal" values={d.customFields} />
          </Stack>
        </Grid.Col>
      </Grid>
      <Drawer
        opened={editing}
        onClose={editDrawer.close}
        title="Edit deal"
        position="right"
        size="lg"
        padding="lg"
      >
        {editing && <DealForm deal={d} onCancel={editDrawer.close} onSaved={editDrawer.close} />}
      </Drawer>
    </Stack>
  );
}
