import { useQuery } from '@tanstack/react-query';
import type { Import } from '@/types/api';
import { getImports } from './get-imports';
import { importKeys } from './query-keys';
import { isActive } from './status';

const RECENT = 20;

/**
 * The import that is queued or running now, if any (imports are listed newest first, so an
 * active one is among the most recent). Re-checked every few seconds.
 */
export function useActiveImport(): { activeImport: Import | null; isLoading: boolean } {
  const query = useQuery({
    queryKey: [...importKeys.lists(), 'active'],
    queryFn: ({ signal }) => getImports({ page: 1, pageSize: RECENT }, signal),
    select: (page) => page.items.find(isActive) ?? null,
    refetchInterval: (q) => (q.state.data?.items.some(isActive) ? 2000 : 10_000),
  });
  return { activeImport: query.data ?? null, isLoading: query.isPending };
}
