import { type QueryClient, queryOptions, useQuery } from '@tanstack/react-query';
import { api, ApiError } from '@/lib/api';
import type { Import } from '@/types/api';
import { importKeys } from './query-keys';
import { isActive } from './status';

export const POLL_INTERVAL_MS = 1000;

export function getImport(id: string, signal?: AbortSignal): Promise<Import> {
  return api.get<Import>(`imports/${encodeURIComponent(id)}`, undefined, signal);
}

export function getImportQueryOptions(id: string, options: { poll?: boolean } = {}) {
  return queryOptions({
    queryKey: importKeys.detail(id),
    queryFn: ({ signal }) => getImport(id, signal),
    // The polling fallback: while live events are not flowing, ask every second until it ends.
    refetchInterval: (query) => (options.poll && isActive(query.state.data) ? POLL_INTERVAL_MS : false),
    // A server restarting or a dropped connection gets a few tries; an answer of 4xx is final:
    // an unknown import is "not found" at once.
    retry: (failureCount, error) =>
      error instanceof ApiError && (error.status >= 500 || error.status === 0) ? failureCount < 6 : false,
    retryDelay: (attempt) => Math.min(2000, 250 * 2 ** attempt),
  });
}

export function useImport(id: string | null, options: { poll?: boolean } = {}) {
  return useQuery({ ...getImportQueryOptions(id ?? '', options), enabled: Boolean(id) });
}

/** The import as last seen (its events and polls keep it current), without asking the API. */
export function getCachedImport(queryClient: QueryClient, id: string): Import | undefined {
  return queryClient.getQueryData<Import>(importKeys.detail(id));
}
