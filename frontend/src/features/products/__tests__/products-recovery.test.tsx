import { focusManager } from '@tanstack/react-query';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { productFactory } from '@/testing/factories';
import { advance, fakeClock, mockFetch, realClock, renderWithProviders } from '@/testing/test-utils';
import { ProductsTable } from '../components/products-table';

/** The products API, away (the connection fails) until `back()`; `answer` is what it lists. */
function productsApi() {
  const api = { away: true, answer: [productFactory({ sku: 'BACK-1' })] };
  const { calls } = mockFetch([
    {
      path: '/api/v1/products',
      body: () => {
        if (api.away) throw new TypeError('Failed to fetch');
        return { items: api.answer, total: api.answer.length, page: 1, page_size: 50 };
      },
    },
  ]);
  return { api, calls };
}

describe('ProductsTable after a failed load', () => {
  beforeEach(fakeClock);
  afterEach(realClock);

  it('keeps asking in the background while the server is away, and shows the products once it is back', async () => {
    const { api, calls } = productsApi();
    renderWithProviders(<ProductsTable />, { url: '/products' });
    expect(await screen.findByText(/Could not load products: The server could not be reached/)).toBeInTheDocument();

    await advance(2_000);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(screen.getByText(/Could not load products/)).toBeInTheDocument();

    api.away = false;
    await advance(30_000);
    expect((await screen.findAllByText('BACK-1'))[0]).toBeInTheDocument();
    expect(screen.queryByText(/Could not load products/)).toBeNull();
    // Loaded: no more asking.
    const asked = calls.length;
    await advance(60_000);
    expect(calls.length).toBe(asked);
  });

  it('asks again at once on Retry', async () => {
    const { api } = productsApi();
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    renderWithProviders(<ProductsTable />, { url: '/products' });
    const retry = await screen.findByRole('button', { name: 'Retry' });
    api.away = false;
    await user.click(retry);
    // Well before the background retry (2 s): `findBy` moves the clock on by at most 1 s.
    expect((await screen.findAllByText('BACK-1'))[0]).toBeInTheDocument();
  });
});

describe('ProductsTable when the window is focused again', () => {
  afterEach(() => focusManager.setFocused(undefined));

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
});
