import { useEffect, useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/button';
import { Modal, type ModalProps } from '@/components/modal';
import { useSubmitOnce } from '@/hooks/use-submit-once';
import { formatDateTime, hideUrlPassword } from '@/lib/format';
import { isInTheFuture } from '@/lib/time';
import type { Webhook } from '@/types/api';

/** How long the old secret keeps signing unless stopped at once: 24 hours, the API's default. */
const KEEP_PREVIOUS_SECONDS = 24 * 3600;

export type RotateSecretDialogProps = {
  /** The webhook whose secret is rotated: the dialog is open while it is set. */
  webhook: Webhook | null;
  onClose: () => void;
  /** With how long the old secret keeps signing (0: not at all). */
  onConfirm: (keepPreviousSeconds: number) => void;
  /** The API refused to keep a secret (409): only "Stop it now" is offered, whatever the webhook's
   * copy says about the rotation before. */
  underWay?: boolean;
  /** The rotation runs: Rotate spins and ignores presses, the dialog cannot be dismissed. */
  isLoading?: boolean;
  /** See `Modal`: where the focus goes on closing. */
  returnFocus?: ModalProps['returnFocus'];
};

/**
 * Confirms a secret rotation and asks what becomes of the old secret: it keeps signing for 24
 * hours (so the receiver switches without missing an event), or stops at once (a leaked secret).
 * A `ConfirmDialog` with a choice in it; like it, a second confirmation is ignored from the
 * first press on.
 */
export function RotateSecretDialog(props: RotateSecretDialogProps) {
  if (!props.webhook) return null;
  return <RotateSecretDialogContent {...props} webhook={props.webhook} />;
}

function RotateSecretDialogContent({
  webhook,
  onClose,
  onConfirm,
  underWay: refused = false,
  isLoading = false,
  returnFocus,
}: RotateSecretDialogProps & { webhook: Webhook }) {
  // Rotated before, and the secret replaced then still signs: the API takes only a rotation
  // that keeps no old secret until it expires (the receiver may still hold that one).
  const earlier = isInTheFuture(webhook.previous_secret_expires_at) ? webhook.previous_secret_expires_at : null;
  const underWay = refused || Boolean(earlier);
  const [keepChosen, setKeepChosen] = useState(!underWay);
  const keepPrevious = keepChosen && !underWay;
  const id = useId();
  useEffect(() => {
    // The Keep choice the person confirmed from is gone: the focus stays in the dialog, on what is left.
    if (refused && (document.activeElement === null || document.activeElement === document.body)) {
      document.getElementById(`${id}-stop`)?.focus();
    }
  }, [refused, id]);

  // A second rotation would also end the old secret at once: it would keep the first new one,
  // not the one the receiver has. After a refusal (the dialog stays open) "Stop it now" may be confirmed.
  const submitOnce = useSubmitOnce(isLoading, refused);

  function submit(event: FormEvent) {
    event.preventDefault();
    submitOnce(() => onConfirm(keepPrevious ? KEEP_PREVIOUS_SECONDS : 0));
  }

  // Not disabled while it runs: the focus may be on a choice, and a disabled one drops it.
  const choose = (keep: boolean) => {
    if (!isLoading) setKeepChosen(keep);
  };

  return (
    <Modal
      open
      onClose={onClose}
      title="Rotate signing secret?"
      description={
        underWay ? (
          <>
            Events to <span className="break-all">{hideUrlPassword(webhook.url)}</span> will be signed with a new
            secret only: the old secrets stop signing at once.
          </>
        ) : (
          <>
            Events to <span className="break-all">{hideUrlPassword(webhook.url)}</span> will be signed with a new
            secret. For 24 hours each event is signed with both the old and the new secret, so the receiver can switch
            to the new one without missing an event. After that, only the new secret signs.
          </>
        )
      }
      role="alertdialog"
      preventClose={isLoading}
      returnFocus={returnFocus}
    >
      <form onSubmit={submit} className="space-y-4">
        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-slate-800">The old secret</legend>
          {!underWay && (
            <Choice
              id={`${id}-keep`}
              name={`${id}-old-secret`}
              checked={keepPrevious}
              pending={isLoading}
              onChoose={() => choose(true)}
              label="Keep it for 24 hours (recommended)"
              hint="Give the receiver the new secret within that time."
            />
          )}
          <Choice
            id={`${id}-stop`}
            name={`${id}-old-secret`}
            checked={!keepPrevious}
            pending={isLoading}
            onChoose={() => choose(false)}
            label="Stop it now"
            hint="For a secret that leaked: until the receiver has the new secret, it rejects the events."
          />
        </fieldset>
        {underWay && <UnderWay until={refused ? webhook.previous_secret_expires_at : earlier} refused={refused} />}
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={onClose} disabled={isLoading}>
            Cancel
          </Button>
          <Button type="submit" pending={isLoading}>
            Rotate secret
          </Button>
        </div>
      </form>
    </Modal>
  );
}

/** Why only "Stop it now" is offered; announced when it replaces the choice after a refusal. */
function UnderWay({ until, refused }: { until: string | null | undefined; refused: boolean }) {
  return (
    <p
      role={refused ? 'alert' : undefined}
      className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-200"
    >
      {refused && 'The server could not keep the old secret: it was rotated shortly before. '}A rotation is under
      way: the secret replaced last time still signs
      {until ? ` until ${formatDateTime(until)}` : ' for a while'}. Rotating now stops both old secrets at once; to
      keep one signing for 24 hours, rotate after that time.
    </p>
  );
}

type ChoiceProps = {
  id: string;
  name: string;
  checked: boolean;
  pending: boolean;
  onChoose: () => void;
  label: string;
  hint: string;
};

function Choice({ id, name, checked, pending, onChoose, label, hint }: ChoiceProps) {
  return (
    <div className="flex items-start gap-2">
      <input
        id={id}
        type="radio"
        name={name}
        checked={checked}
        onChange={onChoose}
        aria-describedby={`${id}-hint`}
        aria-disabled={pending || undefined}
        className="mt-0.5 size-4 shrink-0 accent-indigo-600"
      />
      <div className="text-sm">
        <label htmlFor={id} className="font-medium text-slate-800">
          {label}
        </label>
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      </div>
    </div>
  );
}
