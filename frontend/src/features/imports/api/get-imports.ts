import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { usePollingAllowed } from '@/lib/auth';
import type { ImportPage } from '@/types/api';
import { importKeys } from './query-keys';
import { isActive } from './status';

const RUNNING_MS = 2000;
/** The first page with none running: an import started and finished elsewhere between two looks
 * at those queued or running (see `useHistoryFollowsActiveImports`) is listed within this. */
const FIRST_PAGE_IDLE_MS = 10_000;

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
    refetchInterval: (query) => (poll ? recheckInterval(page, query.state.data) : false),
  });
}

/** Only while the tab is seen (the query's default: no `refetchIntervalInBackground`). */
function recheckInterval(page: number, data: ImportPage | undefined): number | false {
  if (data?.items.some(isActive)) return RUNNING_MS;
  return page === 1 ? FIRST_PAGE_IDLE_MS : false;
}

export function useImports(page: number, pageSize: number) {
  const pollingAllowed = usePollingAllowed();
  return useQuery(getImportsQueryOptions(page, pageSize, { poll: pollingAllowed }));
}
