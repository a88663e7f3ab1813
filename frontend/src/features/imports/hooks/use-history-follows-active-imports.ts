import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useActiveImports } from '../api/get-active-import';
import { importKeys } from '../api/query-keys';

/**
 * Fetches the history's pages again whenever the imports queued or running change, so that one
 * started elsewhere (another tab, the command line) is listed within seconds: a page polls often
 * only while it lists an import that runs.
 */
export function useHistoryFollowsActiveImports() {
  const queryClient = useQueryClient();
  const activeIds = useActiveImports()
    ?.map((item) => item.id)
    .join(' ');
  const seen = useRef(activeIds);

  useEffect(() => {
    if (activeIds === seen.current) return;
    // The first answer changes nothing: the history was fetched at the same time.
    if (seen.current !== undefined) void queryClient.invalidateQueries({ queryKey: importKeys.pages() });
    seen.current = activeIds;
  }, [activeIds, queryClient]);
}
