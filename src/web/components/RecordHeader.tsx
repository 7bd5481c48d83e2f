import { Alert, Anchor, Breadcrumbs, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../api/client';
import { NotFoundPage } from '../pages/NotFoundPage';

export function RecordHeader(props: {
  crumb: { label: string; to: string };
  title: ReactNode;
  badges?: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <Stack gap={6}>
      <Breadcrumbs separatorMargin={6}>
        <Anchor component={Link} to={props.crumb.to} size="sm">
          {props.crumb.label}
        </Anchor>
        <Text size="sm" c="dimmed" className="lb-nowrap" maw={320}>
          {props.title}
        </Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="sm" wrap="wrap">
            <Title order={1} fz={26} data-testid="record-title">
              {props.title}
            </Title>
            {props.badges}
          </Group>
          {props.subtitle && (
            <Text c="dimmed" size="sm" component="div">
              {props.subtitle}
            </Text>
          )}
        </Stack>
        {props.actions && (
          <Group gap="xs" wrap="nowrap">
            {props.actions}
          </Group>
        )}
      </Group>
    </Stack>
  );
}

/** Loading and error states of a record page. */
export function RecordState({ error, what }: { error: unknown; what: string }) {
  if (!error)
    return (
      <Center py={80}>
        <Loader />
      </Center>
    );
  if (error instanceof ApiError && (error.status === 404 || error.status === 400))
    return <NotFoundPage what={what} />;
  return (
    <Alert color="red" icon={<IconAlertCircle size={18} />} title={`Could not load the ${what}`}>
      {error instanceof Error ? error.message : String(error)}
    </Alert>
  );
}
