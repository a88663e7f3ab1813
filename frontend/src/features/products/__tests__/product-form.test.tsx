import { onlineManager } from '@tanstack/react-query';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api';
import { rebasedMessage } from '@/lib/rebased-values';
import { gate } from '@/testing/gate';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { productFactory } from '@/testing/factories';
import {
  apiErrorToFormErrors,
  productChanges,
  productToValues,
  rebaseValues,
  validateProduct,
  valuesToPayload,
} from '../components/product-form';
import { ProductFormModal } from '../components/product-form-modal';

describe('validateProduct', () => {
  it('requires a SKU and a name after trimming', () => {
    expect(validateProduct({ sku: '  ', name: '', description: '', is_active: true })).toEqual({
      sku: 'SKU is required.',
      name: 'Name is required.',
    });
  });

  it('trims what the API trims: zero-width spaces, byte order marks and Unicode spaces', () => {
    const blank = '\u200b\ufeff\u00a0\u0085\u3000';
    expect(validateProduct({ sku: '\u200b', name: blank, description: '', is_active: true })).toEqual({
      sku: 'SKU is required.',
      name: 'Name is required.',
    });
    // The limits count what is left once trimmed, and that is what is sent.
    const values = { sku: `\ufeff${'x'.repeat(64)}\u200b`, name: `\u200bKettle\u0085`, description: '', is_active: true };
    expect(validateProduct(values)).toEqual({});
    expect(valuesToPayload(values)).toMatchObject({ sku: 'x'.repeat(64), name: 'Kettle' });
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

  it('puts any other 409 (an import is writing the catalog) on the form, not on the SKU', () => {
    const detail = 'a running import is writing the catalog; nothing was changed, try again in a moment';
    expect(apiErrorToFormErrors(new ApiError(409, detail))).toEqual({
      form: 'A running import is writing the catalog; nothing was changed, try again in a moment',
    });
  });

  it('says a 412 means the product changed elsewhere since the dialog opened', () => {
    const errors = apiErrorToFormErrors(new ApiError(412, 'The product has changed since this version was read.'));
    expect(Object.keys(errors)).toEqual(['form']);
    expect(errors.form).toMatch(/changed elsewhere .* since this dialog opened/);
  });

  it('maps 422 validation details to their fields', () => {
    const error = new ApiError(422, [
      { loc: ['body', 'name'], msg: 'String should have at most 255 characters', type: 'string_too_long' },
      { loc: ['body'], msg: 'Value error, something else', type: 'value_error' },
    ]);
    expect(apiErrorToFormErrors(error)).toEqual({
      name: 'String should have at most 255 characters',
      form: 'Something else',
    });
  });
});

describe('productChanges', () => {
  it('keeps only the fields that differ, compared as they would be sent', () => {
    const original = productToValues(productFactory({ sku: 'ABC-1', name: 'Kettle', description: null }));
    expect(productChanges({ ...original, sku: ' ABC-1 ', description: '' }, original)).toEqual({});
    expect(productChanges({ ...original, name: 'Teapot ', is_active: false }, original)).toEqual({
      name: 'Teapot',
      is_active: false,
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

  it('shows the API duplicate-SKU message, as a sentence, under the SKU field and stays open', async () => {
    const detail = "a product with SKU 'ABC-1' already exists (SKUs are compared ignoring letter case)";
    const duplicate = "A product with SKU 'ABC-1' already exists (SKUs are compared ignoring letter case)";
    const { calls } = mockFetch([
      { method: 'POST', path: '/api/v1/products', status: 409, body: { detail } },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open onClose={() => undefined} />);
    await user.type(screen.getByLabelText(/^SKU/), ' ABC-1 ');
    await user.type(screen.getByLabelText(/^Name/), 'Widget');
    await user.click(screen.getByRole('button', { name: 'Create product' }));
    expect(await screen.findByText(duplicate)).toBeInTheDocument();
    expect(screen.getByLabelText(/^SKU/)).toHaveAccessibleDescription(duplicate);
    expect(calls[0].body).toEqual({ sku: 'ABC-1', name: 'Widget', description: '', is_active: true });
    expect(screen.getByRole('dialog', { name: 'New product' })).toBeInTheDocument();
  });

  it("shows the API's field errors (422) as sentences, under their field and on the form", async () => {
    mockFetch([
      {
        method: 'POST',
        path: '/api/v1/products',
        status: 422,
        body: {
          detail: [
            { loc: ['body', 'description'], msg: 'Value error, must not contain the NUL character', type: 'value_error' },
            { loc: ['body'], msg: 'Value error, must be valid Unicode text (no lone surrogates)', type: 'value_error' },
          ],
        },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open onClose={() => undefined} />);
    await user.type(screen.getByLabelText(/^SKU/), 'NUL-1');
    await user.type(screen.getByLabelText(/^Name/), 'Widget');
    await user.click(screen.getByRole('button', { name: 'Create product' }));
    const dialog = screen.getByRole('dialog', { name: 'New product' });
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /^Must be valid Unicode text \(no lone surrogates\)$/,
    );
    expect(screen.getByLabelText(/^Description/)).toHaveAccessibleDescription('Must not contain the NUL character');
  });

  it('saves an edit with PATCH of the changed fields only, if the product is still the version it opened with', async () => {
    const product = productFactory({
      id: 7,
      sku: 'ABC-7',
      name: 'Old',
      description: 'Loaded with the dialog',
      updated_at: '2026-12-06T08:00:00.123456Z',
    });
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
    expect(calls[0]).toMatchObject({
      method: 'PATCH',
      url: '/api/v1/products/7',
      // Not the description, which another tab may have changed since.
      body: { name: 'New name' },
      headers: { 'if-match': '"2026-12-06T08:00:00.123456Z"' },
    });
    expect(Object.keys(calls[0].body as object)).toEqual(['name']);
  });

  it('sends nothing when no field was changed, and closes', async () => {
    const product = productFactory({ id: 8, sku: 'SAME-8' });
    const { calls } = mockFetch([]);
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open product={product} onClose={onClose} />);
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('No changes to save.')).toBeInTheDocument();
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(0);
  });

  it('on 412 stays open, says the product changed elsewhere, and loads its current values to save on', async () => {
    const opened = productFactory({
      id: 9,
      sku: 'TWO-9',
      name: 'Kettle',
      description: 'Old text',
      updated_at: '2026-12-06T08:00:00.000001Z',
    });
    // Saved meanwhile in another tab: a new description, a newer version.
    const current = { ...opened, description: 'Text from the other tab', updated_at: '2026-12-06T08:05:00.000002Z' };
    // The API: a change naming an older version (If-Match) is refused with 412.
    const isCurrent = (headers: Headers) => headers.get('If-Match') === `"${current.updated_at}"`;
    const { calls } = mockFetch([
      {
        method: 'PATCH',
        path: '/api/v1/products/9',
        status: (_url, headers) => (isCurrent(headers) ? 200 : 412),
        body: (_url: URL, headers: Headers) =>
          isCurrent(headers)
            ? { ...current, name: 'Steel kettle', updated_at: '2026-12-06T08:06:00Z' }
            : { detail: 'The product has changed since this version was read.' },
      },
      { path: '/api/v1/products/9', body: current },
      { path: '/api/v1/products', body: { items: [], total: 0, page: 1, page_size: 50 } },
    ]);
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open product={opened} onClose={onClose} />);
    const dialog = screen.getByRole('dialog', { name: 'Edit product' });
    const name = within(dialog).getByLabelText(/^Name/);
    await user.clear(name);
    await user.type(name, 'Steel kettle');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent(/changed elsewhere .* since this dialog opened/);
    // It says what "Load current values" does: the person's changes are kept, not to be made again.
    expect(alert).toHaveTextContent('Load the current values: your changes stay on top of them.');
    expect(alert).not.toHaveTextContent(/make your change again/);
    expect(onClose).not.toHaveBeenCalled();
    for (const field of [/^SKU/, /^Name/, /^Description/]) {
      expect(within(dialog).getByLabelText(field)).not.toHaveAttribute('aria-invalid');
    }
    expect(calls[0]).toMatchObject({
      method: 'PATCH',
      body: { name: 'Steel kettle' },
      headers: { 'if-match': '"2026-12-06T08:00:00.000001Z"' },
    });

    await user.click(within(alert).getByRole('button', { name: 'Load current values' }));
    await waitFor(() => expect(within(dialog).getByLabelText(/^Description/)).toHaveValue('Text from the other tab'));
    expect(calls[1]).toMatchObject({ method: 'GET', url: '/api/v1/products/9' });
    // The person's change stays, on top of the current values.
    expect(within(dialog).getByLabelText(/^Name/)).toHaveValue('Steel kettle');
    // The button pressed is gone: the focus goes on in the first field, not to the page.
    expect(within(dialog).getByLabelText(/^SKU/)).toHaveFocus();
    expect(within(dialog).queryByRole('alert')).toBeNull();
    expect(
      within(dialog).getByText(
        'Changed elsewhere: description. The current values are loaded with your changes on top; save when ready.',
      ),
    ).toHaveAttribute('role', 'status');

    // Saved on the current version, without undoing the other tab's change.
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Saved TWO-9.')).toBeInTheDocument();
    const saved = calls.filter((call) => call.method === 'PATCH')[1];
    expect(saved.body).toEqual({ name: 'Steel kettle' });
    expect(saved.headers).toEqual({ 'if-match': '"2026-12-06T08:05:00.000002Z"' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  describe('after a conflict (412)', () => {
    const opened = productFactory({
      id: 15,
      sku: 'RACE-15',
      name: 'Kettle',
      description: 'Old text',
      is_active: true,
      updated_at: '2026-12-06T08:00:00.000001Z',
    });
    // Switched off meanwhile in another tab.
    const current = { ...opened, is_active: false, updated_at: '2026-12-06T08:05:00.000002Z' };

    /** Saves a name change, which the API refuses (412), and presses "Load current values"; the
     * current values come when `answer` is called. */
    async function loadWhileHeld() {
      let answer!: (product: unknown) => void;
      const { fetchMock } = mockFetch([
        { method: 'PATCH', path: '/api/v1/products/15', status: 412, body: { detail: 'changed' } },
        { path: '/api/v1/products/15', body: () => new Promise((resolve) => (answer = resolve)) },
        { path: '/api/v1/products', body: { items: [], total: 0, page: 1, page_size: 50 } },
      ]);
      function Editing() {
        const [open, setOpen] = useState(true);
        return <ProductFormModal open={open} product={opened} onClose={() => setOpen(false)} />;
      }
      const user = userEvent.setup();
      renderWithProviders(<Editing />);
      const dialog = screen.getByRole('dialog', { name: 'Edit product' });
      await user.clear(within(dialog).getByLabelText(/^Name/));
      await user.type(within(dialog).getByLabelText(/^Name/), 'Steel kettle');
      await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
      await user.click(await within(dialog).findByRole('button', { name: 'Load current values' }));
      const loading = () =>
        fetchMock.mock.calls.find(([url, init]) => url === '/api/v1/products/15' && (init?.method ?? 'GET') === 'GET');
      await waitFor(() => expect(loading()).toBeDefined());
      return { dialog, user, answer: (product: unknown) => answer(product), signal: () => loading()?.[1]?.signal };
    }

    it('keeps what is typed while the current values load', async () => {
      const { dialog, user, answer } = await loadWhileHeld();
      const description = within(dialog).getByLabelText(/^Description/);
      await user.type(description, ', typed meanwhile');
      answer(current);
      await waitFor(() => expect(within(dialog).getByRole('checkbox', { name: 'Active' })).not.toBeChecked());
      expect(description).toHaveValue('Old text, typed meanwhile');
      expect(within(dialog).getByLabelText(/^Name/)).toHaveValue('Steel kettle');
      // Typing on, the person keeps the focus where they are.
      expect(description).toHaveFocus();
    });

    it('stops loading the current values when the dialog closes', async () => {
      const { dialog, user, signal } = await loadWhileHeld();
      expect(signal()?.aborted).toBe(false);
      await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
      expect(dialog).not.toBeInTheDocument();
      expect(signal()?.aborted).toBe(true);
    });
  });

  describe('saving again after a conflict (412)', () => {
    const opened = productFactory({
      id: 16,
      sku: 'AGAIN-16',
      name: 'Kettle',
      description: 'Old text',
      updated_at: '2026-12-06T08:00:00.000001Z',
    });
    const current = { ...opened, description: 'Text from the other tab', updated_at: '2026-12-06T08:05:00.000002Z' };

    /** The edit dialog of a product changed elsewhere, after its first save was refused (412):
     * `refuse(n)` refuses the nth save (from 0), and `answer()` sends the current values. */
    async function editStale() {
      const refusals: (() => void)[] = [];
      const answers: (() => void)[] = [];
      const { calls } = mockFetch([
        {
          method: 'PATCH',
          path: '/api/v1/products/16',
          status: 412,
          body: () => new Promise((resolve) => refusals.push(() => resolve({ detail: 'changed' }))),
        },
        { path: '/api/v1/products/16', body: () => new Promise((resolve) => answers.push(() => resolve(current))) },
        { path: '/api/v1/products', body: { items: [], total: 0, page: 1, page_size: 50 } },
      ]);
      const user = userEvent.setup();
      renderWithProviders(<ProductFormModal open product={opened} onClose={() => undefined} />);
      const dialog = screen.getByRole('dialog', { name: 'Edit product' });
      await user.clear(within(dialog).getByLabelText(/^Name/));
      await user.type(within(dialog).getByLabelText(/^Name/), 'Steel kettle');
      const save = within(dialog).getByRole('button', { name: 'Save changes' });
      await user.click(save);
      await waitFor(() => expect(refusals).toHaveLength(1));
      refusals[0]();
      const load = await within(dialog).findByRole('button', { name: 'Load current values' });
      const gets = () => calls.filter((call) => call.method === 'GET' && call.url === '/api/v1/products/16');
      return { dialog, user, save, load, gets, refuse: (n: number) => refusals[n](), answer: () => answers[0]() };
    }

    it('does not load the current values while a save runs: the form stays as it was saved', async () => {
      const { dialog, user, save, load, gets, refuse } = await editStale();
      await user.click(save);
      await waitFor(() => expect(save).toHaveAttribute('aria-busy', 'true'));
      // Not disabled: it keeps the keyboard focus.
      expect(load).toBeEnabled();
      expect(load).toHaveAttribute('aria-disabled', 'true');
      await user.click(load);
      expect(gets()).toHaveLength(0);
      expect(within(dialog).getByLabelText(/^Description/)).toHaveValue('Old text');

      refuse(1);
      await waitFor(() => expect(save).not.toHaveAttribute('aria-busy'));
      expect(within(dialog).getByRole('alert')).toHaveTextContent(/changed elsewhere/);
      expect(load).not.toHaveAttribute('aria-disabled');
      await user.click(load);
      await waitFor(() => expect(gets()).toHaveLength(1));
    });

    it('says nothing of a conflict found by a save sent before the current values came', async () => {
      const { dialog, user, save, load, gets, refuse, answer } = await editStale();
      await user.click(load);
      await waitFor(() => expect(gets()).toHaveLength(1));
      // Saved again before the current values came: it names the old version.
      await user.click(save);
      await waitFor(() => expect(save).toHaveAttribute('aria-busy', 'true'));
      answer();
      await waitFor(() => expect(within(dialog).getByLabelText(/^Description/)).toHaveValue('Text from the other tab'));

      refuse(1);
      await waitFor(() => expect(save).not.toHaveAttribute('aria-busy'));
      // The form holds the current version now: a save would not conflict.
      expect(within(dialog).queryByRole('alert')).toBeNull();
      expect(within(dialog).getByText(/^Changed elsewhere: description\./)).toHaveAttribute('role', 'status');
      expect(within(dialog).getByLabelText(/^Name/)).toHaveValue('Steel kettle');
    });
  });

  describe('a product deleted elsewhere', () => {
    const GONE = { status: 404, body: { detail: 'product 12 not found' } };

    /** The edit dialog of product 12, its name changed; `patch` is the API's answer to saving it. */
    async function editAndSave(patch: { status: number; body: unknown }) {
      const product = productFactory({ id: 12, sku: 'GONE-12', name: 'Kettle' });
      mockFetch([
        { method: 'PATCH', path: '/api/v1/products/12', ...patch },
        { path: '/api/v1/products/12', ...GONE },
        { path: '/api/v1/products', body: { items: [], total: 0, page: 1, page_size: 50 } },
      ]);
      const onClose = vi.fn();
      const user = userEvent.setup();
      renderWithProviders(<ProductFormModal open product={product} onClose={onClose} />);
      const dialog = screen.getByRole('dialog', { name: 'Edit product' });
      await user.type(within(dialog).getByLabelText(/^Name/), ' 2');
      await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
      return { dialog, user, onClose };
    }

    async function expectCloseOnly({ dialog, user, onClose }: Awaited<ReturnType<typeof editAndSave>>) {
      expect(await within(dialog).findByRole('alert')).toHaveTextContent(
        /^This product no longer exists: it was deleted elsewhere\.$/,
      );
      expect(within(dialog).queryByRole('button', { name: 'Save changes' })).toBeNull();
      expect(within(dialog).queryByRole('button', { name: 'Load current values' })).toBeNull();
      // The button pressed is gone: the keyboard focus goes to the one left, not to the page.
      // The footer's, below the form (the dialog's corner has its own).
      const close = within(dialog).getAllByRole('button', { name: 'Close' }).at(-1);
      expect(close).toHaveFocus();
      // Nothing can be saved: the fields say so, and keep what was typed.
      expect(within(dialog).getByLabelText(/^Name/)).toBeDisabled();
      expect(within(dialog).getByLabelText(/^Name/)).toHaveValue('Kettle 2');
      await user.click(close!);
      expect(onClose).toHaveBeenCalledTimes(1);
    }

    it('its save offers no Save any more, only Close', async () => {
      await expectCloseOnly(await editAndSave(GONE));
    });

    it('loading its current values after a 412 offers no Save any more, only Close', async () => {
      const edit = await editAndSave({ status: 412, body: { detail: 'The product has changed since.' } });
      await edit.user.click(await within(edit.dialog).findByRole('button', { name: 'Load current values' }));
      await expectCloseOnly(edit);
    });
  });

  it('shows a 409 from a running import on the form, not under the SKU', async () => {
    const busy = 'a running import is writing the catalog; nothing was changed, try again in a moment';
    const product = productFactory({ id: 10, sku: 'BUSY-10', name: 'Busy' });
    mockFetch([{ method: 'PATCH', path: '/api/v1/products/10', status: 409, body: { detail: busy } }]);
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open product={product} onClose={() => undefined} />);
    const dialog = screen.getByRole('dialog', { name: 'Edit product' });
    await user.type(within(dialog).getByLabelText(/^Name/), ' 2');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'A running import is writing the catalog; nothing was changed, try again in a moment',
    );
    const sku = within(dialog).getByLabelText(/^SKU/);
    expect(sku).not.toHaveAttribute('aria-invalid');
    expect(sku).toHaveAccessibleDescription('Unique, case-insensitive, up to 64 characters.');
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

  it('keeps every field read-only, but focusable, while a save runs: nothing typed after Save is dropped', async () => {
    const product = productFactory({ id: 7, sku: 'KETTLE-1', name: 'Kettle', description: '', is_active: true });
    const hold = gate();
    let saves = 0;
    // The first save waits behind an import, then is refused: the next one sends what the form holds.
    const { calls } = mockFetch([
      {
        method: 'PATCH',
        path: '/api/v1/products/7',
        status: () => (++saves === 1 ? 409 : 200),
        body: async () => {
          if (saves > 1) return { ...product, name: 'Kettle 2' };
          await hold.passed;
          return { detail: 'a running import is writing the catalog; nothing was changed, try again in a moment' };
        },
      },
    ]);
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open product={product} onClose={onClose} />);
    const name = screen.getByLabelText(/^Name/);
    await user.clear(name);
    await user.type(name, 'Kettle 2');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(name).toHaveAttribute('readonly'));

    // The save waits (an import holds the catalog): the person goes on editing.
    const description = screen.getByLabelText(/^Description/);
    await user.type(description, 'typed while saving');
    expect(description).toHaveFocus();
    expect(description).toHaveValue('');
    const active = screen.getByRole('checkbox', { name: 'Active' });
    await user.click(active);
    expect(active).toBeChecked();
    expect(active).toHaveAttribute('aria-readonly', 'true');

    hold.open();
    expect(await screen.findByText(/^A running import is writing the catalog/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(calls.filter((call) => call.method === 'PATCH').map((call) => call.body)).toEqual([
      { name: 'Kettle 2' },
      { name: 'Kettle 2' },
    ]);
  });

  it('makes its fields editable again when the save is refused', async () => {
    mockFetch([{ method: 'POST', path: '/api/v1/products', status: 409, body: { detail: 'A product with SKU ONE-1 already exists.' } }]);
    const user = userEvent.setup();
    renderWithProviders(<ProductFormModal open onClose={() => undefined} />);
    await user.type(screen.getByLabelText(/^SKU/), 'ONE-1');
    await user.type(screen.getByLabelText(/^Name/), 'Kettle');
    await user.click(screen.getByRole('button', { name: 'Create product' }));
    expect(await screen.findByText('A product with SKU ONE-1 already exists.')).toBeInTheDocument();
    const sku = screen.getByLabelText(/^SKU/);
    expect(sku).not.toHaveAttribute('readonly');
    await user.type(sku, '-B');
    expect(sku).toHaveValue('ONE-1-B');
    await user.click(screen.getByRole('checkbox', { name: 'Active' }));
    expect(screen.getByRole('checkbox', { name: 'Active' })).not.toBeChecked();
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

describe('rebaseValues', () => {
  const started = { sku: 'A-1', name: 'Kettle', description: 'Old', is_active: true };
  it('keeps the person\'s changes on the current values and names what changed elsewhere', () => {
    const mine = { ...started, name: 'Steel kettle', description: 'Mine' };
    const current = { ...started, description: 'Theirs', is_active: false };
    const rebased = rebaseValues(mine, started, current);
    expect(rebased.values).toEqual({ sku: 'A-1', name: 'Steel kettle', description: 'Mine', is_active: false });
    expect(rebased.changedElsewhere).toEqual(['description', 'active']);
    expect(rebased.keptYours).toEqual(['description']);
    expect(rebasedMessage(rebased)).toBe(
      'Changed elsewhere: description, active. Your value is kept for description: check it. ' +
        'The current values are loaded with your changes on top; save when ready.',
    );
  });
});
