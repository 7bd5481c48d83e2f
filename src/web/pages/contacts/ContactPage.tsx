import { Badge, Button, Drawer, Grid, Paper, Stack, Tabs } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconHistory, IconPencil, IconTimeline } from '@tabler/icons-react';
import { useParams, useSearchParams } from 'react-router-dom';
import { useRecord } from '../../api/hooks';
import type { Contact } from '../../api/types';
import { usePermissions } from '../../auth/session';
import { ActivityComposer } from '../../components/ActivityComposer';
import { ActivityTimeline } from '../../components/ActivityTimeline';
import { AuditHistory } from '../../components/AuditHistory';
import { StatusBadge } from '../../components/badges';
import { RecordMenu } from '../../components/DeleteRecord';
import { RecordHeader, RecordState } from '../../components/RecordHeader';
import { DuplicateBanner } from '../duplicates/DuplicateBanner';
import { ContactForm } from './ContactForm';
import { ContactLeads } from './ContactLeads';
import { ContactSidebar } from './ContactSidebar';

export function ContactPage() {
  const { id } = useParams();
  const q = useRecord<Contact>('contacts', id);
  const { canWrite } = usePermissions();
  const [editing, editDrawer] = useDisclosure(false);
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'timeline';
  if (!q.data) return <RecordState error={q.error} what="contact" />;
  const c = q.data.data;

  return (
    <Stack gap="lg">
      <RecordHeader
        crumb={{ label: 'Contacts', to: '/contacts' }}
        title={c.name || 'Unnamed contact'}
        badges={
          <>
            <StatusBadge status={c.status} />
            {c.doNotContact && (
              <Badge color="red" variant="filled">
                Do not contact
              </Badge>
            )}
          </>
        }
        subtitle={[c.jobTitle, c.companyName].filter(Boolean).join(' · ') || undefined}
        actions={
          canWrite && (
            <>
              <Button leftSection={<IconPencil size={16} />} onClick={editDrawer.open}>
                Edit
              </Button>
              <RecordMenu resource="contacts" id={c.id} noun="contact" />
            </>
          )
        }
      />
      <DuplicateBanner entity="contact" id={c.id} deleted={!!c.deletedAt} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            <ContactLeads contact={c} />
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
                    {canWrite && <ActivityComposer target={{ contactId: c.id }} />}
                    <ActivityTimeline
                      path={`/contacts/${c.id}/timeline`}
                      queryKey={['contacts', 'timeline', c.id]}
                    />
                  </Stack>
                </Tabs.Panel>
                <Tabs.Panel value="history">
                  <AuditHistory entity="contact" id={c.id} />
                </Tabs.Panel>
              </Tabs>
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <ContactSidebar contact={c} />
        </Grid.Col>
      </Grid>
      <Drawer
        opened={editing}
        onClose={editDrawer.close}
        title="Edit contact"
        position="right"
        size="xl"
        padding="lg"
      >
        {editing && <ContactForm contact={c} onCancel={editDrawer.close} onSaved={editDrawer.close} />}
      </Drawer>
    </Stack>
  );
}
