import { queryOptions } from '@tanstack/react-query';
import { api, ApiError } from '@/lib/api';
import { isWorthRetryingSoon } from '@/lib/api-error';
import type { Import } from '@/types/api';
import { getCachedImport, keepFinal } from './import-cache';
import { importKeys } from './query-keys';

export const POLL_INTERVAL_MS = 1000;

export function getImport(id: string, signal?: AbortSignal): Promise<Import> {
  return api.get<Import>(`imports/${encodeURIComponent(id)}`, undefined, signal);
}

/** The API does not know the import: not found (404), or not an import's id (422). */
export function isUnknownImport(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 422);
}

export function getImportQueryOptions(id: string) {
  return queryOptions({
    queryKey: importKeys.detail(id),
    queryFn: async ({ client, signal }) => {
      const answer = await getImport(id, signal);
      // Compared with the cache as it is when the answer comes, not as it was when it was asked.
      return keepFinal(getCachedImport(client, id), answer);
    },
    // A failure that may pass soon (a server restarting, a dropped connection) gets a few tries
    // (the rate limiter's waits for the next poll); a 4xx is final: an unknown import is "not
    // found" at once.
    retry: (failureCount, error) => isWorthRetryingSoon(error) && failureCount < 6,
    retryDelay: (attempt) => Math.min(2000, 250 * 2 ** attempt),
  });
}
