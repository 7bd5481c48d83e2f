import { CloseButton, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { type ReactNode, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * List state kept in the URL (search, sort, filters), so back/forward and shared links keep it.
 *
 * The parameters a page reads with `get` are its own controls; `scope(also)` gives every other one
 * (besides `sort`, `q` and the names in `also`): filters the page has no control for, such as a
 * report's click-through (`/leads?pipelineId=…&reachedStageId=…&condition=…`), which the list passes
 * to the API as they are and names in a banner.
 */
export function useListState(defaultSort: string) {
  const [params, setParams] = useSearchParams();
  // Filled while the page renders (before the list it renders reads `scope`).
  const own = new Set(['sort', 'q']);
  const get = (k: string): string | undefined => {
    own.add(k);
    return params.get(k) ?? undefined;
  };
  const scope = (also: (k: string) => boolean = () => false): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of params.entries()) if (!own.has(k) && !also(k) && v !== '') out[k] = v;
    return out;
  };
  const set = (patch: Record<string, string | null | undefined>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === null || v === undefined || v === '') next.delete(k);
          else next.set(k, v);
        }
        return next;
      },
      { replace: true },
    );
  return { get, set, scope, sort: get('sort') ?? defaultSort, q: get('q'), key: params.toString() };
}

export function SearchBox({
  value,
  onChange,
  placeholder,
}: {
  value?: string;
  onChange: (v: string) => void;
  placeholder: string;
}) {
  const [text, setText] = useState(value ?? '');
  const [debounced] = useDebouncedValue(text, 300);
  // biome-ignore lint/correctness/useExhaustiveDependencies: push the debounced text only
  useEffect(() => {
    if ((value ?? '') !== debounced.trim()) onChange(debounced.trim());
  }, [debounced]);
  return (
    <TextInput
      aria-label="Search"
      placeholder={placeholder}
      leftSection={<IconSearch size={16} />}
      value={text}
      onChange={(e) => setText(e.currentTarget.value)}
      rightSection={
        text ? <CloseButton size="sm" aria-label="Clear search" onClick={() => setText('')} /> : null
      }
      w={{ base: '100%', sm: 300 }}
      type="search"
    />
  );
}

export function PageHeader(props: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
      <div>
        <Title order={1} fz={26}>
          {props.title}
        </Title>
        {props.description && (
          <Text c="dimmed" size="sm" mt={2}>
            {props.description}
          </Text>
        )}
      </div>
      {props.actions && <Group gap="xs">{props.actions}</Group>}
    </Group>
  );
}

export function ListPage(props: {
  title: string;
  description: string;
  actions?: ReactNode;
  toolbar: ReactNode;
  children: ReactNode;
}) {
  return (
    <Stack gap="lg">
      <PageHeader title={props.title} description={props.description} actions={props.actions} />
      <Paper withBorder shadow="xs">
        <Group p="md" gap="sm" wrap="wrap" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
          {props.toolbar}
        </Group>
        {props.children}
      </Paper>
    </Stack>
  );
}
