import type { FormEvent, ReactNode } from 'react';
import { Button } from './button';
import { FormAlert } from './field';
import { Modal } from './modal';

export type FormModalProps = {
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  /** Ties the footer's submit button, which sits outside the form, to the form. */
  formId: string;
  submitLabel: ReactNode;
  /** Called on submit; the browser's own submit and validation are suppressed. */
  onSubmit: () => void | Promise<void>;
  /** While set: the submit button spins, Cancel is disabled and the modal cannot be dismissed. */
  isSaving?: boolean;
  /** An error that belongs to no single field, shown above the fields. */
  formError?: ReactNode;
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
  children,
}: FormModalProps) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void onSubmit();
  }

  return (
    <Modal
      open
      onClose={onClose}
      preventClose={isSaving}
      title={title}
      description={description}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={isSaving}>
            Cancel
          </Button>
          <Button type="submit" form={formId} pending={isSaving}>
            {submitLabel}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} noValidate className="space-y-4">
        {formError && <FormAlert>{formError}</FormAlert>}
        {children}
      </form>
    </Modal>
  );
}
