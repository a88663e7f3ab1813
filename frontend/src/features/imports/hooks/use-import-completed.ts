import { useQueryClient, type Query } from '@tanstack/react-query';
import { useEffect, useEffectEvent } from 'react';
import type { Import, ImportPage } from '@/types/api';
import { isActive } from '../api/status';

/**
 * Calls `onCompleted` once per import the UI follows (a card's import, the history, the check for
 * a running import) that is seen to complete: after it was seen queued or running, or, for one
 * that changed products, when a list shows it completed above the newest import that list showed
 * before (a short import can start and end between two polls). The imports a list shows in its
 * first answer, and those cached before, were accounted for already. Nothing more is asked of the
 * API: it watches the answers already fetched.
 */
export function useImportCompleted(onCompleted: (item: Import) => void): void {
  const queryClient = useQueryClient();
  const handle = useEffectEvent(onCompleted);
  useEffect(() => {
    const running = new Set<string>();
    // Ended already: an answer asked for before the end but coming after it (a list's) still
    // says running, and must not make it end a second time.
    const ended = new Set<string>();
    // Per list, when the newest import it showed was created (-Infinity: none). Pages of the
    // history are lists of their own. A new import pushes the last of each page onto the next,
    // newer than what that page showed: it was seen ended on its page before (`ended`), or, when
    // that page was not watched, it makes one refresh too many, which is harmless.
    const newestListed = new WeakMap<Query, number>();

    const note = (item: Import | undefined, isNew: (item: Import) => boolean) => {
      if (!item || ended.has(item.id)) return;
      if (isActive(item)) running.add(item.id);
      else {
        ended.add(item.id);
        if (item.status !== 'completed') return;
        if (running.delete(item.id) || (changedProducts(item) && isNew(item))) handle(item);
      }
    };
    const noteList = (query: Query, page: ImportPage | undefined) => {
      if (!page) return;
      const newestBefore = newestListed.get(query);
      // Its first answer (or what was cached) is the baseline: imports that ended long ago.
      const isNew = (item: Import) => newestBefore !== undefined && createdAt(item) >= newestBefore;
      page.items.forEach((item) => note(item, isNew));
      newestListed.set(query, Math.max(newestBefore ?? -Infinity, ...page.items.map(createdAt)));
    };
    const noteAnswer = (query: Query) => {
      const [scope, kind] = query.queryKey;
      if (scope !== 'imports') return;
      if (kind === 'detail') note(query.state.data as Import | undefined, () => false);
      else if (kind === 'list') noteList(query, query.state.data as ImportPage | undefined);
    };

    queryClient
      .getQueryCache()
      .findAll({ queryKey: ['imports'] })
      .forEach((query) => noteAnswer(query));
    return queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'success') return;
      noteAnswer(event.query);
    });
  }, [queryClient]);
}

function changedProducts(item: Import): boolean {
  return item.created + item.updated > 0;
}

function createdAt(item: Import): number {
  return Date.parse(item.created_at);
}
