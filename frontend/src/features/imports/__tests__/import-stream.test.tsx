import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '@/lib/query-client';
import { importFactory } from '@/testing/factories';
import { useImportStream } from '../api/import-stream';
import { importKeys } from '../api/query-keys';
import { useStreamedImports } from '../hooks/use-streamed-imports';

/** `/events` answers: an open stream that stays silent the first time, no answer at all after. */
function streamOpenOnceThenHanging() {
  let asked = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(() => {
      asked += 1;
      if (asked > 1) return new Promise<Response>(() => undefined);
      const body = new ReadableStream<Uint8Array>();
      return Promise.resolve(new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }));
    }),
  );
}

/** `/events` answers an open stream each time, which the test ends (as a proxy closing it). */
function streamClosedByProxy() {
  const open: ReadableStreamDefaultController<Uint8Array>[] = [];
  const fetchMock = vi.fn(() => {
    const body = new ReadableStream<Uint8Array>({ start: (controller) => void open.push(controller) });
    return Promise.resolve(new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }));
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    opened: () => fetchMock.mock.calls.length,
    keepalive: () => open.at(-1)!.enqueue(new TextEncoder().encode(': keepalive\n\n')),
    closeLast: () => open.at(-1)!.close(),
  };
}

/** The stream opened `times` times, each closed after `openMs` (the server's keepalives, every
 * 5 s, keep it from being taken for dead meanwhile), then the time to reopen it. */
async function closeRepeatedly(proxy: ReturnType<typeof streamClosedByProxy>, times: number, openMs: number) {
  for (let close = 1; close <= times; close += 1) {
    for (let open = 0; open < openMs; open += 5_000) {
      await act(() => vi.advanceTimersByTimeAsync(Math.min(5_000, openMs - open)));
      proxy.keepalive();
    }
    proxy.closeLast();
    await act(() => vi.advanceTimersByTimeAsync(1000 * Math.min(close, 5) + 10));
  }
}

function renderStream(wanted: boolean, queryClient = createQueryClient()) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  return renderHook(({ wanted: want }) => useImportStream('abc', want), { wrapper, initialProps: { wanted } });
}

describe('useImportStream', () => {
  it('is connecting, not live, when the same stream is wanted again and its new connection hangs', async () => {
    streamOpenOnceThenHanging();
    const { result, rerender } = renderStream(true);
    await waitFor(() => expect(result.current).toBe('live'));
    rerender({ wanted: false });
    expect(result.current).toBe('closed');
    rerender({ wanted: true });
    expect(result.current).toBe('connecting');
    // The new connection is asked for, and hangs: nothing more is to come.
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    await act(async () => undefined);
    expect(result.current).toBe('connecting');
  });

  describe('closed again and again (a proxy)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('keeps opening a stream that stays open a while each time', async () => {
      vi.useFakeTimers();
      const proxy = streamClosedByProxy();
      const queryClient = createQueryClient();
      renderStream(true, queryClient);
      await closeRepeatedly(proxy, 8, 16_000);
      expect(proxy.opened()).toBe(9);
      expect(queryClient.getQueryData(importKeys.streamGivenUp('abc'))).toBeUndefined();
    });

    it('keeps opening a stream that the server leaves silent for 15 s, taken for dead each time', async () => {
      vi.useFakeTimers();
      const proxy = streamClosedByProxy();
      const queryClient = createQueryClient();
      renderStream(true, queryClient);
      // Taken for dead after 15 s each time, and opened again 1 s later.
      for (let reopen = 1; reopen <= 8; reopen += 1) {
        await act(() => vi.advanceTimersByTimeAsync(16_010));
      }
      expect(proxy.opened()).toBe(9);
      expect(queryClient.getQueryData(importKeys.streamGivenUp('abc'))).toBeUndefined();
    });

    it('gives up one closed at once five times, and says so for the next import to take the stream', async () => {
      vi.useFakeTimers();
      const proxy = streamClosedByProxy();
      const queryClient = createQueryClient();
      renderStream(true, queryClient);
      await closeRepeatedly(proxy, 6, 1_000);
      expect(proxy.opened()).toBe(6);
      expect(queryClient.getQueryData(importKeys.streamGivenUp('abc'))).toBe(true);
    });
  });
});

describe('useStreamedImports', () => {
  it('streams the next import that may change once the first one\'s stream was given up', async () => {
    const queryClient = createQueryClient();
    for (const id of ['abc', 'def']) queryClient.setQueryData(importKeys.detail(id), importFactory({ id, status: 'queued' }));
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    const { result } = renderHook(() => useStreamedImports(['abc', 'def']), { wrapper });
    expect(result.current).toEqual(['abc']);
    act(() => void queryClient.setQueryData(importKeys.streamGivenUp('abc'), true));
    await waitFor(() => expect(result.current).toEqual(['def']));
  });
});
