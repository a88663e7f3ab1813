import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api-error';
import { streamEvents } from './sse';

/** Stubs `fetch` with one event stream the test writes to; `cancelled` once the reader gives up. */
function stubStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = { cancelled: false, send: (text: string) => controller.enqueue(new TextEncoder().encode(text)) };
  const body = new ReadableStream<Uint8Array>({
    start: (started) => {
      controller = started;
    },
    cancel: () => {
      stream.cancelled = true;
    },
  });
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } })),
  );
  return stream;
}

async function outcome(promise: Promise<unknown>) {
  return promise.then(
    () => 'ended',
    (error: unknown) => error,
  );
}

describe('streamEvents', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('takes a stream silent for three keepalives (15 s) for a dead connection, and closes it', async () => {
    const stream = stubStream();
    const onEvent = vi.fn();
    const settled = outcome(streamEvents('imports/x/events', { onEvent }));

    // The server's keepalives (every 5 s) keep it open well past the limit.
    for (let second = 0; second < 60; second += 5) {
      await vi.advanceTimersByTimeAsync(5_000);
      stream.send(': keepalive\n\n');
    }
    await vi.advanceTimersByTimeAsync(14_000);
    expect(stream.cancelled).toBe(false);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(stream.cancelled).toBe(true);
    const error = await settled;
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(0);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('rejects with an AbortError when its caller closes it', async () => {
    const stream = stubStream();
    const controller = new AbortController();
    const settled = outcome(streamEvents('imports/x/events', { onEvent: vi.fn(), signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(0);
    controller.abort();
    const error = await settled;
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect(stream.cancelled).toBe(true);
  });
});
