import { useQuery, useQueryClient } from '@tanstack/react-query';
import { usePollingAllowed } from '@/lib/auth';
import type { Import } from '@/types/api';
import { isPassingFailure } from '@/lib/api-error';
import { getImportQueryOptions, POLL_INTERVAL_MS } from '../api/get-import';
import { type StreamState, useImportStream } from '../api/import-stream';
import { importKeys } from '../api/query-keys';
import { isActive } from '../api/status';

/**
 * How an import on screen is kept current: over its event stream (`live`, or `connecting` to it),
 * `polled` as it is given no stream (another import on screen has it), `polling` as its stream
 * is down or refused, or not at all: `paused` while the API refuses the token, `ended` once the
 * import has.
 */
export type ImportConnection = 'live' | 'connecting' | 'polled' | 'polling' | 'paused' | 'ended';

type LiveImport = {
  /** The import as last seen; undefined until it is loaded. */
  item: Import | undefined;
  /** Why it could not be loaded, or (with `item`) why the last check for updates failed. */
  error: Error | null;
  connection: ImportConnection;
  /** Asks for the import again now. */
  refetch: () => void;
};

/**
 * One import, kept current: over its event stream when `stream` is set (see
 * `useStreamedImports`), and polled whenever it still runs and the stream is not live, or while it
 * could not be loaded for a reason that passes (a server restarting outlasts the retries). No
 * answer takes it back from its final state (see `keepFinal`).
 */
export function useLiveImport(id: string, { stream }: { stream: boolean }): LiveImport {
  const queryClient = useQueryClient();
  const pollingAllowed = usePollingAllowed();
  // A stream given up is down, not left to another import by design (see `useStreamedImports`).
  const meantToStream = stream || queryClient.getQueryData(importKeys.streamGivenUp(id)) === true;
  const streamState = useImportStream(id, stream && pollingAllowed);
  const poll = pollingAllowed && streamState !== 'live';
  const query = useQuery({
    ...getImportQueryOptions(id),
    refetchInterval: ({ state }) => (poll && mayStillRun(state.data, state.error) ? POLL_INTERVAL_MS : false),
  });
  return {
    item: query.data,
    error: query.error,
    connection: connectionOf(query.data, pollingAllowed, meantToStream, streamState),
    refetch: () => void query.refetch(),
  };
}

function mayStillRun(item: Import | undefined, error: Error | null): boolean {
  return item ? isActive(item) : isPassingFailure(error);
}

function connectionOf(
  item: Import | undefined,
  pollingAllowed: boolean,
  meantToStream: boolean,
  streamState: StreamState,
): ImportConnection {
  if (item && !isActive(item)) return 'ended';
  if (!pollingAllowed) return 'paused';
  if (!meantToStream) return 'polled';
  if (streamState === 'live' || streamState === 'connecting') return streamState;
  return 'polling';
}
