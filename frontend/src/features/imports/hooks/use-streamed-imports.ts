import { notifyManager, type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { Import } from '@/types/api';
import { isUnknownImport } from '../api/get-import';
import { importKeys } from '../api/query-keys';
import { isActive } from '../api/status';

/**
 * How many imports on screen are followed over an event stream; the others are polled. A stream
 * holds a connection for as long as its import runs, and over HTTP/1.1 a browser opens about six
 * to a server, for all its tabs: a stream per queued import would stall every other request,
 * Cancel included.
 */
const MAX_STREAMS = 1;

/** Neither known to have ended nor unknown to the API (one not loaded yet, or not loaded because
 * the server was away, may still run). */
function mayChange(queryClient: QueryClient, id: string): boolean {
  const state = queryClient.getQueryState<Import>(importKeys.detail(id));
  return state?.data ? isActive(state.data) : !isUnknownImport(state?.error);
}

/** Worth a stream: it may still change, and its stream was not given up (see `useImportStream`). */
function streamable(queryClient: QueryClient, id: string): boolean {
  return mayChange(queryClient, id) && !queryClient.getQueryData<boolean>(importKeys.streamGivenUp(id));
}

/** The ids, of `ids` in order, to follow over a stream: the first worth one. */
export function useStreamedImports(ids: readonly string[]): readonly string[] {
  const queryClient = useQueryClient();
  const subscribe = useCallback(
    (onChange: () => void) => queryClient.getQueryCache().subscribe(notifyManager.batchCalls(onChange)),
    [queryClient],
  );
  const snapshot = () => JSON.stringify(ids.filter((id) => streamable(queryClient, id)).slice(0, MAX_STREAMS));
  const streamed = useSyncExternalStore(subscribe, snapshot, snapshot);
  return useMemo(() => JSON.parse(streamed) as string[], [streamed]);
}
