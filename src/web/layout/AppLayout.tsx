import { AppShell, Burger, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconAddressBook,
  IconBriefcase,
  IconBuilding,
  IconChartBar,
  IconChecklist,
  IconCopy,
  IconCopyCheck,
  IconFileImport,
  IconForms,
  IconGauge,
  IconKey,
  IconLayoutKanban,
  IconPresentationAnalytics,
  IconTargetArrow,
  IconTimeline,
  IconUserShare,
  IconUsers,
  IconUsersGroup,
} from '@tabler/icons-react';
import { useEffect } from 'react';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { Logo } from '../auth/AuthLayout';
import { NotificationsBell } from '../components/NotificationsBell';
import { TasksNavBadge } from '../pages/tasks/TasksNavBadge';
import { UserMenu } from './UserMenu';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

const crm: { to: string; label: string; icon: typeof IconUsers; badge?: () => React.ReactNode }[] = [
  { to: '/leads', label: 'Leads', icon: IconTargetArrow },
  { to: '/board', label: 'Board', icon: IconLayoutKanban },
  { to: '/contacts', label: 'Contacts', icon: IconAddressBook },
  { to: '/accounts', label: 'Accounts', icon: IconBuilding },
  { to: '/deals', label: 'Deals', icon: IconBriefcase },
  { to: '/tasks', label: 'Tasks', icon: IconChecklist, badge: TasksNavBadge },
  { to: '/duplicates', label: 'Duplicates', icon: IconCopy },
  { to: '/imports', label: 'Imports', icon: IconFileImport },
  { to: '/workload', label: 'Workload', icon: IconChartBar },
  { to: '/reports', label: 'Reports', icon: IconPresentationAnalytics },
];
const settings = [
  { to: '/settings/members', label: 'Members', icon: IconUsers },
  { to: '/settings/api-keys', label: 'API keys', icon: IconKey },
  { to: '/settings/custom-fields', label: 'Custom fields', icon: IconForms },
  { to: '/settings/duplicate-rules', label: 'Duplicate rules', icon: IconCopyCheck },
  { to: '/settings/scoring-rules', label: 'Scoring', icon: IconGauge },
  { to: '/settings/pipelines', label: 'Pipelines', icon: IconTimeline },
  { to: '/settings/teams', label: 'Teams', icon: IconUsersGroup },
  { to: '/settings/assignment-rules', label: 'Assignment rules', icon: IconUserShare },
];

function Section({ title, items }: { title: string; items: typeof crm }) {
  const { pathname } = useLocation();
  return (
    <>
      <Text
        size="xs"
        fw={700}
        c="dimmed"
        tt="uppercase"
        px="sm"
        mt="md"
        mb={6}
        style={{ letterSpacing: 0.6 }}
      >
        {title}
      </Text>
      {items.map((i) => (
        <NavLink
          key={i.to}
          component={Link}
          to={i.to}
          label={i.label}
          leftSection={<i.icon size={18} stroke={1.7} />}
          rightSection={i.badge && <i.badge />}
          active={pathname === i.to || pathname.startsWith(`${i.to}/`)}
          variant="light"
          style={{ borderRadius: 'var(--mantine-radius-md)' }}
          fw={500}
        />
      ))}
    </>
  );
}

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the mobile menu on navigation
  useEffect(() => close(), [pathname]);
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Link to="/leads" style={{ color: 'inherit', textDecoration: 'none' }}>
              <Logo size="sm" />
            </Link>
            <WorkspaceSwitcher />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <NotificationsBell />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm">
        <AppShell.Section grow component={ScrollArea}>
          <Section title="CRM" items={crm} />
          <Section title="Settings" items={settings} />
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" px="sm">
            Leadbase · leads and contacts, one truth
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
