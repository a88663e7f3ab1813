import { useQuery } from '@tanstack/react-query';
import { usePollingAllowed } from '@/lib/auth';
import type { Import, ImportPage } from '@/types/api';
import { getImports } from './get-imports';
import { importKeys } from './query-keys';
import { isActive } from './status';

const RECENT = 20;

const FAST_MS = 2000;
/** With none queued or running: one started elsewhere (another tab, the command line) is seen
 * within this. A page of 20 imports, asked only while the tab is seen. */
const IDLE_MS = 3000;

/**
 * The recent imports (listed newest first, so the queued and running ones are among them),
 * re-checked every few seconds (every 2 s when `fast`); `select` picks what the caller needs from
 * them. Not while the API refuses the token, nor while the tab is in the background (the
 * query's default: no `refetchIntervalInBackground`).
 */
function useRecentImports<T>(select: (page: ImportPage) => T, fast = false) {
  const pollingAllowed = usePollingAllowed();
  return useQuery({
    queryKey: importKeys.recent(),
    queryFn: ({ signal }) => getImports({ page: 1, pageSize: RECENT }, signal),
    select,
    refetchInterval: (q) => (pollingAllowed ? (fast ? FAST_MS : recheckInterval(q.state.data)) : false),
  });
}

function recheckInterval(page: ImportPage | undefined): number {
  return page?.items.some(isActive) ? FAST_MS : IDLE_MS;
}

/** The import that is queued or running now, if any (the newest, when there are several);
 * `recheck` asks again at once instead of at the next poll; `fast`: the answer matters now (e.g.
 * a dialog that an import would block is open), checked every 2 s. */
export function useActiveImport({ fast = false }: { fast?: boolean } = {}): {
  activeImport: Import | null;
  recheck: () => Promise<unknown>;
} {
  const query = useRecentImports(selectNewestActive, fast);
  return { activeImport: query.data ?? null, recheck: query.refetch };
}

/** Every import queued or running now, oldest first (the order the worker takes them in);
 * undefined until the first answer. */
export function useActiveImports(): Import[] | undefined {
  return useRecentImports(selectActiveOldestFirst).data;
}

function selectNewestActive(page: ImportPage): Import | null {
  return page.items.find(isActive) ?? null;
}

function selectActiveOldestFirst(page: ImportPage): Import[] {
  return page.items.filter(isActive).reverse();
}
