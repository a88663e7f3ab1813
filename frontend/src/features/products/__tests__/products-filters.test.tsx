import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { NEW_SEARCH_AFTER_MS } from '@/components/search-input';
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

  it('starts a new history entry when typing resumes after the results were read', async () => {
    const user = userEvent.setup();
    const { router } = renderWithProviders(<ProductsFilters />, { url: '/products' });
    const search = screen.getByRole('searchbox', { name: 'Search by SKU or name' });
    await user.type(search, 'kettle');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=kettle$/));
    const later = Date.now() + NEW_SEARCH_AFTER_MS + 1_000;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => later);
    try {
      // Still focused: select all and type the next search.
      await user.keyboard('{Control>}a{/Control}lamp');
      await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=lamp$/));
    } finally {
      clock.mockRestore();
    }
    await act(() => router.navigate(-1));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=kettle$/);
  });

  it("stops each text filter at the API's limit, so a long search is never refused", async () => {
    const user = userEvent.setup();
    renderWithProviders(<ProductsFilters />, { url: '/products' });
    const search = screen.getByRole('searchbox', { name: 'Search by SKU or name' });
    await user.click(search);
    await user.paste('x'.repeat(300));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=x{255}$/));
    expect(search).toHaveValue('x'.repeat(255));
    expect(screen.getByLabelText('SKU contains')).toHaveAttribute('maxLength', '255');
    expect(screen.getByLabelText('Name contains')).toHaveAttribute('maxLength', '255');
    expect(screen.getByLabelText('Description contains')).toHaveAttribute('maxLength', '1000');
  });

  it('keeps a space typed before a pause: "red ", a pause, then "lamp" searches for "red lamp", in every text filter', async () => {
    const user = userEvent.setup();
    renderWithProviders(<ProductsFilters />, { url: '/products' });
    const filters = [
      ['Search by SKU or name', 'q'],
      ['SKU contains', 'sku'],
      ['Name contains', 'name'],
      ['Description contains', 'description'],
    ];
    for (const [label, param] of filters) {
      const box = screen.getByLabelText(label);
      await user.type(box, 'red ');
      await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(`${param}=red`));
      await user.type(box, 'lamp');
      await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(`${param}=red+lamp`));
      expect(box).toHaveValue('red lamp');
    }
  });

  it('drops a search typed just before "Clear filters", which keeps the keyboard focus', async () => {
    const user = userEvent.setup();
    renderWithProviders(<ProductsFilters />, { url: '/products?sku=abc' });
    const search = screen.getByRole('searchbox', { name: 'Search by SKU or name' });
    await user.type(search, 'lamp');
    const clear = screen.getByRole('button', { name: 'Clear filters' });
    clear.focus();
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products$/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products$/);
    expect(screen.getByRole('searchbox', { name: 'Search by SKU or name' })).toHaveValue('');
    expect(screen.getByLabelText('SKU contains')).toHaveValue('');
    // Nothing left to clear: it says so, and keeps the focus (a disabled button would drop it).
    expect(clear).toBeEnabled();
    expect(clear).toHaveAttribute('aria-disabled', 'true');
    expect(clear).toHaveFocus();
  });

  it('drops what was typed just before Back, and shows the search Back went to', async () => {
    const user = userEvent.setup();
    const { router } = renderWithProviders(<ProductsFilters />, { url: '/products?page=3' });
    const search = screen.getByRole('searchbox', { name: 'Search by SKU or name' });
    await user.type(search, 'kettle');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=kettle$/));
    await user.type(search, 's');
    await act(() => router.navigate(-1));
    expect(search).toHaveValue('');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?page=3$/);
    expect(search).toHaveValue('');
  });
});
