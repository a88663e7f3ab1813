import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { productFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { NewProductButton } from '../components/new-product-button';
import { ProductsTable } from '../components/products-table';

describe('a product created from a page it is not on', () => {
  it('is shown, as the exact match of a search for its SKU, from the toast that says it was created', async () => {
    const created = productFactory({ id: 900_001, sku: 'QA-NEW-0001', name: 'Made here', is_active: true });
    const far = productFactory({ id: 12, sku: 'FAR-12', name: 'Far down', is_active: false });
    const { calls } = mockFetch([
      {
        path: '/api/v1/products',
        body: (url: URL) =>
          url.searchParams.get('q') === created.sku
            ? { items: [created], total: 1, page: 1, page_size: 100, exact_match: created }
            : { items: [far], total: 400_000, page: 3000, page_size: 100 },
      },
      { method: 'POST', path: '/api/v1/products', status: 201, body: created },
    ]);
    const user = userEvent.setup();
    renderWithProviders(
      <>
        <NewProductButton />
        <ProductsTable />
      </>,
      // Deep in the list, and filtered to what the new product is not.
      { url: '/products?is_active=false&sort=name&page=3000&page_size=100' },
    );
    expect((await screen.findAllByText('FAR-12'))[0]).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'New product' }));
    await user.type(screen.getByLabelText(/^SKU/), created.sku);
    await user.type(screen.getByLabelText(/^Name/), created.name);
    await user.click(screen.getByRole('button', { name: 'Create product' }));
    const toast = (await screen.findByText('Created QA-NEW-0001.')).closest<HTMLElement>('[data-testid="toast"]')!;
    expect(screen.queryAllByText('QA-NEW-0001')).toEqual([]);

    const show = within(toast).getByRole('button', { name: 'Show it' });
    expect(show).toHaveAccessibleDescription('Created QA-NEW-0001.');
    await user.click(show);
    // Searched for its SKU, without the filters that could leave it out, in the same order and page size.
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=QA-NEW-0001&sort=name&page_size=100$/);
    const match = await screen.findByRole('region', { name: 'Exact SKU match' });
    expect(match).toHaveTextContent('QA-NEW-0001');
    expect(calls.some((call) => new URL(call.url, 'http://localhost').searchParams.get('q') === created.sku)).toBe(true);
    // Used, the toast has gone.
    expect(toast).not.toBeInTheDocument();
  });
});
