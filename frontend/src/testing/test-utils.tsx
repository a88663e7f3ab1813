import { QueryClientProvider } from '@tanstack/react-query';
import { act, render, type RenderOptions } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement, ReactNode } from 'react';
import { createMemoryRouter, RouterProvider, useLocation } from 'react-router-dom';
import { vi } from 'vitest';
import { ToastProvider } from '@/components/toast';
import { createQueryClient } from '@/lib/query-client';

export function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

/** Renders inside the app's providers and a memory router at `url`. `appRetries`: keep the
 * app's default retries of queries (to check a query that sets its own). */
export function renderWithProviders(
  ui: ReactElement,
  { url = '/', appRetries = false, ...options }: { url?: string; appRetries?: boolean } & RenderOptions = {},
) {
  const queryClient = createQueryClient();
  // The app's defaults (e.g. `networkMode`), without retries or caching.
  const defaults = queryClient.getDefaultOptions();
  queryClient.setDefaultOptions({
    queries: { ...defaults.queries, retry: appRetries ? defaults.queries?.retry : false, staleTime: 0 },
    mutations: { ...defaults.mutations, retry: false },
  });
  const router = createMemoryRouter(
    [
      {
        path: '*',
        element: (
          <>
            {ui}
            <LocationProbe />
          </>
        ),
      },
    ],
    { initialEntries: [url] },
  );
  const Wrapper = ({ children }: { children?: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>{children}</ToastProvider>
    </QueryClientProvider>
  );
  return { queryClient, router, ...render(<RouterProvider router={router} />, { wrapper: Wrapper, ...options }) };
}

/** `body` may be a function of the request's URL and headers (e.g. to answer by its query); a
 * promise for it holds the answer until it settles (e.g. to look at a save while it is pending).
 * `status` may be a function of them too (e.g. to answer a stale `If-Match` with 412). */
type Route = {
  method?: string;
  path: string | RegExp;
  status?: number | ((url: URL, headers: Headers) => number);
  body?: unknown;
};

const COMMON_HEADERS = ['accept', 'content-type', 'authorization'];

/** Stubs `fetch` with canned JSON answers; records every call (its headers in lower case, apart
 * from the ones every call sends). Unit tests only — e2e uses the real API. */
export function mockFetch(routes: Route[]) {
  const calls: { method: string; url: string; body: unknown; headers: Record<string, string> }[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : init?.body;
    const headers = Object.fromEntries(
      [...new Headers(init?.headers).entries()].filter(([name]) => !COMMON_HEADERS.includes(name)),
    );
    calls.push({ method, url, body, headers });
    const path = url.split('?')[0];
    const route = routes.find(
      (candidate) =>
        (candidate.method ?? 'GET').toUpperCase() === method &&
        (typeof candidate.path === 'string' ? candidate.path === path : candidate.path.test(path)),
    );
    if (!route) return new Response(JSON.stringify({ detail: 'Not Found' }), { status: 404 });
    const request = [new URL(url, 'http://localhost'), new Headers(init?.headers)] as const;
    const status = (typeof route.status === 'function' ? route.status(...request) : route.status) ?? 200;
    const answer = await (typeof route.body === 'function' ? route.body(...request) : route.body);
    return new Response(status === 204 ? null : JSON.stringify(answer ?? null), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

/**
 * Fakes the clock (timers and `Date`) for the test: time passes only through `advance` (or
 * `vi.runOnlyPendingTimersAsync`), so nothing depends on how fast the machine runs. Testing Library
 * tells fake timers by Jest's `jest` global: without one, its wrapper around user-event waits on
 * a faked `setTimeout(0)` for ever. Undo with `realClock` (after each test).
 */
export function fakeClock() {
  vi.useFakeTimers();
  vi.stubGlobal('jest', { advanceTimersByTime: (ms: number) => vi.advanceTimersByTime(ms) });
}

export function realClock() {
  vi.useRealTimers();
  vi.unstubAllGlobals();
}

/** user-event under `fakeClock`: its pauses between keys move the fake clock on. */
export function setupUserOnFakeClock() {
  return userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
}

/** Moves the fake clock on by `ms`, firing the timers due, and lets what they start settle. */
export async function advance(ms: number) {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}
