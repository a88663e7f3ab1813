import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { buildUrl } from '@/lib/api';
import type { Import } from '@/types/api';
import { importKeys } from './query-keys';

export const IMPORT_EVENTS = ['progress', 'completed', 'failed', 'cancelled'] as const;
const FINAL_EVENTS = new Set<string>(['completed', 'failed', 'cancelled']);
const MAX_REOPENS = 5;
const REOPEN_DELAY_MS = 1000;

/** `live`: events are flowing; `fallback`: no stream (unsupported or broken), so poll instead. */
export type LiveState = 'connecting' | 'live' | 'fallback' | 'ended';

export function getImportEventsUrl(id: string): string {
  return buildUrl(`imports/${encodeURIComponent(id)}/events`);
}

/**
 * Follows an import over Server-Sent Events, writing each Import it sends into the query
 * cache. Returns the stream's state so the caller can poll while it is not live.
 */
export function useImportEvents(id: string | null, enabled: boolean): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<{ key: string | null; value: LiveState }>({ key: null, value: 'connecting' });
  const key = id && enabled ? id : null;
  const supported = typeof window !== 'undefined' && typeof window.EventSource === 'function';

  useEffect(() => {
    if (!key || !supported) return;
    let source: EventSource | null = null;
    let finished = false;
    let reopenTimer: number | undefined;
    let reopens = 0;

    const onMessage = (event: MessageEvent<string>) => {
      try {
        const data = JSON.parse(event.data) as Import;
        queryClient.setQueryData(importKeys.detail(key), data);
      } catch {
        return;
      }
      reopens = 0;
      if (FINAL_EVENTS.has(event.type)) {
        finished = true;
        source?.close();
        setState({ key, value: 'ended' });
        void queryClient.invalidateQueries({ queryKey: importKeys.lists() });
      } else {
        setState({ key, value: 'live' });
      }
    };

    const open = () => {
      const next = new EventSource(getImportEventsUrl(key));
      source = next;
      next.onopen = () => setState({ key, value: 'live' });
      next.onerror = () => {
        if (finished) return;
        // Poll meanwhile. A dropped stream reconnects by itself (resuming with Last-Event-ID);
        // one the server refused (e.g. an error status) is closed: open it again a few times.
        setState({ key, value: 'fallback' });
        if (next.readyState === EventSource.CLOSED && reopens < MAX_REOPENS) {
          reopens += 1;
          reopenTimer = window.setTimeout(open, REOPEN_DELAY_MS * reopens);
        }
      };
      for (const name of IMPORT_EVENTS) next.addEventListener(name, onMessage as EventListener);
    };
    open();

    return () => {
      window.clearTimeout(reopenTimer);
      source?.close();
    };
  }, [key, supported, queryClient]);

  if (!key) return 'ended';
  if (!supported) return 'fallback';
  return state.key === key ? state.value : 'connecting';
}
