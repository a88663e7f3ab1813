import { useLayoutEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useFieldsAtFaultMadeKnown } from '@/hooks/use-fields-at-fault';
import { useUnsavedChangesGuard } from '@/hooks/use-unsaved-changes-guard';
import { Button } from './button';
import { ConfirmDialog } from './confirm-dialog';
import { FormAlert } from './field';
import { Modal } from './modal';
import { isFocusable } from './modal-stack';
import { ReadOnlyFields } from './read-only-fields';

export type FormModalProps = {
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  /** Ties the footer's submit button, which sits outside the form, to the form. */
  formId: string;
  submitLabel: ReactNode;
  /** Called on submit; the browser's own submit and validation are suppressed. */
  onSubmit: () => void | Promise<void>;
  /** While set: the submit button spins, Cancel is disabled, the modal cannot be dismissed, and
   * the fields, and what `formError` offers, are read-only (see `ReadOnlyFields`). */
  isSaving?: boolean;
  /** An error that belongs to no single field, shown above the fields. */
  formError?: ReactNode;
  /** The person changed something: dismissing the form (Escape, the backdrop, Close, the
   * browser's Back), which is easily done by mistake, asks before throwing their changes away, and
   * so does the browser before the tab closes. Cancel is asked for, and does not ask. Nothing is
   * asked once `closeOnly`. */
  dirty?: boolean;
  /** Nothing can be submitted any more (e.g. what the form edits was deleted elsewhere): the
   * fields are disabled, and the footer offers Close alone, which takes the keyboard focus lost
   * with the buttons it replaces or the fields. */
  closeOnly?: boolean;
  children: ReactNode;
};

/** An open modal holding one form, with a Cancel and a submit button in its footer. */
export function FormModal({
  onClose,
  title,
  description,
  formId,
  submitLabel,
  onSubmit,
  isSaving = false,
  formError,
  dirty = false,
  closeOnly = false,
  children,
}: FormModalProps) {
  const [confirmingDiscard, setConfirmingDiscard] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const errorSummaryRef = useRef<HTMLParagraphElement>(null);
  const submitEnded = useFieldsAtFaultMadeKnown(formRef, errorSummaryRef);
  // Changes that can no longer be saved are not worth a question.
  const guarded = dirty && !closeOnly;
  const leaving = useUnsavedChangesGuard(guarded);

  useLayoutEffect(() => {
    const active = document.activeElement as HTMLElement | null;
    // A field had it: the fields are disabled now.
    const lost = !isFocusable(active) || formRef.current?.contains(active);
    if (closeOnly && lost) closeRef.current?.focus();
  }, [closeOnly]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (closeOnly) return;
    void Promise.resolve(onSubmit()).finally(submitEnded);
  }

  function close() {
    if (guarded) setConfirmingDiscard(true);
    else onClose();
  }

  return (
    <Modal
      open
      onClose={close}
      preventClose={isSaving}
      title={title}
      description={description}
      footer={
        closeOnly ? (
          <Button ref={closeRef} variant="secondary" onClick={onClose}>
            Close
          </Button>
        ) : (
          <>
            <Button variant="secondary" onClick={onClose} disabled={isSaving}>
              Cancel
            </Button>
            <Button type="submit" form={formId} pending={isSaving}>
              {submitLabel}
            </Button>
          </>
        )
      }
    >
      <form ref={formRef} id={formId} onSubmit={submit} noValidate className="space-y-4">
        {/* Filled after each submit refused for some fields (see `useFieldsAtFaultMadeKnown`). */}
        <p ref={errorSummaryRef} aria-live="polite" className="sr-only" data-testid="field-error-summary" />
        {/* The error too: what it offers (e.g. loading the current values) would change the form. */}
        <ReadOnlyFields value={isSaving}>
          {formError && <FormAlert>{formError}</FormAlert>}
          {/* Disabled once nothing can be saved: the fields say so, and keep what was typed. */}
          <fieldset disabled={closeOnly} className="min-w-0 space-y-4">
            {children}
          </fieldset>
        </ReadOnlyFields>
      </form>
      <ConfirmDialog
        open={confirmingDiscard || leaving.state === 'blocked'}
        onClose={() => {
          setConfirmingDiscard(false);
          if (leaving.state === 'blocked') leaving.reset();
        }}
        onConfirm={() => {
          setConfirmingDiscard(false);
          // Back may stay on this page (e.g. to the list before a search): the form closes either way.
          if (leaving.state === 'blocked') leaving.proceed();
          onClose();
        }}
        title="Discard your changes?"
        message="What you changed in this form has not been saved."
        confirmLabel="Discard changes"
        cancelLabel="Keep editing"
      />
    </Modal>
  );
}
