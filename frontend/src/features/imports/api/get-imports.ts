import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { usePollingAllowed } from '@/lib/auth';
import type { ImportPage } from '@/types/api';
import { importKeys } from './query-keys';
import { isActive } from './status';

export function getImports(
  { page, pageSize }: { page: number; pageSize: number },
  signal?: AbortSignal,
): Promise<ImportPage> {
  return api.get<ImportPage>('imports', { page, page_size: pageSize }, signal);
}

export function getImportsQueryOptions(page: number, pageSize: number, { poll }: { poll: boolean }) {
  return queryOptions({
    queryKey: importKeys.list(page, pageSize),
    queryFn: ({ signal }) => getImports({ page, pageSize }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (poll && query.state.data?.items.some(isActive) ? 2000 : false),
  });
}

export function useImports(page: number, pageSize: number) {
  const pollingAllowed = usePollingAllowed();
  return useQuery(getImportsQueryOptions(page, pageSize, { poll: pollingAllowed }));
}
