import { act, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NEW_SEARCH_AFTER_MS } from '@/components/search-input';
import { advance, fakeClock, realClock, renderWithProviders, setupUserOnFakeClock } from '@/testing/test-utils';
import { ProductsFilters } from '../components/products-filters';

/** How long the search boxes wait for the typing to pause before they search. */
const TYPING_PAUSE_MS = 300;

/** Runs every timer the page has set, however far off: whatever was still to happen, has. */
async function runPendingTimers() {
  await act(() => vi.runOnlyPendingTimersAsync());
}

describe('ProductsFilters', () => {
  beforeEach(fakeClock);
  afterEach(realClock);

  it('counts a sort other than the default among what is active, on the button that folds them away', () => {
    renderWithProviders(<ProductsFilters />, { url: '/products?sort=-updated_at' });
    expect(screen.getByRole('button', { name: 'Filters and sort (1 active)' })).toHaveAttribute('aria-expanded', 'false');
  });

  it('counts each filter and the sort', () => {
    renderWithProviders(<ProductsFilters />, { url: '/products?sku=KET&is_active=true&sort=name' });
    expect(screen.getByRole('button', { name: 'Filters and sort (3 active)' })).toBeInTheDocument();
  });

  it("draws the selects' edges dark enough to see against white (slate-500, 4.76:1)", () => {
    renderWithProviders(<ProductsFilters />, { url: '/products' });
    for (const select of screen.getAllByRole('combobox')) expect(select).toHaveClass('ring-slate-500');
  });

  it('adds one history entry per search, not one per pause in the typing', async () => {
    const user = setupUserOnFakeClock();
    const { router } = renderWithProviders(<ProductsFilters />, { url: '/products?page=3' });
    const search = screen.getByRole('searchbox', { name: 'Search by SKU or name' });
    await user.type(search, 'ket');
    await advance(TYPING_PAUSE_MS);
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=ket$/);
    // A pause just short of the one that means the results were read.
    await advance(NEW_SEARCH_AFTER_MS - TYPING_PAUSE_MS - 1);
    await user.type(search, 'tle');
    await advance(TYPING_PAUSE_MS);
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=kettle$/);

    // Back leaves the search: the entries for "ket" and "kettle" were one.
    await act(() => router.navigate(-1));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?page=3$/);
    await act(() => router.navigate(1));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=kettle$/);

    // Enter ends a search; the next one gets its own entry.
    await user.type(search, '{Enter}');
    await user.clear(search);
    await user.type(search, 'lamp');
    await advance(TYPING_PAUSE_MS);
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=lamp$/);
    await act(() => router.navigate(-1));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=kettle$/);
  });

  it('starts a new history entry when typing resumes after the results were read', async () => {
    const user = setupUserOnFakeClock();
    const { router } = renderWithProviders(<ProductsFilters />, { url: '/products' });
    const search = screen.getByRole('searchbox', { name: 'Search by SKU or name' });
    await user.type(search, 'kettle');
    await advance(TYPING_PAUSE_MS);
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=kettle$/);
    // The next search goes out NEW_SEARCH_AFTER_MS after this one, once its typing pauses.
    await advance(NEW_SEARCH_AFTER_MS - TYPING_PAUSE_MS);
    // Still focused: select all and type the next search.
    await user.keyboard('{Control>}a{/Control}lamp');
    await advance(TYPING_PAUSE_MS);
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=lamp$/);
    await act(() => router.navigate(-1));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=kettle$/);
  });

  it('adds no history entry for Enter on the search already shown, in every text filter', async () => {
    const user = setupUserOnFakeClock();
    const filters = [
      ['Search by SKU or name', 'q'],
      ['SKU contains', 'sku'],
      ['Name contains', 'name'],
      ['Description contains', 'description'],
    ];
    for (const [label, param] of filters) {
      const { router, unmount } = renderWithProviders(<ProductsFilters />, { url: '/products?page=3' });
      // The search arrives from a link, as a shared URL does.
      await act(() => router.navigate(`/products?${param}=kettle`));
      const box = screen.getByLabelText(label);
      expect(box).toHaveValue('kettle');
      await user.type(box, '{Enter}');
      await runPendingTimers();
      await act(() => router.navigate(-1));
      expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?page=3$/);
      unmount();
    }
  });

  it("stops each text filter at the API's limit, so a long search is never refused", async () => {
    const user = setupUserOnFakeClock();
    renderWithProviders(<ProductsFilters />, { url: '/products' });
    const search = screen.getByRole('searchbox', { name: 'Search by SKU or name' });
    await user.click(search);
    await user.paste('x'.repeat(300));
    await advance(TYPING_PAUSE_MS);
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=x{255}$/);
    expect(search).toHaveValue('x'.repeat(255));
    expect(screen.getByLabelText('SKU contains')).toHaveAttribute('maxLength', '255');
    expect(screen.getByLabelText('Name contains')).toHaveAttribute('maxLength', '255');
    expect(screen.getByLabelText('Description contains')).toHaveAttribute('maxLength', '1000');
  });

  it('keeps a space typed before a pause: "red ", a pause, then "lamp" searches for "red lamp", in every text filter', async () => {
    const user = setupUserOnFakeClock();
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
      await advance(TYPING_PAUSE_MS);
      expect(screen.getByTestId('location')).toHaveTextContent(`${param}=red`);
      expect(screen.getByTestId('location')).not.toHaveTextContent(`${param}=red+`);
      await user.type(box, 'lamp');
      await advance(TYPING_PAUSE_MS);
      expect(screen.getByTestId('location')).toHaveTextContent(`${param}=red+lamp`);
      expect(box).toHaveValue('red lamp');
    }
  });

  it('drops a search typed just before "Clear filters", which keeps the keyboard focus', async () => {
    const user = setupUserOnFakeClock();
    renderWithProviders(<ProductsFilters />, { url: '/products?sku=abc' });
    const search = screen.getByRole('searchbox', { name: 'Search by SKU or name' });
    await user.type(search, 'lamp');
    const clear = screen.getByRole('button', { name: 'Clear filters' });
    clear.focus();
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products$/);
    // Whatever the typing had left to send would have gone by now.
    await runPendingTimers();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products$/);
    expect(screen.getByRole('searchbox', { name: 'Search by SKU or name' })).toHaveValue('');
    expect(screen.getByLabelText('SKU contains')).toHaveValue('');
    // Nothing left to clear: it says so, and keeps the focus (a disabled button would drop it).
    expect(clear).toBeEnabled();
    expect(clear).toHaveAttribute('aria-disabled', 'true');
    expect(clear).toHaveFocus();
  });

  it('drops what was typed just before Back, and shows the search Back went to', async () => {
    const user = setupUserOnFakeClock();
    const { router } = renderWithProviders(<ProductsFilters />, { url: '/products?page=3' });
    const search = screen.getByRole('searchbox', { name: 'Search by SKU or name' });
    await user.type(search, 'kettle');
    await advance(TYPING_PAUSE_MS);
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=kettle$/);
    await user.type(search, 's');
    await act(() => router.navigate(-1));
    expect(search).toHaveValue('');
    // Whatever the typing had left to send would have gone by now.
    await runPendingTimers();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?page=3$/);
    expect(search).toHaveValue('');
  });
});
