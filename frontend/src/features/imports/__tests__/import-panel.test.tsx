import { screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFactory } from '@/testing/factories';
import { advance, fakeClock, mockFetch, realClock, renderWithProviders, setupUserOnFakeClock } from '@/testing/test-utils';
import { POLL_INTERVAL_MS } from '../api/get-import';
import { ImportPanel } from '../components/import-panel';

async function cancelAndConfirm() {
  const user = setupUserOnFakeClock();
  await user.click(await screen.findByRole('button', { name: 'Cancel import' }));
  await user.click(screen.getByRole('button', { name: 'Stop the import' }));
}

describe('ImportPanel', () => {
  beforeEach(fakeClock);
  afterEach(realClock);

  it('shows the import that is still running after a reload (polling without SSE)', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000001', filename: 'big.csv', progress: 40 });
    let asked = 0;
    mockFetch([
      { path: '/api/v1/imports', body: { items: [running], total: 1, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000001', body: () => (++asked === 1 ? running : { ...running, progress: 55 }) },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000001/events', status: 503, body: { detail: 'Unavailable' } },
    ]);
    renderWithProviders(<ImportPanel />);
    expect(await screen.findByRole('heading', { name: 'big.csv' })).toBeInTheDocument();
    expect(screen.getByTestId('import-percent')).toHaveTextContent('40%');
    expect(screen.getByRole('button', { name: 'Cancel import' })).toBeInTheDocument();
    // Asked again by itself.
    const askedBefore = asked;
    await advance(POLL_INTERVAL_MS);
    expect(asked).toBe(askedBefore + 1);
    expect(screen.getByTestId('import-percent')).toHaveTextContent('55%');
  });

  it('shows no "Cancelling" toast once the import is known to be cancelled', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000001', filename: 'big.csv', progress: 40 });
    const cancelled = { ...running, status: 'cancelled' as const, cancel_requested: true };
    mockFetch([
      { path: '/api/v1/imports', body: { items: [running], total: 1, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000001', body: running },
      // A queued or nearly finished import is cancelled at once: the answer is the final state.
      { method: 'POST', path: '/api/v1/imports/00000000-0000-4000-8000-000000000001/cancel', body: cancelled },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000001' });
    await cancelAndConfirm();
    expect(await screen.findByText('The import was cancelled. Nothing was changed.')).toBeInTheDocument();
    // A second on, whatever the answer to Cancel does has been done, and a toast it showed would
    // still be on screen (a toast stays for seconds).
    await advance(1000);
    expect(screen.queryByText(/Cancelling/)).toBeNull();
  });

  it("gives the keyboard focus to the card's heading once the cancelled import's Cancel button has gone", async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000001', filename: 'big.csv', progress: 40 });
    let current = running;
    mockFetch([
      { path: '/api/v1/imports', body: { items: [running], total: 1, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000001', body: () => current },
      {
        method: 'POST',
        path: '/api/v1/imports/00000000-0000-4000-8000-000000000001/cancel',
        body: () => ({ ...running, cancel_requested: true }),
      },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000001' });
    await cancelAndConfirm();
    const cancelling = await screen.findByRole('button', { name: 'Cancelling…' });
    expect(cancelling).toHaveFocus();

    // The worker stops the import; the next check finds it cancelled.
    current = { ...running, status: 'cancelled', phase: 'cancelled', cancel_requested: true };
    await advance(POLL_INTERVAL_MS);
    expect(await screen.findByText('The import was cancelled. Nothing was changed.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Cancel/ })).toBeNull();
    expect(screen.getByRole('heading', { name: 'big.csv' })).toHaveFocus();
  });

  it('says it is cancelling until the import stops', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000001', filename: 'big.csv', progress: 40 });
    mockFetch([
      { path: '/api/v1/imports', body: { items: [running], total: 1, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000001', body: running },
      { method: 'POST', path: '/api/v1/imports/00000000-0000-4000-8000-000000000001/cancel', body: { ...running, cancel_requested: true } },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000001' });
    await cancelAndConfirm();
    expect(await screen.findByRole('button', { name: 'Cancelling…' })).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByTestId('import-phase')).toHaveTextContent('Cancelling…');
  });

  it('follows the import named in the URL', async () => {
    const done = importFactory({ id: '00000000-0000-4000-8000-000000000037', filename: 'old.csv', status: 'completed', progress: 100 });
    mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000037', body: done },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000037' });
    expect(await screen.findByTestId('import-summary')).toBeInTheDocument();
  });

  it('takes a malformed import id in the URL as none: asks nothing about it and drops it from the URL', async () => {
    const done = importFactory({ id: '00000000-0000-4000-8000-000000000037', filename: 'old.csv', status: 'completed', progress: 100 });
    const { calls } = mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000037', body: done },
    ]);
    const { router } = renderWithProviders(<ImportPanel />, { url: `/?import=abc&import=${done.id}` });
    expect(await screen.findByTestId('import-summary')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(`/?import=${done.id}`);
    expect(router.state.historyAction).toBe('REPLACE');
    expect(calls.filter((call) => call.url.includes('/imports/abc'))).toEqual([]);
  });

  it('says an unknown import was not found after one answer, and stops asking about it', async () => {
    const id = '00000000-0000-0000-0000-000000000000';
    const { calls } = mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      // Neither the import nor its events exist: the API answers 404 to both.
    ]);
    renderWithProviders(<ImportPanel />, { url: `/?import=${id}` });
    expect(await screen.findByText(/This import was not found/)).toBeInTheDocument();
    expect(screen.queryByText('Loading the import')).toBeNull();
    const asked = () => calls.filter((call) => call.url.includes(`/imports/${id}`)).map((call) => call.url);
    // Longer than every poll interval and every reopening of a broken stream (1 + 2 + 3 + 4 + 5 s).
    await advance(15_000);
    expect(asked().filter((url) => url.endsWith('/events')).length).toBeLessThanOrEqual(1);
    expect(asked().filter((url) => !url.endsWith('/events'))).toHaveLength(1);
  });

  it('asks again by itself for an import it could not load while the server was away', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000001', filename: 'big.csv', progress: 40 });
    let asked = 0;
    mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      // Not retried by the query (a 429 waits for the next poll), like a restart that outlasts the retries.
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000001', status: () => (++asked === 1 ? 429 : 200), body: running },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000001/events', status: 503, body: { detail: 'Unavailable' } },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000001' });
    expect(await screen.findByText(/Could not load the import/)).toBeInTheDocument();
    await advance(POLL_INTERVAL_MS);
    expect(screen.getByRole('heading', { name: 'big.csv' })).toBeInTheDocument();
  });

  it('offers Retry when an import could not be loaded', async () => {
    const running = importFactory({ id: '00000000-0000-4000-8000-000000000001', filename: 'big.csv', progress: 40 });
    let asked = 0;
    mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/00000000-0000-4000-8000-000000000001', status: () => (++asked === 1 ? 403 : 200), body: running },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=00000000-0000-4000-8000-000000000001' });
    expect(await screen.findByText(/Could not load the import/)).toBeInTheDocument();
    await setupUserOnFakeClock().click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { name: 'big.csv' })).toBeInTheDocument();
  });
});
