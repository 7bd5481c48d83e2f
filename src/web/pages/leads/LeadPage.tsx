import { Anchor, Button, Drawer, Grid, Paper, Stack, Tabs } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconHistory, IconPencil, IconTimeline } from '@tabler/icons-react';
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
import { LeadForm } from './LeadForm';
import { LeadSidebar } from './LeadSidebar';
import { leadName } from './LeadsListPage';

export function LeadPage() {
  const { id } = useParams();
  const q = useRecord<Lead>('leads', id);
  const { canWrite } = usePermissions();
  const [editing, editDrawer] = useDisclosure(false);
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'timeline';
  if (!q.data) return <RecordState error={q.error} what="lead" />;
  const lead = q.data.data;

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
              <Button leftSection={<IconPencil size={16} />} onClick={editDrawer.open}>
                Edit
              </Button>
              <RecordMenu resource="leads" id={lead.id} noun="lead" />
            </>
          )
        }
      />
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
