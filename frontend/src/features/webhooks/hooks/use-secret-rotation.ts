import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useFocusAfterRemoval } from '@/components/focus-after-removal';
import { useToast } from '@/components/toast';
import { formatDateTime } from '@/lib/format';
import { isInTheFuture } from '@/lib/time';
import type { Webhook } from '@/types/api';
import { webhookKeys } from '../api/query-keys';
import { isRotationUnderWay, useRotateSecret } from '../api/rotate-secret';
import type { RotateSecretDialogProps } from '../components/rotate-secret-dialog';
import { isNotFound } from '@/lib/api-error';

type Request = {
  webhook: Webhook;
  onRotated: (saved: Webhook) => void;
  /** The API refused to keep a secret: a rotation is under way, whatever the card said. */
  underWay?: boolean;
};

function rotatedMessage(saved: Webhook): string {
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
 * A rotation under way after all (409) leaves the dialog open offering only what the API takes.
 */
export function useSecretRotation() {
  const rotate = useRotateSecret();
  const queryClient = useQueryClient();
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
          setRequest(null);
          onRotated(saved);
          toast.success(rotatedMessage(saved));
        },
        onError: (error) => {
          if (isRotationUnderWay(error)) {
            const fresh = queryClient.getQueryData<Webhook[]>(webhookKeys.list())?.find((item) => item.id === webhook.id);
            setRequest({ webhook: fresh ?? webhook, onRotated, underWay: true });
            return;
          }
          setRequest(null);
          if (isNotFound(error)) {
            focusAfterRemoval.removed();
            toast.info('The webhook had been deleted: it has no secret to rotate.');
          } else {
            toast.error(`Could not rotate the secret: ${error.message}`);
          }
        },
      },
    );
  }

  const dialogProps: RotateSecretDialogProps = {
    webhook: request?.webhook ?? null,
    underWay: request?.underWay ?? false,
    isLoading: rotate.isPending,
    returnFocus: focusAfterRemoval.returnFocus,
    onClose: () => setRequest(null),
    onConfirm: confirm,
  };
  return { ask, dialogProps };
}
