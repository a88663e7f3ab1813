import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useEffect, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { productFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { DeleteAllProducts } from '../components/delete-all-products';

describe('DeleteAllProducts', () => {
  it('cannot act and says why while an import runs, keeping the keyboard focus when one starts', async () => {
    let startImport!: () => void;
    function WhileImportsStart() {
      const [reason, setReason] = useState<string | null>(null);
      useEffect(() => {
        startImport = () => setReason('Unavailable while an import is running.');
      });
      return <DeleteAllProducts disabledReason={reason} />;
    }
    const user = userEvent.setup();
    renderWithProviders(<WhileImportsStart />);
    const button = screen.getByRole('button', { name: 'Delete all products' });
    button.focus();
    act(() => startImport());
    // Not disabled: that would drop the keyboard focus to the page.
    expect(button).toBeEnabled();
    expect(button).toHaveAttribute('aria-disabled', 'true');
    expect(button).toHaveAccessibleDescription('Unavailable while an import is running.');
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(button).toHaveFocus();
  });

  it('says how many products it deletes, counted when the dialog opens', async () => {
    const { calls } = mockFetch([
      {
        path: '/api/v1/products',
        body: { items: [productFactory()], total: 949_899, total_is_estimate: false, page: 1, page_size: 1 },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<DeleteAllProducts />);
    expect(calls).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Delete all products' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete all products?' });
    await waitFor(() =>
      expect(dialog).toHaveTextContent(
        'Are you sure? This cannot be undone. This deletes all 949,899 products in the catalog.',
      ),
    );
    // The whole catalog, unfiltered: its total is exact; one product is the least a page holds.
    expect(calls.map((call) => call.url)).toEqual(['/api/v1/products?page=1&page_size=1']);
  });

  it('never says an earlier count while the products are counted again', async () => {
    const totals = [5, 9];
    let answerSecond!: () => void;
    const secondAsked = new Promise<void>((resolve) => (answerSecond = resolve));
    mockFetch([
      {
        path: '/api/v1/products',
        body: async () => {
          const total = totals.shift();
          if (total === 9) await secondAsked;
          return { items: [productFactory()], total, total_is_estimate: false, page: 1, page_size: 1 };
        },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<DeleteAllProducts />);
    await user.click(screen.getByRole('button', { name: 'Delete all products' }));
    let dialog = screen.getByRole('alertdialog', { name: 'Delete all products?' });
    await waitFor(() => expect(dialog).toHaveTextContent('This deletes all 5 products in the catalog.'));
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await user.click(screen.getByRole('button', { name: 'Delete all products' }));
    dialog = screen.getByRole('alertdialog', { name: 'Delete all products?' });
    expect(dialog).toHaveTextContent('This deletes all products in the catalog.');
    expect(dialog).not.toHaveTextContent('5 products');
    act(() => answerSecond());
    await waitFor(() => expect(dialog).toHaveTextContent('This deletes all 9 products in the catalog.'));
  });

  it('deletes everything after the person types DELETE, also before the products are counted', async () => {
    const { calls } = mockFetch([
      { path: '/api/v1/products', body: new Promise(() => undefined) },
      { method: 'DELETE', path: '/api/v1/products/all', body: { deleted: 1234 } },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<DeleteAllProducts />);
    await user.click(screen.getByRole('button', { name: 'Delete all products' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete all products?' });
    expect(dialog).toHaveTextContent('Are you sure? This cannot be undone. This deletes all products in the catalog.');
    await user.type(within(dialog).getByRole('textbox'), 'DELETE');
    await user.click(within(dialog).getByRole('button', { name: 'Delete all products' }));
    expect(await screen.findByText('Deleted 1,234 products.')).toBeInTheDocument();
    expect(calls.filter((call) => call.method === 'DELETE')).toEqual([
      { method: 'DELETE', url: '/api/v1/products/all', body: undefined, headers: {} },
    ]);
  });

  it('shows the API refusal (409) as an error toast', async () => {
    mockFetch([
      { method: 'DELETE', path: '/api/v1/products/all', status: 409, body: { detail: 'An import is running.' } },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<DeleteAllProducts />);
    await user.click(screen.getByRole('button', { name: 'Delete all products' }));
    await user.type(screen.getByRole('textbox'), 'DELETE{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('Cannot delete all products now: An import is running.');
  });
});
