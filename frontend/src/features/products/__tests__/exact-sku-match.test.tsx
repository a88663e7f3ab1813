import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { productFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import type { Product } from '@/types/api';
import { ProductsFilters } from '../components/products-filters';
import { ProductsTable } from '../components/products-table';

/** ABC-10…ABC-19, ABC-100…ABC-119, then ABC-1: sorted by id, a page of 25 does not reach it. */
function catalog(): Product[] {
  const numbers = [...range(10, 20), ...range(100, 120)];
  const others = numbers.map((number) => productFactory({ sku: `ABC-${number}` }));
  return [...others, productFactory({ sku: 'ABC-1', name: 'The one asked for', is_active: false })];
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, index) => from + index);
}

/** Answers as the API does: `q` matches part of a SKU, `exact_match` is the whole SKU in any case. */
function productsApi(products: () => Product[]) {
  return {
    path: '/api/v1/products',
    body: (url: URL) => {
      const term = url.searchParams.get('q')?.toLowerCase();
      const page = Number(url.searchParams.get('page'));
      const size = Number(url.searchParams.get('page_size'));
      const matches = products().filter((product) => !term || product.sku.toLowerCase().includes(term));
      return {
        items: matches.slice((page - 1) * size, page * size),
        total: matches.length,
        page,
        page_size: size,
        exact_match: (term && matches.find((product) => product.sku.toLowerCase() === term)) || null,
      };
    },
  };
}

function exactMatchRegion() {
  return screen.queryByRole('region', { name: 'Exact SKU match' });
}


/** The table under the page's heading, which takes the focus when the card goes. */
function renderUnderPageHeading(url: string) {
  return renderWithProviders(
    <main>
      <h1 tabIndex={-1}>Products</h1>
      <ProductsTable />
    </main>,
    { url },
  );
}

describe('the exact SKU match above the products table', () => {
  it('shows the product whose SKU is the search, and marks its row in the table', async () => {
    const products = catalog();
    mockFetch([productsApi(() => products)]);
    renderWithProviders(<ProductsTable />, { url: '/products?q=abc-1' });
    const region = await screen.findByRole('region', { name: 'Exact SKU match' });
    expect(region).toHaveTextContent('ABC-1');
    expect(region).toHaveTextContent('The one asked for');
    expect(region).toHaveTextContent('Inactive');
    expect(within(region).getByRole('switch', { name: 'Active: ABC-1' })).toHaveAttribute('aria-checked', 'false');
    // It stays in the table too, marked as the one shown above.
    const row = within(screen.getByRole('table')).getByRole('button', { name: 'Edit ABC-1' }).closest('tr')!;
    expect(row).toHaveAttribute('aria-current', 'true');
    const otherRow = within(screen.getByRole('table')).getByRole('button', { name: 'Edit ABC-10' }).closest('tr')!;
    expect(otherRow).not.toHaveAttribute('aria-current');
  });

  it('is not shown when the answer names no exact match', async () => {
    const products = catalog();
    mockFetch([productsApi(() => products)]);
    renderWithProviders(<ProductsTable />, { url: '/products?q=abc' });
    await screen.findByRole('button', { name: 'Edit ABC-10' });
    expect(exactMatchRegion()).toBeNull();
  });

  it('goes when the search is cleared', async () => {
    const products = catalog();
    mockFetch([productsApi(() => products)]);
    const user = userEvent.setup();
    renderWithProviders(
      <>
        <ProductsFilters />
        <ProductsTable />
      </>,
      { url: '/products?q=ABC-1' },
    );
    await screen.findByRole('region', { name: 'Exact SKU match' });
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products$/);
    expect(exactMatchRegion()).toBeNull();
  });

  it("stays through a page turn, but not into another search, while the next answer loads", async () => {
    const products = catalog();
    mockFetch([productsApi(() => products)]);
    const { router } = renderWithProviders(<ProductsTable />, { url: '/products?q=abc-1&page_size=25' });
    await screen.findByRole('region', { name: 'Exact SKU match' });
    // The next answers never come: the earlier one stays on screen.
    vi.stubGlobal('fetch', vi.fn(() => new Promise<Response>(() => {})));

    await act(() => router.navigate('/products?q=abc-1&page_size=25&page=2'));
    await waitFor(() => expect(screen.getByRole('table').parentElement).toHaveAttribute('aria-busy', 'true'));
    expect(exactMatchRegion()).toHaveTextContent('ABC-1');

    await act(() => router.navigate('/products?q=abc-10&page_size=25'));
    expect(exactMatchRegion()).toBeNull();
    expect(within(screen.getByRole('table')).getByRole('button', { name: 'Edit ABC-10' })).toBeInTheDocument();
  });

  it('goes while the answer for another filter loads: the match may not pass it', async () => {
    const products = catalog();
    mockFetch([productsApi(() => products)]);
    const { router } = renderWithProviders(<ProductsTable />, { url: '/products?q=abc-1&page_size=25&page=2' });
    await screen.findByRole('region', { name: 'Exact SKU match' });
    vi.stubGlobal('fetch', vi.fn(() => new Promise<Response>(() => {})));

    // Only active ones, the same search: ABC-1 is inactive.
    await act(() => router.navigate('/products?q=abc-1&is_active=true&page_size=25'));
    await waitFor(() => expect(screen.getByRole('table').parentElement).toHaveAttribute('aria-busy', 'true'));
    expect(exactMatchRegion()).toBeNull();
    expect(within(screen.getByRole('table')).getByRole('button', { name: 'Edit ABC-115' })).toBeInTheDocument();
  });

  it('opens the edit dialog for the exact match, and gives the keyboard focus back to its Edit', async () => {
    const products = catalog();
    mockFetch([productsApi(() => products)]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products?q=abc-1&page_size=25' });
    const region = await screen.findByRole('region', { name: 'Exact SKU match' });
    // Not on this page of the table: only above it.
    expect(within(screen.getByRole('table')).queryByRole('button', { name: 'Edit ABC-1' })).toBeNull();
    const edit = within(region).getByRole('button', { name: 'Edit ABC-1' });
    edit.focus();
    await user.keyboard('{Enter}');
    const dialog = screen.getByRole('dialog', { name: 'Edit product' });
    expect(within(dialog).getByLabelText(/^SKU/)).toHaveValue('ABC-1');
    expect(within(dialog).getByLabelText(/^Name/)).toHaveValue('The one asked for');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(edit).toHaveFocus();
  });

  it('deletes the exact match after the confirmation; the keyboard focus goes to the heading', async () => {
    let products = catalog();
    const exact = products.find((product) => product.sku === 'ABC-1')!;
    const { calls } = mockFetch([
      productsApi(() => products),
      {
        method: 'DELETE',
        path: `/api/v1/products/${exact.id}`,
        status: 204,
        body: () => {
          products = products.filter((product) => product.id !== exact.id);
        },
      },
    ]);
    const user = userEvent.setup();
    renderUnderPageHeading('/products?q=abc-1&page_size=25');
    const region = await screen.findByRole('region', { name: 'Exact SKU match' });
    within(region).getByRole('button', { name: 'Delete ABC-1' }).focus();
    await user.keyboard('{Enter}');
    const confirm = screen.getByRole('alertdialog', { name: 'Delete product?' });
    expect(confirm).toHaveTextContent('ABC-1 — The one asked for will be deleted.');
    await user.click(within(confirm).getByRole('button', { name: 'Delete product' }));
    expect(await screen.findByText('Deleted ABC-1.')).toBeInTheDocument();
    await waitFor(() => expect(exactMatchRegion()).toBeNull());
    // Only the version it showed (If-Match), as from the table.
    expect(calls.filter((call) => call.method === 'DELETE')).toEqual([
      expect.objectContaining({ url: `/api/v1/products/${exact.id}`, headers: { 'if-match': `"${exact.updated_at}"` } }),
    ]);
    expect(screen.getByRole('heading', { name: 'Products' })).toHaveFocus();
  });

  it('shows a change of its Active switch at once, in the card and in its row', async () => {
    const products = catalog();
    const exact = products.find((product) => product.sku === 'ABC-1')!;
    let saved = false;
    const listed = productsApi(() => products);
    mockFetch([
      // After the save, the list's refetch does not answer: what shows is the cache's.
      { ...listed, body: (url: URL) => (saved ? new Promise(() => {}) : listed.body(url)) },
      {
        method: 'PATCH',
        path: `/api/v1/products/${exact.id}`,
        body: () => {
          saved = true;
          return { ...exact, is_active: true };
        },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products?q=abc-1' });
    const region = await screen.findByRole('region', { name: 'Exact SKU match' });
    await user.click(within(region).getByRole('switch', { name: 'Active: ABC-1' }));
    expect(await screen.findByText('ABC-1 is now active.')).toBeInTheDocument();
    expect(within(region).getByRole('switch', { name: 'Active: ABC-1' })).toHaveAttribute('aria-checked', 'true');
    expect(region).not.toHaveTextContent('Inactive');
    const row = within(screen.getByRole('table')).getByRole('switch', { name: 'Active: ABC-1' });
    expect(row).toHaveAttribute('aria-checked', 'true');
  });

  it('gives the keyboard focus to the heading when an edit from it takes it out of the search', async () => {
    let products = catalog();
    const exact = products.find((product) => product.sku === 'ABC-1')!;
    mockFetch([
      productsApi(() => products),
      {
        method: 'PATCH',
        path: `/api/v1/products/${exact.id}`,
        body: () => {
          products = products.map((product) => (product.id === exact.id ? { ...product, sku: 'XYZ-1' } : product));
          return products.find((product) => product.id === exact.id);
        },
      },
    ]);
    const user = userEvent.setup();
    renderUnderPageHeading('/products?q=abc-1&page_size=25');
    const region = await screen.findByRole('region', { name: 'Exact SKU match' });
    within(region).getByRole('button', { name: 'Edit ABC-1' }).focus();
    await user.keyboard('{Enter}');
    const dialog = screen.getByRole('dialog', { name: 'Edit product' });
    const sku = within(dialog).getByLabelText(/^SKU/);
    await user.clear(sku);
    await user.type(sku, 'XYZ-1');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Saved XYZ-1.')).toBeInTheDocument();
    await waitFor(() => expect(exactMatchRegion()).toBeNull());
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Products' })).toHaveFocus();
  });
});
