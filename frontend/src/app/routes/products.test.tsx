import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { importFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { ProductsRoute } from './products';

describe('ProductsRoute', () => {
  it('checks for a running import again as "Delete all products" opens, and says why it cannot run', async () => {
    // The page last checked before an import started elsewhere.
    let imports = [importFactory({ status: 'completed', finished_at: '2025-01-01T10:01:00Z' })];
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: { items: [], total: 0, page: 1, page_size: 50 } },
      { path: '/api/v1/imports', body: () => ({ items: imports, total: imports.length, page: 1, page_size: 20 }) },
      { method: 'DELETE', path: '/api/v1/products/all', body: { deleted: 0 } },
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
});
