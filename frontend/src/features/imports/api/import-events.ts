import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError, streamEvents } from '@/lib/api';
import { useAuth } from '@/lib/auth';
import type { StreamEvent } from '@/lib/event-stream';
import type { Import } from '@/types/api';
import { importKeys } from './query-keys';

export const IMPORT_EVENTS = ['progress', 'completed', 'failed', 'cancelled'] as const;
const KNOWN_EVENTS = new Set<string>(IMPORT_EVENTS);
const FINAL_EVENTS = new Set<string>(['completed', 'failed', 'cancelled']);
const MAX_REOPENS = 5;
const REOPEN_DELAY_MS = 1000;

/** `live`: events are flowing; `fallback`: no stream (unsupported or broken), so poll instead. */
export type LiveState = 'connecting' | 'live' | 'fallback' | 'ended';

function importEventsPath(id: string): string {
  return `imports/${encodeURIComponent(id)}/events`;
}

/**
 * A refusal that asking again will not change: an unknown import (404) or a malformed id (422).
 * A 401 is not final: a new token re-opens the stream.
 */
function isFinalRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 401;
}

function streamingSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    typeof window.fetch === 'function' &&
    typeof ReadableStream === 'function' &&
    typeof TextDecoder === 'function' &&
    typeof AbortController === 'function'
  );
}

/**
 * Follows an import over Server-Sent Events, writing each Import it sends into the query
 * cache. The stream is read with `fetch()` so it carries the API token like every other
 * request. Returns the stream's state so the caller can poll while it is not live.
 */
export function useImportEvents(id: string | null, enabled: boolean): LiveState {
  const queryClient = useQueryClient();
  const { token } = useAuth();
  const [state, setState] = useState<{ key: string | null; value: LiveState }>({ key: null, value: 'connecting' });
  const key = id && enabled ? id : null;
  const supported = streamingSupported();

  useEffect(() => {
    if (!key || !supported) return;
    const controller = new AbortController();
    let lastEventId: string | undefined;
    let finished = false;
    let reopenTimer: number | undefined;
    let reopens = 0;

    const onEvent = (event: StreamEvent) => {
      lastEventId = event.lastEventId || lastEventId;
      if (!KNOWN_EVENTS.has(event.type)) return;
      try {
        const data = JSON.parse(event.data) as Import;
        queryClient.setQueryData(importKeys.detail(key), data);
      } catch {
        return;
      }
      reopens = 0;
      if (FINAL_EVENTS.has(event.type)) {
        finished = true;
        controller.abort();
        setState({ key, value: 'ended' });
        void queryClient.invalidateQueries({ queryKey: importKeys.lists() });
      } else {
        setState({ key, value: 'live' });
      }
    };

    const open = async () => {
      let refused: number | null = null;
      try {
        lastEventId =
          (await streamEvents(importEventsPath(key), {
            lastEventId,
            signal: controller.signal,
            onOpen: () => setState({ key, value: 'live' }),
            onEvent,
          })) || lastEventId;
      } catch (error) {
        // Refused, broken or closed by us: the checks below tell which.
        if (error instanceof ApiError) refused = error.status;
      }
      if (finished || controller.signal.aborted) return;
      if (refused !== null && isFinalRefusal(refused)) {
        setState({ key, value: 'ended' });
        return;
      }
      // The stream failed or ended before the final event: poll meanwhile, and open it again
      // a few times (resuming with Last-Event-ID).
      setState({ key, value: 'fallback' });
      if (reopens < MAX_REOPENS) {
        reopens += 1;
        reopenTimer = window.setTimeout(() => void open(), REOPEN_DELAY_MS * reopens);
      }
    };
    void open();

    return () => {
      window.clearTimeout(reopenTimer);
      controller.abort();
    };
  }, [key, supported, token, queryClient]);

  if (!key) return 'ended';
  if (!supported) return 'fallback';
  return state.key === key ? state.value : 'connecting';
}
