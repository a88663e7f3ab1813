import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError, isPassingFailure } from '@/lib/api-error';
import { useAuth } from '@/lib/auth';
import type { StreamEvent } from '@/lib/event-stream';
import { streamEvents } from '@/lib/sse';
import type { Import } from '@/types/api';
import { getCachedImport, storeImport } from './import-cache';
import { importKeys } from './query-keys';
import { isFinished } from './status';

const IMPORT_EVENTS = new Set(['progress', 'completed', 'failed', 'cancelled']);
const FINAL_EVENTS = new Set(['completed', 'failed', 'cancelled']);
const MAX_REOPENS = 5;
const REOPEN_DELAY_MS = 1000;
/** A connection open this long was no failure to open: it starts the reopens' count over (a
 * proxy that closes idle connections would otherwise use them up on a queued import). Shorter
 * than the silence that gets a connection taken for dead (15 s, see `streamEvents`): a stream
 * that opened, then fell silent, is opened again for as long as it takes. */
const STAYED_OPEN_MS = 10_000;

/**
 * `live`: events are flowing; `down`: broken, silent or refused for now (opened again a few
 * times); `closed`: not opened (again), as the import ended or the server refused it for good.
 */
export type StreamState = 'connecting' | 'live' | 'down' | 'closed';

function importEventsPath(id: string): string {
  return `imports/${encodeURIComponent(id)}/events`;
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

function parseImport(event: StreamEvent): Import | null {
  if (!IMPORT_EVENTS.has(event.type)) return null;
  try {
    return JSON.parse(event.data) as Import;
  } catch {
    return null;
  }
}

/**
 * Follows an import over Server-Sent Events while `wanted`, writing each state it sends into the
 * query cache. Returns the stream's state, so the caller can poll while it is not live.
 */
export function useImportStream(id: string, wanted: boolean): StreamState {
  const queryClient = useQueryClient();
  const { token } = useAuth();
  // A new token opens the stream again.
  const run = wanted && streamingSupported() ? `${id}\n${token ?? ''}` : null;
  const [state, setState] = useState<{ run: string | null; value: StreamState }>({ run: null, value: 'connecting' });

  useEffect(() => {
    if (!run) return;
    const close = followImport(queryClient, id, (value) => setState({ run, value }));
    return () => {
      close();
      // The same run wanted again is a new connection: not live until it opens (polled meanwhile).
      setState({ run: null, value: 'connecting' });
    };
  }, [run, id, queryClient]);

  if (!run) return 'closed';
  return state.run === run ? state.value : 'connecting';
}

/** Opens the import's stream, and again when it breaks; `report` tells its state. Returns the
 * function that closes it. */
function followImport(queryClient: QueryClient, id: string, report: (state: StreamState) => void): () => void {
  const controller = new AbortController();
  let lastEventId: string | undefined;
  let reopenTimer: number | undefined;
  let reopens = 0;
  let openedAt = Number.NaN;

  const onEvent = (event: StreamEvent) => {
    lastEventId = event.lastEventId || lastEventId;
    const item = parseImport(event);
    if (!item) return;
    reopens = 0;
    void storeImport(queryClient, item);
    if (FINAL_EVENTS.has(event.type)) {
      controller.abort();
      report('closed');
      void queryClient.invalidateQueries({ queryKey: importKeys.lists() });
    } else {
      report('live');
    }
  };

  const open = async () => {
    // Polling may have seen the end while the stream was down.
    if (isFinished(getCachedImport(queryClient, id))) return report('closed');
    let failure: unknown;
    try {
      const path = importEventsPath(id);
      const onOpen = () => {
        openedAt = Date.now();
        report('live');
      };
      lastEventId = (await streamEvents(path, { lastEventId, signal: controller.signal, onOpen, onEvent })) || lastEventId;
    } catch (error) {
      failure = error;
    }
    if (controller.signal.aborted) return;
    // An answer that will not change (an unknown import, a malformed id) ends it; a 401 waits for
    // a token (the caller stops wanting the stream until one is accepted).
    if (failure instanceof ApiError && !isPassingFailure(failure)) return report('closed');
    // Broken, silent, or ended before the final event: open it again a few times (resuming
    // with Last-Event-ID), polled meanwhile.
    report('down');
    if (Date.now() - openedAt > STAYED_OPEN_MS) reopens = 0;
    openedAt = Number.NaN;
    if (reopens < MAX_REOPENS) {
      reopens += 1;
      reopenTimer = window.setTimeout(() => void open(), REOPEN_DELAY_MS * reopens);
    } else {
      queryClient.setQueryData(importKeys.streamGivenUp(id), true);
    }
  };
  void open();

  return () => {
    window.clearTimeout(reopenTimer);
    controller.abort();
  };
}
