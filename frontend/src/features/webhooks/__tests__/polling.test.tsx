import { act, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setToken, signOut } from '@/lib/auth';
import { renderWithProviders } from '@/testing/test-utils';
import { useDeliveries } from '../api/get-deliveries';
import { useWebhooks } from '../api/get-webhooks';

function Polling() {
  const webhooks = useWebhooks();
  const deliveries = useDeliveries(1, 1, 10, { poll: true });
  return <p>{webhooks.data && deliveries.data ? 'loaded' : 'loading'}</p>;
}

/** Answers each URL once, then 401 (the token was revoked), until `accept()`. */
function stubApi() {
  const seen = new Set<string>();
  let accepting = false;
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    const first = !seen.has(url);
    seen.add(url);
    if (!first && !accepting) return new Response(JSON.stringify({ detail: 'Invalid credentials' }), { status: 401 });
    const body = url.includes('deliveries') ? { items: [], total: 0, page: 1, page_size: 10 } : [];
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { fetchMock, accept: () => (accepting = true) };
}

async function advance(ms: number) {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

describe('webhook polling', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    setToken('pi_revoked-soon');
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    signOut();
  });

  it('stops once the API refuses the token, and starts again with a new one', async () => {
    const { fetchMock, accept } = stubApi();
    renderWithProviders(<Polling />);
    await advance(0);
    expect(screen.getByText('loaded')).toBeInTheDocument();

    // The deliveries poll (every 3 s) is refused: neither list asks again.
    await advance(3_000);
    const asked = fetchMock.mock.calls.length;
    await advance(60_000);
    expect(fetchMock.mock.calls.length).toBe(asked);

    accept();
    act(() => setToken('pi_new'));
    await advance(5_000);
    expect(fetchMock.mock.calls.length).toBeGreaterThanOrEqual(asked + 2);
  });
});
