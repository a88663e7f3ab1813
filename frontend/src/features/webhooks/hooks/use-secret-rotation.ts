import { useCallback, useState } from 'react';
import { useFocusAfterRemoval } from '@/components/focus-after-removal';
import { useToast } from '@/components/toast';
import { formatDateTime } from '@/lib/format';
import type { Webhook } from '@/types/api';
import { isWebhookGone, useRotateSecret } from '../api/rotate-secret';
import type { RotateSecretDialogProps } from '../components/rotate-secret-dialog';
import { isInTheFuture } from './use-still-ahead';

type Request = { webhook: Webhook; onRotated: (saved: Webhook) => void };

export function rotatedMessage(saved: Webhook): string {
  const until = saved.previous_secret_expires_at;
  return `Secret rotated: the new one is shown on the card. ${
    isInTheFuture(until) ? `The old one still signs until ${formatDateTime(until)}.` : 'The old one no longer signs.'
  }`;
}

/**
 * Rotating a webhook's secret after a confirmation, as `useConfirmedDelete` deletes one:
 * `ask(webhook, onRotated)`, from the card's Rotate secret button, opens a `RotateSecretDialog`
 * given `dialogProps`. The dialog closes once the rotation has ended, either way; the focus goes
 * back to the button. A webhook deleted meanwhile (404) is taken as a delete elsewhere: the list
 * is fetched again and the focus goes where it goes after a delete (a neighbour's same button).
 */
export function useSecretRotation() {
  const rotate = useRotateSecret();
  const toast = useToast();
  const focusAfterRemoval = useFocusAfterRemoval('li');
  const [request, setRequest] = useState<Request | null>(null);

  const ask = useCallback(
    (webhook: Webhook, onRotated: (saved: Webhook) => void) => {
      focusAfterRemoval.opening();
      setRequest({ webhook, onRotated });
    },
    [focusAfterRemoval],
  );

  function confirm(keepPreviousSeconds: number) {
    if (!request) return;
    const { webhook, onRotated } = request;
    rotate.mutate(
      { id: webhook.id, data: { keep_previous_seconds: keepPreviousSeconds } },
      {
        onSuccess: (saved) => {
          onRotated(saved);
          toast.success(rotatedMessage(saved));
        },
        onError: (error) => {
          if (isWebhookGone(error)) {
            focusAfterRemoval.removed();
            toast.info('The webhook had been deleted: it has no secret to rotate.');
          } else {
            toast.error(`Could not rotate the secret: ${error.message}`);
          }
        },
        onSettled: () => setRequest(null),
      },
    );
  }

  const dialogProps: RotateSecretDialogProps = {
    webhook: request?.webhook ?? null,
    isLoading: rotate.isPending,
    returnFocus: focusAfterRemoval.returnFocus,
    onClose: () => setRequest(null),
    onConfirm: confirm,
  };
  return { ask, dialogProps };
}
