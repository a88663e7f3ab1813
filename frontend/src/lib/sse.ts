/**
 * Reads a Server-Sent Events stream with `fetch()`, so the API token goes in the
 * `Authorization` header as on every other request (`EventSource` cannot send one).
 */
import { ApiError, isAbortError } from './api-error';
import { authHeaders, authTicket, reportUnauthorized } from './auth';
import { EventStreamParser, type StreamEvent } from './event-stream';
import { buildUrl, errorDetail } from './http';

/**
 * How long a stream may stay silent before its connection is taken for dead: more than two
 * keepalives missed, as the server writes one every 5 or 6 s while nothing changes. A half-open connection
 * would keep a read waiting for ever, and the page showing its last state as current.
 */
const STREAM_SILENCE_LIMIT_MS = 15_000;

type StreamOptions = {
  /** Sent as `Last-Event-ID`, so the server resumes after the last event seen. */
  lastEventId?: string;
  signal?: AbortSignal;
  /** The server accepted the stream (2xx `text/event-stream`). */
  onOpen?: () => void;
  onEvent: (event: StreamEvent) => void;
};

/**
 * Resolves with the last event id when the server ends the stream; rejects with `ApiError` when
 * it refuses it, the connection breaks or stays silent too long, and with an `AbortError` when
 * `signal` aborts.
 */
export async function streamEvents(path: string, options: StreamOptions): Promise<string> {
  const { lastEventId, signal, onOpen, onEvent } = options;
  const connection = new AbortController();
  const close = () => connection.abort();
  signal?.addEventListener('abort', close, { once: true });
  const silence = watchSilence(close);
  try {
    const body = await openStream(path, lastEventId, connection.signal);
    onOpen?.();
    return await readEvents(body, { lastEventId, signal: connection.signal, onEvent, onChunk: silence.heard });
  } catch (error) {
    if (signal?.aborted) throw aborted();
    if (silence.expired()) throw new ApiError(0, undefined);
    throw error;
  } finally {
    silence.stop();
    signal?.removeEventListener('abort', close);
  }
}

function aborted(): DOMException {
  return new DOMException('The stream was closed.', 'AbortError');
}

/** Calls `onSilence` once nothing was heard for STREAM_SILENCE_LIMIT_MS; `heard()` starts over. */
function watchSilence(onSilence: () => void) {
  let expired = false;
  const start = () =>
    setTimeout(() => {
      expired = true;
      onSilence();
    }, STREAM_SILENCE_LIMIT_MS);
  let timer = start();
  return {
    heard: () => {
      clearTimeout(timer);
      timer = start();
    },
    stop: () => clearTimeout(timer),
    expired: () => expired,
  };
}

async function openStream(path: string, lastEventId: string | undefined, signal: AbortSignal) {
  const ticket = authTicket();
  let response: Response;
  try {
    response = await fetch(buildUrl(path), {
      signal,
      cache: 'no-store',
      headers: {
        Accept: 'text/event-stream',
        ...authHeaders(),
        ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
      },
    });
  } catch (error) {
    if (signal.aborted || isAbortError(error)) throw aborted();
    throw new ApiError(0, undefined);
  }
  if (response.status === 401) reportUnauthorized(ticket);
  const type = response.headers.get('Content-Type') ?? '';
  if (!response.ok || !response.body || !type.startsWith('text/event-stream')) {
    const text = await response.text().catch(() => '');
    throw new ApiError(response.ok ? 0 : response.status, response.ok ? undefined : errorDetail(text));
  }
  return response.body;
}

type ReadOptions = {
  lastEventId: string | undefined;
  signal: AbortSignal;
  onEvent: (event: StreamEvent) => void;
  onChunk: () => void;
};

async function readEvents(body: ReadableStream<Uint8Array>, { lastEventId, signal, onEvent, onChunk }: ReadOptions) {
  const reader = body.getReader();
  // Stop reading on abort even where the body does not follow the request's signal.
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', cancel, { once: true });
  const decoder = new TextDecoder();
  const parser = new EventStreamParser(lastEventId);
  let ended = false;
  try {
    for (;;) {
      const chunk = await readChunk(reader, signal);
      onChunk();
      const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      for (const event of parser.push(text, chunk.done)) {
        onEvent(event);
        if (signal.aborted) throw aborted();
      }
      if (chunk.done) {
        ended = true;
        return parser.lastEventId;
      }
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    if (!ended) cancel();
  }
}

async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>, signal: AbortSignal) {
  if (signal.aborted) throw aborted();
  let chunk: ReadableStreamReadResult<Uint8Array>;
  try {
    chunk = await reader.read();
  } catch (error) {
    if (signal.aborted || isAbortError(error)) throw aborted();
    throw new ApiError(0, undefined);
  }
  if (signal.aborted) throw aborted();
  return chunk;
}
