import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFactory, productFactory } from '@/testing/factories';
import {
  advance,
  fakeClock,
  mockFetch,
  realClock,
  renderWithProviders,
  setupUserOnFakeClock,
} from '@/testing/test-utils';
import type { Import } from '@/types/api';
import { ProductsRoute } from './products';

describe('ProductsRoute', () => {
  it('checks for a running import again as "Delete all products" opens, and says why it cannot run', async () => {
    // The page last checked before an import started elsewhere.
    let imports = [importFactory({ status: 'completed', finished_at: '2025-01-01T10:01:00Z' })];
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: { items: [productFactory()], total: 1, page: 1, page_size: 50 } },
      { path: '/api/v1/imports', body: () => ({ items: imports, total: imports.length, page: 1, page_size: 20 }) },
      { method: 'DELETE', path: '/api/v1/products/all', body: { deleted: 1 } },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsRoute />, { url: '/products' });
    await waitFor(() => expect(calls.filter((call) => call.url.startsWith('/api/v1/imports'))).toHaveLength(1));
    const open = screen.getByRole('button', { name: 'Delete all products' });
    expect(open).toBeEnabled();

    imports = [importFactory({ filename: 'late.csv', status: 'running' }), ...imports];
    await user.click(open);
    const dialog = screen.getByRole('alertdialog', { name: 'Delete all products?' });
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Unavailable while an import is running (late.csv).');
    await user.type(within(dialog).getByLabelText(/Type DELETE to confirm/), 'DELETE{Enter}');
    expect(within(dialog).getByRole('button', { name: 'Delete all products' })).toBeDisabled();
    expect(calls.filter((call) => call.method === 'DELETE')).toHaveLength(0);
  });

  it('offers no "Delete all products" on an empty catalog, and says why', async () => {
    mockFetch([
      { path: '/api/v1/products', body: { items: [], total: 0, page: 1, page_size: 50, total_is_estimate: false } },
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsRoute />, { url: '/products' });
    const button = screen.getByRole('button', { name: 'Delete all products' });
    await waitFor(() => expect(button).toHaveAttribute('aria-disabled', 'true'));
    expect(button).toHaveAccessibleDescription('The catalog is empty: there is nothing to delete.');
    await user.click(button);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});

describe('ProductsRoute: Delete all on a filtered view', () => {
  beforeEach(fakeClock);
  afterEach(realClock);

  it('keeps "Delete all products" for a search that matches nothing while the catalog holds others', async () => {
    const { calls } = mockFetch([
      {
        path: '/api/v1/products',
        body: (url: URL) =>
          url.searchParams.has('q')
            ? { items: [], total: 0, page: 1, page_size: 50, total_is_estimate: false }
            : { items: [productFactory()], total: 3, page: 1, page_size: 1, total_is_estimate: false },
      },
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
    ]);
    renderWithProviders(<ProductsRoute />, { url: '/products?q=nothing-like-it' });
    await screen.findByText('No products match these filters.');
    // The whole catalog is counted: the search says nothing of the rest of it.
    await advance(0);
    expect(calls.map((call) => call.url)).toContain('/api/v1/products?page=1&page_size=1');
    expect(screen.getByRole('button', { name: 'Delete all products' })).not.toHaveAttribute('aria-disabled');
  });

  it('offers no "Delete all products" on an empty catalog whatever the filter, and says why', async () => {
    mockFetch([
      { path: '/api/v1/products', body: { items: [], total: 0, page: 1, page_size: 50, total_is_estimate: false } },
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
    ]);
    const user = setupUserOnFakeClock();
    renderWithProviders(<ProductsRoute />, { url: '/products?q=kettle' });
    await screen.findByText('No products match these filters.');
    await advance(0);
    const button = screen.getByRole('button', { name: 'Delete all products' });
    expect(button).toHaveAttribute('aria-disabled', 'true');
    expect(button).toHaveAccessibleDescription('The catalog is empty: there is nothing to delete.');
    await user.click(button);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});

describe('ProductsRoute, an import started elsewhere', () => {
  afterEach(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    realClock();
  });

  it('is noticed within 3 s while the page is seen, and not asked about while the tab is hidden', async () => {
    fakeClock();
    let imports: Import[] = [];
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: { items: [productFactory()], total: 1, page: 1, page_size: 50 } },
      { path: '/api/v1/imports', body: () => ({ items: imports, total: imports.length, page: 1, page_size: 20 }) },
    ]);
    renderWithProviders(<ProductsRoute />, { url: '/products' });
    await advance(0);
    const checks = () => calls.filter((call) => call.url.startsWith('/api/v1/imports')).length;
    expect(checks()).toBe(1);

    imports = [importFactory({ filename: 'cli.csv', status: 'running' })];
    await advance(3_000);
    expect(checks()).toBe(2);
    expect(await screen.findByText('Unavailable while an import is running (cli.csv).')).toBeInTheDocument();

    imports = [];
    await advance(2_000);
    await waitFor(() => expect(screen.queryByText(/Unavailable while an import/)).toBeNull());
    // The tab goes to the background: nothing is asked until it is seen again.
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    const asked = checks();
    await advance(60_000);
    expect(checks()).toBe(asked);
  });
});
