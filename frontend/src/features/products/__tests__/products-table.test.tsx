import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { productFactory } from '@/testing/factories';
import { gate } from '@/testing/gate';
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

function errorToasts() {
  return screen.queryAllByTestId('toast').filter((toast) => toast.dataset.kind === 'error');
}

describe('ProductsTable', () => {
  it('drops the values it ignores from the URL, in place of its history entry, so a shared link has none', async () => {
    mockFetch([{ path: '/api/v1/products', body: { items: [productFactory()], total: 1, page: 1, page_size: 50 } }]);
    const { router } = renderWithProviders(<ProductsTable />, {
      url: '/products?q=kettle&page=abc&page_size=13&sort=bogus&is_active=maybe',
    });
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=kettle$/));
    expect(router.state.historyAction).toBe('REPLACE');
  });

  it('cuts text filters the API would refuse to what it takes, in the URL too, so the search works', async () => {
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: { items: [productFactory()], total: 1, page: 1, page_size: 50 } },
    ]);
    const long = 'k'.repeat(300);
    const { router } = renderWithProviders(<ProductsTable />, { url: `/products?q=${long}&sku=a%00b&name=%00` });
    const meant = `q=${'k'.repeat(255)}&sku=ab`;
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(`/products?${meant}`));
    expect(router.state.historyAction).toBe('REPLACE');
    expect(calls.every((call) => call.url === `/api/v1/products?page=1&page_size=50&${meant}`)).toBe(true);
  });

  it('leaves a URL alone when it holds nothing to ignore', async () => {
    mockFetch([{ path: '/api/v1/products', body: { items: [productFactory()], total: 120, page: 2, page_size: 100 } }]);
    const url = '/products?q=kettle&is_active=false&sort=-name&page=2&page_size=100';
    const { router } = renderWithProviders(<ProductsTable />, { url });
    await screen.findByText('101–120 of 120');
    expect(screen.getByTestId('location')).toHaveTextContent(url);
    expect(router.state.historyAction).toBe('POP');
  });

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

  it('claims no count while a deep link waits for its first page, and counts once it is answered', async () => {
    let answer!: (page: unknown) => void;
    mockFetch([{ path: '/api/v1/products', body: new Promise((resolve) => (answer = resolve)) }]);
    renderWithProviders(<ProductsTable />, { url: '/products?sort=sku&page=30000' });
    const pager = screen.getByRole('navigation', { name: 'Products pagination' });
    expect(pager).toHaveTextContent('Loading…');
    expect(pager).toHaveTextContent('Page 30,000');
    expect(pager).not.toHaveTextContent('No results');
    expect(pager).not.toHaveTextContent(/ of /);
    const next = within(pager).getByRole('button', { name: 'Next page' });
    expect(next).toHaveAccessibleDescription('Next page: available once this page has loaded.');

    answer({ items: [productFactory()], total: 4_279_900, page: 30_000, page_size: 50 });
    expect(await within(pager).findByText('Page 30,000 of 85,598')).toBeInTheDocument();
    expect(next).not.toHaveAttribute('aria-disabled', 'true');
  });

  it('claims no count either when the first page could not be loaded', async () => {
    mockFetch([{ path: '/api/v1/products', status: 500, body: { detail: 'The database is not answering.' } }]);
    renderWithProviders(<ProductsTable />, { url: '/products?sort=sku&page=30000' });
    const pager = screen.getByRole('navigation', { name: 'Products pagination' });
    await waitFor(() => expect(pager).not.toHaveTextContent('Loading…'));
    expect(pager).toHaveTextContent('Page 30,000');
    expect(pager).not.toHaveTextContent(/ of /);
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

  it('deletes once however fast "Delete product" is pressed twice', async () => {
    let items = [productFactory({ id: 6, sku: 'TWICE-6' })];
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: () => ({ items, total: items.length, page: 1, page_size: 50 }) },
      {
        method: 'DELETE',
        path: '/api/v1/products/6',
        status: 204,
        body: () => {
          items = [];
        },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products' });
    await user.click(await screen.findByRole('button', { name: 'Delete TWICE-6' }));
    const confirm = within(screen.getByRole('alertdialog', { name: 'Delete product?' })).getByRole('button', {
      name: 'Delete product',
    });
    // A double click: the second press comes before the page has shown the first is running.
    fireEvent.click(confirm);
    fireEvent.click(confirm);
    expect(await screen.findByText('Deleted TWICE-6.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Delete TWICE-6' })).toBeNull());
    expect(calls.filter((call) => call.method === 'DELETE')).toHaveLength(1);
    expect(errorToasts()).toEqual([]);
  });

  it('takes a product deleted elsewhere as deleted: no error, and the list is fetched again', async () => {
    let items = [productFactory({ id: 11, sku: 'GONE-11' })];
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: () => ({ items, total: items.length, page: 1, page_size: 50 }) },
      { method: 'DELETE', path: '/api/v1/products/11', status: 404, body: { detail: 'product 11 not found' } },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products' });
    await user.click(await screen.findByRole('button', { name: 'Delete GONE-11' }));
    items = [];
    await user.click(
      within(screen.getByRole('alertdialog', { name: 'Delete product?' })).getByRole('button', { name: 'Delete product' }),
    );
    expect(await screen.findByText('GONE-11 had already been deleted.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Delete GONE-11' })).toBeNull());
    expect(errorToasts()).toEqual([]);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(calls.filter((call) => call.method === 'GET')).toHaveLength(2);
  });

  it('deletes only the version it showed (If-Match): one changed since is kept, said so, and the list fetched again', async () => {
    const shown = productFactory({ id: 21, sku: 'OLD-21', name: 'Kettle', updated_at: '2026-12-06T08:00:00.000001Z' });
    // Another tab renamed it after this page loaded.
    const current = { ...shown, sku: 'NEW-21', updated_at: '2026-12-06T08:05:00.000002Z' };
    let items = [shown];
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: () => ({ items, total: items.length, page: 1, page_size: 50 }) },
      {
        method: 'DELETE',
        path: '/api/v1/products/21',
        status: (_url, headers) => (headers.get('If-Match') === `"${current.updated_at}"` ? 204 : 412),
        body: { detail: 'The product has changed since this version was read.' },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products' });
    await user.click(await screen.findByRole('button', { name: 'Delete OLD-21' }));
    items = [current];
    await user.click(
      within(screen.getByRole('alertdialog', { name: 'Delete product?' })).getByRole('button', { name: 'Delete product' }),
    );

    expect(calls.find((call) => call.method === 'DELETE')).toMatchObject({
      url: '/api/v1/products/21',
      headers: { 'if-match': '"2026-12-06T08:00:00.000001Z"' },
    });
    expect(
      await screen.findByText('OLD-21 was not deleted: it was changed elsewhere since this page showed it. Check it and delete it again if need be.'),
    ).toBeInTheDocument();
    // The list shows the product as it is now.
    expect(await screen.findByRole('button', { name: 'Delete NEW-21' })).toBeInTheDocument();
    expect(screen.queryByText('Deleted OLD-21.')).toBeNull();
  });

  it('deletes the version its own Active switch saved after Delete was clicked: no "changed elsewhere"', async () => {
    const shown = productFactory({ id: 22, sku: 'SW-22', is_active: true, updated_at: '2026-12-06T08:00:00.000001Z' });
    const saved = { ...shown, is_active: false, updated_at: '2026-12-06T08:00:00.000002Z' };
    let items = [shown];
    let answerPatch = () => {};
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: () => ({ items, total: items.length, page: 1, page_size: 50 }) },
      {
        method: 'PATCH',
        path: '/api/v1/products/22',
        body: () =>
          new Promise((resolve) => {
            answerPatch = () => {
              items = [saved];
              resolve(saved);
            };
          }),
      },
      {
        method: 'DELETE',
        path: '/api/v1/products/22',
        status: (_url, headers) => (headers.get('If-Match') === `"${saved.updated_at}"` ? 204 : 412),
        body: { detail: 'The product has changed since this version was read.' },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products' });
    await user.click(await screen.findByRole('switch', { name: 'Active: SW-22' }));
    await user.click(screen.getByRole('button', { name: 'Delete SW-22' }));
    answerPatch();
    expect(await screen.findByText('SW-22 is now inactive.')).toBeInTheDocument();
    await user.click(
      within(screen.getByRole('alertdialog', { name: 'Delete product?' })).getByRole('button', { name: 'Delete product' }),
    );

    expect(await screen.findByText('Deleted SW-22.')).toBeInTheDocument();
    expect(calls.find((call) => call.method === 'DELETE')?.headers).toEqual({ 'if-match': `"${saved.updated_at}"` });
  });

  it('sends only is_active, without If-Match, when the Active switch is pressed', async () => {
    const product = productFactory({ id: 12, sku: 'SW-12', is_active: true });
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: { items: [product], total: 1, page: 1, page_size: 50 } },
      { method: 'PATCH', path: '/api/v1/products/12', body: { ...product, is_active: false } },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products' });
    await user.click(await screen.findByRole('switch', { name: 'Active: SW-12' }));
    expect(await screen.findByText('SW-12 is now inactive.')).toBeInTheDocument();
    const patch = calls.find((call) => call.method === 'PATCH')!;
    expect(patch.body).toEqual({ is_active: false });
    expect(patch.headers).toEqual({});
  });

  it("drops the row of a product deleted elsewhere when its switch is pressed, and says it no longer exists", async () => {
    let items = [productFactory({ id: 13, sku: 'GONE-13' }), productFactory({ id: 14, sku: 'STAY-14' })];
    mockFetch([
      { path: '/api/v1/products', body: () => ({ items, total: items.length, page: 1, page_size: 50 }) },
      { method: 'PATCH', path: '/api/v1/products/13', status: 404, body: { detail: 'product 13 not found' } },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products' });
    const active = await screen.findByRole('switch', { name: 'Active: GONE-13' });
    items = items.filter((product) => product.id !== 13);
    await user.click(active);
    expect(await screen.findByRole('alert')).toHaveTextContent('GONE-13 no longer exists: it was deleted elsewhere.');
    await waitFor(() => expect(screen.queryByRole('switch', { name: 'Active: GONE-13' })).toBeNull());
    expect(screen.getByRole('switch', { name: 'Active: STAY-14' })).toBeInTheDocument();
  });

  it("keeps the keyboard focus on a row's buttons and switch across dialogs and saves", async () => {
    let product = productFactory({ id: 7, sku: 'FOC-7', is_active: true });
    mockFetch([
      { path: '/api/v1/products', body: () => ({ items: [product], total: 1, page: 1, page_size: 50 }) },
      {
        method: 'PATCH',
        path: '/api/v1/products/7',
        body: () => (product = { ...product, is_active: false }),
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products' });

    const remove = await screen.findByRole('button', { name: 'Delete FOC-7' });
    remove.focus();
    await user.keyboard('{Enter}');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(screen.getByRole('button', { name: 'Delete FOC-7' })).toHaveFocus();

    await user.keyboard('{Enter}');
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: 'Delete FOC-7' })).toHaveFocus();

    screen.getByRole('button', { name: 'Edit FOC-7' }).focus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('dialog', { name: 'Edit product' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.getByRole('button', { name: 'Edit FOC-7' })).toHaveFocus();

    screen.getByRole('switch', { name: 'Active: FOC-7' }).focus();
    await user.keyboard(' ');
    expect(await screen.findByText('FOC-7 is now inactive.')).toBeInTheDocument();
    const active = screen.getByRole('switch', { name: 'Active: FOC-7' });
    expect(active).toHaveAttribute('aria-checked', 'false');
    expect(active).toHaveFocus();
  });

  it("gives the keyboard focus, after a delete, to the next row's Delete, else the previous row's, else the heading", async () => {
    let items = ['A', 'B', 'C'].map((letter, index) => productFactory({ id: 30 + index, sku: `NEXT-${letter}` }));
    mockFetch([
      { path: '/api/v1/products', body: () => ({ items, total: items.length, page: 1, page_size: 50 }) },
      {
        method: 'DELETE',
        path: /^\/api\/v1\/products\/\d+$/,
        status: 204,
        body: (url: URL) => {
          items = items.filter((product) => url.pathname !== `/api/v1/products/${product.id}`);
        },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(
      <main>
        <h1 tabIndex={-1}>Products</h1>
        <ProductsTable />
      </main>,
      { url: '/products' },
    );
    const deleteButton = (sku: string) => screen.queryByRole('button', { name: `Delete ${sku}` });
    async function deleteWithKeyboard(sku: string) {
      (await screen.findByRole('button', { name: `Delete ${sku}` })).focus();
      await user.keyboard('{Enter}');
      await user.tab();
      await user.keyboard('{Enter}');
      await screen.findByText(`Deleted ${sku}.`);
      // The list is fetched again, without the row: the focus stays where it went.
      await waitFor(() => expect(deleteButton(sku)).toBeNull());
    }

    await deleteWithKeyboard('NEXT-A');
    expect(deleteButton('NEXT-B')).toHaveFocus();
    await deleteWithKeyboard('NEXT-C');
    expect(deleteButton('NEXT-B')).toHaveFocus();
    await deleteWithKeyboard('NEXT-B');
    expect(screen.getByRole('heading', { name: 'Products' })).toHaveFocus();
  });

  it("moves the keyboard focus to the next row's switch when a switch takes its row out of an \"Active only\" list", async () => {
    let items = ['A', 'B', 'C'].map((letter, index) => productFactory({ id: 40 + index, sku: `ACT-${letter}` }));
    mockFetch([
      {
        path: '/api/v1/products',
        body: (url: URL) => {
          const shown = url.searchParams.get('is_active') === 'true' ? items.filter((item) => item.is_active) : items;
          return { items: shown, total: shown.length, page: 1, page_size: 50 };
        },
      },
      {
        method: 'PATCH',
        path: /^\/api\/v1\/products\/\d+$/,
        body: (url: URL) => {
          items = items.map((item) => (url.pathname.endsWith(`/${item.id}`) ? { ...item, is_active: false } : item));
          return items.find((item) => url.pathname.endsWith(`/${item.id}`));
        },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products?is_active=true' });
    (await screen.findByRole('switch', { name: 'Active: ACT-B' })).focus();
    await user.keyboard(' ');
    expect(await screen.findByText('ACT-B is now inactive.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('switch', { name: 'Active: ACT-B' })).toBeNull());
    expect(screen.getByRole('switch', { name: 'Active: ACT-C' })).toHaveFocus();

    // The last row: the previous row's switch.
    await user.keyboard(' ');
    await waitFor(() => expect(screen.queryByRole('switch', { name: 'Active: ACT-C' })).toBeNull());
    expect(screen.getByRole('switch', { name: 'Active: ACT-A' })).toHaveFocus();
  });

  it("moves the keyboard focus to the next row's Edit when a saved edit takes its row out of the search", async () => {
    let items = ['A', 'B'].map((letter, index) => productFactory({ id: 50 + index, sku: `KEEP-${letter}` }));
    mockFetch([
      {
        path: '/api/v1/products',
        body: (url: URL) => {
          const q = url.searchParams.get('q')?.toLowerCase() ?? '';
          const shown = items.filter((item) => item.sku.toLowerCase().includes(q));
          return { items: shown, total: shown.length, page: 1, page_size: 50 };
        },
      },
      {
        method: 'PATCH',
        path: '/api/v1/products/50',
        body: () => {
          items = items.map((item) => (item.id === 50 ? { ...item, sku: 'MOVED-A' } : item));
          return items[0];
        },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products?q=keep' });
    (await screen.findByRole('button', { name: 'Edit KEEP-A' })).focus();
    await user.keyboard('{Enter}');
    const dialog = screen.getByRole('dialog', { name: 'Edit product' });
    const sku = within(dialog).getByLabelText(/SKU/);
    await user.clear(sku);
    await user.type(sku, 'MOVED-A');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Saved MOVED-A.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('button', { name: /^Edit (KEEP|MOVED)-A$/ })).toBeNull());
    expect(screen.getByRole('button', { name: 'Edit KEEP-B' })).toHaveFocus();
  });

  it('replaces a page past the end with the last page there is', async () => {
    const items = [1, 2, 3, 4].map((n) => productFactory({ sku: `INV-${n}` }));
    mockFetch([
      {
        path: '/api/v1/products',
        // Past the end the answer is empty, and its total need not be exact.
        body: (url: URL) =>
          url.searchParams.get('page') === '1'
            ? { items, total: 4, page: 1, page_size: 100 }
            : { items: [], total: 100, page: 2, page_size: 100 },
      },
    ]);
    const { router } = renderWithProviders(<ProductsTable />, { url: '/products?sku=INV-1&page_size=100&page=2' });
    await screen.findByText('1–4 of 4');
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?sku=INV-1&page_size=100$/);
    expect(router.state.historyAction).toBe('REPLACE');
    expect(screen.getByText('Page 1 of 1')).toBeInTheDocument();
  });

  it('says it is going to the last page while that page loads, not that nothing matches', async () => {
    const lastPage = gate();
    mockFetch([
      {
        path: '/api/v1/products',
        body: async (url: URL) => {
          if (url.searchParams.get('page') === '800') {
            return { items: [], total: 30_000, page: 800, page_size: 50, total_is_estimate: true };
          }
          await lastPage.passed;
          return { items: [productFactory({ sku: 'LAST-1' })], total: 29_951, page: 600, page_size: 50 };
        },
      },
    ]);
    renderWithProviders(<ProductsTable />, { url: '/products?q=x&page=800' });
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/page=600/));
    expect(screen.getByText('Going to the last page…')).toBeInTheDocument();
    expect(screen.queryByText('No products match these filters.')).toBeNull();
    lastPage.open();
    await screen.findAllByText('LAST-1');
    expect(screen.queryByText('Going to the last page…')).toBeNull();
  });

  it('says it is loading, not that nothing matches, while a search follows one with no matches', async () => {
    const kettle = gate();
    mockFetch([
      {
        path: '/api/v1/products',
        body: async (url: URL) => {
          if (url.searchParams.get('q') === 'zzz') return { items: [], total: 0, page: 1, page_size: 50 };
          await kettle.passed;
          return { items: [productFactory({ sku: 'KETTLE-1' })], total: 1, page: 1, page_size: 50 };
        },
      },
    ]);
    const { router } = renderWithProviders(<ProductsTable />, { url: '/products?q=zzz' });
    expect(await screen.findByText('No products match these filters.')).toBeInTheDocument();
    await act(() => router.navigate('/products?q=kettle'));
    // The empty answer for "zzz" stands in while "kettle" loads: it is no answer to "kettle".
    expect(screen.queryByText('No products match these filters.')).toBeNull();
    expect(screen.getByRole('navigation', { name: 'Products pagination' })).toHaveTextContent('Loading…');
    kettle.open();
    await screen.findAllByText('KETTLE-1');
  });

  it('says a page is past the end, with honest counts and a way back, when no earlier page is known', async () => {
    // A filtered total that is only an estimate can claim more pages than there are.
    mockFetch([
      {
        path: '/api/v1/products',
        body: (url: URL) =>
          url.searchParams.get('page') === '1'
            ? { items: [productFactory({ sku: 'ONLY-1' })], total: 1, page: 1, page_size: 50 }
            : { items: [], total: 40_000, page: 800, page_size: 50, total_is_estimate: true },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductsTable />, { url: '/products?q=x&page=800' });
    expect(await screen.findByText(/This page is past the end of the results/)).toBeInTheDocument();
    const pager = screen.getByRole('navigation', { name: 'Products pagination' });
    expect(pager).toHaveTextContent('None on this page (about 40,000 in all)');
    expect(pager).toHaveTextContent('Page 800 of about 800');
    await user.click(screen.getByRole('button', { name: 'Go to the first page' }));
    await screen.findAllByText('ONLY-1');
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/products\?q=x$/);
  });
});
