import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { productFactory } from '@/testing/factories';
import { ProductsTable } from '../components/products-table';
import { parseProductsSearch, toProductsSearch } from '../hooks/use-products-search';

describe('products search params', () => {
  it('reads valid state from the URL and ignores junk', () => {
    expect(parseProductsSearch(new URLSearchParams('page=3&page_size=100&sort=-name&q=abc&is_active=false'))).toEqual({
      page: 3,
      page_size: 100,
      sort: '-name',
      q: 'abc',
      is_active: false,
    });
    expect(parseProductsSearch(new URLSearchParams('page=-1&page_size=7&sort=drop&is_active=maybe'))).toEqual({
      page: 1,
      page_size: 50,
    });
  });

  it('writes only what differs from the defaults', () => {
    expect(toProductsSearch({ page: 1, page_size: 50, sku: ' ab ' }).toString()).toBe('sku=ab');
  });
});

describe('ProductsTable', () => {
  it('renders a name containing HTML as text', async () => {
    const product = productFactory({ name: '<img src=x onerror=alert(1)><b>Bold</b>' });
    mockFetch([{ path: '/api/v1/products', body: { items: [product], total: 1, page: 1, page_size: 50 } }]);
    const { container } = renderWithProviders(<ProductsTable />, { url: '/products' });
    expect(await screen.findByText('<img src=x onerror=alert(1)><b>Bold</b>')).toBeInTheDocument();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
  });

  it('sends the URL state to the server and sorts through the URL', async () => {
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: { items: [productFactory()], total: 120, page: 2, page_size: 50 } },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products?page=2&q=wid' });
    await screen.findByText('51–100 of 120');
    expect(calls[0].url).toBe('/api/v1/products?page=2&page_size=50&q=wid');
    await user.click(screen.getByRole('button', { name: /^SKU/ }));
    expect(screen.getByTestId('location')).toHaveTextContent('/products?q=wid&sort=sku');
  });

  it('dims the rows only while another page loads, not while the same page refreshes', async () => {
    mockFetch([
      { path: '/api/v1/products', body: { items: [productFactory({ sku: 'KEEP-1' })], total: 120, page: 1, page_size: 50 } },
    ]);
    const user = userEvent.setup();
    const { queryClient } = renderWithProviders(<ProductsTable />, { url: '/products' });
    await screen.findAllByText('KEEP-1');
    const region = screen.getByRole('table').parentElement!;
    vi.stubGlobal('fetch', vi.fn(() => new Promise<Response>(() => {})));
    void queryClient.invalidateQueries();
    await waitFor(() => expect(queryClient.isFetching()).toBe(1));
    expect(region).toHaveAttribute('aria-busy', 'false');
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(region).toHaveAttribute('aria-busy', 'true'));
    expect(screen.getAllByText('KEEP-1').length).toBeGreaterThan(0);
  });

  it('asks before deleting one product', async () => {
    const product = productFactory({ id: 5, sku: 'DEL-5' });
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: { items: [product], total: 1, page: 1, page_size: 50 } },
      { method: 'DELETE', path: '/api/v1/products/5', status: 204 },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products' });
    await user.click(await screen.findByRole('button', { name: 'Delete DEL-5' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete product?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete product' }));
    expect(await screen.findByText('Deleted DEL-5.')).toBeInTheDocument();
    expect(calls.some((call) => call.method === 'DELETE' && call.url === '/api/v1/products/5')).toBe(true);
  });
});
