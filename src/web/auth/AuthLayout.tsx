import { Anchor, Box, Center, Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconTargetArrow } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

export function Logo({ size = 'md' }: { size?: 'sm' | 'md' }) {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon
        size={size === 'md' ? 34 : 28}
        radius="md"
        variant="gradient"
        gradient={{ from: 'indigo', to: 'violet' }}
      >
        <IconTargetArrow size={size === 'md' ? 20 : 17} />
      </ThemeIcon>
      <Text fw={750} fz={size === 'md' ? 22 : 18} style={{ letterSpacing: -0.4 }}>
        Leadbase
      </Text>
    </Group>
  );
}

export function AuthLayout(props: {
  title: string;
  subtitle: ReactNode;
  children: ReactNode;
  footer: ReactNode;
}) {
  return (
    <Box
      mih="100dvh"
      style={{
        background:
          'radial-gradient(1200px 600px at 10% -10%, var(--mantine-color-indigo-1), transparent), radial-gradient(900px 500px at 110% 110%, var(--mantine-color-violet-1), transparent), var(--mantine-color-gray-0)',
      }}
    >
      <Center mih="100dvh" p="md">
        <Stack w="100%" maw={420} gap="lg">
          <Center>
            <Anchor component={Link} to="/" underline="never" c="inherit">
              <Logo />
            </Anchor>
          </Center>
          <Paper withBorder shadow="md" p="xl" radius="lg">
            <Stack gap={4} mb="lg">
              <Title order={2} fz={24}>
                {props.title}
              </Title>
              <Text c="dimmed" size="sm">
                {props.subtitle}
              </Text>
            </Stack>
            {props.children}
          </Paper>
          <Text ta="center" size="sm" c="dimmed">
            {props.footer}
          </Text>
        </Stack>
      </Center>
    </Box>
  );
}
