import { queryOptions, useQuery } from '@tanstack/react-query';
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
    // The API may answer 202 a moment before the new import is visible to other requests.
    retry: (failureCount, error) =>
      error instanceof ApiError && (error.status === 404 || error.status >= 500 || error.status === 0)
        ? failureCount < 6
        : false,
    retryDelay: (attempt) => Math.min(2000, 250 * 2 ** attempt),
  });
}

export function useImport(id: string | null, options: { poll?: boolean } = {}) {
  return useQuery({ ...getImportQueryOptions(id ?? '', options), enabled: Boolean(id) });
}
