import type { ComponentProps } from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ConfirmDialog } from './confirm-dialog';

function setup(props: Partial<ComponentProps<typeof ConfirmDialog>> = {}) {
  const onConfirm = vi.fn();
  const onClose = vi.fn();
  const dialog = (changed: Partial<ComponentProps<typeof ConfirmDialog>> = {}) => (
    <>
      <button type="button">Opener</button>
      <ConfirmDialog
        open
        title="Delete all products?"
        message="Are you sure? This cannot be undone."
        confirmLabel="Delete all products"
        onConfirm={onConfirm}
        onClose={onClose}
        {...props}
        {...changed}
      />
    </>
  );
  const { rerender } = render(dialog());
  return { onConfirm, onClose, user: userEvent.setup(), rerender: (changed: typeof props) => rerender(dialog(changed)) };
}

describe('ConfirmDialog', () => {
  it('is an alert dialog named by its title and described by its message', () => {
    setup();
    const dialog = screen.getByRole('alertdialog', { name: 'Delete all products?' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toHaveAccessibleDescription('Are you sure? This cannot be undone.');
  });

  it('keeps confirm disabled until the confirmation word is typed', async () => {
    const { onConfirm, user } = setup({ confirmationText: 'DELETE' });
    const confirm = screen.getByRole('button', { name: 'Delete all products' });
    const input = screen.getByLabelText(/type delete to confirm/i);
    expect(input).toHaveFocus();
    expect(confirm).toBeDisabled();
    await user.type(input, 'delete');
    expect(confirm).toBeDisabled();
    await user.clear(input);
    await user.type(input, 'DELETE');
    expect(confirm).toBeEnabled();
    await user.click(confirm);
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('confirms with Enter once the word matches', async () => {
    const { onConfirm, user } = setup({ confirmationText: 'DELETE' });
    await user.type(screen.getByLabelText(/type delete to confirm/i), 'DELETE{Enter}');
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('says what is expected when Enter is pressed on another word, in capitals when only the case differs', async () => {
    const { onConfirm, user } = setup({ confirmationText: 'DELETE' });
    const input = screen.getByLabelText(/type delete to confirm/i);
    await user.type(input, 'delete{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent(/^Type DELETE in capitals\.$/);
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('Type DELETE in capitals.');

    await user.clear(input);
    expect(screen.queryByRole('alert')).toBeNull();
    await user.type(input, 'remove{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent(/^Type DELETE to confirm\.$/);
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('keeps the typed word focusable, read-only, while the action runs', async () => {
    const { onConfirm, rerender, user } = setup({ confirmationText: 'DELETE' });
    const input = screen.getByLabelText(/type delete to confirm/i);
    await user.type(input, 'DELETE{Enter}');
    rerender({ isLoading: true });
    // Not disabled: Enter in it confirmed, and a disabled field would drop the keyboard focus to the page.
    expect(input).toBeEnabled();
    expect(input).toHaveAttribute('readonly');
    await user.type(input, 'D{Enter}');
    expect(input).toHaveValue('DELETE');
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('confirms once when pressed twice before the action shows it runs, and again once it has ended', async () => {
    const { onConfirm, rerender, user } = setup({ confirmationText: 'DELETE' });
    const input = screen.getByLabelText(/type delete to confirm/i);
    await user.type(input, 'DELETE');
    const confirm = screen.getByRole('button', { name: 'Delete all products' });
    fireEvent.click(confirm);
    fireEvent.submit(input.closest('form')!);
    expect(onConfirm).toHaveBeenCalledTimes(1);
    // The action ran and failed, and the dialog stayed open: it may be confirmed again.
    rerender({ isLoading: true });
    rerender({ isLoading: false });
    fireEvent.click(confirm);
    expect(onConfirm).toHaveBeenCalledTimes(2);
  });

  it('shows why the action cannot run now, and does not confirm until that clears', async () => {
    const { onConfirm, rerender, user } = setup({ confirmationText: 'DELETE' });
    const input = screen.getByLabelText(/type delete to confirm/i);
    rerender({ blockedReason: 'Unavailable while an import is running (stock.csv).' });
    expect(screen.getByRole('alert')).toHaveTextContent('Unavailable while an import is running (stock.csv).');
    await user.type(input, 'DELETE{Enter}');
    expect(input).toHaveValue('');
    expect(screen.getByRole('button', { name: 'Delete all products' })).toBeDisabled();
    expect(onConfirm).not.toHaveBeenCalled();
    rerender({ blockedReason: null });
    expect(screen.queryByRole('alert')).toBeNull();
    await user.type(input, 'DELETE{Enter}');
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('closes on Escape and on Cancel', async () => {
    const { onClose, user } = setup();
    await user.keyboard('{Escape}');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it('traps focus inside the dialog', async () => {
    const { user } = setup({ confirmationText: 'DELETE' });
    const dialog = screen.getByRole('alertdialog');
    for (let i = 0; i < 6; i += 1) {
      await user.tab();
      expect(dialog).toContainElement(document.activeElement as HTMLElement);
    }
    await user.tab({ shift: true });
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
  });

  it('does not close and shows progress while the action runs', async () => {
    const { onClose, user } = setup({ isLoading: true });
    await user.keyboard('{Escape}');
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Delete all products' })).toHaveAttribute('aria-busy', 'true');
  });
});
