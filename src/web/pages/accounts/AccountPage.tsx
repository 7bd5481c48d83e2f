import { Anchor, Badge, Button, Drawer, Grid, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPencil } from '@tabler/icons-react';
import { useParams } from 'react-router-dom';
import { useRecord } from '../../api/hooks';
import type { Account, Contact, Deal } from '../../api/types';
import { usePermissions, useWorkspace } from '../../auth/session';
import { AuditHistory } from '../../components/AuditHistory';
import { HealthBadge, StageBadge, StatusBadge } from '../../components/badges';
import { CustomFieldValues } from '../../components/CustomFieldValue';
import { RecordMenu } from '../../components/DeleteRecord';
import { FieldList, SectionCard } from '../../components/FieldList';
import { Person } from '../../components/people';
import { RecordHeader, RecordState } from '../../components/RecordHeader';
import { RelatedList } from '../../components/RelatedList';
import { formatDateTime, formatMoney, labelize } from '../../lib/format';
import { DuplicateBanner } from '../duplicates/DuplicateBanner';
import { AccountForm } from './AccountForm';

export function AccountPage() {
  const { id } = useParams();
  const q = useRecord<Account>('accounts', id);
  const { canWrite } = usePermissions();
  const ws = useWorkspace();
  const [editing, editDrawer] = useDisclosure(false);
  if (!q.data) return <RecordState error={q.error} what="account" />;
  const a = q.data.data;
  const address = a.address
    ? ['street1', 'city', 'state', 'postcode', 'country']
        .map((k) => a.address?.[k])
        .filter(Boolean)
        .join(', ')
    : null;

  return (
    <Stack gap="lg">
      <RecordHeader
        crumb={{ label: 'Accounts', to: '/accounts' }}
        title={a.name}
        badges={
          <>
            {a.accountType && <Badge variant="light">{labelize(a.accountType)}</Badge>}
            {a.deletedAt && <Badge color="gray">Archived</Badge>}
          </>
        }
        subtitle={
          a.domain && (
            <Anchor href={a.website ?? `https://${a.domain}`} target="_blank" size="sm">
              {a.domain}
            </Anchor>
          )
        }
        actions={
          canWrite && (
            <>
              <Button leftSection={<IconPencil size={16} />} onClick={editDrawer.open}>
                Edit
              </Button>
              <RecordMenu resource="accounts" id={a.id} noun="account" verb="Archive" />
            </>
          )
        }
      />
      <DuplicateBanner entity="account" id={a.id} deleted={!!a.deletedAt} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            <RelatedList<Contact>
              title="Contacts"
              path="/contacts"
              query={{ accountId: a.id, sort: 'lastName' }}
              to={(c) => `/contacts/${c.id}`}
              meta={(c) => <StatusBadge status={c.status} />}
              empty="No contacts are linked to this account."
            />
            <RelatedList<Deal>
              title="Deals"
              path="/deals"
              query={{ accountId: a.id, sort: '-createdAt' }}
              to={(d) => `/deals/${d.id}`}
              meta={(d) => (
                <>
                  <Text span size="sm" mr="sm">
                    {formatMoney(d.amount, d.currency)}
                  </Text>
                  <StageBadge stageId={d.stageId} name={d.stageName} size="sm" />
                </>
              )}
              empty="No deals with this account yet."
            />
            <SectionCard title="History">
              <AuditHistory entity="account" id={a.id} />
            </SectionCard>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="md">
            <SectionCard title="Details">
              <FieldList
                fields={[
                  { label: 'Health', value: <HealthBadge health={a.health} /> },
                  { label: 'Owner', value: <Person id={a.ownerId} /> },
                  { label: 'Industry', value: a.industry },
                  { label: 'Company size', value: a.companySize },
                  { label: 'Revenue', value: a.annualRevenue && formatMoney(a.annualRevenue, ws.currency) },
                  { label: 'Lifecycle', value: a.lifecycleStage },
                  { label: 'Phone', value: a.phone },
                  {
                    label: 'Website',
                    value: a.website && (
                      <Anchor href={a.website} target="_blank" size="sm">
                        {a.website}
                      </Anchor>
                    ),
                  },
                  { label: 'Tax id', value: a.taxId },
                  { label: 'Address', value: address },
                  { label: 'Description', value: a.description },
                  { label: 'Created', value: formatDateTime(a.createdAt) },
                ]}
              />
            </SectionCard>
            <CustomFieldValues entity="account" values={a.customFields} />
          </Stack>
        </Grid.Col>
      </Grid>
      <Drawer
        opened={editing}
        onClose={editDrawer.close}
        title="Edit account"
        position="right"
        size="xl"
        padding="lg"
      >
        {editing && <AccountForm account={a} onCancel={editDrawer.close} onSaved={editDrawer.close} />}
      </Drawer>
    </Stack>
  );
}
