import { Loader, Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { Page } from '../api/types';

type Kind = 'contacts' | 'accounts' | 'deals';
type Row = { id: string; name: string; email?: string | null; domain?: string | null };

const labelOf = (r: Row) => r.name + (r.email ? ` · ${r.email}` : r.domain ? ` · ${r.domain}` : '');

/** Pick a contact, account or deal by searching the API (never loads the whole list). */
export function RecordPicker(
  props: Omit<SelectProps, 'data' | 'searchValue' | 'onSearchChange'> & {
    kind: Kind;
    currentLabel?: string | null;
  },
) {
  const { kind, currentLabel, ...rest } = props;
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [term, setTerm] = useState<string | undefined>();
  const labels = useRef(new Set<string>());
  useEffect(() => {
    // Selecting an option puts its label in the search box: that is not a new search.
    if (!labels.current.has(debounced)) setTerm(debounced.trim() || undefined);
  }, [debounced]);
  const res = useQuery({
    queryKey: [kind, 'picker', term],
    queryFn: ({ signal }) =>
      api.get<Page<Row>>(
        `/${kind}`,
        {
          q: term,
          limit: 20,
          sort: kind === 'contacts' ? 'lastName' : kind === 'deals' ? '-createdAt' : 'name',
        },
        signal,
      ),
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
  const data = (res.data?.data ?? []).map((r) => ({ value: r.id, label: labelOf(r) }));
  const missing = !!props.value && !data.some((d) => d.value === props.value);
  // The chosen record may not be among the results: read it (shares the record page's cache).
  const current = useQuery({
    queryKey: [kind, 'one', props.value],
    queryFn: ({ signal }) => api.getWithEtag<Row>(`/${kind}/${props.value}`, signal),
    enabled: missing && !currentLabel,
  });
  if (missing) {
    const label = currentLabel ?? (current.data ? labelOf(current.data.data) : '…');
    data.unshift({ value: props.value!, label });
  }
  labels.current = new Set(data.map((d) => d.label));
  return (
    <Select
      searchable
      clearable
      data={data}
      filter={({ options }) => options}
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage={res.isFetching ? 'Searching…' : 'Nothing found'}
      rightSection={res.isFetching ? <Loader size={14} /> : undefined}
      {...rest}
    />
  );
}
