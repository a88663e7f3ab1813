import { useQuery } from '@tanstack/react-query';
import { usePollingAllowed } from '@/lib/auth';
import type { Import } from '@/types/api';
import { getImportQueryOptions, POLL_INTERVAL_MS } from '../api/get-import';
import { type StreamState, useImportStream } from '../api/import-stream';
import { isActive } from '../api/status';

/**
 * How an import on screen is kept current: over its event stream (`live`, or `connecting` to it),
 * by `polling`, or not at all: `paused` while the API refuses the token, `ended` once the import
 * has.
 */
export type ImportConnection = 'live' | 'connecting' | 'polling' | 'paused' | 'ended';

type LiveImport = {
  /** The import as last seen; undefined until it is loaded. */
  item: Import | undefined;
  /** Why it could not be loaded, or (with `item`) why the last check for updates failed. */
  error: Error | null;
  connection: ImportConnection;
};

/**
 * One import, kept current: over its event stream when `stream` is set (see
 * `useStreamedImports`), and polled whenever it still runs and the stream is not live. No answer
 * takes it back from its final state (see `keepFinal`).
 */
export function useLiveImport(id: string, { stream }: { stream: boolean }): LiveImport {
  const pollingAllowed = usePollingAllowed();
  const streamState = useImportStream(id, stream && pollingAllowed);
  const poll = pollingAllowed && streamState !== 'live';
  const query = useQuery({
    ...getImportQueryOptions(id),
    refetchInterval: (current) => (poll && isActive(current.state.data) ? POLL_INTERVAL_MS : false),
  });
  return { item: query.data, error: query.error, connection: connectionOf(query.data, pollingAllowed, streamState) };
}

function connectionOf(item: Import | undefined, pollingAllowed: boolean, streamState: StreamState): ImportConnection {
  if (item && !isActive(item)) return 'ended';
  if (!pollingAllowed) return 'paused';
  if (streamState === 'live' || streamState === 'connecting') return streamState;
  return 'polling';
}
