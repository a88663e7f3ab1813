import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useSubmitOnce } from '@/hooks/use-submit-once';
import { Button } from './button';
import { Modal, type ModalProps } from './modal';

export type ConfirmDialogProps = {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: string;
  message: ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  variant?: 'danger' | 'primary';
  /** The confirmed action runs: confirm spins and ignores presses, the dialog cannot be dismissed.
   * A second confirmation is ignored from the first press on, until this has been set and cleared
   * again (or the dialog closes). */
  isLoading?: boolean;
  /** When set, the person must type this word before the confirm button is enabled. */
  confirmationText?: string;
  /** Why the action cannot run now (it may have become so while the dialog is open): shown in
   * the dialog, and confirming is off until it is cleared. */
  blockedReason?: ReactNode;
  /** See `Modal`: where the focus goes on closing (e.g. a neighbour of the item just deleted). */
  returnFocus?: ModalProps['returnFocus'];
};

/** A confirmation that names the consequence; optionally the person types a word to confirm. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  if (!props.open) return null;
  return <ConfirmDialogContent {...props} />;
}

function ConfirmDialogContent({
  open,
  onClose,
  onConfirm,
  title,
  message,
  confirmLabel = 'Confirm',
  cancelLabel = 'Cancel',
  variant = 'danger',
  isLoading = false,
  confirmationText,
  blockedReason,
  returnFocus,
}: ConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  // Enter does nothing while the word does not match (confirm is disabled): what is expected is said.
  const [mismatchTold, setMismatchTold] = useState(false);
  const inputId = useId();
  const hintId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const matches = !confirmationText || typed.trim() === confirmationText;
  const blocked = Boolean(blockedReason);
  const submitOnce = useSubmitOnce(isLoading);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (matches && !blocked) submitOnce(onConfirm);
  }

  return (
    <Modal
      open={open}
      onClose={onClose}
      title={title}
      description={message}
      role="alertdialog"
      preventClose={isLoading}
      initialFocus={confirmationText ? inputRef : cancelRef}
      returnFocus={returnFocus}
    >
      <form onSubmit={submit} className="space-y-4">
        {blocked && (
          <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-200">
            {blockedReason}
          </p>
        )}
        {confirmationText && (
          <div className="space-y-1">
            <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">
              Type <strong className="font-mono">{confirmationText}</strong> to confirm
            </label>
            <input
              id={inputId}
              ref={inputRef}
              value={typed}
              onChange={(event) => {
                setTyped(event.target.value);
                setMismatchTold(false);
              }}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !matches && !blocked) setMismatchTold(true);
              }}
              aria-invalid={mismatchTold || undefined}
              aria-describedby={mismatchTold ? hintId : undefined}
              autoComplete="off"
              spellCheck={false}
              // Not disabled: the focus may be here (Enter confirms), and a disabled field drops it.
              readOnly={isLoading || blocked}
              className="block w-full rounded-md border-0 px-3 py-2 font-mono text-sm shadow-xs ring-1 ring-slate-500 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none"
            />
            {mismatchTold && (
              <p id={hintId} role="alert" className="text-sm text-red-700">
                {confirmationHint(typed, confirmationText)}
              </p>
            )}
          </div>
        )}
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button ref={cancelRef} variant="secondary" onClick={onClose} disabled={isLoading}>
            {cancelLabel}
          </Button>
          <Button type="submit" variant={variant} disabled={!matches || blocked} pending={isLoading}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

/** What to type, told after Enter on something else: in capitals, when only their case differs. */
function confirmationHint(typed: string, word: string): string {
  const caseOnly = typed.trim().toLowerCase() === word.toLowerCase();
  if (!caseOnly) return `Type ${word} to confirm.`;
  return word === word.toUpperCase() ? `Type ${word} in capitals.` : `Type ${word} exactly as shown.`;
}
