import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { importFactory, productFactory } from '@/testing/factories';
import { advance, fakeClock, mockFetch, realClock, renderWithProviders, setupUserOnFakeClock } from '@/testing/test-utils';
import type { Import } from '@/types/api';
import { ProductsRoute } from './products';

const NOTICE = 'An import is running: edits may wait for it and be refused until it has finished.';

describe('ProductsRoute while an import is running', () => {
  afterEach(() => realClock());

  function serve(imports: () => Import[]) {
    return mockFetch([
      { path: '/api/v1/products', body: { items: [productFactory({ sku: 'KETTLE-1' })], total: 1, page: 1, page_size: 50 } },
      { path: '/api/v1/imports', body: () => ({ items: imports(), total: imports().length, page: 1, page_size: 20 }) },
    ]);
  }

  it('says above the table that edits may wait and be refused, until the import ends, without a reload', async () => {
    fakeClock();
    let imports: Import[] = [importFactory({ filename: 'big.csv', status: 'running' })];
    serve(() => imports);
    renderWithProviders(<ProductsRoute />, { url: '/products' });
    await advance(0);

    const notice = screen.getByText(NOTICE);
    expect(notice.closest('[role="status"]')).not.toBeNull();
    // Above the table, where it is read before any row is edited.
    const table = screen.getByRole('table');
    expect(notice.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    imports = [{ ...imports[0], status: 'completed', finished_at: '2025-01-01T10:01:00Z' }];
    await advance(2_000);
    await waitFor(() => expect(screen.queryByText(NOTICE)).toBeNull());
  });

  it('says it in the edit form too, next to Save, and takes it back when the import ends', async () => {
    fakeClock();
    let imports: Import[] = [];
    serve(() => imports);
    const user = setupUserOnFakeClock();
    renderWithProviders(<ProductsRoute />, { url: '/products' });
    await advance(0);
    expect(screen.queryByText(NOTICE)).toBeNull();

    await user.click(await screen.findByRole('button', { name: 'Edit KETTLE-1' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit product' });
    expect(within(dialog).queryByText(NOTICE)).toBeNull();

    // An import starts while the form is open: editing stays possible, and the form says why a
    // save may be slow or refused.
    imports = [importFactory({ filename: 'big.csv', status: 'running' })];
    await advance(3_000);
    const said = await within(dialog).findByText(NOTICE);
    expect(said.closest('[role="status"]')).not.toBeNull();
    expect(within(dialog).getByRole('button', { name: 'Save changes' })).toBeEnabled();
    expect(within(dialog).getByLabelText(/Name/)).toBeEnabled();

    imports = [];
    await advance(2_000);
    await waitFor(() => expect(within(dialog).queryByText(NOTICE)).toBeNull());
  });

  it('says it in the new product form as well', async () => {
    fakeClock();
    serve(() => [importFactory({ filename: 'big.csv', status: 'running' })]);
    const user = setupUserOnFakeClock();
    renderWithProviders(<ProductsRoute />, { url: '/products' });
    await advance(0);

    await user.click(screen.getByRole('button', { name: 'New product' }));
    const dialog = screen.getByRole('dialog', { name: 'New product' });
    expect(within(dialog).getByText(NOTICE)).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Create product' })).toBeEnabled();
  });

  it('says that an import is queued while the one about to run has not started', async () => {
    fakeClock();
    serve(() => [importFactory({ filename: 'next.csv', status: 'queued' })]);
    renderWithProviders(<ProductsRoute />, { url: '/products' });
    await advance(0);
    expect(
      screen.getByText('An import is queued: edits may wait for it and be refused until it has finished.'),
    ).toBeInTheDocument();
  });
});
