import { focusManager, onlineManager } from '@tanstack/react-query';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenPrompt } from '@/components/token-prompt';
import { signOut } from '@/lib/auth';
import { productFactory } from '@/testing/factories';
import { advance, fakeClock, mockFetch, realClock, renderWithProviders, setupUserOnFakeClock } from '@/testing/test-utils';
import { ProductsTable } from '../components/products-table';

/** The products API, away (the connection fails) while `away`, else answering `status` (200:
 * `answer` is what it lists); `times` holds when each request came (on the test's clock).
 * `slowMs`: how long a request takes to fail while away; `awayFor`: away for these requests only. */
function productsApi() {
  const api = {
    away: true,
    status: 200,
    answer: [productFactory({ sku: 'BACK-1' })],
    slowMs: 0,
    awayFor: (() => true) as (url: URL) => boolean,
  };
  const times: number[] = [];
  const { calls } = mockFetch([
    {
      path: '/api/v1/products',
      status: () => {
        times.push(Date.now());
        return api.away ? 200 : api.status;
      },
      body: async (url: URL) => {
        if (api.away && api.awayFor(url)) {
          if (api.slowMs) await new Promise((resolve) => setTimeout(resolve, api.slowMs));
          throw new TypeError('Failed to fetch');
        }
        if (api.status !== 200) return { detail: 'Refused' };
        return { items: api.answer, total: api.answer.length, page: 1, page_size: 50 };
      },
    },
  ]);
  return { api, calls, times };
}

/** The time between one request and the next. */
function gaps(times: number[]): number[] {
  return times.slice(1).map((time, index) => time - times[index]);
}

describe('ProductsTable after a failed load', () => {
  beforeEach(fakeClock);
  afterEach(() => {
    focusManager.setFocused(undefined);
    realClock();
  });

  it('keeps asking in the background while the server is away, and shows the products once it is back', async () => {
    const { api, calls } = productsApi();
    renderWithProviders(<ProductsTable />, { url: '/products' });
    expect(await screen.findByText(/Could not load products: The server could not be reached/)).toBeInTheDocument();

    await advance(2_000);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(screen.getByText(/Could not load products: /)).toBeInTheDocument();

    api.away = false;
    await advance(30_000);
    expect((await screen.findAllByText('BACK-1'))[0]).toBeInTheDocument();
    expect(screen.queryByText(/Could not load products: /)).toBeNull();
    // Loaded: no more asking.
    const asked = calls.length;
    await advance(60_000);
    expect(calls.length).toBe(asked);
  });

  it('waits twice as long after each failure, at most 30 s, and starts from 2 s again after a success', async () => {
    const { api, times } = productsApi();
    // With the app's own retries: the list's backoff must not be doubled by them.
    renderWithProviders(<ProductsTable />, { url: '/products', appRetries: true });
    await advance(0);
    await advance(2_000 + 4_000 + 8_000 + 16_000 + 30_000 + 30_000);
    expect(screen.getByText(/Could not load products: /)).toBeInTheDocument();
    expect(gaps(times)).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);

    api.away = false;
    await advance(30_000);
    expect((await screen.findAllByText('BACK-1'))[0]).toBeInTheDocument();

    // A later outage, noticed by a refresh on focus: the first wait is 2 s again, not 30 s.
    api.away = true;
    times.length = 0;
    act(() => {
      focusManager.setFocused(false);
      focusManager.setFocused(true);
    });
    await advance(2_000 + 4_000);
    expect(gaps(times)).toEqual([2_000, 4_000]);
  });

  it('does not ask again by itself after an answer that will not change (4xx)', async () => {
    const { api, calls } = productsApi();
    api.away = false;
    api.status = 422;
    renderWithProviders(<ProductsTable />, { url: '/products', appRetries: true });
    await screen.findByText(/Could not load products: Refused/);
    await advance(120_000);
    expect(calls).toHaveLength(1);
  });

  it('says the failure in the pager too, not "No results"', async () => {
    productsApi();
    renderWithProviders(<ProductsTable />, { url: '/products' });
    await screen.findByText(/Could not load products: /);
    const pager = screen.getByRole('navigation', { name: 'Products pagination' });
    expect(pager).toHaveTextContent('Could not load products');
    expect(pager).not.toHaveTextContent('No results');
  });

  it('says when a refresh failed while the rows shown stay, and Retry asks again', async () => {
    const { api } = productsApi();
    api.away = false;
    const user = setupUserOnFakeClock();
    renderWithProviders(<ProductsTable />, { url: '/products' });
    expect((await screen.findAllByText('BACK-1'))[0]).toBeInTheDocument();

    api.away = true;
    act(() => {
      focusManager.setFocused(false);
      focusManager.setFocused(true);
    });
    const status = await screen.findByTestId('refresh-failure');
    expect(status).toHaveTextContent('Could not refresh: The server could not be reached. Check your connection and try again.');
    expect(screen.getAllByText('BACK-1')[0]).toBeInTheDocument();

    api.away = false;
    api.answer = [productFactory({ sku: 'FRESH-2' })];
    await user.click(within(status).getByRole('button', { name: 'Retry' }));
    expect((await screen.findAllByText('FRESH-2'))[0]).toBeInTheDocument();
    expect(screen.queryByTestId('refresh-failure')).toBeNull();
  });

  it('gives the focus to the page heading when the Retry that had it goes away with the failure', async () => {
    const { api } = productsApi();
    const user = setupUserOnFakeClock();
    renderWithProviders(
      <main>
        <h1 tabIndex={-1}>Products</h1>
        <ProductsTable />
      </main>,
      { url: '/products' },
    );
    const retry = await screen.findByRole('button', { name: 'Retry' });
    api.away = false;
    await user.click(retry);
    expect((await screen.findAllByText('BACK-1'))[0]).toBeInTheDocument();
    expect(retry).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Products' })).toHaveFocus();
  });

  it('keeps the failure and its Retry, with the focus, while it asks again in the background', async () => {
    const { api } = productsApi();
    api.slowMs = 1_000;
    renderWithProviders(<ProductsTable />, { url: '/products' });
    await advance(1_000);
    const retry = await screen.findByRole('button', { name: 'Retry' });
    act(() => retry.focus());

    // The background retry runs (2 s after the failure) and takes 1 s to fail again.
    await advance(2_100);
    expect(screen.getByText(/Could not load products: The server could not be reached/)).toBeInTheDocument();
    expect(screen.queryByText('Loading')).toBeNull();
    expect(retry).toBeInTheDocument();
    expect(retry).toHaveFocus();
    expect(retry).toHaveAttribute('aria-busy', 'true');

    await advance(1_000);
    expect(screen.getByText(/Could not load products: /)).toBeInTheDocument();
    expect(retry).toHaveFocus();
  });

  it("does not bring back the previous search's rows while a search that failed is asked again", async () => {
    const { api } = productsApi();
    api.away = false;
    api.slowMs = 1_000;
    api.awayFor = (url) => url.searchParams.get('q') === 'lamp';
    const { router } = renderWithProviders(<ProductsTable />, { url: '/products' });
    expect((await screen.findAllByText('BACK-1'))[0]).toBeInTheDocument();

    api.away = true;
    await act(() => router.navigate('/products?q=lamp'));
    await advance(1_000);
    expect(await screen.findByText(/Could not load products: /)).toBeInTheDocument();
    expect(screen.queryByText('BACK-1')).toBeNull();

    await advance(2_100);
    expect(screen.getByText(/Could not load products: /)).toBeInTheDocument();
    // Its rows answer another search: Edit or Delete on them would act on the wrong product.
    expect(screen.queryByText('BACK-1')).toBeNull();
  });

  it('asks again at once on Retry', async () => {
    const { api } = productsApi();
    const user = setupUserOnFakeClock();
    renderWithProviders(<ProductsTable />, { url: '/products' });
    const retry = await screen.findByRole('button', { name: 'Retry' });
    api.away = false;
    await user.click(retry);
    // Well before the background retry (2 s): `findBy` moves the clock on by at most 1 s.
    expect((await screen.findAllByText('BACK-1'))[0]).toBeInTheDocument();
  });
});

describe('ProductsTable when the window is focused again', () => {
  afterEach(() => {
    focusManager.setFocused(undefined);
    onlineManager.setOnline(true);
    signOut();
  });

  it('asks for the list again: another tab or an import may have changed the products', async () => {
    const { api } = productsApi();
    api.away = false;
    renderWithProviders(<ProductsTable />, { url: '/products' });
    expect((await screen.findAllByText('BACK-1'))[0]).toBeInTheDocument();

    api.answer = [productFactory({ sku: 'IMPORTED-2' })];
    focusManager.setFocused(false);
    focusManager.setFocused(true);
    expect((await screen.findAllByText('IMPORTED-2'))[0]).toBeInTheDocument();
  });

  it('asks nothing on focus or reconnect while the token is refused and the prompt was dismissed', async () => {
    const { api, calls } = productsApi();
    api.away = false;
    api.status = 401;
    const user = userEvent.setup();
    renderWithProviders(
      <>
        <ProductsTable />
        <TokenPrompt />
      </>,
      { url: '/products' },
    );
    const prompt = await screen.findByRole('dialog', { name: 'API token required' });
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(prompt).not.toBeInTheDocument();
    const asked = calls.length;

    act(() => {
      focusManager.setFocused(false);
      focusManager.setFocused(true);
      onlineManager.setOnline(false);
      onlineManager.setOnline(true);
    });
    // A request would be answered at once: let any settle.
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(calls).toHaveLength(asked);
    expect(screen.queryByRole('dialog', { name: 'API token required' })).toBeNull();
  });
});
