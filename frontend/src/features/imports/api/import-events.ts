import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { buildUrl } from '@/lib/api';
import type { Import } from '@/types/api';
import { importKeys } from './query-keys';

export const IMPORT_EVENTS = ['progress', 'completed', 'failed', 'cancelled'] as const;
const FINAL_EVENTS = new Set<string>(['completed', 'failed', 'cancelled']);

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
    const source = new EventSource(getImportEventsUrl(key));
    let finished = false;
    const onMessage = (event: MessageEvent<string>) => {
      try {
        const data = JSON.parse(event.data) as Import;
        queryClient.setQueryData(importKeys.detail(key), data);
      } catch {
        return;
      }
      if (FINAL_EVENTS.has(event.type)) {
        finished = true;
        source.close();
        setState({ key, value: 'ended' });
        void queryClient.invalidateQueries({ queryKey: importKeys.lists() });
      } else {
        setState({ key, value: 'live' });
      }
    };
    source.onopen = () => setState({ key, value: 'live' });
    // EventSource reconnects by itself (resuming with Last-Event-ID); poll meanwhile.
    source.onerror = () => {
      if (!finished) setState({ key, value: 'fallback' });
    };
    for (const name of IMPORT_EVENTS) source.addEventListener(name, onMessage as EventListener);
    return () => {
      for (const name of IMPORT_EVENTS) source.removeEventListener(name, onMessage as EventListener);
      source.close();
    };
  }, [key, supported, queryClient]);

  if (!key) return 'ended';
  if (!supported) return 'fallback';
  return state.key === key ? state.value : 'connecting';
}
