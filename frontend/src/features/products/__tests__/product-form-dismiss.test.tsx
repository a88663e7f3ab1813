import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { productFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { ProductFormModal } from '../components/product-form-modal';

describe('ProductFormModal dismissed with changes', () => {
  it('asks before Escape throws typed changes away; Escape in the question closes only the question', async () => {
    mockFetch([]);
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open product={productFactory({ name: 'Kettle' })} onClose={onClose} />);
    const dialog = screen.getByRole('dialog', { name: 'Edit product' });
    const name = within(dialog).getByLabelText(/^Name/);
    await user.type(name, ' 2');

    await user.keyboard('{Escape}');
    const question = screen.getByRole('alertdialog', { name: 'Discard your changes?' });
    expect(within(question).getByRole('button', { name: 'Keep editing' })).toHaveFocus();
    expect(onClose).not.toHaveBeenCalled();

    await user.keyboard('{Escape}');
    expect(question).not.toBeInTheDocument();
    expect(dialog).toBeInTheDocument();
    expect(name).toHaveValue('Kettle 2');
    expect(name).toHaveFocus();
    expect(onClose).not.toHaveBeenCalled();

    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await user.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('asks when the backdrop is clicked after typing in a new product', async () => {
    mockFetch([]);
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open onClose={onClose} />);
    await user.type(screen.getByLabelText(/^SKU/), 'NEW-1');
    await user.click(screen.getByTestId('modal-backdrop'));
    expect(screen.getByRole('alertdialog', { name: 'Discard your changes?' })).toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('closes at once when nothing was changed (or a change was typed back)', async () => {
    mockFetch([]);
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open product={productFactory({ name: 'Kettle' })} onClose={onClose} />);
    await user.type(screen.getByLabelText(/^Name/), 'x{Backspace}');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

/** A page with the button that opens the new product form. */
function NewProductPage() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        New product
      </button>
      <ProductFormModal open={open} onClose={() => setOpen(false)} />
    </>
  );
}

describe('ProductFormModal: where the focus goes after the discard question', () => {
  it('back to the form after the backdrop and Keep editing; back to the opener after Discard', async () => {
    mockFetch([]);
    const user = userEvent.setup();
    renderWithProviders(<NewProductPage />);
    const opener = screen.getByRole('button', { name: 'New product' });
    await user.click(opener);
    const sku = screen.getByLabelText(/^SKU/);
    await user.type(sku, 'NEW-1');

    // A click on the backdrop leaves the focus on nothing (the page's body).
    await user.click(screen.getAllByTestId('modal-backdrop')[0]);
    await user.click(screen.getByRole('button', { name: 'Keep editing' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(sku).toHaveFocus();

    await user.click(screen.getAllByTestId('modal-backdrop')[0]);
    await user.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(opener).toHaveFocus();
  });

  it('back to the opener after Close and Discard', async () => {
    mockFetch([]);
    const user = userEvent.setup();
    renderWithProviders(<NewProductPage />);
    const opener = screen.getByRole('button', { name: 'New product' });
    await user.click(opener);
    await user.type(screen.getByLabelText(/^SKU/), 'NEW-1');
    await user.click(screen.getByRole('button', { name: 'Close' }));
    await user.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(opener).toHaveFocus();
  });
});

/** Whether leaving the page now would make the browser ask first. */
function leavingAsks(): boolean {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}

describe("ProductFormModal and the browser's Back button", () => {
  /** The Products page with the new product form, opened after coming from the Import page. */
  async function openFormAfterNavigating() {
    mockFetch([]);
    const user = userEvent.setup();
    const { router } = renderWithProviders(<NewProductPage />, { url: '/' });
    await act(() => router.navigate('/products'));
    await user.click(screen.getByRole('button', { name: 'New product' }));
    return { user, back: () => act(() => router.navigate(-1)) };
  }

  it('asks before Back throws typed changes away; Keep editing stays on the page with them', async () => {
    const { user, back } = await openFormAfterNavigating();
    const sku = screen.getByLabelText(/^SKU/);
    await user.type(sku, 'NEW-1');

    await back();
    const question = screen.getByRole('alertdialog', { name: 'Discard your changes?' });
    expect(screen.getByTestId('location')).toHaveTextContent('/products');
    await user.click(within(question).getByRole('button', { name: 'Keep editing' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByTestId('location')).toHaveTextContent('/products');
    expect(sku).toHaveValue('NEW-1');
    expect(sku).toHaveFocus();
  });

  it('goes back, with the form closed, once the changes are discarded', async () => {
    const { user, back } = await openFormAfterNavigating();
    await user.type(screen.getByLabelText(/^SKU/), 'NEW-1');
    await back();
    await user.click(screen.getByRole('button', { name: 'Discard changes' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('makes the browser ask before the tab closes or reloads (or Back leaves the app) only while there are changes', async () => {
    const { user } = await openFormAfterNavigating();
    expect(leavingAsks()).toBe(false);
    const sku = screen.getByLabelText(/^SKU/);
    await user.type(sku, 'N');
    expect(leavingAsks()).toBe(true);
    await user.clear(sku);
    expect(leavingAsks()).toBe(false);
  });

  it('goes back at once when nothing was changed', async () => {
    const { back } = await openFormAfterNavigating();
    await back();
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/));
  });
});

describe('ProductFormModal refused for a field', () => {
  it('moves the focus to the SKU when the API says the SKU exists (409)', async () => {
    const detail = "a product with SKU 'ABC-1' already exists (SKUs are compared ignoring letter case)";
    const duplicate = "A product with SKU 'ABC-1' already exists (SKUs are compared ignoring letter case)";
    mockFetch([{ method: 'POST', path: '/api/v1/products', status: 409, body: { detail } }]);
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open onClose={() => undefined} />);
    await user.type(screen.getByLabelText(/^SKU/), 'ABC-1');
    await user.type(screen.getByLabelText(/^Name/), 'Widget');
    // The focus stays in Name: a click would move it to the button.
    screen.getByRole('button', { name: 'Create product' }).click();
    const sku = screen.getByLabelText(/^SKU/);
    expect(await screen.findByText(duplicate)).toBeInTheDocument();
    expect(sku).toHaveFocus();
  });
});

describe('ProductFormModal refused for several fields', () => {
  it('tells a screen reader every field at fault, again on each submit, while the focus stays in one of them', async () => {
    const { calls } = mockFetch([]);
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open onClose={() => undefined} />);
    const dialog = screen.getByRole('dialog', { name: 'New product' });
    const sku = within(dialog).getByLabelText(/^SKU/);
    const name = within(dialog).getByLabelText(/^Name/);
    await user.click(within(dialog).getByRole('button', { name: 'Create product' }));
    const summary = within(dialog).getByTestId('field-error-summary');
    expect(summary).toHaveAttribute('aria-live', 'polite');
    expect(summary).toHaveTextContent(/^2 fields need attention: SKU, Name\.$/);
    expect(sku).toHaveFocus();
    for (const field of [sku, name]) {
      expect(field).toHaveAttribute('aria-invalid', 'true');
      expect(field).toHaveAccessibleDescription(/is required\.$/);
    }

    // Submitted from the name, still at fault: the focus stays there, and the summary is said
    // anew. (A click on the button would move the focus to it.)
    await user.type(sku, 'ABC-1');
    const said = summary.firstChild;
    await user.click(name);
    act(() => within(dialog).getByRole('button', { name: 'Create product' }).click());
    await waitFor(() => expect(summary.firstChild).not.toBe(said));
    expect(summary).toHaveTextContent(/^1 field needs attention: Name\.$/);
    expect(name).toHaveFocus();
    expect(calls).toHaveLength(0);
  });
});

describe('ProductFormModal of a product deleted elsewhere, only Close left', () => {
  /** The edit dialog of product 12, its name changed, after a save found it deleted elsewhere;
   * opened after coming from the Import page. */
  async function editDeletedElsewhere() {
    mockFetch([
      { method: 'PATCH', path: '/api/v1/products/12', status: 404, body: { detail: 'product 12 not found' } },
      { path: '/api/v1/products', body: { items: [], total: 0, page: 1, page_size: 50 } },
    ]);
    const onClose = vi.fn();
    const user = userEvent.setup();
    const product = productFactory({ id: 12, sku: 'GONE-12', name: 'Kettle' });
    const { router } = renderWithProviders(<ProductFormModal open product={product} onClose={onClose} />, { url: '/' });
    await act(() => router.navigate('/products'));
    const dialog = screen.getByRole('dialog', { name: 'Edit product' });
    await user.type(within(dialog).getByLabelText(/^Name/), ' 2');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await within(dialog).findByText(/^This product no longer exists/);
    return { user, onClose, back: () => act(() => router.navigate(-1)) };
  }

  it('closes at once on Escape: the changes can never be saved', async () => {
    const { user, onClose } = await editDeletedElsewhere();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('closes at once when the backdrop is clicked', async () => {
    const { user, onClose } = await editDeletedElsewhere();
    await user.click(screen.getByTestId('modal-backdrop'));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('lets Back, a reload or the tab closing go ahead without asking', async () => {
    const { back } = await editDeletedElsewhere();
    expect(leavingAsks()).toBe(false);
    await back();
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/));
  });
});
