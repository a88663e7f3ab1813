import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setToken, signOut } from '@/lib/auth';
import { importFactory } from '@/testing/factories';
import { advance, fakeClock, mockFetch, realClock, renderWithProviders, setupUserOnFakeClock } from '@/testing/test-utils';
import type { Import } from '@/types/api';
import { POLL_INTERVAL_MS } from '../api/get-import';
import { ImportPanel } from '../components/import-panel';

/** One request for the event stream: its headers, and a body the test writes by hand. */
type FakeStream = {
  url: string;
  headers: Headers;
  signal: AbortSignal | undefined;
  cancelled: boolean;
  send: (text: string) => void;
  event: (type: string, data: Import, id?: string) => void;
  end: () => void;
  fail: () => void;
};

/** A broken stream is opened again after 1 s, then after 2 s, 3 s… */
const REOPEN_DELAY_MS = 1000;

/**
 * Stubs `fetch`: `/events` answers a `text/event-stream` body the test drives (as it arrives
 * in chunks), everything else the canned JSON routes of `mockFetch`. `answerRead(url, nth)`
 * resolves once the page has read the body of its `nth` (from 1) answer from `url`.
 */
function mockEventStream(routes: Parameters<typeof mockFetch>[0]) {
  const { fetchMock } = mockFetch(routes);
  const streams: FakeStream[] = [];
  const answers: { url: string; read: Promise<void> }[] = [];
  const encoder = new TextEncoder();
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (!url.endsWith('/events')) {
        let markRead!: () => void;
        answers.push({ url, read: new Promise<void>((resolve) => (markRead = resolve)) });
        const response = await fetchMock(input, init);
        const text = response.text.bind(response);
        response.text = () => text().finally(markRead);
        return response;
      }
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      const stream: FakeStream = {
        url,
        headers: new Headers(init?.headers),
        signal: init?.signal ?? undefined,
        cancelled: false,
        send: (text) => controller.enqueue(encoder.encode(text)),
        event: (type, data, id) =>
          stream.send(`${id ? `id: ${id}\n` : ''}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`),
        end: () => controller.close(),
        fail: () => controller.error(new TypeError('network error')),
      };
      const body = new ReadableStream<Uint8Array>({
        start: (started) => {
          controller = started;
        },
        cancel: () => {
          stream.cancelled = true;
        },
      });
      streams.push(stream);
      return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    }),
  );
  const answerRead = (url: string, nth: number) => answers.filter((answer) => answer.url === url)[nth - 1].read;
  return { streams, answerRead };
}

/** Lets the stream's reads and the resulting renders run (no time passes). */
async function flush() {
  await advance(0);
}

/** Waits until the page has read an answer held until now, then lets whatever it does with it
 * reach the screen: what is on screen then is what that answer left. */
async function afterReading(read: Promise<void>) {
  await act(() => read);
  await flush();
}

/** An answer the test gives later: `promise` for a route's body, settled by `give`. */
function heldAnswer<T>() {
  let give!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    give = resolve;
  });
  return { promise, give };
}

function finished(item: Import, status: 'completed' | 'cancelled'): Import {
  return { ...item, status, phase: status, progress: status === 'completed' ? 100 : item.progress, finished_at: '2025-01-01T10:00:11Z' };
}

describe('ImportPanel live updates', () => {
  beforeEach(fakeClock);
  afterEach(() => {
    signOut();
    realClock();
  });

  it('renders each progress event from the stream, then the final summary, and closes it', async () => {
    const first = importFactory({ id: '00000000-0000-4000-8000-000000000019', filename: 'live.csv', progress: 10, processed_rows: 50_000 });
    const { streams } = mockEventStream([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000019', body: first },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000019' });
    expect(await screen.findByTestId('import-percent')).toHaveTextContent('10%');

    await waitFor(() => expect(streams).toHaveLength(1));
    const stream = streams[0];
    expect(stream.url).toBe('/api/v1/imports/00000000-0000-4000-8000-000000000019/events');
    expect(stream.headers.get('Accept')).toBe('text/event-stream');
    expect(stream.headers.has('Authorization')).toBe(false);
    expect(stream.headers.has('Last-Event-ID')).toBe(false);

    // One event split across chunks, after a keepalive comment.
    const progress = JSON.stringify({ ...first, phase: 'validating', progress: 40, processed_rows: 200_000 });
    stream.send(': keepalive\r\n\r\nid: running-200000-40.0\r\nevent: progress\r\ndata: ');
    stream.send(`${progress.slice(0, 20)}`);
    await flush();
    expect(screen.getByTestId('import-percent')).toHaveTextContent('10%');
    stream.send(`${progress.slice(20)}\r\n\r\n`);
    await flush();
    expect(screen.getByTestId('import-percent')).toHaveTextContent('40%');
    expect(screen.getByTestId('import-phase')).toHaveTextContent('Checking rows');
    expect(screen.getByTestId('import-rows')).toHaveTextContent('200,000 / 500,000');
    expect(screen.queryByText('Live updates unavailable: checking every second')).not.toBeInTheDocument();

    stream.event('completed', {
      ...first,
      status: 'completed',
      phase: 'completed',
      progress: 100,
      processed_rows: 500_000,
      created: 499_000,
      duplicates_in_file: 1_000,
      finished_at: '2025-01-01T10:00:11Z',
    });
    await flush();
    expect(screen.getByTestId('import-summary')).toHaveTextContent('Created499,000');
    expect(screen.getByTestId('import-percent')).toHaveTextContent('100%');
    expect(stream.signal?.aborted).toBe(true);
    expect(stream.cancelled).toBe(true);
  });

  it('says it is checking for updates when the stream breaks (polling fallback)', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000020', filename: 'poll.csv' });
    const { streams } = mockEventStream([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000020', body: running },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000020' });
    await screen.findByTestId('import-percent');
    await waitFor(() => expect(streams).toHaveLength(1));
    streams[0].fail();
    expect(await screen.findByText('Live updates unavailable: checking every second')).toBeInTheDocument();
  });

  it('falls back to polling when the server refuses the stream', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000021', filename: 'refused.csv' });
    const { calls } = mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000021', body: running },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000021/events', status: 503, body: { detail: 'Unavailable' } },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000021' });
    expect(await screen.findByText('Live updates unavailable: checking every second')).toBeInTheDocument();
    expect(calls.some((call) => call.url === '/api/v1/imports/00000000-0000-4000-8000-000000000021/events')).toBe(true);
  });

  it('sends the API token, and resumes with Last-Event-ID when the stream ends before the final event', async () => {
    setToken('pi_test-token');
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000022', filename: 'resume.csv', progress: 10 });
    const { streams } = mockEventStream([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000022', body: running },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000022' });
    await screen.findByTestId('import-percent');
    await waitFor(() => expect(streams).toHaveLength(1));
    expect(streams[0].headers.get('Authorization')).toBe('Bearer pi_test-token');

    streams[0].event('progress', { ...running, progress: 30 }, 'running-150000-30.0');
    await flush();
    expect(screen.getByTestId('import-percent')).toHaveTextContent('30%');
    streams[0].end();
    await flush();
    expect(screen.getByText('Live updates unavailable: checking every second')).toBeInTheDocument();

    await advance(REOPEN_DELAY_MS);
    expect(streams).toHaveLength(2);
    expect(streams[1].headers.get('Authorization')).toBe('Bearer pi_test-token');
    expect(streams[1].headers.get('Last-Event-ID')).toBe('running-150000-30.0');
    streams[1].event('progress', { ...running, progress: 60 }, 'running-300000-60.0');
    await flush();
    expect(screen.getByTestId('import-percent')).toHaveTextContent('60%');
    expect(screen.queryByText('Live updates unavailable: checking every second')).not.toBeInTheDocument();
  });

  it('aborts the stream when the panel goes away', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000023', filename: 'gone.csv' });
    const { streams } = mockEventStream([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000023', body: running },
    ]);
    const { unmount } = renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000023' });
    await screen.findByTestId('import-percent');
    await waitFor(() => expect(streams).toHaveLength(1));
    unmount();
    expect(streams[0].signal?.aborted).toBe(true);
    await waitFor(() => expect(streams[0].cancelled).toBe(true));
  });

  it('keeps the final state when a poll sent before it is answered after it', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000016', filename: 'late.csv', progress: 10 });
    const poll = heldAnswer<Import>();
    let asked = 0;
    const { streams, answerRead } = mockEventStream([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000016', body: () => (++asked === 1 ? running : poll.promise) },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000016' });
    await flush();
    expect(screen.getByTestId('import-percent')).toHaveTextContent('10%');
    expect(streams).toHaveLength(1);
    streams[0].fail();
    await flush();
    await advance(REOPEN_DELAY_MS);
    expect(streams).toHaveLength(2);
    streams[1].fail();
    await flush();
    // Polled while the stream is down, the poll's answer slow; meanwhile the stream is back.
    await advance(2 * REOPEN_DELAY_MS);
    expect(asked).toBe(2);
    expect(streams).toHaveLength(3);

    streams[2].event('completed', finished(running, 'completed'));
    await flush();
    expect(screen.getByTestId('import-summary')).toBeInTheDocument();
    poll.give({ ...running, progress: 50 });
    await afterReading(answerRead('/api/v1/imports/00000000-0000-4000-8000-000000000016', 2));
    expect(screen.getByTestId('import-percent')).toHaveTextContent('100%');
    expect(screen.getByTestId('import-summary')).toBeInTheDocument();
  });

  it('keeps the final state when the answer to Cancel comes after it', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000017', filename: 'cancelled.csv', progress: 40 });
    const cancel = heldAnswer<Import>();
    const { streams, answerRead } = mockEventStream([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000017', body: running },
      { method: 'POST', path: '/api/v1/imports/00000000-0000-4000-8000-000000000017/cancel', body: () => cancel.promise },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000017' });
    await waitFor(() => expect(streams).toHaveLength(1));
    streams[0].event('progress', running);
    const user = setupUserOnFakeClock();
    await user.click(await screen.findByRole('button', { name: 'Cancel import' }));
    await user.click(screen.getByRole('button', { name: 'Stop the import' }));

    streams[0].event('cancelled', finished(running, 'cancelled'));
    await flush();
    cancel.give({ ...running, cancel_requested: true });
    await afterReading(answerRead('/api/v1/imports/00000000-0000-4000-8000-000000000017/cancel', 1));
    expect(screen.getByText('The import was cancelled. Nothing was changed.')).toBeInTheDocument();
    expect(screen.queryByText(/Cancelling/)).toBeNull();
  });

  it('keeps polling a running import while the rate limiter refuses its stream (429), and opens it again', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000018', filename: 'limited.csv' });
    const { calls } = mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000018', body: running },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000018/events', status: 429, body: { detail: 'Too many requests.' } },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000018' });
    await flush();
    expect(screen.getByText('Live updates unavailable: checking every second')).toBeInTheDocument();
    const asked = (path: string) => calls.filter((call) => call.url === path).length;
    expect(asked('/api/v1/imports/00000000-0000-4000-8000-000000000018')).toBe(1);
    expect(asked('/api/v1/imports/00000000-0000-4000-8000-000000000018/events')).toBe(1);
    await advance(Math.max(POLL_INTERVAL_MS, REOPEN_DELAY_MS));
    expect(asked('/api/v1/imports/00000000-0000-4000-8000-000000000018')).toBe(2);
    expect(asked('/api/v1/imports/00000000-0000-4000-8000-000000000018/events')).toBe(2);
  });

  it('polls a running import whose stream is refused for good (404 from a proxy without it)', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000024', filename: 'no-stream.csv' });
    const { calls } = mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000024', body: running },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000024' });
    await flush();
    expect(screen.getByText('Live updates unavailable: checking every second')).toBeInTheDocument();
    const asked = (path: string) => calls.filter((call) => call.url === path).length;
    // As long as every reopening of a stream that breaks takes (1 + 2 + 3 + 4 + 5 s).
    const span = 15 * REOPEN_DELAY_MS;
    await advance(span);
    expect(asked('/api/v1/imports/00000000-0000-4000-8000-000000000024')).toBe(1 + span / POLL_INTERVAL_MS);
    expect(asked('/api/v1/imports/00000000-0000-4000-8000-000000000024/events')).toBe(1);
  });

  it('keeps showing the import, with a note, when a background check fails', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000025', filename: 'noted.csv', progress: 30 });
    let asked = 0;
    mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      {
        path: '/api/v1/imports/00000000-0000-4000-8000-000000000025',
        status: () => (++asked === 1 ? 200 : 429),
        body: () => (asked === 1 ? running : { detail: 'Too many requests.' }),
      },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000025/events', status: 503, body: { detail: 'Unavailable' } },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000025' });
    await flush();
    const card = screen.getByRole('region', { name: 'noted.csv' });
    expect(within(card).queryByTestId('import-update-failure')).toBeNull();
    await advance(POLL_INTERVAL_MS);
    expect(within(card).getByTestId('import-update-failure')).toHaveTextContent(
      'Could not check for updates (Too many requests.). Showing the last known state.',
    );
    expect(within(card).getByTestId('import-percent')).toHaveTextContent('30%');
    expect(screen.queryByText(/Could not load the import/)).toBeNull();
  });

  it('stops counting the time left once the server stops answering: the stream silent for 15 s, the checks failing', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000008', filename: 'silent.csv', eta_seconds: 120 });
    const { streams } = mockEventStream([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000008', body: running },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000008' });
    await flush();
    expect(streams).toHaveLength(1);
    streams[0].event('progress', running);
    await flush();
    const card = screen.getByRole('region', { name: 'silent.csv' });
    const eta = within(card).getByTestId('import-eta');
    expect(eta).toHaveTextContent('about 2 min 00 s');

    // The server stops answering, and leaves the stream's connection open.
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await advance(14_000);
    expect(eta).toHaveTextContent('about 1 min 46 s');
    expect(within(card).queryByText('Live updates unavailable: checking every second')).toBeNull();
    await advance(1_000);
    expect(within(card).getByText('Live updates unavailable: checking every second')).toBeInTheDocument();

    // The check is tried again for a few seconds before it is said to have failed.
    await advance(10_000);
    expect(within(card).getByTestId('import-update-failure')).toHaveTextContent(
      'Could not check for updates (The server could not be reached. Check your connection and try again.). Showing the last known state.',
    );
    expect(eta).toHaveTextContent('Not known until updates resume');
  });

  it('streams one import at a time and polls the others, then streams the next when the first ends', async () => {
    const first = importFactory({ id: '00000000-0000-4000-8000-000000000026', filename: 'first.csv' });
    const second = importFactory({ id: '00000000-0000-4000-8000-000000000031', filename: 'second.csv', status: 'queued', progress: 0 });
    const { streams } = mockEventStream([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000026', body: first },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000031', body: second },
    ]);
    const fetchMock = vi.mocked(fetch);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000026&import=00000000-0000-4000-8000-000000000031' });
    await flush();
    expect(screen.getByRole('region', { name: 'second.csv' })).toBeInTheDocument();
    const asked = (url: string) => fetchMock.mock.calls.filter(([input]) => input === url).length;
    await advance(POLL_INTERVAL_MS);
    expect(asked('/api/v1/imports/00000000-0000-4000-8000-000000000031')).toBe(2);
    expect(streams.map((stream) => stream.url)).toEqual(['/api/v1/imports/00000000-0000-4000-8000-000000000026/events']);
    expect(within(screen.getByRole('region', { name: 'first.csv' })).queryByText('Live updates unavailable: checking every second')).toBeNull();
    // Polled by design, not for a broken stream: nothing to warn of, it only waits its turn.
    const secondCard = within(screen.getByRole('region', { name: 'second.csv' }));
    expect(secondCard.getByTestId('import-status')).toHaveTextContent(/^Queued$/);
    expect(secondCard.queryByText(/every second/)).toBeNull();
    expect(secondCard.queryByText(/Live updates unavailable/)).toBeNull();

    streams[0].event('completed', finished(first, 'completed'));
    await waitFor(() => expect(streams).toHaveLength(2));
    expect(streams[1].url).toBe('/api/v1/imports/00000000-0000-4000-8000-000000000031/events');
  });

  it('streams the running import when an unknown one comes first in the URL', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000029', filename: 'after-unknown.csv' });
    const { streams } = mockEventStream([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000029', body: running },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000007&import=00000000-0000-4000-8000-000000000029' });
    expect(await screen.findByText(/This import was not found/)).toBeInTheDocument();
    await waitFor(() => expect(streams.map((stream) => stream.url)).toContain('/api/v1/imports/00000000-0000-4000-8000-000000000029/events'));
  });
});
