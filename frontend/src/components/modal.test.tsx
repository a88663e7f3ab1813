import { render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
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
