import { Alert, Anchor, Button, Drawer, Grid, Paper, Stack, Tabs } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconArrowsExchange,
  IconCircleCheck,
  IconHistory,
  IconPencil,
  IconTimeline,
} from '@tabler/icons-react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useRecord } from '../../api/hooks';
import type { Lead } from '../../api/types';
import { usePermissions } from '../../auth/session';
import { ActivityComposer } from '../../components/ActivityComposer';
import { ActivityTimeline } from '../../components/ActivityTimeline';
import { AuditHistory } from '../../components/AuditHistory';
import { PriorityBadge, StageBadge } from '../../components/badges';
import { RecordMenu } from '../../components/DeleteRecord';
import { RecordHeader, RecordState } from '../../components/RecordHeader';
import { StageControl } from '../../components/StageControl';
import { formatDateTime } from '../../lib/format';
import { DuplicateBanner } from '../duplicates/DuplicateBanner';
import { ConvertLeadModal } from './ConvertLeadModal';
import { LeadForm } from './LeadForm';
import { LeadSidebar } from './LeadSidebar';
import { leadName } from './LeadsListPage';

export function LeadPage() {
  const { id } = useParams();
  const q = useRecord<Lead>('leads', id);
  const { canWrite } = usePermissions();
  const [editing, editDrawer] = useDisclosure(false);
  const [converting, convertModal] = useDisclosure(false);
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'timeline';
  if (!q.data) return <RecordState error={q.error} what="lead" />;
  const lead = q.data.data;
  const converted = !!(lead.convertedAccountId || lead.convertedDealId);

  return (
    <Stack gap="lg">
      <RecordHeader
        crumb={{ label: 'Leads', to: '/leads' }}
        title={leadName(lead)}
        badges={
          <>
            <StageBadge stageId={lead.stageId} name={lead.stageName} size="lg" />
            <PriorityBadge priority={lead.priority} />
          </>
        }
        subtitle={
          <>
            <Anchor component={Link} to={`/contacts/${lead.contactId}`} size="sm">
              {lead.name || 'Unnamed contact'}
            </Anchor>
            {lead.company && ` · ${lead.company}`}
            {lead.jobTitle && ` · ${lead.jobTitle}`}
          </>
        }
        actions={
          canWrite && (
            <>
              <StageControl resource="leads" record={lead} />
              {!converted && (
                <Button
                  variant="light"
                  leftSection={<IconArrowsExchange size={16} />}
                  onClick={convertModal.open}
                >
                  Convert
                </Button>
              )}
              <Button leftSection={<IconPencil size={16} />} onClick={editDrawer.open}>
                Edit
              </Button>
              <RecordMenu resource="leads" id={lead.id} noun="lead" />
            </>
          )
        }
      />
      <DuplicateBanner entity="lead" id={lead.id} deleted={!!lead.deletedAt} />
      {converted && (
        <Alert color="green" icon={<IconCircleCheck size={18} />} data-testid="lead-converted">
          Converted {lead.convertedAt && formatDateTime(lead.convertedAt)}
          {lead.convertedAccountId && (
            <>
              {' · '}
              <Anchor component={Link} to={`/accounts/${lead.convertedAccountId}`} size="sm">
                account
              </Anchor>
            </>
          )}
          {lead.convertedDealId && (
            <>
              {' · '}
              <Anchor component={Link} to={`/deals/${lead.convertedDealId}`} size="sm">
                deal
              </Anchor>
            </>
          )}
        </Alert>
      )}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Paper withBorder p="md">
            <Tabs
              keepMounted={false}
              value={tab}
              onChange={(t) => setParams(t === 'timeline' ? {} : { tab: t ?? '' }, { replace: true })}
            >
              <Tabs.List mb="md">
                <Tabs.Tab value="timeline" leftSection={<IconTimeline size={16} />}>
                  Timeline
                </Tabs.Tab>
                <Tabs.Tab value="history" leftSection={<IconHistory size={16} />}>
                  History
                </Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="timeline">
                <Stack gap="lg">
                  {canWrite && <ActivityComposer target={{ leadId: lead.id }} />}
                  <ActivityTimeline
                    path={`/leads/${lead.id}/timeline`}
                    queryKey={['leads', 'timeline', lead.id]}
                  />
                </Stack>
              </Tabs.Panel>
              <Tabs.Panel value="history">
                <AuditHistory entity="lead" id={lead.id} />
              </Tabs.Panel>
            </Tabs>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <LeadSidebar lead={lead} />
        </Grid.Col>
      </Grid>
      {converting && <ConvertLeadModal lead={lead} opened={converting} onClose={convertModal.close} />}
      <Drawer
        opened={editing}
        onClose={editDrawer.close}
        title="Edit lead"
        position="right"
        size="xl"
        padding="lg"
      >
        {editing && <LeadForm lead={lead} onCancel={editDrawer.close} onSaved={editDrawer.close} />}
      </Drawer>
    </Stack>
  );
}
