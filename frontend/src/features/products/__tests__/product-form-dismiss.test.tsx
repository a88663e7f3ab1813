import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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
    const backdrop = document.querySelector<HTMLElement>('.fixed.inset-0[aria-hidden="true"]');
    await user.click(backdrop!);
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

describe('ProductFormModal refused for a field', () => {
  it('moves the focus to the SKU when the API says the SKU exists (409)', async () => {
    const duplicate = "a product with SKU 'ABC-1' already exists (SKUs are compared ignoring letter case)";
    mockFetch([{ method: 'POST', path: '/api/v1/products', status: 409, body: { detail: duplicate } }]);
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
