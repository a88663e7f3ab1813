import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenPrompt } from '@/components/token-prompt';
import { signOut } from '@/lib/auth';
import { importFactory, productFactory } from '@/testing/factories';
import { advance, fakeClock, mockFetch, realClock, renderWithProviders, setupUserOnFakeClock } from '@/testing/test-utils';
import { ProductsRoute } from './products';

describe('ProductsRoute: Delete all while an import starts', () => {
  beforeEach(fakeClock);
  afterEach(() => {
    signOut();
    realClock();
  });

  it('says so in the open dialog, before DELETE is confirmed, when an import starts meanwhile', async () => {
    let imports = [importFactory({ status: 'completed', finished_at: '2025-01-01T10:01:00Z' })];
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: { items: [productFactory()], total: 1, page: 1, page_size: 50 } },
      { path: '/api/v1/imports', body: () => ({ items: imports, total: imports.length, page: 1, page_size: 20 }) },
      { method: 'DELETE', path: '/api/v1/products/all', body: { deleted: 1 } },
    ]);
    const user = setupUserOnFakeClock();
    renderWithProviders(<ProductsRoute />, { url: '/products' });
    await user.click(await screen.findByRole('button', { name: 'Delete all products' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete all products?' });
    await advance(0);
    expect(within(dialog).queryByText(/Unavailable while an import/)).toBeNull();

    // Started in another tab while the dialog is open (the page's own check is every 3 s).
    imports = [importFactory({ filename: 'other-tab.csv', status: 'queued' }), ...imports];
    await advance(2_000);
    expect(await within(dialog).findByText('Unavailable while an import is queued (other-tab.csv).')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Delete all products' })).toBeDisabled();
    expect(calls.filter((call) => call.method === 'DELETE')).toHaveLength(0);
  });

  it('stops checking while the API refuses the token, and asks for none after the prompt was dismissed', async () => {
    const server = { refuses: false };
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: { items: [productFactory()], total: 1, page: 1, page_size: 50 } },
      {
        path: '/api/v1/imports',
        status: () => (server.refuses ? 401 : 200),
        body: () => (server.refuses ? { detail: 'Not authenticated' } : { items: [], total: 0, page: 1, page_size: 20 }),
      },
    ]);
    const user = setupUserOnFakeClock();
    renderWithProviders(
      <>
        <ProductsRoute />
        <TokenPrompt />
      </>,
      { url: '/products' },
    );
    await user.click(await screen.findByRole('button', { name: 'Delete all products' }));
    server.refuses = true; // the token is revoked
    await advance(2_000);
    const prompt = screen.getByRole('dialog', { name: 'API token required' });
    await user.click(within(prompt).getByRole('button', { name: 'Cancel' }));
    expect(prompt).not.toBeInTheDocument();
    const checks = () => calls.filter((call) => call.url.startsWith('/api/v1/imports')).length;
    const checked = checks();

    await advance(60_000);
    expect(checks()).toBe(checked);
    expect(screen.queryByRole('dialog', { name: 'API token required' })).toBeNull();
    expect(screen.getByRole('alertdialog', { name: 'Delete all products?' })).toBeInTheDocument();
  });
});
