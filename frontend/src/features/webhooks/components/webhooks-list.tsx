import { useState } from 'react';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useConfirmedDelete } from '@/hooks/use-confirmed-delete';
import { useFailureKeptWhileRetrying } from '@/hooks/use-failure-kept-while-retrying';
import { FormAlert } from '@/components/field';
import { Spinner } from '@/components/spinner';
import { isChangedSince } from '@/lib/api-error';
import { hideUrlPassword } from '@/lib/format';
import type { Webhook } from '@/types/api';
import { useDeleteWebhook } from '../api/delete-webhook';
import { useWebhooks } from '../api/get-webhooks';
import { RotateSecretDialog } from './rotate-secret-dialog';
import { useSecretRotation } from '../hooks/use-secret-rotation';
import { WebhookCard } from './webhook-card';
import { WebhookDeliveriesModal } from './webhook-deliveries-modal';
import { WebhookFormModal } from './webhook-form-modal';

export function WebhooksList() {
  const webhooks = useWebhooks();
  const [formOpen, setFormOpen] = useState(false);
  const [editing, setEditing] = useState<Webhook | null>(null);
  const [logFor, setLogFor] = useState<Webhook | null>(null);
  const deleteWebhook = useDeleteWebhook();
  const deletion = useConfirmedDelete<Webhook>({
    itemSelector: 'li',
    mutation: deleteWebhook,
    said: {
      deleted: () => 'Webhook deleted.',
      alreadyGone: () => 'The webhook had already been deleted.',
      failed: (_webhook, error) =>
        isChangedSince(error)
          ? 'The webhook was not deleted: it was changed elsewhere since this page showed it. Check it and delete it again if need be.'
          : `Could not delete the webhook: ${error.message}`,
    },
  });
  const rotation = useSecretRotation();
  // Stays on screen while the list is asked for again (every few seconds), not swapped for the
  // spinner on each try.
  const failure = useFailureKeptWhileRetrying('webhooks', webhooks);

  return (
    <div className="space-y-4">
      <div className="flex justify-end">
        <Button
          onClick={() => {
            setEditing(null);
            setFormOpen(true);
          }}
        >
          Add webhook
        </Button>
      </div>

      {webhooks.isPending && !failure && (
        <div className="flex justify-center py-8">
          <Spinner label="Loading webhooks" />
        </div>
      )}
      {failure && <FormAlert>Could not load webhooks: {failure.message}</FormAlert>}
      {webhooks.data && webhooks.data.length === 0 && (
        <p className="rounded-lg bg-white p-6 text-center text-sm text-slate-600 ring-1 ring-slate-200">
          No webhooks yet. Add one to tell other systems about imports and product changes.
        </p>
      )}
      {webhooks.data && webhooks.data.length > 0 && (
        <ul className="space-y-3" aria-label="Webhooks">
          {webhooks.data.map((webhook) => (
            <WebhookCard
              key={webhook.id}
              webhook={webhook}
              onEdit={() => {
                setEditing(webhook);
                setFormOpen(true);
              }}
              onDelete={() => deletion.ask(webhook)}
              onShowDeliveries={() => setLogFor(webhook)}
              onRotateSecret={(onRotated) => rotation.ask(webhook, onRotated)}
            />
          ))}
        </ul>
      )}

      <WebhookFormModal open={formOpen} webhook={editing} onClose={() => setFormOpen(false)} />
      <WebhookDeliveriesModal webhook={logFor} onClose={() => setLogFor(null)} />
      <ConfirmDialog
        {...deletion.dialogProps}
        title="Delete webhook?"
        message={
          <>
            <span className="break-all">{deletion.item && hideUrlPassword(deletion.item.url)}</span> will stop
            receiving events and its delivery log will be deleted. This cannot be undone.
          </>
        }
        confirmLabel="Delete webhook"
      />
      <RotateSecretDialog {...rotation.dialogProps} />
    </div>
  );
}
