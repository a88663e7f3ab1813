import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Modal, type ModalProps } from './modal';

function renderModal(children: ReactNode, props: Partial<ModalProps> = {}) {
  const dialog = (open: boolean) => (
    <>
      <button type="button">Opener</button>
      <button type="button">Elsewhere</button>
      <Modal open={open} onClose={() => undefined} title="A dialog" {...props}>
        {children}
      </Modal>
    </>
  );
  const { rerender } = render(dialog(false));
  screen.getByRole('button', { name: 'Opener' }).focus();
  rerender(dialog(true));
  return { close: () => rerender(dialog(false)) };
}

describe('Modal', () => {
  it('focuses the first field of the body, passing over a field that cannot act', () => {
    renderModal(
      <>
        <button type="button">Help</button>
        <input aria-label="Busy field" aria-disabled="true" />
        <input aria-label="Name" />
      </>,
    );
    expect(screen.getByRole('textbox', { name: 'Name' })).toHaveFocus();
  });

  it('focuses Close when the body has no field, never a control that cannot act', () => {
    // A log: a table of rows and a pager whose first buttons lead nowhere yet.
    renderModal(
      <>
        <button type="button" aria-disabled="true">
          First page
        </button>
        <button type="button">Next page</button>
      </>,
    );
    expect(screen.getByRole('button', { name: 'Close' })).toHaveFocus();
  });

  it('gives the focus back to its opener on closing', () => {
    const { close } = renderModal(<p>Text</p>);
    close();
    expect(screen.getByRole('button', { name: 'Opener' })).toHaveFocus();
  });

  it('gives the focus where returnFocus says on closing', () => {
    const { close } = renderModal(<p>Text</p>, {
      returnFocus: (opener) => opener?.nextElementSibling as HTMLElement | null,
    });
    close();
    expect(screen.getByRole('button', { name: 'Elsewhere' })).toHaveFocus();
  });
});

describe('Modal over another modal', () => {
  // The token prompt opened over an edit dialog whose save the API refused (401).
  function renderStacked() {
    const closeEdit = vi.fn();
    const closePrompt = vi.fn();
    const stacked = (promptOpen: boolean) => (
      <>
        <Modal open onClose={closeEdit} title="Edit product" footer={<button type="button">Save changes</button>}>
          <input aria-label="Name" />
        </Modal>
        <Modal
          open={promptOpen}
          onClose={closePrompt}
          title="API token required"
          footer={
            <>
              <button type="button">Cancel</button>
              <button type="button">Sign in</button>
            </>
          }
        >
          <input aria-label="API token" />
        </Modal>
      </>
    );
    const { rerender } = render(stacked(false));
    screen.getByRole('button', { name: 'Save changes' }).focus();
    rerender(stacked(true));
    return { closeEdit, closePrompt, closeTop: () => rerender(stacked(false)), user: userEvent.setup() };
  }

  it('closes only the top modal on Escape', async () => {
    const { closeEdit, closePrompt, user } = renderStacked();
    await user.keyboard('{Escape}');
    expect(closePrompt).toHaveBeenCalledTimes(1);
    expect(closeEdit).not.toHaveBeenCalled();
  });

  it("goes round the top modal's controls with Tab and Shift+Tab, reaching its field and Cancel", async () => {
    const { user } = renderStacked();
    const prompt = screen.getByRole('dialog', { name: 'API token required' });
    expect(screen.getByRole('textbox', { name: 'API token' })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.tab();
    await user.tab();
    expect(screen.getAllByRole('button', { name: 'Close' }).find((close) => prompt.contains(close))).toHaveFocus();
    await user.tab({ shift: true });
    expect(screen.getByRole('button', { name: 'Sign in' })).toHaveFocus();
    await user.tab({ shift: true });
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
  });

  it('keeps the modal under it inert until it closes, then gives the focus back inside that one', () => {
    const { closeTop } = renderStacked();
    const edit = screen.getByRole('dialog', { name: 'Edit product', hidden: true });
    expect(edit.closest('[inert]')).not.toBeNull();
    closeTop();
    expect(edit.closest('[inert]')).toBeNull();
    expect(screen.getByRole('button', { name: 'Save changes' })).toHaveFocus();
  });

  it('sends the focus to the opener of the modal under it when that one closed first', () => {
    // A delete confirmation closes on its error (401) while the token prompt it caused is open.
    const layers = (confirmOpen: boolean, promptOpen: boolean) => (
      <>
        <button type="button">Delete row</button>
        <Modal open={confirmOpen} onClose={() => undefined} title="Delete product?">
          <button type="button">Delete product</button>
        </Modal>
        <Modal open={promptOpen} onClose={() => undefined} title="API token required">
          <input aria-label="API token" />
        </Modal>
      </>
    );
    const { rerender } = render(layers(false, false));
    screen.getByRole('button', { name: 'Delete row' }).focus();
    rerender(layers(true, false));
    screen.getByRole('button', { name: 'Delete product' }).focus();
    rerender(layers(true, true));
    rerender(layers(false, true));
    expect(screen.getByRole('textbox', { name: 'API token' })).toHaveFocus();
    rerender(layers(false, false));
    expect(screen.getByRole('button', { name: 'Delete row' })).toHaveFocus();
  });
});
