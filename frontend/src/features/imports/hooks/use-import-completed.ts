import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useEffectEvent } from 'react';
import type { Import, ImportPage } from '@/types/api';
import { isActive } from '../api/status';

/**
 * Calls `onCompleted` when an import the UI follows (a card's import, the history, the check for
 * a running import) is seen to complete after it was seen queued or running: what it changed is
 * then in the catalog. Nothing more is asked of the API: it watches the answers already fetched.
 */
export function useImportCompleted(onCompleted: (item: Import) => void): void {
  const queryClient = useQueryClient();
  const handle = useEffectEvent(onCompleted);
  useEffect(() => {
    const running = new Set<string>();
    // Ended already: an answer asked for before the end but coming after it (a list's) still
    // says running, and must not make it end a second time.
    const ended = new Set<string>();
    const note = (item: Import | undefined) => {
      if (!item || ended.has(item.id)) return;
      if (isActive(item)) running.add(item.id);
      else if (running.delete(item.id)) {
        ended.add(item.id);
        if (item.status === 'completed') handle(item);
      }
    };
    return queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'success') return;
      const [scope, kind] = event.query.queryKey;
      if (scope !== 'imports') return;
      if (kind === 'detail') note(event.query.state.data as Import | undefined);
      else if (kind === 'list') (event.query.state.data as ImportPage | undefined)?.items.forEach(note);
    });
  }, [queryClient]);
}
