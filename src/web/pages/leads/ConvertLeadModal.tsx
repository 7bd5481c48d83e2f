import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  List,
  Loader,
  Modal,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconBuilding, IconCash, IconUser } from '@tabler/icons-react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { LeadConvertOut } from '../../../core/conversion/conversion.schemas.js';
import { ApiError, api } from '../../api/client';
import type { Lead } from '../../api/types';
import { useWorkspace } from '../../auth/session';
import { RecordPicker } from '../../components/RecordPicker';
import { StageSelect } from '../../components/StageSelect';
import { formatMoney } from '../../lib/format';
import { showApiError } from '../../lib/forms';

type AccountAction = 'match' | 'link' | 'create' | 'none';
type DealAction = 'create' | 'link' | 'none';

const MATCHED_BY: Record<string, string> = {
  contact: "the contact's account",
  domain: 'matched by email domain',
  name: 'matched by a similar name',
  chosen: 'chosen',
  none: 'new',
};

/**
 * Convert a lead: choose what happens to the account and the deal, see the server's preview of
 * exactly what will be created or linked (and which custom values carry over), then convert.
 */
export function ConvertLeadModal({
  lead,
  opened,
  onClose,
}: {
  lead: Lead;
  opened: boolean;
  onClose: () => void;
}) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [accountAction, setAccountAction] = useState<AccountAction>('match');
  const [accountId, setAccountId] = useState<string | null>(null);
  const [accountName, setAccountName] = useState('');
  const [dealAction, setDealAction] = useState<DealAction>('create');
  const [dealId, setDealId] = useState<string | null>(null);
  const [dealName, setDealName] = useState('');
  const [amount, setAmount] = useState('');
  const [closeDate, setCloseDate] = useState<string | null>(null);
  const [stageId, setStageId] = useState<string | null>(null);
  const [markWon, setMarkWon] = useState(true);

  const body = useMemo(() => {
    const account: Record<string, unknown> = { action: accountAction };
    if (accountAction === 'link') account.id = accountId ?? undefined;
    if (accountAction === 'create' && accountName.trim()) account.name = accountName.trim();
    const deal: Record<string, unknown> = { action: dealAction };
    if (dealAction === 'link') deal.id = dealId ?? undefined;
    if (dealAction === 'create') {
      if (dealName.trim()) deal.name = dealName.trim();
      if (amount.trim()) deal.amount = amount.trim();
      if (closeDate) deal.closeDate = closeDate;
      if (stageId) deal.stageId = stageId;
    }
    return { account, deal, markWon };
  }, [
    accountAction,
    accountId,
    accountName,
    dealAction,
    dealId,
    dealName,
    amount,
    closeDate,
    stageId,
    markWon,
  ]);
  const [debounced] = useDebouncedValue(body, 300);
  const incomplete = (accountAction === 'link' && !accountId) || (dealAction === 'link' && !dealId);

  const preview = useQuery({
    queryKey: ['leads', 'convert-preview', lead.id, debounced],
    queryFn: () => api.post<LeadConvertOut>(`/leads/${lead.id}/convert`, { ...debounced, preview: true }),
    enabled: opened && !incomplete,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const convert = useMutation({
    mutationFn: () => api.post<LeadConvertOut>(`/leads/${lead.id}/convert`, body),
    onSuccess: (res) => {
      for (const k of ['leads', 'contacts', 'accounts', 'deals', 'audit'])
        void qc.invalidateQueries({ queryKey: [k] });
      notifications.show({
        color: 'green',
        title: 'Lead converted',
        message: [res.account && `Account: ${res.account.name}`, res.deal && `Deal: ${res.deal.name}`]
          .filter(Boolean)
          .join(' · '),
      });
      onClose();
      if (res.deal?.id) navigate(`/deals/${res.deal.id}`);
    },
    onError: (e) => showApiError(e, undefined, { title: 'Could not convert' }),
  });
  const p = preview.data;
  const previewError = preview.error instanceof ApiError ? preview.error : null;

  return (
    <Modal opened={opened} onClose={onClose} title="Convert lead" size="xl">
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Stack gap="xs">
            <Title order={4} fz="sm">
              Account
            </Title>
            <SegmentedControl
              size="xs"
              value={accountAction}
              onChange={(v) => setAccountAction(v as AccountAction)}
              data={[
                { value: 'match', label: 'Automatic' },
                { value: 'link', label: 'Existing' },
                { value: 'create', label: 'New' },
                { value: 'none', label: 'None' },
              ]}
              aria-label="Account"
            />
            {accountAction === 'match' && (
              <Text size="xs" c="dimmed">
                The contact's account, else the account with the email's domain, else one with a similar name,
                else a new account named after the company.
              </Text>
            )}
            {accountAction === 'link' && (
              <RecordPicker kind="accounts" label="Account" value={accountId} onChange={setAccountId} />
            )}
            {accountAction === 'create' && (
              <TextInput
                label="Account name"
                placeholder={lead.company ?? ''}
                value={accountName}
                onChange={(e) => setAccountName(e.currentTarget.value)}
              />
            )}
          </Stack>
          <Stack gap="xs">
            <Title order={4} fz="sm">
              Deal
            </Title>
            <SegmentedControl
              size="xs"
              value={dealAction}
              onChange={(v) => setDealAction(v as DealAction)}
              data={[
                { value: 'create', label: 'New deal' },
                { value: 'link', label: 'Existing deal' },
                { value: 'none', label: 'No deal' },
              ]}
              aria-label="Deal"
            />
            {dealAction === 'link' && (
              <RecordPicker kind="deals" label="Deal" value={dealId} onChange={setDealId} />
            )}
            {dealAction === 'create' && (
              <>
                <TextInput
                  label="Deal name"
                  placeholder={p?.deal?.action === 'create' ? p.deal.name : ''}
                  value={dealName}
                  onChange={(e) => setDealName(e.currentTarget.value)}
                />
                <Group grow>
                  <TextInput
                    label="Amount"
                    placeholder={lead.dealValue ?? ''}
                    value={amount}
                    onChange={(e) => setAmount(e.currentTarget.value)}
                  />
                  <DateInput
                    label="Close date"
                    valueFormat="YYYY-MM-DD"
                    placeholder={lead.expectedCloseDate ?? ''}
                    value={closeDate}
                    onChange={(v) => setCloseDate(v ? String(v).slice(0, 10) : null)}
                    clearable
                  />
                </Group>
                <StageSelect
                  label="Deal stage"
                  placeholder="The pipeline's first open stage"
                  value={stageId}
                  onChange={setStageId}
                  clearable
                />
              </>
            )}
          </Stack>
        </SimpleGrid>
        <Checkbox
          checked={markWon}
          onChange={(e) => setMarkWon(e.currentTarget.checked)}
          label="Mark the lead won (its contact becomes an active customer)"
        />

        <Card withBorder data-testid="convert-preview">
          <Group justify="space-between" mb="xs">
            <Title order={4} fz="sm">
              What will happen
            </Title>
            {preview.isFetching && <Loader size="xs" />}
          </Group>
          {incomplete && (
            <Text c="dimmed">Choose the {accountAction === 'link' ? 'account' : 'deal'} to link.</Text>
          )}
          {previewError && !incomplete && (
            <Alert color="red" icon={<IconAlertTriangle size={16} />}>
              {previewError.errors.length
                ? previewError.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')
                : previewError.detail}
            </Alert>
          )}
          {p && !incomplete && !previewError && (
            <List spacing="xs" size="sm">
              <List.Item icon={<IconBuilding size={16} />}>
                {p.account ? (
                  <>
                    {p.account.action === 'create' ? 'Create account ' : 'Link account '}
                    <b>{p.account.name}</b>
                    {p.account.domain && ` (${p.account.domain})`}{' '}
                    <Badge size="xs" variant="light">
                      {MATCHED_BY[p.account.matchedBy]}
                      {p.account.similarity !== null && ` ${Math.round(p.account.similarity * 100)}%`}
                    </Badge>
                    {p.account.candidates.length > 0 && (
                      <Text size="xs" c="dimmed">
                        Similar: {p.account.candidates.map((c) => c.name).join(', ')}
                      </Text>
                    )}
                  </>
                ) : (
                  'No account'
                )}
              </List.Item>
              <List.Item icon={<IconUser size={16} />}>
                Contact <b>{p.contact.name}</b>
                {p.contact.accountChange === 'link' && ' joins the account'}
                {p.contact.accountChange === 'keep' && ' keeps its account'}
                {markWon && ', becomes an active customer'}
              </List.Item>
              <List.Item icon={<IconCash size={16} />}>
                {p.deal ? (
                  <>
                    {p.deal.action === 'create' ? 'Create deal ' : 'Add the lead to deal '}
                    <b>{p.deal.name}</b>
                    {p.deal.amount && ` · ${formatMoney(p.deal.amount, ws.currency)}`} · {p.deal.stageName}
                    {p.deal.closeDate && ` · closes ${p.deal.closeDate}`}
                  </>
                ) : (
                  'No deal'
                )}
              </List.Item>
              {(p.customFields.mapped.length > 0 || p.customFields.skipped.length > 0) && (
                <List.Item>
                  Custom fields:{' '}
                  {p.customFields.mapped.map((m) => `${m.key} → ${m.to}`).join(', ') || 'none carried over'}
                  {p.customFields.skipped.length > 0 && (
                    <Text size="xs" c="dimmed">
                      Not carried: {p.customFields.skipped.map((s) => `${s.key} (${s.reason})`).join('; ')}
                    </Text>
                  )}
                </List.Item>
              )}
            </List>
          )}
        </Card>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            onClick={() => convert.mutate()}
            loading={convert.isPending}
            disabled={incomplete || !!previewError || !p}
          >
            Convert
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
