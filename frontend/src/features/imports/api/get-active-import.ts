import { useQuery } from '@tanstack/react-query';
import { usePollingAllowed } from '@/lib/auth';
import type { Import, ImportPage } from '@/types/api';
import { getImports } from './get-imports';
import { importKeys } from './query-keys';
import { isActive } from './status';

const RECENT = 20;

/**
 * The recent imports (listed newest first, so the queued and running ones are among them),
 * re-checked every few seconds; `select` picks what the caller needs from them.
 */
function useRecentImports<T>(select: (page: ImportPage) => T) {
  const pollingAllowed = usePollingAllowed();
  return useQuery({
    queryKey: [...importKeys.lists(), 'active'],
    queryFn: ({ signal }) => getImports({ page: 1, pageSize: RECENT }, signal),
    select,
    refetchInterval: (q) => (pollingAllowed ? recheckInterval(q.state.data) : false),
  });
}

function recheckInterval(page: ImportPage | undefined): number {
  return page?.items.some(isActive) ? 2000 : 10_000;
}

/** The import that is queued or running now, if any (the newest, when there are several);
 * `recheck` asks again at once instead of at the next poll. */
export function useActiveImport(): { activeImport: Import | null; isLoading: boolean; recheck: () => Promise<unknown> } {
  const query = useRecentImports((page) => page.items.find(isActive) ?? null);
  return { activeImport: query.data ?? null, isLoading: query.isPending, recheck: query.refetch };
}

/** Every import queued or running now, oldest first (the order the worker takes them in). */
export function useActiveImports(): Import[] {
  const query = useRecentImports(selectActiveOldestFirst);
  return query.data ?? NONE;
}

const NONE: Import[] = [];

function selectActiveOldestFirst(page: ImportPage): Import[] {
  return page.items.filter(isActive).reverse();
}
