import { onlineManager } from '@tanstack/react-query';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { productFactory } from '@/testing/factories';
import { apiErrorToFormErrors, validateProduct } from '../components/product-form';
import { ProductFormModal } from '../components/product-form-modal';

describe('validateProduct', () => {
  it('requires a SKU and a name after trimming', () => {
    expect(validateProduct({ sku: '  ', name: '', description: '', is_active: true })).toEqual({
      sku: 'SKU is required.',
      name: 'Name is required.',
    });
  });

  it('counts characters, not bytes, against the limits', () => {
    expect(validateProduct({ sku: 'é'.repeat(64), name: '名'.repeat(255), description: '', is_active: true })).toEqual({});
    const errors = validateProduct({ sku: 'x'.repeat(65), name: 'n'.repeat(256), description: 'd'.repeat(10_001), is_active: true });
    expect(Object.keys(errors).sort()).toEqual(['description', 'name', 'sku']);
  });
});

describe('apiErrorToFormErrors', () => {
  it('puts a 409 duplicate SKU on the SKU field', () => {
    expect(apiErrorToFormErrors(new ApiError(409, 'A product with SKU ABC-1 already exists.'))).toEqual({
      sku: 'A product with SKU ABC-1 already exists.',
    });
  });

  it('maps 422 validation details to their fields', () => {
    const error = new ApiError(422, [
      { loc: ['body', 'name'], msg: 'String should have at most 255 characters', type: 'string_too_long' },
      { loc: ['body'], msg: 'Value error, something else', type: 'value_error' },
    ]);
    expect(apiErrorToFormErrors(error)).toEqual({
      name: 'String should have at most 255 characters',
      form: 'something else',
    });
  });
});

describe('ProductFormModal', () => {
  it('shows required-field messages without calling the API', async () => {
    const { calls } = mockFetch([]);
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open onClose={() => undefined} />);
    await user.click(screen.getByRole('button', { name: 'Create product' }));
    expect(screen.getByLabelText(/^SKU/)).toHaveAccessibleDescription('SKU is required.');
    expect(screen.getByLabelText(/^Name/)).toHaveAttribute('aria-invalid', 'true');
    expect(calls).toHaveLength(0);
  });

  it('shows the API duplicate-SKU message under the SKU field and stays open', async () => {
    const { calls } = mockFetch([
      { method: 'POST', path: '/api/v1/products', status: 409, body: { detail: 'SKU ABC-1 already exists' } },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open onClose={() => undefined} />);
    await user.type(screen.getByLabelText(/^SKU/), ' ABC-1 ');
    await user.type(screen.getByLabelText(/^Name/), 'Widget');
    await user.click(screen.getByRole('button', { name: 'Create product' }));
    expect(await screen.findByText('SKU ABC-1 already exists')).toBeInTheDocument();
    expect(calls[0].body).toEqual({ sku: 'ABC-1', name: 'Widget', description: '', is_active: true });
    expect(screen.getByRole('dialog', { name: 'New product' })).toBeInTheDocument();
  });

  it('saves an edit with PATCH and closes with a toast', async () => {
    const product = productFactory({ id: 7, sku: 'ABC-7', name: 'Old' });
    const { calls } = mockFetch([
      { method: 'PATCH', path: '/api/v1/products/7', body: { ...product, name: 'New name' } },
      { path: '/api/v1/products', body: { items: [], total: 0, page: 1, page_size: 50 } },
    ]);
    let closed = false;
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open product={product} onClose={() => (closed = true)} />);
    const name = screen.getByLabelText(/^Name/);
    await user.clear(name);
    await user.type(name, 'New name');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Saved ABC-7.')).toBeInTheDocument();
    expect(closed).toBe(true);
    expect(calls[0]).toMatchObject({ method: 'PATCH', body: { sku: 'ABC-7', name: 'New name' } });
  });

  it('keeps the submit button focusable while it saves, and saves once however often it is pressed', async () => {
    let answer!: (product: unknown) => void;
    const { calls } = mockFetch([
      { method: 'POST', path: '/api/v1/products', body: () => new Promise((resolve) => (answer = resolve)) },
    ]);
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open onClose={onClose} />);
    await user.type(screen.getByLabelText(/^SKU/), 'ONE-1');
    await user.type(screen.getByLabelText(/^Name/), 'Saved once');
    const submit = screen.getByRole('button', { name: 'Create product' });
    await user.click(submit);
    await waitFor(() => expect(submit).toHaveAttribute('aria-busy', 'true'));
    // Not disabled: a disabled button would drop the keyboard focus to the page.
    expect(submit).toBeEnabled();
    expect(submit).toHaveAttribute('aria-disabled', 'true');
    await user.click(submit);
    answer(productFactory({ sku: 'ONE-1', name: 'Saved once' }));
    expect(await screen.findByText('Created ONE-1.')).toBeInTheDocument();
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(calls.filter((call) => call.method === 'POST')).toHaveLength(1);
  });

  it('fails at once while offline, with a message and a way to close', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    onlineManager.setOnline(false);
    try {
      const onClose = vi.fn();
      const user = userEvent.setup();
      renderWithProviders(<ProductFormModal open onClose={onClose} />);
      await user.type(screen.getByLabelText(/^SKU/), 'OFF-1');
      await user.type(screen.getByLabelText(/^Name/), 'Offline');
      await user.click(screen.getByRole('button', { name: 'Create product' }));
      const dialog = screen.getByRole('dialog', { name: 'New product' });
      expect(await within(dialog).findByText(/The server could not be reached\./)).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Create product' })).toBeEnabled();
      await user.click(screen.getByRole('button', { name: 'Cancel' }));
      expect(onClose).toHaveBeenCalled();
    } finally {
      onlineManager.setOnline(true);
    }
  });

  it('shows a plain message, not the page, when the server fails with HTML', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('<html>Internal Server Error</html>', { status: 500, headers: { 'Content-Type': 'text/html' } })),
    );
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open onClose={() => undefined} />);
    await user.type(screen.getByLabelText(/^SKU/), 'ERR-1');
    await user.type(screen.getByLabelText(/^Name/), 'Error');
    await user.click(screen.getByRole('button', { name: 'Create product' }));
    const dialog = screen.getByRole('dialog', { name: 'New product' });
    expect(await within(dialog).findByText('The server failed (500). Try again.')).toBeInTheDocument();
    expect(screen.queryByText(/<html>/)).toBeNull();
  });
});
