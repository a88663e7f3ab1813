import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '@/testing/test-utils';
import { ProductsFilters } from '../components/products-filters';

describe('ProductsFilters', () => {
  it('adds one history entry per search, not one per pause in the typing', async () => {
    const user = userEvent.setup();
    const { router } = renderWithProviders(<ProductsFilters />, { url: '/products?page=3' });
    const search = screen.getByRole('searchbox', { name: 'Search by SKU or name' });
    await user.type(search, 'ket');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/products?q=ket'));
    await user.type(search, 'tle');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/products?q=kettle'));

    // Back leaves the search: the entries for "ket" and "kettle" were one.
    await act(() => router.navigate(-1));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?page=3$/);
    await act(() => router.navigate(1));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=kettle$/);

    // Enter ends a search; the next one gets its own entry.
    await user.type(search, '{Enter}');
    await user.clear(search);
    await user.type(search, 'lamp');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=lamp$/));
    await act(() => router.navigate(-1));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=kettle$/);
  });
});
